import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at } from '@cms/platform';
import {
  ActivityOutcomeDto,
  BatchServiceRequestsDto,
  CreateServiceRequestDto,
  ListServiceRequestsQuery,
  NoteDto,
  TransitionDto,
  UpdateServiceRequestDto,
} from './service-request.dto';
import { BatchResultsView, ServiceRequestView } from './service-request.view';
import { ServiceRequestBatchService } from './service-request-batch.service';
import { ServiceRequestEditsService } from './service-request-edits.service';
import { ServiceRequestOutcomesService } from './service-request-outcomes.service';
import { ServiceRequestRaisingService } from './service-request-raising.service';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { ServiceRequestTransitionsService } from './service-request-transitions.service';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

/** Service requests: raise, read, move through their statuses, activity plans and notes. */
@ApiTags('service-requests')
@Controller('service-requests')
export class ServiceRequestsController {
  constructor(
    private readonly raising: ServiceRequestRaisingService,
    private readonly batchImport: ServiceRequestBatchService,
    private readonly reads: ServiceRequestReadsService,
    private readonly transitions: ServiceRequestTransitionsService,
    private readonly outcomes: ServiceRequestOutcomesService,
    private readonly edits: ServiceRequestEditsService,
  ) {}

  @Post()
  @Access.create('service-request', at.body('subject.clientId', 'client'), at.body('caseIds[]', 'case'))
  @Roles('caseworker', 'sensitive-access', 'system')
  @ApiOperation({
    summary:
      'Raise an SR (Process / Area / Sub Area from its type), linked to cases, with its subject and source. A ' +
      'Change Contact/Security Info SR (SECURITY_DETAILS) names its subject, who must have security details set ' +
      'up in client-security, from every channel including the Self Service Site: otherwise 422 ' +
      'SECURITY_DETAILS_NOT_SET_UP (SD-22: do security set-up first); 503 when client-security cannot be asked.',
  })
  @ApiCreatedResponse({ type: ServiceRequestView })
  @ApiProblems(422, 503)
  create(@Body() dto: CreateServiceRequestDto, @CurrentActor() actor: Actor): Promise<ServiceRequestView> {
    return this.raising.create(dto, actor);
  }

  @Post('batch')
  @Access.systemOnly('CIS broadcasts and security events raise SRs in batches')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'Raise many SRs for another system (CIS broadcasts), idempotent per item key (BR-6, BR-7, BR-9).',
  })
  @ApiOkResponse({
    type: BatchResultsView,
    description: 'One result per item, in order; `created: false` when the key was seen before.',
  })
  async batch(@Body() dto: BatchServiceRequestsDto, @CurrentActor() actor: Actor): Promise<BatchResultsView> {
    return { results: await this.batchImport.createBatch(dto.items, actor) };
  }

  @Get()
  @Access.list('service-request', { items: '' })
  @Roles(...STAFF)
  @ApiOperation({ summary: 'SRs of a case or a client, newest first.' })
  @ApiOkResponse({ type: [ServiceRequestView] })
  list(@Query() q: ListServiceRequestsQuery, @CurrentActor() actor: Actor): Promise<ServiceRequestView[]> {
    return this.reads.list(q, actor);
  }

  @Get(':id')
  @Access.read('service-request', at.param('id'))
  @Roles(...STAFF)
  @ApiOperation({
    summary:
      'An SR with its activity plan, notes, SLA, the moves allowed now, and whether "Update CIS" is enabled (SU-4).',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404)
  get(@Param('id', UuidParamPipe) id: string, @CurrentActor() actor: Actor): Promise<ServiceRequestView> {
    return this.reads.get(id, actor);
  }

  @Post(':id/transitions')
  @Access.change('service-request', at.param('id'))
  @HttpCode(200)
  @Roles(...STAFF)
  @ApiOperation({
    summary:
      'Move the SR to another Status / Sub Status. Decided only by the SR rules (docs/sr-status-rules.md); a refusal names the rule.',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422)
  transition(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: TransitionDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.transitions.transition(id, dto, actor);
  }

  @Put(':id/activity-steps/:key')
  @Access.change('service-request', at.param('id'))
  @Roles('caseworker', 'sensitive-access', 'team-leader', 'system')
  @ApiOperation({ summary: 'Record the outcome of an activity plan step.' })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422)
  outcome(
    @Param('id', UuidParamPipe) id: string,
    @Param('key') key: string,
    @Body() dto: ActivityOutcomeDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.outcomes.recordOutcome(id, key, dto, actor);
  }

  @Post(':id/notes')
  @Access.change('service-request', at.param('id'))
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Append a note (notes are never edited or deleted).' })
  @ApiCreatedResponse({ type: ServiceRequestView })
  @ApiProblems(404, 422)
  note(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: NoteDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.edits.addNote(id, dto.text, actor);
  }

  @Patch(':id')
  @Access.change(
    'service-request',
    at.param('id'),
    at.body('subject.clientId', 'client'),
    at.body('caseIds[]', 'case'),
  )
  @Roles('caseworker', 'sensitive-access', 'team-leader', 'system')
  @ApiOperation({
    summary:
      'Edit SR fields while editable (read-only after team leader approval, editable again after a rejection: TD-8). ' +
      'A new subject of a Change Contact/Security Info SR must have security details set up (SD-22).',
  })
  @ApiOkResponse({ type: ServiceRequestView })
  @ApiProblems(404, 409, 422, 503)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateServiceRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<ServiceRequestView> {
    return this.edits.update(id, dto, actor);
  }
}
