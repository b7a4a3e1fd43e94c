import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { type Actor, DomainValidationError } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { DiscrepanciesService } from './discrepancies.service';
import {
  CisDataView,
  DiscrepancyListView,
  RequestRetrievalDto,
  ResolutionView,
  ResolveDiscrepancyDto,
  RetrievalListView,
  RetrievalView,
} from './retrieval.dto';
import { DISCREPANCY_STATUSES, type DiscrepancyStatus } from './retrieval.entity';
import { RetrievalsService } from './retrievals.service';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

/** Query of `GET /clients/{clientId}/discrepancies`. */
export class DiscrepancyQuery {
  @ApiPropertyOptional({ enum: DISCREPANCY_STATUSES, example: 'open' })
  @IsOptional()
  @IsIn(DISCREPANCY_STATUSES)
  status?: DiscrepancyStatus;
}

/** CIS - Retrieve Personal Data From (RD-1..RD-8): retrievals, CIS data and discrepancies. */
@ApiTags('retrievals')
@Controller()
export class RetrievalsController {
  constructor(
    private readonly retrievals: RetrievalsService,
    private readonly discrepancies: DiscrepanciesService,
  ) {}

  @Post('retrievals')
  @Roles('caseworker', 'sensitive-access', 'system')
  @Access.create('retrieval', at.body('clientId', 'client'))
  @ApiOperation({
    summary:
      'Retrieve the client\'s personal, address and contact data from CIS in real time (RD-1, RD-2, RD-8), keep the RD-3 items apart from CMS\'s record (RD-6) and list the discrepancies. Rejections (RD-5) and technical failures are recorded and shown; "Insufficient access level" sets Sensitive Check and arranges a call back (RD-4).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'The RD-1 trigger from service-requests sends one: a key seen before returns that retrieval',
  })
  @ApiCreatedResponse({ type: RetrievalView })
  @ApiProblems(404, 409, 422, 503)
  retrieve(
    @Body() dto: RequestRetrievalDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<RetrievalView> {
    if (key !== undefined && (key.trim() === '' || key.length > 200)) {
      throw new DomainValidationError([
        {
          field: 'Idempotency-Key',
          rule: 'idempotency-key',
          message: 'The Idempotency-Key must be 1 to 200 characters.',
        },
      ]);
    }
    return this.retrievals.retrieve(actor, dto.clientId, dto.trigger, key?.trim());
  }

  @Get('retrievals/:id')
  @Roles(...STAFF)
  @Access.read('retrieval', at.param('id'))
  @ApiOperation({ summary: 'A retrieval: outcome, rejection, items stored from CIS and discrepancies.' })
  @ApiOkResponse({ type: RetrievalView })
  @ApiProblems(404, 503)
  get(@Param('id', UuidParamPipe) id: string): Promise<RetrievalView> {
    return this.retrievals.get(id);
  }

  @Get('clients/:clientId/retrievals')
  @Roles(...STAFF)
  @Access.read('retrieval', at.param('clientId', 'client'))
  @ApiOperation({ summary: "The client's retrievals from CIS, newest first." })
  @ApiOkResponse({ type: RetrievalListView })
  @ApiProblems(503)
  list(@Param('clientId', UuidParamPipe) clientId: string): Promise<RetrievalListView> {
    return this.retrievals.list(clientId);
  }

  @Get('clients/:clientId/cis-data')
  @Roles(...STAFF)
  @Access.read('cis-data', at.param('clientId', 'client'))
  @ApiOperation({
    summary:
      "The client's data as CIS returned it, sourced from CIS and kept apart from CMS's record: latest and history (RD-6).",
  })
  @ApiOkResponse({ type: CisDataView })
  @ApiProblems(503)
  cisData(@Param('clientId', UuidParamPipe) clientId: string): Promise<CisDataView> {
    return this.retrievals.cisData(clientId);
  }

  @Get('clients/:clientId/discrepancies')
  @Roles(...STAFF)
  @Access.read('discrepancy', at.param('clientId', 'client'))
  @ApiOperation({
    summary: 'Items where CIS differs from CMS (RD-6), open first, with the decisions taken (RD-7).',
  })
  @ApiOkResponse({ type: DiscrepancyListView })
  @ApiProblems(503)
  discrepancyList(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Query() q: DiscrepancyQuery,
  ): Promise<DiscrepancyListView> {
    return this.discrepancies.list(clientId, q.status);
  }

  @Post('discrepancies/:id/resolution')
  @HttpCode(200)
  @Roles('caseworker', 'sensitive-access')
  @Access.change('discrepancy', at.param('id'))
  @ApiOperation({
    summary:
      "Decide which is most up to date (RD-7), with a reason: accept-cis updates CMS's record in service-requests; keep-cms sends CMS's value to CIS (CIS - Send Update) where CIS accepts the item, and over a value CIS holds as Verified only with confirmOverrideVerified (else 422 CIS_VALUE_VERIFIED).",
  })
  @ApiOkResponse({ type: ResolutionView })
  @ApiProblems(404, 409, 422, 503)
  resolve(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ResolveDiscrepancyDto,
    @CurrentActor() actor: Actor,
  ): Promise<ResolutionView> {
    return this.discrepancies.resolve(actor, id, dto.decision, dto.reason, dto.confirmOverrideVerified);
  }
}
