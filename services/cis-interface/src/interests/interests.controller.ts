import { Body, Controller, Delete, Get, Param, ParseEnumPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Actor, INTEREST_TYPES, type InterestType } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import type { FastifyReply } from 'fastify';
import {
  DeregisterInterestResultView,
  InterestListView,
  RegisterInterestDto,
  RegisterInterestResultView,
} from './interest.dto';
import { InterestsService } from './interests.service';

const INTEREST_TYPE_ENUM = Object.fromEntries(INTEREST_TYPES.map((t) => [t, t]));

/** CIS - Register/Deregister Interest (RI-1, RI-2), per client. */
@ApiTags('interests')
@Controller('clients/:clientId/interests')
export class InterestsController {
  constructor(private readonly interests: InterestsService) {}

  @Post()
  @Roles('caseworker', 'sensitive-access', 'system')
  @Access.create('interest', at.param('clientId', 'client'))
  @ApiOperation({
    summary:
      "Register CMG's interest on the client's CIS record (RI-1); the type must suit the client's role on a case. Idempotent as CIS is: one registered already answers 200 with `alreadyRegistered: true`, changing nothing.",
  })
  @ApiCreatedResponse({ type: RegisterInterestResultView, description: 'Registered now.' })
  @ApiOkResponse({ type: RegisterInterestResultView, description: 'Was registered already.' })
  @ApiProblems(404, 422, 503)
  async register(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: RegisterInterestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisterInterestResultView> {
    const result = await this.interests.register(actor, clientId, dto.interestType);
    reply.status(result.alreadyRegistered ? 200 : 201);
    return result;
  }

  @Delete(':interestType')
  @Roles('caseworker', 'sensitive-access', 'system')
  @Access.change('interest', at.param('clientId', 'client'))
  @ApiOperation({
    summary:
      'Deregister the interest (RI-2): CIS then accepts no update and sends no broadcast for it. Idempotent as CIS is: one deregistered already answers 200 with `alreadyDeregistered: true`; 404 when it was never registered.',
  })
  @ApiParam({ name: 'interestType', enum: INTEREST_TYPES })
  @ApiOkResponse({ type: DeregisterInterestResultView })
  @ApiProblems(404, 503)
  deregister(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('interestType', new ParseEnumPipe(INTEREST_TYPE_ENUM)) interestType: InterestType,
    @CurrentActor() actor: Actor,
  ): Promise<DeregisterInterestResultView> {
    return this.interests.deregister(actor, clientId, interestType);
  }

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @Access.read('interest', at.param('clientId', 'client'))
  @ApiOperation({ summary: "The client's interests, registered and deregistered (RI-1, RI-2)." })
  @ApiOkResponse({ type: InterestListView })
  @ApiProblems(503)
  list(@Param('clientId', UuidParamPipe) clientId: string): Promise<InterestListView> {
    return this.interests.list(clientId);
  }
}
