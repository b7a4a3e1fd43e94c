import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { CisUpdateListView, CisUpdateView, SendCisUpdateDto } from './cis-update.dto';
import { CisUpdatesService } from './cis-updates.service';

/** CIS - Send Update (SU-1..SU-7). */
@ApiTags('cis-updates')
@Controller()
export class CisUpdatesController {
  constructor(private readonly updates: CisUpdatesService) {}

  @Post('cis-updates')
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({
    summary:
      'Update CIS: send a name, address, date of birth or date of death update to the client\'s CIS record in real time and show CIS\'s response code (SU-1..SU-7). Needs a registered interest (SU-1); during maintenance the CoC SR with "Update CIS" enabled (SU-4). Error code 1: 403 Insufficient Access without sensitive access (SU-6).',
  })
  @ApiCreatedResponse({ type: CisUpdateView })
  @ApiProblems(404, 422, 503)
  send(@Body() dto: SendCisUpdateDto, @CurrentActor() actor: Actor): Promise<CisUpdateView> {
    return this.updates.send(actor, dto);
  }

  @Get('cis-updates/:id')
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: "An update sent to CIS and CIS's answer (SU-7)." })
  @ApiOkResponse({ type: CisUpdateView })
  @ApiProblems(404, 503)
  get(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<CisUpdateView> {
    return this.updates.get(actor, id);
  }

  @Get('clients/:clientId/cis-updates')
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: "The updates sent to the client's CIS record, newest first." })
  @ApiOkResponse({ type: CisUpdateListView })
  @ApiProblems(404, 503)
  list(
    @Param('clientId', UuidParamPipe) clientId: string,
    @CurrentActor() actor: Actor,
  ): Promise<CisUpdateListView> {
    return this.updates.list(actor, clientId);
  }
}
