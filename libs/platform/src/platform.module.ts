import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { type Clock, createClock } from '@cms/domain';
import { DataSource } from 'typeorm';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { Type } from '@nestjs/common';
import {
  ACCESS_REPOSITORY,
  AccessGuard,
  AccessInterceptor,
  type AccessRepository,
  AccessRouteAudit,
} from './access/access.guard';
import { AuthGuard, TokenVerifier } from './auth';
import { ClockTimestamps, useClockFor } from './clock-timestamps';
import { BaseServiceConfig } from './config';
import { DatabaseDefinition, DatabaseModule } from './database';
import { JobQueue } from './jobs';
import { createPino, PINO, PinoNestLogger, RequestLoggingMiddleware } from './logging';
import { ClockController, HealthController, MetricsController } from './ops.controller';
import { PeerHttp } from './peer-http';
import { createValidationPipe, ProblemDetailsFilter } from './problem';
import { CLOCK, CONFIG, SERVICE_NAME } from './tokens';

/** What a service passes to {@link PlatformModule.forRoot}. */
export interface PlatformOptions {
  serviceName: string;
  config: BaseServiceConfig;
  database: DatabaseDefinition;
  /**
   * How this service finds which of its records are nationally sensitive; every route that
   * names a record relies on it. Absent only in a service that holds no citizen's case data.
   */
  access?: Type<AccessRepository>;
  /** Where log lines go (tests capture them); stdout when absent. */
  logDestination?: DestinationStream;
}

/**
 * The plumbing every service shares: validated config, JSON logs with request ids and redaction,
 * TypeORM with migrations, bearer-token auth with roles, problem+json errors, validation,
 * health, metrics, an injectable clock (shared through CLOCK_FILE in adjustable mode, and dating
 * every row and audit record written), durable jobs and the peer HTTP client.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, serviceName } = options;
    return {
      module: PlatformModule,
      imports: [
        DatabaseModule.forRoot(options.database),
        TerminusModule.forRoot({ logger: false }),
        DiscoveryModule,
      ],
      controllers: [HealthController, MetricsController, ClockController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: SERVICE_NAME, useValue: serviceName },
        { provide: PINO, useValue: createPino(serviceName, config.LOG_LEVEL, options.logDestination) },
        PinoNestLogger,
        // One clock for the whole system in adjustable mode when CLOCK_FILE names the shared file.
        { provide: CLOCK, useValue: createClock(config.CLOCK_MODE, config.CLOCK_FILE) },
        // Every row written through TypeORM and every audit record dated by that clock (#12).
        {
          provide: ClockTimestamps,
          inject: [DataSource, CLOCK],
          useFactory: (dataSource: DataSource, clock: Clock) => useClockFor(dataSource, clock),
        },
        { provide: Registry, useFactory: () => new Registry() },
        TokenVerifier,
        PeerHttp,
        JobQueue,
        ...(options.access ? [{ provide: ACCESS_REPOSITORY, useClass: options.access }] : []),
        { provide: APP_GUARD, useClass: AuthGuard },
        // After authentication: the access policy, then the handler; lists filtered after it.
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AccessInterceptor },
        AccessRouteAudit,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [
        PINO,
        PinoNestLogger,
        CONFIG,
        SERVICE_NAME,
        CLOCK,
        Registry,
        TokenVerifier,
        PeerHttp,
        JobQueue,
        DatabaseModule,
        ...(options.access ? [ACCESS_REPOSITORY] : []),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLoggingMiddleware).forRoutes('{*path}');
  }
}
