import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainValidationError } from '@cms/domain';
import { AuditRecord } from '@cms/platform';
import { DataSource } from 'typeorm';

/** The kinds of record service-requests keeps an audit trail of. */
const KINDS = ['case', 'client', 'service-request'] as const;

/** The audit trail: who changed what, when, from which source, before and after. */
@Injectable()
export class AuditTrailService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A case's, client's or SR's audit records, oldest first, at most `limit`. @throws DomainValidationError */
  async trail(entityType: string, id: string, limit = 500): Promise<AuditRecord[]> {
    if (!(KINDS as readonly string[]).includes(entityType)) {
      throw new DomainValidationError([
        { field: 'entityType', rule: 'isIn', message: `entityType must be one of ${KINDS.join(', ')}` },
      ]);
    }
    return this.db.manager.find(AuditRecord, {
      where: { entityType, entityId: id },
      order: { occurredAt: 'ASC' },
      take: limit,
    });
  }
}
