import { randomUUID } from 'node:crypto';
import { AdjustableClock } from '@cms/domain';
import pg from 'pg';
import {
  Column,
  CreateDateColumn,
  DataSource,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type EntityManager,
} from 'typeorm';
import { AuditRecord, recordAudit } from '../src/audit';
import { businessNow, useClockFor } from '../src/clock-timestamps';

/*
 * [#12 clock] Rows and audit records dated by the service's injected clock, not the database's
 * now(), on a real PostgreSQL (TEST_DATABASE_URL) in a database of its own.
 */
const server = process.env.TEST_DATABASE_URL;
const name = `test_platform_clock_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const DAY = 86_400_000;
const SLACK_MS = 10_000;

const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

@Entity('dated_thing')
class DatedThing {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) label: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

(server ? describe : describe.skip)('[#12 clock] ClockTimestamps and recordAudit', () => {
  let url: string;
  const clock = new AdjustableClock();
  clock.advance(30 * DAY);
  /** With the clock tied (as PlatformModule does), and without (the database's now()). */
  let tied: DataSource;
  let untied: DataSource;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    url = u.toString();
    const make = () =>
      new DataSource({ type: 'postgres', url, entities: [DatedThing, AuditRecord], synchronize: false });
    tied = await make().initialize();
    await tied.synchronize();
    untied = await make().initialize();
    useClockFor(tied, clock);
  });
  afterAll(async () => {
    await tied?.destroy();
    await untied?.destroy();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  /** The row's dates as stored, read back from the database. */
  const stored = async (id: string) => {
    const [row] = await tied.query<{ created_at: Date; updated_at: Date }[]>(
      'SELECT created_at, updated_at FROM dated_thing WHERE id = $1',
      [id],
    );
    return row;
  };
  const expectNear = (at: Date, expected: Date) =>
    expect(Math.abs(at.getTime() - expected.getTime())).toBeLessThan(SLACK_MS);

  type Write = (m: EntityManager) => Promise<string>;
  const writes: [string, Write, 'created' | 'updated'][] = [
    ['save (insert)', async (m) => (await m.save(m.create(DatedThing, { label: 'a' }))).id, 'created'],
    [
      'insert',
      async (m) => (await m.insert(DatedThing, { label: 'b' })).identifiers[0].id as string,
      'created',
    ],
    [
      'save (update)',
      async (m) => {
        // Made first without the clock (dated now), then changed through `m`.
        const row = await untied.manager.save(untied.manager.create(DatedThing, { label: 'c' }));
        row.label = 'c2';
        await m.save(row);
        return row.id;
      },
      'updated',
    ],
    [
      'update',
      async (m) => {
        const { id } = await untied.manager.save(untied.manager.create(DatedThing, { label: 'd' }));
        await m.update(DatedThing, { id }, { label: 'd2' });
        return id;
      },
      'updated',
    ],
  ];

  it.each(writes)('%s: dated by the injected clock', async (_how, write, column) => {
    const id = await tied.transaction(write);
    const row = await stored(id);
    expectNear(column === 'created' ? row.created_at : row.updated_at, clock.now());
  });

  it.each(writes)(
    '%s without a tied clock: the database’s now() (what #12 fixed)',
    async (_how, write, column) => {
      const id = await untied.transaction(write);
      const row = await stored(id);
      expectNear(column === 'created' ? row.created_at : row.updated_at, new Date());
    },
  );

  it('recordAudit: occurred_at is the injected clock; businessNow names it (undefined when untied)', async () => {
    const entityId = randomUUID();
    await tied.transaction((m) =>
      recordAudit(
        m,
        { entityType: 'thing', entityId, action: 'dated' },
        { entityType: 'thing', entityId, action: 'again' },
      ),
    );
    const rows = await tied.query<{ occurred_at: Date }[]>(
      'SELECT occurred_at FROM audit_log WHERE entity_id = $1',
      [entityId],
    );
    expect(rows).toHaveLength(2);
    for (const r of rows) expectNear(r.occurred_at, clock.now());
    expectNear(businessNow(tied.manager)!, clock.now());
    expect(businessNow(untied.manager)).toBeUndefined();
  });
});
