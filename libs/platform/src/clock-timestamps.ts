import type { Clock } from '@cms/domain';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  InsertEvent,
  ObjectLiteral,
  UpdateEvent,
} from 'typeorm';

/** The clock of each service's DataSource (several services share one process in e2e tests). */
const clocks = new WeakMap<DataSource, Clock>();

/**
 * Dates every row a service writes through TypeORM with the service's injected {@link Clock}, not
 * the database's `now()` (#12: one clock for the whole system): on insert, a `@CreateDateColumn` and
 * `@UpdateDateColumn` left unset get `clock.now()`; on update (save, or `manager.update`), the
 * `@UpdateDateColumn` gets `clock.now()`. With CLOCK_MODE=system that is the real time anyway.
 * Raw SQL (`manager.query`) is not seen: such writes take {@link businessNow} as a parameter.
 */
export class ClockTimestamps implements EntitySubscriberInterface<ObjectLiteral> {
  constructor(private readonly clock: Clock) {}

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const entity = event.entity;
    if (!entity || typeof entity !== 'object') return;
    const now = this.clock.now();
    for (const column of [event.metadata.createDateColumn, event.metadata.updateDateColumn]) {
      if (column && column.getEntityValue(entity) === undefined) column.setEntityValue(entity, now);
    }
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const column = event.metadata.updateDateColumn;
    const entity = event.entity;
    if (!column || !entity || typeof entity !== 'object') return;
    column.setEntityValue(entity, this.clock.now());
  }
}

/**
 * Ties `clock` to `dataSource`: registers {@link ClockTimestamps} on it and makes the clock what
 * {@link businessNow} and recordAudit read for managers of that data source. Returns the subscriber.
 * Called once per service by PlatformModule.
 */
export function useClockFor(dataSource: DataSource, clock: Clock): ClockTimestamps {
  const subscriber = new ClockTimestamps(clock);
  dataSource.subscribers.push(subscriber);
  clocks.set(dataSource, clock);
  return subscriber;
}

/**
 * The injected clock's time for a write made with `manager` (raw SQL that dates a row), or
 * `undefined` when no service clock is tied to its data source (one-off scripts): callers then
 * fall back to the database's `now()`.
 */
export function businessNow(manager: EntityManager): Date | undefined {
  return clocks.get(manager.connection)?.now();
}
