import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '@cms/domain';

/** What is known about the current request while it is being handled. */
export interface RequestContextStore {
  requestId: string;
  actor?: Actor;
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
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Accepts a caller's `x-request-id` when it is a sane token, otherwise undefined (a new id is made). */
export function acceptRequestId(header: unknown): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : undefined;
}
