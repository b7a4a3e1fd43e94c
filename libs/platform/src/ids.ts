import { v7 } from 'uuid';

/**
 * A time-ordered UUID (RFC 9562 version 7, made by the `uuid` package): 48 bits of Unix time in
 * milliseconds, then a counter and random bits, so the ids one process makes sort in the order it
 * made them. Rows written in bulk (a broadcast's SRs and audit rows) get these so that each
 * primary key and id index grows at the right edge of its btree instead of touching (and, after a
 * checkpoint, writing whole to the WAL) a random page per row (issue 17). Any UUID check accepts
 * them. The id reveals when it was made, to the millisecond; the rows carry that time anyway.
 * @param msecs the time to put in the id (default: now, by the system clock)
 */
export function timeOrderedUuid(msecs?: number): string {
  return msecs === undefined ? v7() : v7({ msecs });
}
