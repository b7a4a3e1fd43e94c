import { Body, Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from './decorators';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AdjustableClock, Clock, DomainError } from '@cms/domain';
import { IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import { Access } from './access/access.decorator';
import { Public, Roles } from './auth';
import { CLOCK } from './tokens';

/**
 * Liveness and readiness (@nestjs/terminus): ready means the database answers and the replica is not
 * draining. Not ready is 503 problem+json with Retry-After (while the database restarts, and from
 * the moment a SIGTERM starts the drain, so that load balancers stop sending new work first).
 */
@ApiTags('health')
@Controller('health')
@Public('liveness and readiness for the platform; no data')
export class HealthController {
  private draining = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** Marks this replica as draining (SIGTERM): `/health/ready` answers 503 from now on. */
  drain(): void {
    this.draining = true;
  }

  @Get('live')
  @ApiOperation({ summary: 'The process is up and its event loop answers.' })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'The service can do work: its database answers.' })
  @HealthCheck()
  ready() {
    if (this.draining)
      throw new DomainError('DRAINING', 'unavailable', 'This replica is shutting down; use another one.');
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
  }
}

/** Prometheus metrics: request counts and latency histograms by route. */
@ApiExcludeController()
@Controller('metrics')
@Public('request counts and latencies by route template for the scraper; no citizen data')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    reply.header('content-type', this.registry.contentType).send(await this.registry.metrics());
  }
}

export class ClockView {
  @ApiProperty({ format: 'date-time', example: '2026-11-22T10:00:00.000Z' }) now: string;
  @ApiProperty({ example: true, description: 'CLOCK_MODE=adjustable: tests may move it' })
  adjustable: boolean;
}

export class AdvanceClockDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3650,
    example: 7,
    description: 'Days to move forward',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  days?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 87600,
    example: 0,
    description: 'Hours to move forward',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(87600)
  hours?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 5_256_000,
    example: 0,
    description: 'Minutes to move forward',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5_256_000)
  minutes?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2027-01-05T09:00:00.000Z',
    description: 'Absolute time to move to (must not be in the past)',
  })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

/**
 * The clock, for tests and demos (CLOCK_MODE=adjustable): read it, or move it forward so that
 * waits of 7 or 14 days and the 24-hour SLA pass without sleeping. With CLOCK_FILE (npm start, the
 * e2e system) every service and the simulator share one clock: a move on any service's endpoint
 * moves them all at once and survives restarts. Never backwards.
 */
@ApiTags('internal')
@Controller('internal/clock')
export class ClockController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Get()
  @Roles('system', 'team-leader', 'caseworker', 'sensitive-access')
  @Access.noSubject('the time of day')
  @ApiOperation({ summary: 'This service’s clock: the time now and whether tests may move it.' })
  @ApiOkResponse({ type: ClockView })
  now(): ClockView {
    return { now: this.clock.now().toISOString(), adjustable: this.clock instanceof AdjustableClock };
  }

  @Post('advance')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('tests and the demo move the clock')
  @ApiOperation({ summary: 'Moves the clock forward (adjustable clock only).' })
  @ApiOkResponse({ type: ClockView, description: 'The clock after the move.' })
  @ApiProblems(422)
  advance(@Body() body: AdvanceClockDto) {
    if (!(this.clock instanceof AdjustableClock)) {
      throw new DomainError(
        'CLOCK_NOT_ADJUSTABLE',
        'precondition',
        'This service runs on the system clock (CLOCK_MODE=system).',
      );
    }
    try {
      if (body.to) this.clock.set(new Date(body.to));
      else
        this.clock.advance(
          ((body.days ?? 0) * 24 * 60 + (body.hours ?? 0) * 60 + (body.minutes ?? 0)) * 60_000,
        );
    } catch (e) {
      // set() checks "not in the past" against the shared clock in the same step as the move.
      if (e instanceof RangeError)
        throw new DomainError('CLOCK_BACKWARDS', 'validation', 'The clock only moves forward.');
      throw e;
    }
    return this.now();
  }
}
