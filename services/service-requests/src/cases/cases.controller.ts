import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at } from '@cms/platform';
import { CreateCaseDto, ListCasesQuery, UpdateCaseDto } from './case.dto';
import { CasePageView, CaseView } from './case.view';
import { CasesService } from './cases.service';

/** Cases (and live enquiries / applications) with their participants. */
@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Access.create('case', at.body('participants[].clientId', 'client'))
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Open a case (or an enquiry / application) with its participants.' })
  @ApiCreatedResponse({ type: CaseView, description: 'The case, with its generated 12-digit case number.' })
  create(@Body() dto: CreateCaseDto, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.create(dto, actor);
  }

  @Get()
  @Access.list('case', { items: 'items', total: 'total' })
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'List cases; nationally sensitive ones only for sensitive access.' })
  @ApiOkResponse({ type: CasePageView })
  list(@Query() q: ListCasesQuery, @CurrentActor() actor: Actor) {
    return this.cases.list(q, actor);
  }

  @Get(':id')
  @Access.read('case', at.param('id'))
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({
    summary: 'Read a case. A nationally sensitive case needs sensitive access ("Insufficient Access").',
  })
  @ApiOkResponse({ type: CaseView, description: 'The case with its participants.' })
  @ApiProblems(404)
  get(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<CaseView> {
    return this.cases.get(id, actor);
  }

  @Patch(':id')
  @Access.change('case', at.param('id'))
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Change a case’s stage, live state or nationally sensitive flag.' })
  @ApiOkResponse({ type: CaseView, description: 'The case as changed.' })
  @ApiProblems(404, 409)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateCaseDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseView> {
    return this.cases.update(id, dto, actor);
  }
}
