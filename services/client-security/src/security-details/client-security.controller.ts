import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@cms/domain';
import { Access, ApiProblems, at, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { RateLimitedError } from '../rate-limits/rate-limiter.service';
import {
  ChangeSecurityDetailsDto,
  SecurityCheckDto,
  SetUpClientSecurityDto,
  SetUpRepresentativeSecurityDto,
  UnblockDto,
} from './security-details.dto';
import { SecurityDetailsService, SubjectRef } from './security-details.service';
import {
  SecurityCheckResultView,
  SecurityDetailsHistoryView,
  SecurityDetailsView,
} from './security-details.view';

/** Roles that read security status and history: all staff. */
export const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;
/** Roles that set up, change, unblock and check: caseworkers, the sensitive case team, systems (the portal). */
export const ACTORS = ['caseworker', 'sensitive-access', 'system'] as const;

/**
 * The optional `Idempotency-Key` of set-up, change and unblock (IdempotentRequests): the same key
 * and the same request answer as the first time without applying twice; a different request is
 * refused (422 IDEMPOTENCY_KEY_REUSED).
 */
const IdempotencyKeyHeader = () =>
  ApiHeader({
    name: 'idempotency-key',
    required: false,
    description:
      'Makes a retry safe: the same key with the same request gets the first answer and changes nothing again; ' +
      'the same key with a different request is refused (422, IDEMPOTENCY_KEY_REUSED). 1–255 visible ASCII ' +
      'characters, per caller.',
    schema: {
      type: 'string',
      example: 'sr:9a1d3c55-0b7e-4f6a-8c2d-5e4f3a2b1c0d:update-security-details:4:1',
    },
  });

/** Minimal reply surface used to add `Retry-After` to a 429. */
interface HeaderReply {
  header(name: string, value: string): unknown;
}

/** Runs a check and, when it is rate limited, tells the caller when to retry (`Retry-After`). */
async function withRetryAfter<T>(reply: HeaderReply, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof RateLimitedError) reply.header('retry-after', String(e.retryAfterSeconds));
    throw e;
  }
}

/**
 * A client's security details, security checks and TAM account (Change - Security Details). Every
 * route names the client, so a nationally sensitive one is refused to callers without sensitive
 * access before anything is read, counted or changed (X-1, ClientSecurityAccessRepository).
 */
@ApiTags('client security')
@Controller('clients/:clientId')
export class ClientSecurityController {
  constructor(private readonly security: SecurityDetailsService) {}

  private ref(id: string): SubjectRef {
    return { type: 'client', id };
  }

  @Post('security-details')
  @Access.create('security-details', at.param('clientId', 'client'))
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      'Security set-up: PIN and special password (SD-1), memorable questions X (SD-14), and a TAM account unless ' +
      'service-requests shows the client only on manually built CSA Arrears Only cases (SD-21). A client ' +
      'service-requests does not hold is refused (404).',
  })
  @IdempotencyKeyHeader()
  @ApiCreatedResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 409, 422)
  setUp(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: SetUpClientSecurityDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.setUp(this.ref(clientId), dto, actor, idempotencyKey);
  }

  @Get('security-details')
  @Access.read('security-details', at.param('clientId', 'client'))
  @Roles(...STAFF)
  @ApiOperation({
    summary:
      'Whether the client has security details (`setUp: false`: use security set-up, SD-22), the TAM account and ' +
      'whether it is blocked, consecutive failures. Never a secret.',
  })
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(422)
  status(@Param('clientId', UuidParamPipe) clientId: string): Promise<SecurityDetailsView> {
    return this.security.status(this.ref(clientId));
  }

  @Get('security-details/history')
  @Access.read('security-details', at.param('clientId', 'client'))
  @Roles(...STAFF)
  @ApiOperation({
    summary:
      'Every version of the security details, newest first: when, who, which items changed — the current ones stay ' +
      'visible while new ones are entered (SD-20). Never a secret.',
  })
  @ApiOkResponse({ type: SecurityDetailsHistoryView })
  @ApiProblems(422)
  history(@Param('clientId', UuidParamPipe) clientId: string): Promise<SecurityDetailsHistoryView> {
    return this.security.history(this.ref(clientId));
  }

  @Post('security-details/change')
  @Access.change(
    'security-details',
    at.param('clientId', 'client'),
    at.body('serviceRequestId', 'service-request'),
  )
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      'Change the PIN and/or special password (steps 11–13, SD-14) under the open Change Contact/Security Info SR ' +
      'of this client (SD-4, checked with service-requests); the previous details are kept as history (SD-20) and ' +
      'failures reset. Refused: no details (SD-22), CSA Arrears Only without a TAM account (SD-21), a client ' +
      'representative (SD-18), a blocked account (unblock first, SD-11), no SR or not such an SR (SD-4).',
  })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 422)
  change(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: ChangeSecurityDetailsDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.change(this.ref(clientId), dto, actor, idempotencyKey);
  }

  @Post('security-check')
  @Access.change('security-details', at.param('clientId', 'client'))
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      'Security check by channel (SD-19): pass or fail, never which item. The third consecutive failure blocks the ' +
      'TAM account and notifies service-requests (SD-2, SD-3); a blocked account is refused (ACCOUNT_BLOCKED). ' +
      'Rate limited per client and per caller (429).',
  })
  @ApiOkResponse({ type: SecurityCheckResultView })
  @ApiProblems(409, 422, 429)
  check(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: SecurityCheckDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<SecurityCheckResultView> {
    return withRetryAfter(reply, () => this.security.check(this.ref(clientId), dto, actor));
  }

  @Post('tam-account/unblock')
  @Access.change(
    'security-details',
    at.param('clientId', 'client'),
    at.body('serviceRequestId', 'service-request'),
  )
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      'Unblock User (step 9; SD-3, SD-11): clears the block and the failures. Not blocked: nothing changes. ' +
      'Refused for CSA Arrears Only clients without a TAM account (raise an incident with AAC, SD-21). An SR, when ' +
      'named, must be an open Change Contact/Security Info SR of this client (SD-4).',
  })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 422)
  unblock(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: UnblockDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.unblock(this.ref(clientId), dto, actor, idempotencyKey);
  }
}

