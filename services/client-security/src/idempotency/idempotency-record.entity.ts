import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One request a caller sent with an `Idempotency-Key` and client-security applied: the answer it
 * gave, kept so that the same key and the same request get that answer again without applying twice
 * (e.g. service-requests re-sending a security details change after its answer was lost, issue #18).
 * Never the request itself: only an argon2id hash (peppered) of its canonical form, since the body
 * holds secrets (PIN, special password). Keys are per caller; a refused request stores nothing.
 */
@Entity('idempotency_key')
export class IdempotencyRecord {
  /** The caller's id (a service such as `service-requests`, or a user). */
  @PrimaryColumn('text', { name: 'caller_id', primaryKeyConstraintName: 'PK_idempotency_key' })
  callerId: string;

  /** The `Idempotency-Key` header as sent. */
  @PrimaryColumn('text', { name: 'key', primaryKeyConstraintName: 'PK_idempotency_key' })
  key: string;

  /** Which operation it was applied to, e.g. `client:change` (also inside the hashed request). */
  @Column({ type: 'text' })
  operation: string;

  /** Whose security details (client or representative id). */
  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId: string;

  /** argon2id (PHC string) of the canonical request: operation, subject and body. Never the body. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  /** The answer given (a security details view: never a secret). */
  @Column({ type: 'jsonb' })
  response: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
