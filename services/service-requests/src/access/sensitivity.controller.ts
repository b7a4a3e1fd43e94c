import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsUUID } from 'class-validator';
import { Access, ACCESS_REPOSITORY, type AccessRepository, Omittable, Roles } from '@cms/platform';

const MAX = 1000;

export class SensitivityQueryDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX)
  @IsUUID('all', { each: true })
  cases?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX)
  @IsUUID('all', { each: true })
  clients?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX)
  @IsUUID('all', { each: true })
  representatives?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX)
  @IsUUID('all', { each: true })
  serviceRequests?: string[];
}

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
  constructor(@Inject(ACCESS_REPOSITORY) private readonly access: AccessRepository) {}

  @Post('sensitivity')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('the other services ask which of their records’ cases and clients are sensitive')
  @ApiOperation({
    summary: 'Which of the given cases, clients, representatives and SRs are nationally sensitive (X-1).',
  })
  @ApiOkResponse({ type: SensitivityView })
  async sensitivity(@Body() q: SensitivityQueryDto): Promise<SensitivityView> {
    const among = async (kind: Parameters<AccessRepository['sensitiveAmong']>[0], ids?: string[]) =>
      ids?.length ? [...(await this.access.sensitiveAmong(kind, [...new Set(ids)]))] : [];
    return {
      cases: await among('case', q.cases),
      clients: await among('client', q.clients),
      representatives: await among('representative', q.representatives),
      serviceRequests: await among('service-request', q.serviceRequests),
    };
  }
}
