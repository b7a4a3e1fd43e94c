import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/** One SQL statement with its positional parameters (`$1`, `$2`, …), not yet sent. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * Several writes as ONE statement: each becomes a data-modifying CTE (`WITH w1 AS (…), w2 AS (…)
 * SELECT …`), with its parameters renumbered after the ones before it. PostgreSQL runs every CTE
 * whether or not it is referenced, and one statement is atomic on its own, so the writes commit or
 * fail together without BEGIN/COMMIT round trips; foreign keys between them are checked at the end
 * of the statement, so a row and the rows that reference it can go in the same call.
 * The statements' SQL must be our own: `$n` is rewritten wherever it appears (no dollar-quoted
 * strings, no `$` in literals). Only INSERT/UPDATE/DELETE fit (a write's RETURNING rows are not
 * returned); `result` (default `SELECT 1`) is the final query, and may read a CTE as `w1`, `w2`, ….
 * @throws Error when given no statement
 */
export function combineWrites(statements: readonly SqlStatement[], result = 'SELECT 1'): SqlStatement {
  if (!statements.length) throw new Error('combineWrites needs at least one statement');
  const params: unknown[] = [];
  const parts = statements.map((s, i) => {
    const offset = params.length;
    params.push(...s.params);
    const sql = s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return `w${i + 1} AS (${sql})`;
  });
  return { sql: `WITH ${parts.join(',\n')}\n${result}`, params };
}

/**
 * The INSERT of one entity row exactly as TypeORM writes it (its column names, transformers and
 * version column), built but not sent: for {@link combineWrites}, so that a row goes in ONE statement
 * with the rows and jobs written with it (issue 17). Entity listeners do not run (the insert is not
 * TypeORM's to execute): give every value, as the callers here do.
 */
export function insertStatement<E extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<E>,
  values: QueryDeepPartialEntity<E>,
): SqlStatement {
  const [sql, params] = manager
    .createQueryBuilder()
    .insert()
    .into(entity)
    .values(values)
    .getQueryAndParameters();
  return { sql, params };
}
