import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, CurrentActor, Roles } from '@cms/platform';
import {
  CreatePersonDto,
  ListPersonsQuery,
  PersonFlagsDto,
  PersonReferenceDto,
  SeedDto,
  SupersedeDto,
} from './person.dto';
import { PersonAdminView, PersonDetailView, PersonPageView, SeedResultView } from './person.view';
import { PersonsService } from './persons.service';

/** Admin: the simulator's person records (tests, demos). */
@ApiTags('admin')
@Controller('admin')
export class PersonsController {
  constructor(private readonly persons: PersonsService) {}

  @Post('persons')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: creates a test person on the simulated CIS (not our records)')
  @ApiOperation({ summary: 'Create one person on CIS, optionally with CMG interests registered.' })
  @ApiCreatedResponse({ type: PersonAdminView })
  @ApiProblems(409)
  create(@Body() dto: CreatePersonDto, @CurrentActor() actor: Actor): Promise<PersonAdminView> {
    return this.persons.create(dto, actor);
  }

  @Get('persons')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: lists the simulated CIS’s persons (not our records)')
  @ApiOperation({ summary: 'List persons by NINO/CRN, with their registered interests.' })
  @ApiOkResponse({ type: PersonPageView })
  list(@Query() q: ListPersonsQuery): Promise<PersonPageView> {
    return this.persons.list(q);
  }

  @Post('persons/lookup')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly(
    'CIS simulator admin: one simulated CIS person with interests and changes (not our records)',
  )
  @ApiOperation({
    summary:
      'A person in any state, with every interest and the latest 100 changes and their broadcast outcome.',
  })
  @ApiOkResponse({ type: PersonDetailView })
  @ApiProblems(404)
  lookup(@Body() dto: PersonReferenceDto): Promise<PersonDetailView> {
    return this.persons.detail(dto);
  }

  @Post('persons/flags')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly(
    'CIS simulator admin: sets the simulated CIS’s sensitive/deleted states (not our records)',
  )
  @ApiOperation({
    summary: 'Set or clear the nationally sensitive and deleted states (not broadcast).',
    description:
      'To have a sensitivity change broadcast, record a NATIONALLY_SENSITIVE_STATUS change instead.',
  })
  @ApiOkResponse({ type: PersonAdminView })
  @ApiProblems(404)
  flags(@Body() dto: PersonFlagsDto): Promise<PersonAdminView> {
    return this.persons.setFlags(dto);
  }

  @Post('persons/supersede')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: supersedes a NINO on the simulated CIS (not our records)')
  @ApiOperation({
    summary: 'Supersede a NINO/CRN by a new NINO (RD-5 "NINO superseded").',
    description:
      'A record for the new NINO is created with the same data when CIS holds none; CMG’s interests stay on the old ' +
      'record (CMG registers them on the new NINO).',
  })
  @ApiOkResponse({ type: PersonAdminView, description: 'The superseded record.' })
  @ApiProblems(404, 422)
  supersede(@Body() dto: SupersedeDto): Promise<PersonAdminView> {
    return this.persons.supersede(dto);
  }

  @Post('seed')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: seeds the simulated CIS with generated persons (not our records)')
  @ApiOperation({
    summary: 'Create `count` realistic persons (fakerEN_GB, seeded) with CMG interests on a share of them.',
  })
  @ApiCreatedResponse({ type: SeedResultView })
  seed(@Body() dto: SeedDto, @CurrentActor() actor: Actor): Promise<SeedResultView> {
    return this.persons.seed(dto, actor);
  }
}
