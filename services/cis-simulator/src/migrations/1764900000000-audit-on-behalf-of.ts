import { AUDIT_LOG_ON_BEHALF_OF_DOWN, AUDIT_LOG_ON_BEHALF_OF_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log records whom a system caller acted for (`x-on-behalf-of`, X-2). */
export class AuditOnBehalfOf1764900000000 implements MigrationInterface {
  name = 'AuditOnBehalfOf1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_ON_BEHALF_OF_UP);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_ON_BEHALF_OF_DOWN);
  }
}
