import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, type Actor, type Clock } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource, IsNull } from 'typeorm';
import type { PersonReferenceDto } from '../persons/person.dto';
import { findPerson, referenceOf, requireLivePerson } from '../persons/persons.service';
import { CisReferenceNotFoundError } from '../persons/persons.errors';
import type { InterestDto } from './interest.dto';
import { InterestRegistration } from './interest.entity';
import {
  toInterestView,
  type DeregisterInterestResultView,
  type InterestListView,
  type RegisterInterestResultView,
} from './interest.view';

/**
 * CMG's interests on CIS records (RI-1, RI-2; CIS - Receive Broadcast Updates, step 1 names the three types), without which CIS accepts no update from CMG (SU-1)
 * and broadcasts no change to it (BR-1).
 */
@Injectable()
export class InterestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Registers an interest (RI-1); registering one already registered changes nothing
   * (`alreadyRegistered`). Only a live record takes an interest.
   * @throws CisReferenceNotFoundError (404), CisReferenceDeletedError / CisReferenceSupersededError (422)
   */
  async register(dto: InterestDto, actor: Actor): Promise<RegisterInterestResultView> {
    const ref = referenceOf(dto);
    return this.db.transaction(async (m) => {
      const person = await requireLivePerson(m, ref, true);
      const existing = await m.findOneBy(InterestRegistration, {
        personId: person.id,
        interestType: dto.interestType,
        deregisteredAt: IsNull(),
      });
      if (existing) return { interest: toInterestView(existing, person), alreadyRegistered: true };
      const saved = await m.save(
        m.create(InterestRegistration, {
          personId: person.id,
          interestType: dto.interestType,
          registeredAt: this.clock.now(),
          registeredBy: actor.id,
          deregisteredAt: null,
          deregisteredBy: null,
        }),
      );
      await recordAudit(m, {
        entityType: 'person',
        entityId: person.id,
        action: 'interest-registered',
        after: { interestType: dto.interestType },
      });
      return { interest: toInterestView(saved, person), alreadyRegistered: false };
    });
  }

  /**
   * Deregisters an interest (RI-2): from now on CIS refuses CMG's updates (code 2) and broadcasts
   * nothing for it. Deregistering one already deregistered returns it unchanged. Works on deleted
   * and superseded records too.
   * @throws CisReferenceNotFoundError (404); DomainError INTEREST_NOT_REGISTERED (404) when it was never registered
   */
  async deregister(dto: InterestDto, actor: Actor): Promise<DeregisterInterestResultView> {
    const ref = referenceOf(dto);
    return this.db.transaction(async (m) => {
      const person = await findPerson(m, ref, true);
      if (!person) throw new CisReferenceNotFoundError(ref.kind);
      const interest = await m.findOne(InterestRegistration, {
        where: { personId: person.id, interestType: dto.interestType },
        order: { deregisteredAt: { direction: 'DESC', nulls: 'FIRST' } },
      });
      if (!interest) {
        throw new DomainError(
          'INTEREST_NOT_REGISTERED',
          'not-found',
          `CMG has no ${dto.interestType} interest on this record.`,
          { requirementId: 'RI-2' },
        );
      }
      if (interest.deregisteredAt)
        return { interest: toInterestView(interest, person), alreadyDeregistered: true };
      interest.deregisteredAt = this.clock.now();
      interest.deregisteredBy = actor.id;
      await m.save(interest);
      await recordAudit(m, {
        entityType: 'person',
        entityId: person.id,
        action: 'interest-deregistered',
        before: { interestType: dto.interestType },
      });
      return { interest: toInterestView(interest, person), alreadyDeregistered: false };
    });
  }

  /** Every interest CMG has or had on the record: registered first, newest first. @throws CisReferenceNotFoundError */
  async list(dto: PersonReferenceDto): Promise<InterestListView> {
    const ref = referenceOf(dto);
    const person = await findPerson(this.db.manager, ref);
    if (!person) throw new CisReferenceNotFoundError(ref.kind);
    const rows = await this.db.manager.find(InterestRegistration, {
      where: { personId: person.id },
      order: { registeredAt: 'DESC' },
    });
    rows.sort((a, b) => Number(a.deregisteredAt !== null) - Number(b.deregisteredAt !== null));
    return { interests: rows.map((i) => toInterestView(i, person)) };
  }
}
