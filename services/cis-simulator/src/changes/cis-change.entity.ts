import type { CisChange, CisChangeItem, CisChangeType, IsoDate } from '@cms/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Person } from '../persons/person.entity';

/** Who made a change on CIS: elsewhere in DWP (broadcast to CMG), or CMG itself through an update (never broadcast back). */
export const CHANGE_ORIGINS = ['DWP', 'CMG'] as const;
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];

/** What the daily broadcast did with a change (BR-1, BR-3); null until its day has been broadcast. */
export const BROADCAST_OUTCOMES = [
  'sent',
  'replaced-same-day',
  'no-interest',
  'made-by-cmg',
  'person-deleted',
] as const;
export type BroadcastOutcome = (typeof BROADCAST_OUTCOMES)[number];

/**
 * A change recorded on a person's CIS record (BR-6 types), by DWP or by CMG's update (SU-5). Its id
 * is the broadcast transaction id. `day` is the UK day it was recorded on: its broadcast day (BR-2).
 */
@Entity('cis_change')
@Index('IDX_cis_change_day', ['day', 'personId', 'item', 'recordedAt'])
@Index('IDX_cis_change_person', ['personId', 'recordedAt'])
@Index('IDX_cis_change_pending', ['day'], { where: '"broadcast_outcome" IS NULL' })
export class CisChangeRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cis_change' })
  id: string;

  /** Order of recording, to tell apart changes recorded in the same millisecond (BR-3 "latest"). */
  @Column({ type: 'integer', generated: 'increment' })
  seq: number;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_cis_change_person' })
  person: Person;

  @Column({ type: 'date' })
  day: IsoDate;

  @Column({ name: 'change_type', type: 'text' })
  changeType: CisChangeType;

  @Column({ type: 'text' })
  item: CisChangeItem;

  @Column({ type: 'text' })
  origin: ChangeOrigin;

  @Column({ type: 'jsonb' })
  payload: CisChange;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  /** The CMG update that made this change (origin CMG). */
  @Column({ name: 'update_id', type: 'uuid', nullable: true })
  updateId: string | null;

  @Column({ name: 'broadcast_outcome', type: 'text', nullable: true })
  broadcastOutcome: BroadcastOutcome | null;

  @Column({ name: 'broadcast_batch_id', type: 'uuid', nullable: true })
  broadcastBatchId: string | null;
}
