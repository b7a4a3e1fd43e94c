import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, type Clock, DomainError, NotFoundError } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { DataSource } from 'typeorm';
import { markCasesSensitive } from '../cases/case-sensitivity';
import { liveParticipations } from '../cases/case.entity';
import { ServiceRequestBatchService } from '../service-requests/service-request-batch.service';
import { Client } from './client.entity';

/** What setting a flag on a client touched: the cases flagged, the SR raised. */
export interface FlagResult {
  caseIds: string[];
  serviceRequestId: string | null;
}

/** Flags other systems set on a client: nationally sensitive (SU-6) and Sensitive Check (RD-4). */
@Injectable()
export class ClientFlagsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly batch: ServiceRequestBatchService,
  ) {}

  /**
   * CIS error code 1: flags the client, their live cases and those cases' open SRs as nationally
   * sensitive (SU-6), in one transaction. Only setting is supported here.
   * @throws DomainError CLEAR_ON_CASE (`sensitive` false), NotFoundError
   */
  async setNationallySensitive(id: string, sensitive: boolean, reason: string): Promise<FlagResult> {
    if (!sensitive) {
      throw new DomainError(
        'CLEAR_ON_CASE',
        'precondition',
        'The sensitive case team clears the flag on the case (PATCH /cases/{id}).',
      );
    }
    return this.db.transaction(async (m) => {
      const client = await m.findOne(Client, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NotFoundError('Client', id);
      if (!client.nationallySensitive) {
        // The person is sensitive from now on, with or without a live case to flag (SU-6, X-1).
        await m.update(Client, { id }, { nationallySensitive: true });
        await recordAudit(m, {
          entityType: 'client',
          entityId: id,
          action: 'nationally-sensitive-set',
          before: { nationallySensitive: false },
          after: { nationallySensitive: true, reason },
        });
      }
      return { caseIds: await markCasesSensitive(m, id, reason, this.clock.now()), serviceRequestId: null };
    });
  }

  /**
   * CIS "Insufficient access level": sets Sensitive Check and raises a call back SR to the sensitive
   * case team in one transaction (RD-4), idempotent on `key`. @throws NotFoundError
   */
  async setSensitiveCheck(id: string, reason: string, actor: Actor, key?: string): Promise<FlagResult> {
    return this.db.transaction(async (m) => {
      const client = await m.findOne(Client, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw new NotFoundError('Client', id);
      if (!client.sensitiveCheck) {
        client.sensitiveCheck = true;
        await m.save(client);
        await recordAudit(m, {
          entityType: 'client',
          entityId: id,
          action: 'sensitive-check-set',
          before: { sensitiveCheck: false },
          after: { sensitiveCheck: true, reason },
        });
      }
      const parts = await liveParticipations(m, id);
      const [result] = await this.batch.createBatch(
        [
          {
            idempotencyKey: key ?? `sensitive-check:${id}:${client.version}`,
            type: 'SENSITIVE_CALL_BACK',
            source: 'CIS',
            subject: { clientId: id, role: parts[0]?.role ?? 'PWC' },
            caseIds: [...new Set(parts.map((p) => p.caseId))],
          },
        ],
        actor,
        m,
      );
      return { caseIds: [...new Set(parts.map((p) => p.caseId))], serviceRequestId: result.id };
    });
  }
}
