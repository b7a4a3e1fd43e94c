import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { CisUpdateListView, CisUpdateView, SendCisUpdateDto } from './cis-update.dto';
import { CisUpdatesService } from './cis-updates.service';

/** The part of Fastify's reply the send route uses. */
interface StatusReply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** CIS - Send Update (SU-1..SU-7). */
@ApiTags('cis-updates')
@Controller()
export class CisUpdatesController {
  constructor(private readonly updates: CisUpdatesService) {}

  @Post('cis-updates')
  @Roles('caseworker', 'sensitive-access')
  // Creates an update of a client: refused for a sensitive client, as after an error code 1 (SU-6).
  @Access.withRequirement('SU-6', 'change', 'cis-update', at.body('clientId', 'client'))
  @ApiOperation({
    summary:
      'Update CIS: send a name, address, date of birth or date of death update to the client\'s CIS record in real time and show CIS\'s response code (SU-1..SU-7). Needs a registered interest (SU-1); during maintenance the CoC SR with "Update CIS" enabled, and then only the item that SR validated, with its validated values, once (SU-4). Error code 1: 403 Insufficient Access without sensitive access (SU-6).',
    description:
      "201 with CIS's answer. 202 `status: unknown` with a Location when CIS's answer did not arrive (time-out, connection dropped): CIS may have applied it, and cis-interface replays it with the same Idempotency-Key until CIS gives the outcome; `GET /cis-updates/{id}` then shows it `answered` (SU-5, SU-7). 503 when CIS answered with a technical error: recorded as `failed` (nothing applied), its id in `updateId`. " +
      '422 CIS_UPDATE_NOT_ENABLED: no CoC SR with "Update CIS" enabled; CIS_UPDATE_NOT_VALIDATED: not the item the SR validated (the update type from its path and validation outcome; the values from its `details.change` when it records them); CIS_UPDATE_ALREADY_SENT: the SR\'s item was sent already (being sent, of unknown outcome, or applied) (SU-4).',
  })
  @ApiCreatedResponse({ type: CisUpdateView, description: "CIS's answer (SU-7)" })
  @ApiAcceptedResponse({
    type: CisUpdateView,
    description:
      "CIS's answer did not arrive: the update is `unknown` and its outcome is being learnt (SU-5); follow the Location",
    headers: { Location: { description: 'The update: /cis-updates/{id}', schema: { type: 'string' } } },
  })
  @ApiProblems(404, 422, 503)
  async send(
    @Body() dto: SendCisUpdateDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<CisUpdateView> {
    const view = await this.updates.send(actor, dto);
    if (view.status === 'unknown') {
      reply.status(202);
      reply.header('location', `/cis-updates/${view.id}`);
    }
    return view;
  }

  @Get('cis-updates/:id')
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @Access.withRequirement('SU-6', 'read', 'cis-update', at.param('id'))
  @ApiOperation({
    summary:
      "An update sent to CIS and CIS's answer (SU-7): `unknown` while its outcome is being learnt, then `answered` (SU-5).",
  })
  @ApiOkResponse({ type: CisUpdateView })
  @ApiProblems(404, 503)
  get(@Param('id', UuidParamPipe) id: string): Promise<CisUpdateView> {
    return this.updates.get(id);
  }

  @Get('clients/:clientId/cis-updates')
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @Access.withRequirement('SU-6', 'read', 'cis-update', at.param('clientId', 'client'))
  // And each update by itself: one CIS answered with error code 1 is never listed without sensitive access.
  @Access.list('cis-update', { items: 'updates' })
  @ApiOperation({ summary: "The updates sent to the client's CIS record, newest first." })
  @ApiOkResponse({ type: CisUpdateListView })
  @ApiProblems(503)
  list(@Param('clientId', UuidParamPipe) clientId: string): Promise<CisUpdateListView> {
    return this.updates.list(clientId);
  }
}
