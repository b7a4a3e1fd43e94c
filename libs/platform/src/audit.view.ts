import { ApiProperty } from '@nestjs/swagger';
import { ApiField } from './decorators';

/** One audited change as `GET /audit/{entityType}/{id}` shows it. */
export class AuditRecordView {
  @ApiField({ type: 'uuid' }) id: string;
  @ApiField({ type: 'date-time', example: '2026-11-22T10:05:00.000Z' }) occurredAt: Date;
  @ApiProperty({ example: 'cw-1042' }) actorId: string;
  @ApiProperty({ type: [String], example: ['caseworker'] }) actorRoles: string[];
  @ApiProperty({ example: 'api', description: 'api, cis-broadcast, self-service, system, a service name…' })
  source: string;
  @ApiProperty({ example: 'client' }) entityType: string;
  @ApiProperty({ example: '3f2b8c1e-5a4d-4e8f-9b6a-2c7d1e0f9a8b' }) entityId: string;
  @ApiProperty({ example: 'client-updated' }) action: string;
  @ApiField({ type: 'object', nullable: true, description: 'The record before (null on creation)' })
  before: Record<string, unknown> | null;
  @ApiField({ type: 'object', nullable: true, description: 'The record after (null on deletion)' })
  after: Record<string, unknown> | null;
  @ApiField({ type: 'string', nullable: true, example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' })
  requestId: string | null;
  @ApiField({ type: 'string', nullable: true, description: 'The person a system actor acted for' })
  onBehalfOf: string | null;
}
