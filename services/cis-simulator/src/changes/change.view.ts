import { ApiProperty } from '@nestjs/swagger';
import { CIS_CHANGE_ITEMS, CIS_CHANGE_TYPES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { CisChange, CisChangeItem, CisChangeType, IsoDate, PersonReferenceKind } from '@cms/domain';
import type { Person } from '../persons/person.entity';
import {
  BROADCAST_OUTCOMES,
  CHANGE_ORIGINS,
  type BroadcastOutcome,
  type ChangeOrigin,
  type CisChangeRecord,
} from './cis-change.entity';
import { cisChangeSchema } from './change.schemas';

/** A change recorded on a person's CIS record, and what the daily broadcast did with it. */
export class ChangeView {
  @ApiProperty({ format: 'uuid', description: 'Also the broadcast transaction id' }) transactionId: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C' }) reference: string;
  @ApiProperty({ enum: CIS_CHANGE_TYPES, example: 'ADDRESS_CHANGE' }) changeType: CisChangeType;
  @ApiProperty({ enum: CIS_CHANGE_ITEMS, example: 'address', description: 'BR-3/BR-4 item' })
  item: CisChangeItem;
  @ApiProperty({
    enum: CHANGE_ORIGINS,
    example: 'DWP',
    description: 'CMG changes (updates) are never broadcast',
  })
  origin: ChangeOrigin;
  @ApiProperty(cisChangeSchema) payload: CisChange;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) recordedAt: Date;
  @ApiProperty({
    type: String,
    format: 'date',
    example: '2026-11-20',
    description: 'UK day recorded: the broadcast day (BR-2)',
  })
  broadcastDay: IsoDate;
  @ApiProperty({ example: '2026-11-22T00:00:00.000Z', description: 'When its day’s broadcast is due (BR-2)' })
  broadcastDueAt: Date;
  @ApiProperty({
    enum: BROADCAST_OUTCOMES,
    nullable: true,
    example: null,
    description: 'Null until its day was broadcast',
  })
  broadcastOutcome: BroadcastOutcome | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null }) broadcastBatchId:
    string | null;
}

/** Builds the API view of a change; `dueAt` as computed by broadcast-schedule. */
export function toChangeView(
  c: CisChangeRecord,
  p: Pick<Person, 'referenceKind' | 'reference'>,
  dueAt: Date,
): ChangeView {
  return {
    transactionId: c.id,
    referenceKind: p.referenceKind,
    reference: p.reference,
    changeType: c.changeType,
    item: c.item,
    origin: c.origin,
    payload: c.payload,
    recordedAt: c.recordedAt,
    broadcastDay: c.day,
    broadcastDueAt: dueAt,
    broadcastOutcome: c.broadcastOutcome,
    broadcastBatchId: c.broadcastBatchId,
  };
}
