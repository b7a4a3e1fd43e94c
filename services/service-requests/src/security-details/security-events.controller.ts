import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { Actor, DomainValidationError, NotFoundError } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, Access } from '@cms/platform';
import { DataSource } from 'typeorm';
import { liveParticipations } from '../cases/case.entity';
import { Client } from '../clients/client.entity';
import { ServiceRequestRaisingService } from '../service-requests/service-request-raising.service';
import { ServiceRequest } from '../service-requests/service-request.entity';

export class SecurityEventDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clientId: string;

  @ApiProperty({ enum: ['tam-account-blocked'], example: 'tam-account-blocked' })
  @IsIn(['tam-account-blocked'])
  event: 'tam-account-blocked';

  @ApiProperty({ example: '2026-11-22T09:30:00Z' })
  @IsISO8601()
  occurredAt: string;
}

export class SecurityEventResultView {
  @ApiProperty() serviceRequestId: string;
  @ApiProperty() srNumber: string;
  @ApiProperty({ description: 'false when this event was delivered before' }) created: boolean;
}

/**
 * Events from client-security. A TAM account blocked after three consecutive failed checks (SD-2)
 * raises a Change - Security Details SR on the client's case with a note to call the client back
 * on the number held, tracing one through CIS/CRA if none (SD-3). Its Source is the blocked client,
 * by their role on the case, and they are the reporting person (SD-4). Idempotent on Idempotency-Key.
 */
@ApiTags('security-details')
@Controller('security-events')
export class SecurityEventsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly raising: ServiceRequestRaisingService,
  ) {}

  @Post()
  @Access.systemOnly('client-security reports a blocked TAM account (SD-2), raising its SR')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'client-security reports a blocked TAM account (SD-2, SD-3): raises the security details SR with a call back note.',
  })
  @ApiOkResponse({ type: SecurityEventResultView })
  @ApiProblems(404)
  async receive(
    @Body() dto: SecurityEventDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<SecurityEventResultView> {
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
