import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, CurrentActor, Roles } from '@cms/platform';
import type { FastifyReply } from 'fastify';
import { CisCall } from '../faults/cis-call.decorator';
import { PersonReferenceDto } from '../persons/person.dto';
import { InterestDto } from './interest.dto';
import { DeregisterInterestResultView, InterestListView, RegisterInterestResultView } from './interest.view';
import { InterestsService } from './interests.service';

/** CIS web service: register / deregister CMG's interest on a person's record (RI-1, RI-2). */
@ApiTags('cis')
@Controller('cis/interests')
export class InterestsController {
  constructor(private readonly interests: InterestsService) {}

  @Post()
  @CisCall()
  @Roles('system')
  @Access.systemOnly('CIS: called by cis-interface')
  @ApiOperation({
    summary: 'Register an interest on a person’s CIS record (RI-1).',
    description:
      '201 with the new interest; 200 with `alreadyRegistered: true` when it was registered already (nothing changes, ' +
      'so a retry is safe). 404 CIS_REFERENCE_NOT_FOUND; 422 CIS_REFERENCE_DELETED or CIS_REFERENCE_SUPERSEDED ' +
      '(with `supersededByNino`).',
  })
  @ApiCreatedResponse({ type: RegisterInterestResultView, description: 'Registered now.' })
  @ApiOkResponse({ type: RegisterInterestResultView, description: 'Was registered already.' })
  @ApiProblems(404, 422)
  async register(
    @Body() dto: InterestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisterInterestResultView> {
    const result = await this.interests.register(dto, actor);
    reply.status(result.alreadyRegistered ? 200 : 201);
    return result;
  }

  @Post('deregister')
  @HttpCode(200)
  @CisCall()
  @Roles('system')
  @Access.systemOnly('CIS: called by cis-interface')
  @ApiOperation({
    summary: 'Deregister an interest (RI-2): CIS then refuses CMG’s updates and broadcasts nothing for it.',
    description:
      'Idempotent: deregistering an interest already deregistered returns it with `alreadyDeregistered: true`. ' +
      '404 CIS_REFERENCE_NOT_FOUND, or INTEREST_NOT_REGISTERED when CMG never had that interest on the record.',
  })
  @ApiOkResponse({ type: DeregisterInterestResultView })
  @ApiProblems(404)
  deregister(@Body() dto: InterestDto, @CurrentActor() actor: Actor): Promise<DeregisterInterestResultView> {
    return this.interests.deregister(dto, actor);
  }

  @Post('list')
  @HttpCode(200)
  @CisCall()
  @Roles('system')
  @Access.systemOnly('CIS: called by cis-interface')
  @ApiOperation({
    summary: 'List CMG’s interests on a person’s record, registered and deregistered (RI-1, RI-2).',
    description:
      'The NINO/CRN is in the body so that it stays out of URLs and access logs. 404 CIS_REFERENCE_NOT_FOUND.',
  })
  @ApiOkResponse({ type: InterestListView })
  @ApiProblems(404)
  list(@Body() dto: PersonReferenceDto): Promise<InterestListView> {
    return this.interests.list(dto);
  }
}