/**
 * A client representative's own security details (SD-18: a representative has details of their
 * own, never amended through the client's). No TAM account; three failed checks block them too.
 * A representative is as sensitive as the client they act for, asked before every route.
 */
@ApiTags('representative security')
@Controller('representatives/:representativeId')
export class RepresentativeSecurityController {
  constructor(private readonly security: SecurityDetailsService) {}

  private ref(id: string): SubjectRef {
    return { type: 'representative', id };
  }

  @Post('security-details')
  @Access.create(
    'security-details',
    at.param('representativeId', 'representative'),
    at.body('actingForClientId', 'client'),
  )
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      "Security set-up for a client representative's own details (SD-1, SD-18): service-requests must hold them " +
      'as a current representative of `actingForClientId`.',
  })
  @IdempotencyKeyHeader()
  @ApiCreatedResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 409, 422)
  setUp(
    @Param('representativeId', UuidParamPipe) id: string,
    @Body() dto: SetUpRepresentativeSecurityDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.setUp(this.ref(id), dto, actor, idempotencyKey);
  }

  @Get('security-details')
  @Access.read('security-details', at.param('representativeId', 'representative'))
  @Roles(...STAFF)
  @ApiOperation({
    summary: "The representative's security status (`setUp: false`: use set-up). Never a secret.",
  })
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(422)
  status(@Param('representativeId', UuidParamPipe) id: string): Promise<SecurityDetailsView> {
    return this.security.status(this.ref(id));
  }

  @Get('security-details/history')
  @Access.read('security-details', at.param('representativeId', 'representative'))
  @Roles(...STAFF)
  @ApiOperation({
    summary: "Every version of the representative's details, newest first (SD-20). Never a secret.",
  })
  @ApiOkResponse({ type: SecurityDetailsHistoryView })
  @ApiProblems(422)
  history(@Param('representativeId', UuidParamPipe) id: string): Promise<SecurityDetailsHistoryView> {
    return this.security.history(this.ref(id));
  }

  @Post('security-details/change')
  @Access.change(
    'security-details',
    at.param('representativeId', 'representative'),
    at.body('serviceRequestId', 'service-request'),
  )
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      "Change the representative's own PIN and/or special password (SD-14, SD-18); history kept (SD-20). Only " +
      'under an open Change Contact/Security Info SR of the client they act for (SD-4). Refused when not set up ' +
      '(SD-22) or blocked (unblock first, SD-11).',
  })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 422)
  change(
    @Param('representativeId', UuidParamPipe) id: string,
    @Body() dto: ChangeSecurityDetailsDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.change(this.ref(id), dto, actor, idempotencyKey);
  }

  @Post('security-check')
  @Access.change('security-details', at.param('representativeId', 'representative'))
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({
    summary:
      "Security check of the representative's own details by channel (SD-19); three consecutive failures block " +
      'them (SD-2). Rate limited (429).',
  })
  @ApiOkResponse({ type: SecurityCheckResultView })
  @ApiProblems(409, 422, 429)
  check(
    @Param('representativeId', UuidParamPipe) id: string,
    @Body() dto: SecurityCheckDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<SecurityCheckResultView> {
    return withRetryAfter(reply, () => this.security.check(this.ref(id), dto, actor));
  }

  @Post('security-details/unblock')
  @Access.change(
    'security-details',
    at.param('representativeId', 'representative'),
    at.body('serviceRequestId', 'service-request'),
  )
  @HttpCode(200)
  @Roles(...ACTORS)
  @ApiOperation({ summary: 'Unblock the representative after they pass security (SD-3); failures reset.' })
  @IdempotencyKeyHeader()
  @ApiOkResponse({ type: SecurityDetailsView })
  @ApiProblems(404, 422)
  unblock(
    @Param('representativeId', UuidParamPipe) id: string,
    @Body() dto: UnblockDto,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.security.unblock(this.ref(id), dto, actor, idempotencyKey);
  }
}
