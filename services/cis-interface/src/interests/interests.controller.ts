import { Body, Controller, Delete, Get, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type Actor, INTEREST_TYPES, type InterestType } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { InterestListView, InterestView, RegisterInterestDto } from './interest.dto';
import { InterestsService } from './interests.service';

const INTEREST_TYPE_ENUM = Object.fromEntries(INTEREST_TYPES.map((t) => [t, t]));

/** CIS - Register/Deregister Interest (RI-1, RI-2), per client. */
@ApiTags('interests')
@Controller('clients/:clientId/interests')
export class InterestsController {
  constructor(private readonly interests: InterestsService) {}

  @Post()
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({
    summary:
      "Register CMG's interest on the client's CIS record (RI-1); the type must suit the client's role on a case.",
  })
  @ApiCreatedResponse({ type: InterestView })
  @ApiProblems(404, 409, 422, 503)
  register(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: RegisterInterestDto,
    @CurrentActor() actor: Actor,
  ): Promise<InterestView> {
    return this.interests.register(actor, clientId, dto.interestType);
  }

  @Delete(':interestType')
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({
    summary: 'Deregister the interest (RI-2): CIS then accepts no update and sends no broadcast for it.',
  })
  @ApiParam({ name: 'interestType', enum: INTEREST_TYPES })
  @ApiOkResponse({ type: InterestView })
  @ApiProblems(404, 503)
  deregister(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('interestType', new ParseEnumPipe(INTEREST_TYPE_ENUM)) interestType: InterestType,
    @CurrentActor() actor: Actor,
  ): Promise<InterestView> {
    return this.interests.deregister(actor, clientId, interestType);
  }

  @Get()
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: "The client's interests, registered and deregistered (RI-1, RI-2)." })
  @ApiOkResponse({ type: InterestListView })
  @ApiProblems(404, 503)
  list(
    @Param('clientId', UuidParamPipe) clientId: string,
    @CurrentActor() actor: Actor,
  ): Promise<InterestListView> {
    return this.interests.list(actor, clientId);
  }
}
