import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What the local print and SMS gateways would have sent (the real ones cannot be reached from
 * here): one row per dispatch, unique per gateway and idempotency key so a retried job records once.
 */
@Entity('gateway_outbox')
@Index('UQ_gateway_outbox_key', ['gateway', 'idempotencyKey'], { unique: true })
@Index('IDX_gateway_outbox_item', ['itemId'])
export class GatewayOutboxRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_gateway_outbox' })
  id: string;

  @Column({ type: 'text' })
  gateway: 'print' | 'sms';

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
