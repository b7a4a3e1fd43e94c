import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { clientSecurityClient } from '@cms/clients';
import { Actor, DomainError, DomainValidationError, StaleVersionError } from '@cms/domain';
import { CONFIG, PeerHttp, recordAudit, unwrapPeer } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { ServiceRequestsConfig } from '../config';
import { ServiceRequestOutcomesService } from '../service-requests/service-request-outcomes.service';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { assertEditable, type Loaded } from '../service-requests/service-request.state';
import type { ServiceRequestView } from '../service-requests/service-request.view';
import type { TamAccountCheckDto, UpdateSecurityDetailsDto } from './security-details.controller';

/**
 * Change - Security Details, worked from the SR: check the TAM account and unblock it (steps 8–9,
 * SD-11), then change the PIN and/or password (steps 11–13, SD-14) in client-security, recording
 * each on the SR's activity plan through the SR's one checked outcome path (libs/sr-rules). Secrets
 * pass through to client-security and are never stored, logged or audited here.
 */
@Injectable()
export class SecurityDetailsService {
  private readonly security: ReturnType<typeof clientSecurityClient>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: ServiceRequestsConfig,
    peer: PeerHttp,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {
    this.security = clientSecurityClient(config.CLIENT_SECURITY_URL, peer.fetch);
  }

  /**
   * Checks whether the subject's TAM account is blocked and, if so, unblocks it once the caseworker
   * says how the client passed the check (SD-3, SD-11). @throws DomainValidationError, SrRuleError,
   * StaleVersionError, DomainError (not a security details SR; client-security's refusal)
   */
  async tamAccountCheck(id: string, dto: TamAccountCheckDto, actor: Actor): Promise<ServiceRequestView> {
    await this.withSecuritySr(id, dto.version, actor, async (m, loaded, clientId) => {
      const status = unwrapPeer(
        await this.security.GET('/clients/{clientId}/security-details', { params: { path: { clientId } } }),
      );
      let outcome = 'Not Blocked';
      if (status.blocked) {
        if (!dto.verifiedBy) {
          throw new DomainValidationError([
            {
              field: 'verifiedBy',
              rule: 'required',
              message: 'Say how the client passed the check before unblocking.',
              requirementId: 'SD-3',
            },
          ]);
        }
        outcome = 'Unblocked';
      }
      await this.outcomes.recordProcedureOutcome(m, loaded, 'tam-account-check', outcome, actor);
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'tam-account-check',
        after: { outcome },
      });
      // Last, so a refusal rolls back the SR's record of it (see withSecuritySr).
      if (status.blocked) {
        unwrapPeer(
          await this.security.POST('/clients/{clientId}/tam-account/unblock', {
            params: { path: { clientId } },
            body: { verifiedBy: dto.verifiedBy!, serviceRequestId: id },
          }),
        );
      }
    });
    return this.reads.get(id, actor);
  }

  /**
   * Changes the subject's PIN and/or special password in client-security (SD-14), recorded on the SR
   * as 'Updated' with what changed (never the values). @throws DomainValidationError (neither given),
   * SrRuleError, StaleVersionError, DomainError (client-security's refusal, e.g. SD-1)
   */
  async update(id: string, dto: UpdateSecurityDetailsDto, actor: Actor): Promise<ServiceRequestView> {
    if (dto.pin === undefined && dto.password === undefined) {
      throw new DomainValidationError([
        {
          field: 'pin',
          rule: 'one-of',
          message: 'Give a new PIN, a new password, or both.',
          requirementId: 'SD-14',
        },
      ]);
    }
    await this.withSecuritySr(id, dto.version, actor, async (m, loaded, clientId) => {
      const changed = [dto.pin !== undefined && 'PIN', dto.password !== undefined && 'special password']
        .filter(Boolean)
        .join(' and ');
      await this.outcomes.recordProcedureOutcome(
        m,
        loaded,
        'update-security-details',
        'Updated',
        actor,
        `Changed ${changed}.`,
      );
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'security-details-updated',
        after: { changed },
      });
      // Last, so a refusal (e.g. a PIN of all zeroes, SD-1) rolls back the SR's record of it.
      unwrapPeer(
        await this.security.POST('/clients/{clientId}/security-details/change', {
          params: { path: { clientId } },
          body: {
            ...(dto.pin !== undefined ? { pin: dto.pin } : {}),
            ...(dto.password !== undefined ? { password: dto.password } : {}),
            subjectType: 'client',
            serviceRequestId: id,
          },
        }),
      );
    });
    return this.reads.get(id, actor);
  }

  /**
   * Runs `work` on a locked, editable SECURITY_DETAILS SR at `version`, for its subject client, in one
   * transaction. `work` records on the SR first and calls client-security last, right before COMMIT:
   * a refusal there, or any failure before it, leaves both services unchanged. Only a COMMIT that
   * fails after client-security's change could leave it ahead of the SR; the caseworker then repeats
   * the step, which is harmless (the same change again, or the account found not blocked).
   */
  private async withSecuritySr(
    id: string,
    version: number,
    actor: Actor,
    work: (m: EntityManager, loaded: Loaded, clientId: string) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
      if (loaded.sr.type !== 'SECURITY_DETAILS' || !loaded.sr.subjectClientId) {
        throw new DomainError(
          'NOT_A_SECURITY_DETAILS_SR',
          'precondition',
          'This is done on a Change Contact/Security Info SR with its subject recorded.',
          {
            requirementId: 'SD-4',
          },
        );
      }
      if (loaded.sr.version !== version)
        throw new StaleVersionError('Service request', id, version, loaded.sr.version);
      assertEditable(loaded.sr);
      await work(m, loaded, loaded.sr.subjectClientId);
    });
  }
}
