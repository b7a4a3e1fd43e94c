import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { Actor, DomainError, NotFoundError } from '@cms/domain';
import { ApiProblems, CurrentActor, recordAudit, Roles, UuidParamPipe, Access, at } from '@cms/platform';
import { DataSource } from 'typeorm';
import { liveParticipations } from '../cases/case.entity';
import { markCasesSensitive } from '../cases/case-sensitivity';
import { ServiceRequestBatchService } from '../service-requests/service-request-batch.service';
import { Client } from './client.entity';

export class NationallySensitiveDto {
  @ApiProperty({
    example: true,
    description: 'Only setting the flag is supported here; the sensitive case team clears it on the case.',
  })
  @IsBoolean()
  sensitive: boolean;

  @ApiProperty({ example: 'CIS update error code 1' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class SensitiveCheckDto {
  @ApiProperty({ example: 'CIS answered "Insufficient access level" to a retrieval' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class FlagResultView {
  @ApiProperty({ type: [String] }) caseIds: string[];
  @ApiProperty({ nullable: true }) serviceRequestId: string | null;
}

/** Flags other systems set on a client: nationally sensitive (SU-6) and Sensitive Check (RD-4). */
@ApiTags('clients')
@Controller('clients/:id')
export class ClientFlagsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batch: ServiceRequestBatchService,
  ) {}

  @Post('nationally-sensitive')
  @Access.change('client', at.param('id'))
  @HttpCode(200)
  @Roles('system', 'sensitive-access')
  @ApiOperation({
    summary:
      'CIS error code 1: set the nationally sensitive flag on the client’s live cases and their open SRs (SU-6).',
  })
  @ApiOkResponse({ type: FlagResultView })
  @ApiProblems(404, 422)
  async nationallySensitive(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: NationallySensitiveDto,
  ): Promise<FlagResultView> {
    if (!dto.sensitive) {
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
          after: { nationallySensitive: true, reason: dto.reason },
        });
      }
      return { caseIds: await markCasesSensitive(m, id, dto.reason), serviceRequestId: null };
    });
  }

  @Post('sensitive-check')
  @Access.systemOnly('cis-interface reports CIS withholding a record at standard access (RD-4)')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'CIS "Insufficient access level": set the Sensitive Check flag and raise a call back SR to the sensitive case team, in one transaction (RD-4).',
  })
  @ApiOkResponse({ type: FlagResultView })
  @ApiProblems(404)
  async sensitiveCheck(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: SensitiveCheckDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<FlagResultView> {
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
          after: { sensitiveCheck: true, reason: dto.reason },
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
