import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { businessNow } from './clock-timestamps';
import { RequestContext } from './request-context';
import { timeOrderedUuid } from './ids';
import type { SqlStatement } from './statements';

/**
 * One audited change (X-2): who, when, from which source, to what, and the record before and
 * after. Secrets (PIN, password hashes) are never put in `before`/`after`; bank details are masked.
 * Every service keeps its own `audit_log` table (created by its own migration).
 */
@Entity('audit_log')
@Index('IDX_audit_log_entity', ['entityType', 'entityId', 'occurredAt'])
export class AuditRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_audit_log' })
  id: string;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'text' })
  actorId: string;

  @Column({ name: 'actor_roles', type: 'text', array: true, default: () => "'{}'" })
  actorRoles: string[];

  /** Where the change came from: 'api', 'cis-broadcast', 'self-service', 'system', a service name… */
  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** The person a system actor acted for (X-2), e.g. `cw-1042` when `actorId` is `cis-interface`. */
  @Column({ name: 'on_behalf_of', type: 'text', nullable: true })
  onBehalfOf: string | null;
}

/** What a caller supplies for one audit record; actor and request id default to the current request. */
export interface AuditEntry {
  entityType: string;
  entityId: string;
  action: string;
  before?: object | null;
  after?: object | null;
  source?: string;
  actorId?: string;
  actorRoles?: readonly string[];
}

/**
 * Writes audit records with `manager`, so they commit or roll back with the change they describe.
 * Many entries go in one INSERT of one JSON text (json_to_recordset): linear in the number of
 * entries, where TypeORM's insert builder is quadratic (a broadcast chunk audits 500 SRs at once).
 * Each record gets a time-ordered id ({@link timeOrderedUuid}), so the audit table's key grows at
 * its right edge.
 * `occurred_at` is the service's injected clock (#12: the same clock that dates the change; the
 * database's `now()` only where no service clock is tied to `manager`, as in one-off scripts).
 * Roles never contain a comma (they are ROLES values).
 */
export async function recordAudit(manager: EntityManager, ...entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const { sql, params } = auditStatement(manager, entries);
  await manager.query(sql, params);
}

/**
 * The INSERT that {@link recordAudit} sends, not yet sent: to be combined with the change it
 * describes into one statement ({@link combineWrites}), so both commit together in one round trip.
 * Actor, request id and time are read now, from the current request and `manager`'s clock.
 * `when`: an SQL condition (our own text, no parameters) under which the rows are written, e.g.
 * `EXISTS (SELECT 1 FROM w1)` to audit a conditional change only when it happened.
 * @throws Error when `entries` is empty
 */
export function auditStatement(
  manager: EntityManager,
  entries: readonly AuditEntry[],
  { when }: { when?: string } = {},
): SqlStatement {
  if (!entries.length) throw new Error('auditStatement needs at least one entry');
  const actor = RequestContext.actor();
  const requestId = RequestContext.requestId() ?? null;
  const onBehalfOf = RequestContext.onBehalfOf() ?? null;
  // One JSON text for all the entries, not an array per column (node-postgres escapes every element
  // of a jsonb[] one by one, issue 17), and each entry an array of its values by position, read with
  // jsonb_array_elements: objects through json_to_recordset repeated every column name an entry and
  // took PostgreSQL about twice as long to read (measured on service requests' rows).
  const rows = entries.map((e) => [
    timeOrderedUuid(),
    e.actorId ?? actor?.id ?? 'system',
    [...(e.actorRoles ?? actor?.roles ?? [])].join(','),
    e.source ?? 'api',
    e.entityType,
    e.entityId,
    e.action,
    e.before ?? null,
    e.after ?? null,
  ]);
  return {
    sql: `INSERT INTO audit_log (id, actor_id, actor_roles, source, entity_type, entity_id, action, before, after,
                            request_id, on_behalf_of, occurred_at)
     SELECT u.id, u.actor_id, string_to_array(u.roles, ','), u.source, u.entity_type, u.entity_id, u.action,
            u.before, u.after, $2::text, $3::text, COALESCE($4::timestamptz, now())
       FROM (SELECT (r->>0)::uuid AS id, r->>1 AS actor_id, r->>2 AS roles, r->>3 AS source, r->>4 AS entity_type,
                    r->>5 AS entity_id, r->>6 AS action, NULLIF(r->7, 'null'::jsonb) AS before,
                    NULLIF(r->8, 'null'::jsonb) AS after
               FROM jsonb_array_elements($1::jsonb) AS r) AS u${when ? `\n      WHERE ${when}` : ''}`,
    params: [JSON.stringify(rows), requestId, onBehalfOf, businessNow(manager) ?? null],
  };
}

/** Migration SQL for the audit table, shared by every service's first migration. */
export const AUDIT_LOG_UP = `
CREATE TABLE "audit_log" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "occurred_at" timestamptz NOT NULL DEFAULT now(),
  "actor_id" text NOT NULL,
  "actor_roles" text[] NOT NULL DEFAULT '{}',
  "source" text NOT NULL,
  "entity_type" text NOT NULL,
  "entity_id" text NOT NULL,
  "action" text NOT NULL,
  "before" jsonb,
  "after" jsonb,
  "request_id" text,
  CONSTRAINT "PK_audit_log" PRIMARY KEY ("id")
);
CREATE INDEX "IDX_audit_log_entity" ON "audit_log" ("entity_type", "entity_id", "occurred_at");
`;
export const AUDIT_LOG_DOWN = `DROP TABLE "audit_log";`;

/**
 * Migration: the audit log records whom a system caller acted for (`x-on-behalf-of`, X-2). One
 * class for every service, each listing it in its migrations after its first (which creates the
 * table with AUDIT_LOG_UP).
 */
export class AuditOnBehalfOf1764900000000 implements MigrationInterface {
  name = 'AuditOnBehalfOf1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" ADD COLUMN "on_behalf_of" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "on_behalf_of"`);
  }
}

/** Query of an audit trail route (`GET /audit/{entityType}/{id}`): how many records, 1 to 1,000. */
export class AuditTrailQuery {
  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 1000, description: 'At most 1000.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
