import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  Access,
  ACCESS_REPOSITORY,
  compileBodyCheck,
  problemsOfCheck,
  problemsPipe,
  type ResourceKind,
  Roles,
} from '@cms/platform';
import { ServiceRequestsAccessRepository } from './access.repository';

const MAX = 1000;

/** Body of `POST /access/sensitivity`: up to 1,000 ids of each kind, every one optional. */
export interface SensitivityQuery {
  cases?: string[];
  clients?: string[];
  representatives?: string[];
  serviceRequests?: string[];
}

/** The body as documented (OpenAPI); checked by {@link SensitivityQueryPipe}, not class-validator. */
export class SensitivityQueryDto implements SensitivityQuery {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  cases?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  clients?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  representatives?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  serviceRequests?: string[];
}

/** A uuid of any version, as class-validator's `IsUUID('all')` reads one. */
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const IDS = { type: 'array', maxItems: MAX, items: { type: 'string', pattern: UUID } } as const;

/** The JSON schema of {@link SensitivityQuery}: what the DTO documents, compiled once by ajv. */
export const SENSITIVITY_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { cases: IDS, clients: IDS, representatives: IDS, serviceRequests: IDS },
} as const;

/**
 * The body pipe of `POST /access/sensitivity`, asked by the other services on nearly every read of
 * theirs: the compiled schema instead of class-transformer and class-validator (issue 17: the
 * ValidationPipe was 12% of service-requests' CPU on this route). An absent body asks about nothing,
 * as before. @throws DomainValidationError (400 naming each field, e.g. `clients[2]`)
 */
export const SensitivityQueryPipe = problemsPipe<SensitivityQuery>(
  problemsOfCheck(compileBodyCheck<SensitivityQuery>(SENSITIVITY_QUERY_SCHEMA)),
  {},
);

export class SensitivityView {
  @ApiProperty({ type: [String], description: 'The given cases that are nationally sensitive.' })
  cases: string[];
  @ApiProperty({ type: [String], description: 'The given clients that are nationally sensitive.' })
  clients: string[];
  @ApiProperty({ type: [String], description: 'The given representatives acting for a sensitive client.' })
  representatives: string[];
  @ApiProperty({ type: [String], description: 'The given service requests that are nationally sensitive.' })
  serviceRequests: string[];
}

/**
 * The access policy's question to the owner of cases and clients: which of these are
 * nationally sensitive. Asked by the other services before a caller without sensitive access sees
 * a record that belongs to a case or client.
 */
@ApiTags('access')
@Controller('access')
export class SensitivityController {
  /** The platform's access repository, which in this service is service-requests' own (app.module). */
  constructor(@Inject(ACCESS_REPOSITORY) private readonly access: ServiceRequestsAccessRepository) {}

  @Post('sensitivity')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('the other services ask which of their records’ cases and clients are sensitive')
  @ApiOperation({
    summary: 'Which of the given cases, clients, representatives and SRs are nationally sensitive (X-1).',
  })
  @ApiBody({ type: SensitivityQueryDto })
  @ApiOkResponse({ type: SensitivityView })
  async sensitivity(@Body(SensitivityQueryPipe) q: SensitivityQuery): Promise<SensitivityView> {
    const found = await this.access.sensitiveByKind([
      { kind: 'case', ids: [...new Set(q.cases ?? [])] },
      { kind: 'client', ids: [...new Set(q.clients ?? [])] },
      { kind: 'representative', ids: [...new Set(q.representatives ?? [])] },
      { kind: 'service-request', ids: [...new Set(q.serviceRequests ?? [])] },
    ]);
    const of = (kind: ResourceKind) => [...(found.get(kind) ?? [])];
    return {
      cases: of('case'),
      clients: of('client'),
      representatives: of('representative'),
      serviceRequests: of('service-request'),
    };
  }
}
