import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at, ApiField } from '@cms/platform';
import { ClientFlagsService } from './client-flags.service';

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
  @ApiField({ type: 'uuid', nullable: true }) serviceRequestId: string | null;
}

/** Flags other systems set on a client: nationally sensitive (SU-6) and Sensitive Check (RD-4). */
@ApiTags('clients')
@Controller('clients/:id')
export class ClientFlagsController {
  constructor(private readonly flags: ClientFlagsService) {}

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
  nationallySensitive(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: NationallySensitiveDto,
  ): Promise<FlagResultView> {
    return this.flags.setNationallySensitive(id, dto.sensitive, dto.reason);
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
  sensitiveCheck(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: SensitiveCheckDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<FlagResultView> {
    return this.flags.setSensitiveCheck(id, dto.reason, actor, key);
  }
}
