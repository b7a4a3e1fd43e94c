import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import type { Actor } from '@cms/domain';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at } from '@cms/platform';
import { ServiceRequestView } from '../service-requests/service-request.view';
import { SecurityDetailsService } from './security-details.service';

const VERIFICATIONS = ['PIN/password', 'transactional questions', 'CMSL9800 returned'] as const;

export class TamAccountCheckDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({
    enum: VERIFICATIONS,
    description: 'How the client was verified; needed when the account is blocked (SD-3)',
  })
  @IsOptional()
  @IsIn(VERIFICATIONS)
  verifiedBy?: (typeof VERIFICATIONS)[number];
}

export class UpdateSecurityDetailsDto {
  @ApiProperty({ example: 4 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ example: '4820193', description: 'New seven-digit PIN, not all zeroes (SD-1)' })
  @IsOptional()
  @IsString()
  pin?: string;

  @ApiPropertyOptional({ example: 'Bluebell42', description: 'New special password' })
  @IsOptional()
  @IsString()
  password?: string;
}

/**
 * Change - Security Details, worked from the SR (SecurityDetailsService): the TAM account check and
 * unblock (steps 8–9, SD-11), then the PIN and/or password change (steps 11–13, SD-14). Each is an
 * intent committed before client-security is called and an outcome recorded after (issue #18).
 */
@ApiTags('security-details')
@Controller('service-requests/:id/security-details')
export class SecurityDetailsController {
  constructor(private readonly securityDetails: SecurityDetailsService) {}

  @Post('tam-account-check')
  @Access.change('service-request', at.param('id'))
  @HttpCode(200)
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({
    summary:
      'Check whether the TAM account is blocked and, if so, Unblock User (SD-11; steps 8–9). No lock is held while ' +
      'client-security is asked: 503 SECURITY_STEP_PENDING when its answer did not arrive (the SR lists the step in ' +
      '`pendingSteps`); send the same request again to complete it, once.',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422, 503)
  tamAccountCheck(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: TamAccountCheckDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.securityDetails.tamAccountCheck(id, dto, actor);
  }

  @Post('update')
  @Access.change('service-request', at.param('id'))
  @HttpCode(200)
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({
    summary:
      'Change the client’s PIN and/or special password in client-security (SD-14; steps 11–13). No lock is held ' +
      'while client-security is asked: 503 SECURITY_STEP_PENDING when its answer did not arrive (the SR lists the ' +
      'step in `pendingSteps`); send the same request again, with the same details, to complete it once (other ' +
      'details meanwhile: 422 IDEMPOTENCY_KEY_REUSED).',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422, 503)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateSecurityDetailsDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.securityDetails.update(id, dto, actor);
  }
}
