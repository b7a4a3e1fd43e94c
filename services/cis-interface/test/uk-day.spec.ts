import { ukToday } from '@cms/domain';
import { ukDayOf } from '../src/broadcasts/broadcast-rules';

describe('the UK day of an instant, remembered per UTC hour (BR-3 compares UK days)', () => {
  it('equals ukToday every minute across both clock changes of 2026 and two midnights', () => {
    const spans = [
      [Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 30, 12)], // BST starts 29 March, 01:00 UTC
      [Date.UTC(2026, 9, 24, 12), Date.UTC(2026, 9, 26, 12)], // BST ends 25 October, 01:00 UTC
      [Date.UTC(2026, 6, 1, 20), Date.UTC(2026, 6, 2, 2)], // summer midnight: 23:00 UTC
    ];
    let compared = 0;
    for (const [from, to] of spans) {
      for (let ms = from; ms < to; ms += 60_000) {
        const at = new Date(ms);
        // Twice: the first fills the memory, the second reads it.
        expect(ukDayOf(at)).toBe(ukToday(at));
        expect(ukDayOf(new Date(ms + 59_999))).toBe(ukToday(new Date(ms + 59_999)));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5_000);
    expect(ukDayOf(new Date(Date.UTC(2026, 6, 1, 22, 59, 59, 999)))).toBe('2026-07-01');
    expect(ukDayOf(new Date(Date.UTC(2026, 6, 1, 23)))).toBe('2026-07-02');
  });

  it('asks ukToday directly before 1972 (offsets were not whole hours in the 19th century)', () => {
    const at = new Date(Date.UTC(1840, 0, 1, 0, 0, 30));
    expect(ukDayOf(at)).toBe(ukToday(at));
  });
});
