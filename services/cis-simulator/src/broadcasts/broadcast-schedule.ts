import { addDaysToIsoDate, addHours, parseIsoDate, ukToday, type IsoDate } from '@cms/domain';

/**
 * When CIS broadcasts a change (BR-2, CIS - Receive Broadcast Updates, introduction).
 *
 * CIS sends each change 24 hours after it was recorded, seven days a week, and sends only the
 * latest change to an item in a day (BR-3). A change can only be known to be the day's latest once
 * the day is over, so changes are collected per UK calendar day (Europe/London) and the batch for
 * day D is due 24 hours after D ends:
 *
 *   dueAt(D) = start of D+1 (UK midnight) + 24 h
 *
 * Every change in the batch is therefore at least 24 and less than 48 hours old when it is sent
 * (a day of 23 or 25 hours at a clock change shifts this by the hour). Weekends and bank holidays
 * are ordinary days.
 */

const londonHour = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** The UK calendar day (`YYYY-MM-DD`) of `instant`: the broadcast day a change recorded then belongs to. */
export function broadcastDayOf(instant: Date): IsoDate {
  return ukToday(instant);
}

/** The instant UK midnight begins `day` (00:00 GMT, or 23:00 UTC the day before in summer time). */
export function ukDayStart(day: IsoDate): Date {
  const utcMidnight = parseIsoDate(day);
  // London is UTC or UTC+1, and clocks change at 01:00 UTC, so its offset at UTC midnight is the one in force at UK midnight.
  const offsetHours = Number(londonHour.format(utcMidnight));
  return addHours(utcMidnight, -offsetHours);
}

/** When the broadcast of changes recorded on `day` is due: 24 hours after the day ends (BR-2). */
export function broadcastDueAt(day: IsoDate): Date {
  return addHours(ukDayStart(addDaysToIsoDate(day, 1)), 24);
}

/** The latest day whose broadcast is due at `now` (every earlier day is due too). */
export function lastDueDay(now: Date): IsoDate {
  return addDaysToIsoDate(ukToday(addHours(now, -24)), -1);
}

/** True when the broadcast for `day` is due at `now`. */
export function isBroadcastDue(day: IsoDate, now: Date): boolean {
  return broadcastDueAt(day).getTime() <= now.getTime();
}
