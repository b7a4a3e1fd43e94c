import { addDaysToIsoDate } from '@cms/domain';
import {
  broadcastDayOf,
  broadcastDueAt,
  isBroadcastDue,
  lastDueDay,
  ukDayStart,
} from '../src/broadcasts/broadcast-schedule';

describe('[BR-2] broadcast schedule: a UK day’s changes are due 24 hours after the day ends', () => {
  it.each([
    // day, UK midnight starting it (UTC), due (UTC)
    ['2026-01-15', '2026-01-15T00:00:00.000Z', '2026-01-17T00:00:00.000Z'],
    ['2026-07-15', '2026-07-14T23:00:00.000Z', '2026-07-16T23:00:00.000Z'],
    // Clocks go forward on 29 March 2026 (the day has 23 hours): 24 hours after its end.
    ['2026-03-28', '2026-03-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z'],
    ['2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-30T23:00:00.000Z'],
    // Clocks go back on 25 October 2026 (the day has 25 hours).
    ['2026-10-25', '2026-10-24T23:00:00.000Z', '2026-10-27T00:00:00.000Z'],
  ])('%s starts at %s and is due at %s', (day, start, due) => {
    expect(ukDayStart(day).toISOString()).toBe(start);
    expect(broadcastDueAt(day).toISOString()).toBe(due);
  });

  it.each([
    // instant (UTC), its UK day, the latest due day then
    ['2026-01-17T00:00:00.000Z', '2026-01-17', '2026-01-15'],
    ['2026-01-16T23:59:59.999Z', '2026-01-16', '2026-01-14'],
    ['2026-07-16T22:59:59.999Z', '2026-07-16', '2026-07-14'],
    ['2026-07-16T23:00:00.000Z', '2026-07-17', '2026-07-15'],
    ['2026-03-30T00:00:00.000Z', '2026-03-30', '2026-03-28'],
  ])('at %s the day is %s and days up to %s are due', (instant, day, due) => {
    const now = new Date(instant);
    expect(broadcastDayOf(now)).toBe(day);
    expect(lastDueDay(now)).toBe(due);
    expect(isBroadcastDue(due, now)).toBe(true);
    expect(isBroadcastDue(addDaysToIsoDate(due, 1), now)).toBe(false);
  });

  it.each(['2026-01-15', '2026-03-29', '2026-10-25', '2026-12-31'])(
    'every change recorded on %s is 24 to 49 hours old when the day is due, and not sent earlier',
    (day) => {
      const due = broadcastDueAt(day).getTime();
      const first = ukDayStart(day).getTime();
      const last = ukDayStart(addDaysToIsoDate(day, 1)).getTime() - 1;
      expect(due - last).toBeGreaterThanOrEqual(24 * 3_600_000);
      expect(due - first).toBeLessThanOrEqual(49 * 3_600_000);
      expect(isBroadcastDue(day, new Date(due - 1))).toBe(false);
    },
  );
});
