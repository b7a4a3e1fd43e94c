import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Actor,
  type Clock,
  DomainError,
  INTEREST_TYPE_INFO,
  type InterestType,
  isClientRole,
} from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource, QueryFailedError } from 'typeorm';
import { CisGateway } from '../cis/cis.gateway';
import { type CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';
import {
  type DeregisterInterestResultView,
  InterestListView,
  type RegisterInterestResultView,
  toInterestView,
} from './interest.dto';
import { InterestRegistration } from './interest.entity';

/** The client's CIS key, or 422 NO_REFERENCE when CMS holds neither a NINO nor a CRN. */
export function referenceOf(client: CmsClient): { referenceKind: 'NINO' | 'CRN'; reference: string } {
  if (client.nino) return { referenceKind: 'NINO', reference: client.nino };
  if (client.crn) return { referenceKind: 'CRN', reference: client.crn };
  throw new DomainError(
    'NO_REFERENCE',
    'precondition',
    'The client has no NINO or CRN: CIS keys every person by one.',
  );
}

/**
 * CMG's interests on clients' CIS records (CIS - Register/Deregister Interest): registered in CIS
 * and kept here, each change audited (X-2). Without one, CIS accepts no update (SU-1) and sends no
 * broadcast (BR-1).
 */
@Injectable()
export class InterestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly srs: ServiceRequestsGateway,
    private readonly cis: CisGateway,
  ) {}

  /**
   * Registers an interest of `interestType` on the client's CIS record (RI-1). The type must suit
   * one of the client's roles on their cases (INTEREST_TYPE_INFO: PWC/QC/ROC general, NRP general
   * or MC).
   * Idempotent as CIS is (RI-1): an interest of this type registered already is answered with
   * `alreadyRegistered: true`, without asking CIS again and without a second audit row; one CIS
   * already holds but CMS has not recorded (an earlier call that did not finish here) is recorded
   * now, audited once.
   * Who may is the route's access declaration.
   * @throws 404 (no client), 422 NO_REFERENCE / INTEREST_TYPE_NOT_FOR_ROLE
   *   (RI-1), 503 CIS_TECHNICAL_ERROR / CIS_UNAVAILABLE
   */
  async register(
    actor: Actor,
    clientId: string,
    interestType: InterestType,
  ): Promise<RegisterInterestResultView> {
    const client = await this.srs.getClient(clientId);
    const ref = referenceOf(client);
    const allowed = INTEREST_TYPE_INFO[interestType].roles;
    const roles = [...new Set(client.cases.map((c) => c.role))].filter(isClientRole);
    const role = roles.find((r) => allowed.includes(r));
    if (!role) {
      throw new DomainError(
        'INTEREST_TYPE_NOT_FOR_ROLE',
        'precondition',
        `${INTEREST_TYPE_INFO[interestType].label} is for a client who is ${allowed.join(' / ')} on a case; this client is ${
          roles.length ? roles.join(' / ') : 'on no case'
        }.`,
        {
          requirementId: 'RI-1',
          errors: [
            {
              field: 'interestType',
              rule: 'interest-type-for-role',
              message: `Choose an interest type for the client's role (${roles.join(', ') || 'none'}).`,
              requirementId: 'RI-1',
            },
          ],
        },
      );
    }
    const existing = await this.registered(clientId, interestType);
    if (existing) return { ...toInterestView(existing), alreadyRegistered: true };
    await this.cis.registerInterest(ref, interestType);
    try {
      const saved = await this.db.transaction(async (m) => {
        const row = await m.save(
          m.create(InterestRegistration, {
            clientId,
            ...ref,
            interestType,
            clientRole: role,
            status: 'registered',
            registeredAt: this.clock.now(),
            registeredBy: actor.id,
            deregisteredAt: null,
            deregisteredBy: null,
          }),
        );
        await recordAudit(m, {
          entityType: 'interest',
          entityId: row.id,
          action: 'registered',
          after: auditShape(row),
        });
        return row;
      });
      return { ...toInterestView(saved), alreadyRegistered: false };
    } catch (e) {
      // A concurrent registration of the same type recorded it first: the outcome holds.
      if (e instanceof QueryFailedError && (e as { code?: string }).code === '23505') {
        const row = await this.registered(clientId, interestType);
        if (row) return { ...toInterestView(row), alreadyRegistered: true };
      }
      throw e;
    }
  }

  /**
   * Deregisters the client's interest of `interestType` (RI-2) in CIS and here; after that no
   * update is accepted (SU-1) and no broadcast sent for it. Idempotent as CIS is (RI-2): an
   * interest deregistered already is answered with `alreadyDeregistered: true` (the latest
   * deregistration), without asking CIS again and without a second audit row.
   * @throws 404 (no client) / INTEREST_NOT_REGISTERED (never registered), 503 as for register
   */
  async deregister(
    actor: Actor,
    clientId: string,
    interestType: InterestType,
  ): Promise<DeregisterInterestResultView> {
    await this.srs.getClient(clientId);
    const row = await this.registered(clientId, interestType);
    if (!row) {
      const last = await this.db.manager.findOne(InterestRegistration, {
        where: { clientId, interestType, status: 'deregistered' },
        order: { deregisteredAt: 'DESC' },
      });
      if (last) return { ...toInterestView(last), alreadyDeregistered: true };
      throw new DomainError(
        'INTEREST_NOT_REGISTERED',
        'not-found',
        `No ${INTEREST_TYPE_INFO[interestType].label} is registered for this client.`,
        { requirementId: 'RI-2' },
      );
    }
    await this.cis.deregisterInterest(
      { referenceKind: row.referenceKind, reference: row.reference },
      interestType,
    );
    return this.db.transaction(async (m) => {
      // A concurrent deregistration may have recorded it first: then this one changes nothing.
      const locked = await m.findOne(InterestRegistration, {
        where: { id: row.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!locked || locked.status === 'deregistered') {
        return { ...toInterestView(locked ?? row), alreadyDeregistered: true };
      }
      const before = auditShape(locked);
      locked.status = 'deregistered';
      locked.deregisteredAt = this.clock.now();
      locked.deregisteredBy = actor.id;
      await m.save(locked);
      await recordAudit(m, {
        entityType: 'interest',
        entityId: locked.id,
        action: 'deregistered',
        before,
        after: auditShape(locked),
      });
      return { ...toInterestView(locked), alreadyDeregistered: false };
    });
  }

  /** The client's registered interest of `interestType`, if any (at most one, RI-1). */
  private registered(clientId: string, interestType: InterestType): Promise<InterestRegistration | null> {
    return this.db.manager.findOneBy(InterestRegistration, { clientId, interestType, status: 'registered' });
  }

  /** The client's interests, registered first, newest first (none for a client this service never saw). */
  async list(clientId: string): Promise<InterestListView> {
    const rows = await this.db.manager.find(InterestRegistration, {
      where: { clientId },
      order: { status: 'DESC', registeredAt: 'DESC' },
    });
    return { interests: rows.map(toInterestView) };
  }

  /** True when at least one interest is registered for the client (SU-1). */
  async hasRegisteredInterest(clientId: string): Promise<boolean> {
    return this.db.manager.existsBy(InterestRegistration, { clientId, status: 'registered' });
  }
}

function auditShape(r: InterestRegistration): Record<string, unknown> {
  return {
    clientId: r.clientId,
    referenceKind: r.referenceKind,
    interestType: r.interestType,
    clientRole: r.clientRole,
    status: r.status,
    deregisteredAt: r.deregisteredAt,
  };
}
