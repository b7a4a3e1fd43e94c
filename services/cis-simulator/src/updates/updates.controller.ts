import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, CurrentActor, Roles } from '@cms/platform';
import { CisCall } from '../faults/cis-call.decorator';
import { CisUpdateRequestDto, UpdateResponseView } from './update.dto';
import { CIS_UPDATE_SCHEMAS } from './update.schemas';
import { UpdatesService } from './updates.service';

/** CIS web service: apply an update from CMG to a person's record (CIS - Send Update). */
@ApiTags('cis')
@ApiExtraModels(...CIS_UPDATE_SCHEMAS)
@Controller('cis/updates')
export class UpdatesController {
  constructor(private readonly updates: UpdatesService) {}

  @Post()
  @HttpCode(200)
  @CisCall('SU-5')
  @Roles('system')
  @Access.systemOnly('CIS: called by cis-interface')
  @ApiOperation({
    summary:
      'Apply an update to a person’s CIS record in real time and answer with an update response code (SU-1..SU-7).',
    description:
      'HTTP 200 with `responseCode`: 0 applied (SU-5, SU-7); 1 nationally sensitive, not applied (SU-6); 2 no ' +
      'interest registered, not applied (SU-1); 3 NINO/CRN not identified (not held, deleted or superseded). An ' +
      'invalid update (SU-2 types and payloads, validateCisUpdate) is HTTP 400 with field errors `update.*`. A ' +
      'technical error is HTTP 503 TECHNICAL_ERROR and applies nothing. With an `Idempotency-Key` a retry gets the ' +
      'stored response (`replayed: true`) and nothing is applied twice. An applied update is recorded on the person ' +
      'as a change made by CMG, which CIS never broadcasts back to CMG.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes retries safe (any string, e.g. a UUID)',
  })
  @ApiOkResponse({ type: UpdateResponseView })
  @ApiProblems(409)
  apply(
    @Body() dto: CisUpdateRequestDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<UpdateResponseView> {
    return this.updates.apply(dto, key, actor);
  }
}
