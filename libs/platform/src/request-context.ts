import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '@cms/domain';
import { scrubText } from './redact';

/** What is known about the current request while it is being handled. */
export interface RequestContextStore {
  requestId: string;
  actor?: Actor;
  /**
   * The person a system caller acts for (`x-on-behalf-of`, accepted from `system` callers only),
   * e.g. the caseworker whose decision in cis-interface changes a client in service-requests.
   */
  onBehalfOf?: string;
}

const storage = new AsyncLocalStorage<RequestContextStore>();

/**
 * The current request's id and caller, carried through async work with AsyncLocalStorage so that
 * logs, audit records and outgoing calls can name them without passing them by hand.
 */
export const RequestContext = {
  run<T>(store: RequestContextStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  get(): RequestContextStore | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
  actor(): Actor | undefined {
    return storage.getStore()?.actor;
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
  onBehalfOf(): string | undefined {
    return storage.getStore()?.onBehalfOf;
  },
  setOnBehalfOf(id: string): void {
    const store = storage.getStore();
    if (store) store.onBehalfOf = id;
  },
  /**
   * Whom an outgoing call acts for: the person calling us now, or whoever our own system caller
   * acted for. Undefined when the work is a system's own (a job, a broadcast).
   */
  actingFor(): string | undefined {
    const store = storage.getStore();
    if (store?.onBehalfOf) return store.onBehalfOf;
    const actor = store?.actor;
    return actor && !actor.roles.includes('system') ? actor.id : undefined;
  },
};

const ON_BEHALF_OF = /^[A-Za-z0-9._:@+-]{1,128}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** A header's (first) value when it matches `pattern`, otherwise undefined. */
function headerToken(header: unknown, pattern: RegExp): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** Accepts an `x-on-behalf-of` header when it is a sane staff id, otherwise undefined (ignored). */
export function acceptOnBehalfOf(header: unknown): string | undefined {
  return headerToken(header, ON_BEHALF_OF);
}

/**
 * Accepts a caller's `x-request-id` when it is a sane token that is not wholly a NINO, phone or
 * account number (it is logged on every line of the request, some as a child logger's binding that
 * no log formatter sees), otherwise undefined (a new id is made).
 */
export function acceptRequestId(header: unknown): string | undefined {
  const id = headerToken(header, REQUEST_ID);
  return id !== undefined && /^\[[a-z-]+\]$/.test(scrubText(id)) ? undefined : id;
}
