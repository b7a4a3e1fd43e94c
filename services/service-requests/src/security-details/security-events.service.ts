import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, DomainValidationError, NotFoundError } from '@cms/domain';
import { DataSource } from 'typeorm';
import { liveParticipations } from '../cases/case.entity';
import { Client } from '../clients/client.entity';
import { ServiceRequestRaisingService } from '../service-requests/service-request-raising.service';
import { ServiceRequest } from '../service-requests/service-request.entity';
import type { SecurityEventDto, SecurityEventResultView } from './security-events.controller';

/**
 * Events from client-security. A TAM account blocked after three consecutive failed checks (SD-2)
 * raises a Change - Security Details SR on the client's case with a note to call the client back
 * on the number held, tracing one through CIS/CRA if none (SD-3). Its Source is the blocked client,
 * by their role on the case, and they are the reporting person (SD-4). Idempotent on Idempotency-Key.
 */
@Injectable()
export class SecurityEventsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly raising: ServiceRequestRaisingService,
  ) {}

  /** Raises the SR for a blocked TAM account once per `key`. @throws DomainValidationError (no key), NotFoundError */
  async receive(dto: SecurityEventDto, actor: Actor, key?: string): Promise<SecurityEventResultView> {
    if (!key)
      throw new DomainValidationError([
        { field: 'Idempotency-Key', rule: 'required', message: 'Send the Idempotency-Key header.' },
      ]);
    return this.db.transaction(async (m) => {
      const client = await m.findOneBy(Client, { id: dto.clientId });
      if (!client) throw new NotFoundError('Client', dto.clientId);
      const existing = await m.findOneBy(ServiceRequest, { idempotencyKey: `security-event:${key}` });
      if (existing) return { serviceRequestId: existing.id, srNumber: existing.srNumber, created: false };
      const parts = await liveParticipations(m, dto.clientId);
      const role = parts[0]?.role ?? 'PWC';
      // SD-4: the Source is the person reporting the change, by their role on the case — here the
      // blocked client themself (docs/sr-status-rules.md, SECURITY_DETAILS decisions). That the
      // system raised it shows in the note below, `details.raisedFor` and the audit record.
      const view = await this.raising.create(
        {
          type: 'SECURITY_DETAILS',
          path: 'phone',
          source: role === 'NRP' ? 'NRP' : 'PWC',
          reportedBy: { firstName: client.firstName, lastName: client.lastName },
          subject: { clientId: dto.clientId, role },
          caseIds: [...new Set(parts.map((p) => p.caseId))],
          details: { raisedFor: 'tam-account-blocked' },
          note:
            client.homePhone || client.mobilePhone || client.businessPhone
              ? 'TAM account blocked after three consecutive failed security checks. Call the client back on the number held (SD-3).'
              : 'TAM account blocked after three consecutive failed security checks. No number held: trace one through CIS/CRA, then call back (SD-3).',
        },
        actor,
        m,
      );
      await m.update(ServiceRequest, { id: view.id }, { idempotencyKey: `security-event:${key}` });
      return { serviceRequestId: view.id, srNumber: view.srNumber, created: true };
    });
  }
}
