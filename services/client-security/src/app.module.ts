import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { ClientSecurityAccessRepository } from './access/access.repository';
import { AuditController } from './audit/audit.controller';
import { ClientSecurityConfig } from './config';
import { IdempotencyRecord } from './idempotency/idempotency-record.entity';
import { IdempotentRequests } from './idempotency/idempotent-requests';
import { SecurityDetails1763900000000 } from './migrations/1763900000000-security-details';
import { IdempotencyKeys1765200000300 } from './migrations/1765200000300-idempotency-keys';
import { SubjectIdentityFixed1765300000000 } from './migrations/1765300000000-subject-identity-fixed';
import { RateLimitBucket } from './rate-limits/rate-limit-bucket.entity';
import { RateLimiter } from './rate-limits/rate-limiter.service';
import {
  ClientSecurityController,
  RepresentativeSecurityController,
} from './security-details/client-security.controller';
import { SecretHasher } from './security-details/secret-hasher';
import { SecurityDetailsService } from './security-details/security-details.service';
import { SecurityCredential, SecuritySubject } from './security-details/security-subject.entity';
import { SubjectFacts } from './security-details/subject-facts';
import { SecurityEvents } from './security-events/security-events';

export const ENTITIES = [
  AuditRecord,
  SecuritySubject,
  SecurityCredential,
  RateLimitBucket,
  IdempotencyRecord,
];
export const MIGRATIONS = [
  SecurityDetails1763900000000,
  AuditOnBehalfOf1764900000000,
  IdempotencyKeys1765200000300,
  SubjectIdentityFixed1765300000000,
];

/** Root module of client-security. */
@Module({})
export class AppModule {
  static forRoot(config: ClientSecurityConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'client-security',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          access: ClientSecurityAccessRepository,
          logDestination,
        }),
      ],
      controllers: [ClientSecurityController, RepresentativeSecurityController, AuditController],
      providers: [
        SecretHasher,
        RateLimiter,
        SecurityEvents,
        SubjectFacts,
        IdempotentRequests,
        SecurityDetailsService,
      ],
    };
  }
}
