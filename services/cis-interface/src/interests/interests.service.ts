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
import { ClientAccess } from '../access/client-access';
import { CisGateway } from '../cis/cis.gateway';
import type { CmsClient } from '../peers/service-requests.gateway';
import { InterestListView, InterestView, toInterestView } from './interest.dto';
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
    private readonly access: ClientAccess,
    private readonly cis: CisGateway,
  ) {}

  /**
   * Registers an interest of `interestType` on the client's CIS record (RI-1). The type must suit
   * one of the client's roles on their cases (INTEREST_TYPE_INFO: PWC/QC/ROC general, NRP general
   * or MC).
   * @throws 404 (no client), InsufficientAccessError, 422 NO_REFERENCE / INTEREST_TYPE_NOT_FOR_ROLE
   *   (RI-1), 409 INTEREST_ALREADY_REGISTERED, 503 CIS_TECHNICAL_ERROR / CIS_UNAVAILABLE
   */
  async register(actor: Actor, clientId: string, interestType: InterestType): Promise<InterestView> {
    const client = await this.access.load(actor, clientId);
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
    if (
      await this.db.manager.existsBy(InterestRegistration, { clientId, interestType, status: 'registered' })
    ) {
      throw alreadyRegistered(interestType);
    }
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
      return toInterestView(saved);
    } catch (e) {
      if (e instanceof QueryFailedError && (e as { code?: string }).code === '23505')
        throw alreadyRegistered(interestType);
      throw e;
    }
  }

  /**
   * Deregisters the client's interest of `interestType` (RI-2) in CIS and here; after that no
   * update is accepted (SU-1) and no broadcast sent for it.
   * @throws 404 INTEREST_NOT_REGISTERED, InsufficientAccessError, 503 as for register
   */
  async deregister(actor: Actor, clientId: string, interestType: InterestType): Promise<InterestView> {
    await this.access.load(actor, clientId);
    const row = await this.db.manager.findOneBy(InterestRegistration, {
      clientId,
      interestType,
      status: 'registered',
    });
    if (!row) {
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
    const saved = await this.db.transaction(async (m) => {
      const before = auditShape(row);
      row.status = 'deregistered';
      row.deregisteredAt = this.clock.now();
      row.deregisteredBy = actor.id;
      await m.save(row);
      await recordAudit(m, {
        entityType: 'interest',
        entityId: row.id,
        action: 'deregistered',
        before,
        after: auditShape(row),
      });
      return row;
    });
    return toInterestView(saved);
  }

  /** The client's interests, registered first, newest first. @throws 404, InsufficientAccessError */
  async list(actor: Actor, clientId: string): Promise<InterestListView> {
    await this.access.check(actor, clientId);
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

function alreadyRegistered(interestType: InterestType): DomainError {
  return new DomainError(
    'INTEREST_ALREADY_REGISTERED',
    'conflict',
    `A ${INTEREST_TYPE_INFO[interestType].label} is already registered for this client.`,
    { requirementId: 'RI-1' },
  );
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
