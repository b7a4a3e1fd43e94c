import { isUUID } from 'class-validator';
import { timeOrderedUuid } from '../src/ids';

/** Ids for rows written in bulk (issue 17: btree inserts at the right edge). */
describe('timeOrderedUuid', () => {
  it('is an RFC 9562 version 7 UUID carrying the time in milliseconds', () => {
    const at = Date.UTC(2026, 11, 5, 4, 0, 0, 123);
    const id = timeOrderedUuid(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUID(id)).toBe(true);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by time (as text and as PostgreSQL compares uuids), and never repeats', () => {
    const ids = Array.from({ length: 5000 }, (_, i) =>
      timeOrderedUuid(1_800_000_000_000 + Math.floor(i / 10)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 10; i < ids.length; i += 10) expect(ids[i - 1] < ids[i]).toBe(true);
  });

  it('made one after another without a time, sorts in the order made (a batch of 250,000)', () => {
    const ids = Array.from({ length: 250_000 }, () => timeOrderedUuid());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) throw new Error(`out of order at ${i}`);
  });
});
