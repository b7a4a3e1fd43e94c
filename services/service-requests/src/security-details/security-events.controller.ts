import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, Access } from '@cms/platform';
import { SecurityEventsService } from './security-events.service';

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

/** Events from client-security: a blocked TAM account raises its SR (SD-2, SD-3; SecurityEventsService). */
@ApiTags('security-details')
@Controller('security-events')
export class SecurityEventsController {
  constructor(private readonly events: SecurityEventsService) {}

  @Post()
  @Access.systemOnly('client-security reports a blocked TAM account (SD-2), raising its SR')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'client-security reports a blocked TAM account (SD-2, SD-3): raises the security details SR with a call back note.',
  })
  @ApiOkResponse({ type: SecurityEventResultView })
  @ApiProblems(404, 422)
  receive(
    @Body() dto: SecurityEventDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<SecurityEventResultView> {
    return this.events.receive(dto, actor, key);
  }
}
