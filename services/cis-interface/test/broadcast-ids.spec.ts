import { isUUID } from 'class-validator';
import { timeOrderedIds } from '../src/broadcasts/broadcasts.service';

describe('broadcast transaction row ids (time-ordered, UUID version 7)', () => {
  it('are UUIDs of version 7 with the RFC 9562 variant, carrying the time in ms', () => {
    const at = Date.UTC(2026, 11, 5, 4, 30);
    const ids = timeOrderedIds(3, at);
    for (const id of ids) {
      expect(isUUID(id)).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    }
  });

  it('sort in the order made, within a batch of the largest size and across batches; none repeats', () => {
    const at = Date.now();
    const batch = timeOrderedIds(250_000, at);
    let unordered = 0;
    for (let i = 1; i < batch.length; i++) if (!(batch[i - 1] < batch[i])) unordered++;
    expect(unordered).toBe(0);
    const later = timeOrderedIds(2, at + 1);
    expect(batch[batch.length - 1] < later[0]).toBe(true);
    const sameMs = timeOrderedIds(250_000, at);
    const all = new Set([...batch, ...sameMs, ...later]);
    expect(all.size).toBe(batch.length + sameMs.length + later.length);
  });
});
