import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Hits of one rate-limit key in one fixed window (e.g. `subject:<id>` per 15 minutes). Kept in
 * PostgreSQL so that every replica of the service shares the same counts.
 */
@Entity('rate_limit_bucket')
@Index('IDX_rate_limit_bucket_expires', ['expiresAt'])
export class RateLimitBucket {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'PK_rate_limit_bucket' })
  key: string;

  @PrimaryColumn('timestamptz', { name: 'window_start', primaryKeyConstraintName: 'PK_rate_limit_bucket' })
  windowStart: Date;

  @Column({ type: 'integer' })
  hits: number;

  /** End of the window; buckets past it are swept. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
