import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at } from '@cms/platform';
import { ClientSearchDto, CreateClientDto, ReferenceStatusDto, UpdateClientDto } from './client.dto';
import { ClientsService } from './clients.service';
import { ClientView } from './client.view';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

/** Clients and the personal details CMS holds. */
@ApiTags('clients')
@Controller('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @Roles('caseworker', 'sensitive-access', 'system')
  @Access.create('client')
  @ApiOperation({ summary: 'Create a client with a NINO (adult) or CRN (child) and personal details.' })
  @ApiCreatedResponse({ description: 'The client as CMS now holds them.', type: ClientView })
  @ApiProblems(409)
  create(@Body() dto: CreateClientDto, @CurrentActor() actor: Actor): Promise<ClientView> {
    return this.clients.create(dto, actor);
  }

  @Post('search')
  @Access.read('client', at.response('id'))
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Find a client by NINO or CRN (in the body, so it stays out of URLs and access logs).',
  })
  @ApiOkResponse({ description: 'The client.', type: ClientView })
  @ApiProblems(404)
  search(@Body() dto: ClientSearchDto): Promise<ClientView> {
    return this.clients.search(dto);
  }

  @Get(':id')
  @Access.read('client', at.param('id'))
  @ApiOkResponse({ type: ClientView })
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Read a client. Nationally sensitive clients need sensitive access ("Insufficient Access").',
  })
  @ApiProblems(404)
  get(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<ClientView> {
    return this.clients.get(id, actor);
  }

  @Patch(':id')
  @Access.change('client', at.param('id'))
  @ApiOkResponse({ type: ClientView })
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({
    summary: 'Change personal, address or contact details (optimistic concurrency on `version`).',
  })
  @ApiProblems(404, 409)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateClientDto,
    @CurrentActor() actor: Actor,
  ): Promise<ClientView> {
    return this.clients.update(id, dto, actor);
  }

  @Put(':id/reference-status')
  @Access.change('client', at.param('id'))
  @ApiOkResponse({ type: ClientView })
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({
    summary: 'Set the NINO/CRN status. Verified triggers the CIS retrieval of personal data (RD-1).',
  })
  @ApiProblems(404, 409, 422)
  setReferenceStatus(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ReferenceStatusDto,
    @CurrentActor() actor: Actor,
  ): Promise<ClientView> {
    return this.clients.setReferenceStatus(id, dto.status, dto.version, actor);
  }
}
