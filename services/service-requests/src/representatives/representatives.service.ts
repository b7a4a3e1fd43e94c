import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Actor,
  Clock,
  DomainError,
  DomainValidationError,
  FieldProblem,
  nameProblem,
  normalisePhone,
  NotFoundError,
  phoneProblem,
} from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { CaseParticipant } from '../cases/case.entity';
import { ClientsService } from '../clients/clients.service';
import { ServiceRequestOutcomesService } from '../service-requests/service-request-outcomes.service';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { assertEditable } from '../service-requests/service-request.state';
import { ClientRepresentative } from './representative.entity';
import type { AddRepresentativeDto } from './representatives.controller';

/**
 * A client's representatives as contacts on their case: added or removed at the client's request
 * (SD-15, Change - Security Details step 15), every change audited, recorded on the security
 * details SR the request came with. Their own security details live in client-security (SD-18).
 */
@Injectable()
export class RepresentativesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: ClientsService,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {}

  /** The client's representatives, current and removed. @throws NotFoundError (no such client) */
  async list(clientId: string, actor: Actor): Promise<ClientRepresentative[]> {
    await this.clients.get(clientId, actor);
    return this.db.manager.find(ClientRepresentative, { where: { clientId }, order: { addedAt: 'ASC' } });
  }

  /**
   * Adds a representative on one of the client's cases (SD-15), and records it on the SR given.
   * @throws NotFoundError, DomainValidationError, DomainError NOT_THIS_CLIENTS_SR, SrRuleError
   */
  async add(clientId: string, dto: AddRepresentativeDto, actor: Actor): Promise<ClientRepresentative> {
    await this.clients.get(clientId, actor);
    const problems = [
      nameProblem(dto.firstName, 'firstName', 'first name'),
      nameProblem(dto.lastName, 'lastName', 'last name'),
    ];
    if (dto.phone) problems.push(phoneProblem(dto.phone, 'phone'));
    const found = problems.filter((p): p is FieldProblem => p !== null);
    if (found.length) throw new DomainValidationError(found);
    return this.db.transaction(async (m) => {
      if (!(await m.existsBy(CaseParticipant, { clientId, caseId: dto.caseId }))) {
        throw new DomainValidationError([
          {
            field: 'caseId',
            rule: 'participant',
            message: 'The client is not on that case.',
            requirementId: 'SD-15',
          },
        ]);
      }
      const rep = await m.save(
        m.create(ClientRepresentative, {
          clientId,
          caseId: dto.caseId,
          firstName: dto.firstName.trim(),
          lastName: dto.lastName.trim(),
          relationship: dto.relationship,
          phone: dto.phone ? normalisePhone(dto.phone) : null,
          addedBy: actor.id,
        }),
      );
      await recordAudit(m, {
        entityType: 'client',
        entityId: clientId,
        action: 'representative-added',
        after: { representativeId: rep.id, caseId: dto.caseId, relationship: dto.relationship },
      });
      if (dto.serviceRequestId)
        await this.recordOnSr(m, dto.serviceRequestId, clientId, 'Representative Added', actor);
      return rep;
    });
  }

  /**
   * Removes a current representative (the record is kept), and records it on the SR given (SD-15).
   * @throws NotFoundError, DomainError NOT_THIS_CLIENTS_SR, SrRuleError
   */
  async remove(
    clientId: string,
    representativeId: string,
    serviceRequestId: string | undefined,
    actor: Actor,
  ): Promise<ClientRepresentative> {
    await this.clients.get(clientId, actor);
    return this.db.transaction(async (m) => {
      const rep = await m.findOne(ClientRepresentative, {
        where: { id: representativeId, clientId, removedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!rep) throw new NotFoundError('Current representative', representativeId);
      rep.removedAt = this.clock.now();
      rep.removedBy = actor.id;
      await m.save(rep);
      await recordAudit(m, {
        entityType: 'client',
        entityId: clientId,
        action: 'representative-removed',
        before: { representativeId },
        after: { representativeId, removedAt: rep.removedAt },
      });
      if (serviceRequestId)
        await this.recordOnSr(m, serviceRequestId, clientId, 'Representative Removed', actor);
      return rep;
    });
  }

  /**
   * Records the request on the security details SR's activity plan (step 15), through the SR's one
   * checked outcome path (libs/sr-rules): versioned and audited on the SR.
   */
  private async recordOnSr(
    m: EntityManager,
    srId: string,
    clientId: string,
    outcome: string,
    actor: Actor,
  ): Promise<void> {
    const loaded = await this.reads.load(m, srId, true);
    if (loaded.sr.type !== 'SECURITY_DETAILS' || loaded.sr.subjectClientId !== clientId) {
      throw new DomainError(
        'NOT_THIS_CLIENTS_SR',
        'precondition',
        'That SR is not a Change Contact/Security Info SR for this client.',
        { requirementId: 'SD-15' },
      );
    }
    assertEditable(loaded.sr);
    await this.outcomes.recordProcedureOutcome(m, loaded, 'client-representative', outcome, actor);
  }
}
