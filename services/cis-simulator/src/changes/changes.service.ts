import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CIS_CHANGE_TYPE_INFO,
  CIS_CHANGE_TYPES,
  DomainError,
  INTEREST_TYPE_INFO,
  type CisChange,
  type CisChangeType,
  type Clock,
} from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import { broadcastDayOf, broadcastDueAt } from '../broadcasts/broadcast-schedule';
import { InterestRegistration } from '../interests/interest.entity';
import { Person } from '../persons/person.entity';
import { seededRandom } from '../persons/person-generator';
import { activeInterestsOf, auditShape, referenceOf, requireLivePerson } from '../persons/persons.service';
import { generateChange } from './change-generator';
import type { GenerateChangesDto, GenerateChangesResultView, RecordChangeDto } from './change.dto';
import { toChangeView, type ChangeView } from './change.view';
import { CisChangeRecord, type ChangeOrigin } from './cis-change.entity';
import { effectOfChange, itemOf, parseCisChange } from './cis-change-rules';

/** True when a person with these interests can be the subject of a change of `type` (benefit changes: paying parents only). */
function fits(type: CisChangeType, interests: InterestRegistration[]): boolean {
  const roles = CIS_CHANGE_TYPE_INFO[type].roles;
  return interests.some((i) => INTEREST_TYPE_INFO[i.interestType].roles.some((r) => roles.includes(r)));
}

/**
 * Changes to persons' CIS records (BR-6; CIS - Receive Broadcast Updates, step 3 lists them): recorded when made "elsewhere in DWP" (admin, generator)
 * or by CMG's updates (SU-5). Each change is applied to the record at once and kept, with its UK
 * day, for the daily broadcast (BR-2).
 */
@Injectable()
export class ChangesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Applies a valid, normalised `change` to `person` (locked by the caller in `m`), saves it and
   * records the change at `now`. CMG-made changes (`origin` CMG, with `updateId`) are never broadcast.
   */
  async record(
    m: EntityManager,
    person: Person,
    change: CisChange,
    origin: ChangeOrigin,
    now: Date,
    updateId: string | null = null,
  ): Promise<CisChangeRecord> {
    const before = auditShape(person);
    Object.assign(person, effectOfChange(change));
    person.updatedAt = now;
    await m.save(person);
    const row = await m.save(
      m.create(CisChangeRecord, {
        personId: person.id,
        day: broadcastDayOf(now),
        changeType: change.type,
        item: itemOf(change.type),
        origin,
        payload: change,
        recordedAt: now,
        updateId,
        broadcastOutcome: null,
        broadcastBatchId: null,
      }),
    );
    await recordAudit(m, {
      entityType: 'person',
      entityId: person.id,
      action: origin === 'CMG' ? 'cmg-update-applied' : 'dwp-change-recorded',
      before,
      after: { ...auditShape(person), changeType: change.type, transactionId: row.id },
      source: origin === 'CMG' ? 'cmg-update' : 'dwp',
    });
    return row;
  }

  /**
   * Records a change made elsewhere in DWP against a live record (BR-6) and updates the record.
   * @throws DomainValidationError (field `change.*`), CisReferenceNotFoundError (404), CisReference{Deleted,Superseded}Error (422)
   */
  async recordFromAdmin(dto: RecordChangeDto): Promise<ChangeView> {
    const ref = referenceOf(dto);
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const person = await requireLivePerson(m, ref, true);
      const change = parseCisChange(dto.change, person, now);
      const row = await this.record(m, person, change, 'DWP', now);
      return toChangeView(row, person, broadcastDueAt(row.day));
    });
  }

  /**
   * Records `perType` realistic changes of each of the 15 types (BR-6) on random live persons with
   * an interest registered (benefit changes only on persons with a paying parent interest), from
   * `seed`: the same seed on the same data records the same changes.
   * @throws DomainError NO_PERSONS_WITH_INTEREST (422) when no live person has an interest
   */
  async generate(dto: GenerateChangesDto): Promise<GenerateChangesResultView> {
    const now = this.clock.now();
    const r = seededRandom(dto.seed);
    return this.db.transaction(async (m) => {
      const persons = await m
        .createQueryBuilder(Person, 'p')
        .where('p.deleted = false AND p.superseded_by_nino IS NULL')
        .andWhere('EXISTS (SELECT 1 FROM interest i WHERE i.person_id = p.id AND i.deregistered_at IS NULL)')
        .orderBy('p.reference_kind')
        .addOrderBy('p.reference')
        .setLock('pessimistic_write')
        .getMany();
      if (!persons.length) {
        throw new DomainError(
          'NO_PERSONS_WITH_INTEREST',
          'precondition',
          'No live person has a CMG interest registered: seed persons or register interests first (BR-1).',
        );
      }
      const interests = await activeInterestsOf(
        m,
        persons.map((p) => p.id),
      );
      const byType: GenerateChangesResultView['byType'] = [];
      const skippedTypes: CisChangeType[] = [];
      let recorded = 0;
      for (const type of CIS_CHANGE_TYPES) {
        const candidates = persons.filter((p) => fits(type, interests.get(p.id) ?? []));
        if (!candidates.length) {
          skippedTypes.push(type);
          continue;
        }
        let count = 0;
        for (let i = 0; i < dto.perType; i++) {
          const person = r.faker.helpers.arrayElement(candidates);
          const change = parseCisChange(generateChange(r, type, person, now), person, now);
          await this.record(m, person, change, 'DWP', now);
          count++;
        }
        recorded += count;
        byType.push({ changeType: type, count });
      }
      return { recorded, byType, skippedTypes };
    });
  }
}
