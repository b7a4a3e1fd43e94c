import { SetMetadata } from '@nestjs/common';
import type { AccessAction, ResourceKind } from './policy';

export const ACCESS_KEY = 'cms:access';
export const ACCESS_LIST_KEY = 'cms:access-list';

/** Where a route finds the id of a record it reads or changes, and what kind of record that id names. */
export interface SubjectLocator {
  /** Request part, or `response` for a record found by the handler (reads only, e.g. a search). */
  from: 'params' | 'query' | 'body' | 'response';
  /** Dotted path; a trailing `[]` names an array of ids, e.g. `caseIds[]` or `subject.clientId`. */
  path: string;
  /** The kind of record the id names (e.g. a letter's route names a `letter`, a list names a `client`). */
  resource: ResourceKind;
}

/** What a route declares about the records it serves: exactly one per route (checked at start-up). */
export type AccessDeclaration =
  | {
      mode: 'subject';
      resource: ResourceKind;
      action: AccessAction;
      subjects: readonly SubjectLocator[];
      requirementId?: string;
      /** Creates a record: nothing to check but the existing records it names (possibly none). */
      creates?: boolean;
    }
  | ListDeclaration
  | { mode: 'no-subject'; reason: string }
  | { mode: 'system-only'; reason: string };

/**
 * How a route that answers with a list finds each item's subject, so that items a caller may not see
 * are withheld. Declared alone, or beside a read of the record the list belongs to.
 */
export interface ListDeclaration {
  mode: 'list';
  resource: ResourceKind;
  /** Dotted path of the array in the response ('' for a bare array). */
  items: string;
  /** Where each item names the record whose sensitivity decides it, e.g. `{ path: 'caseId', resource: 'case' }`. */
  subject: { path: string; resource: ResourceKind };
  /** Dotted path of a total count in the response, lowered by each item withheld. */
  total?: string;
}

/** Builders of {@link SubjectLocator}s: `at.param('id')`, `at.body('caseIds[]', 'case')`. */
export const at = {
  param: (name: string, resource?: ResourceKind) => ({ from: 'params' as const, path: name, resource }),
  query: (name: string, resource?: ResourceKind) => ({ from: 'query' as const, path: name, resource }),
  body: (path: string, resource?: ResourceKind) => ({ from: 'body' as const, path, resource }),
  response: (path: string, resource?: ResourceKind) => ({ from: 'response' as const, path, resource }),
};
type PartialLocator = ReturnType<(typeof at)[keyof typeof at]>;

function subject(
  action: AccessAction,
  resource: ResourceKind,
  locators: PartialLocator[],
  requirementId?: string,
  creates?: boolean,
): MethodDecorator {
  const subjects = locators.map((l) => ({ ...l, resource: l.resource ?? resource }));
  if (action === 'change' && subjects.some((s) => s.from === 'response')) {
    throw new Error(
      `A change of ${resource} cannot be checked after the handler ran: locate it in the request.`,
    );
  }
  return SetMetadata(ACCESS_KEY, { mode: 'subject', resource, action, subjects, requirementId, creates });
}

/**
 * The access declaration every route carries: the record it serves and where its id is, so that
 * one guard decides before the handler runs (and one interceptor after it, for lists and
 * searches). A route without one refuses every caller and stops its service from starting.
 * Examples: `@Access.read('client', at.param('id'))`, `@Access.change('service-request', at.param('id'))`,
 * `@Access.list('case', { items: 'items', total: 'total' })`, `@Access.noSubject('letter templates')`.
 */
export const Access = {
  /** Reads the record(s) located by `locators` (each defaults to `resource`). */
  read: (resource: ResourceKind, ...locators: PartialLocator[]) => subject('read', resource, locators),
  /** Changes (or creates beside) the record(s) located by `locators`. */
  change: (resource: ResourceKind, ...locators: PartialLocator[]) => subject('change', resource, locators),
  /**
   * Creates a `resource`; `locators` name the existing records it will belong to (a case's clients,
   * an SR's subject and cases), each checked as a change.
   */
  create: (resource: ResourceKind, ...locators: PartialLocator[]) =>
    subject('change', resource, locators, undefined, true),
  /** As read/change, answering with another requirement ID than X-1 (e.g. BR-7, SU-6). */
  withRequirement: (
    requirementId: string,
    action: AccessAction,
    resource: ResourceKind,
    ...locators: PartialLocator[]
  ) => subject(action, resource, locators, requirementId),
  /**
   * Lists records: whatever the service's query returns, an item whose subject is sensitive is
   * withheld from a caller without sensitive access (never counted or named).
   */
  list: (
    resource: ResourceKind,
    opts: { items?: string; subject?: { path: string; resource: ResourceKind }; total?: string } = {},
  ) =>
    SetMetadata(ACCESS_LIST_KEY, {
      mode: 'list',
      resource,
      items: opts.items ?? 'items',
      subject: opts.subject ?? { path: 'id', resource },
      total: opts.total,
    } satisfies ListDeclaration),
  /** Serves no citizen's record (templates, CIS availability, the clock): say why. */
  noSubject: (reason: string) =>
    SetMetadata(ACCESS_KEY, { mode: 'no-subject', reason } satisfies AccessDeclaration),
  /** Only our own services may call it (the route must also declare `@Roles('system')`): say why. */
  systemOnly: (reason: string) =>
    SetMetadata(ACCESS_KEY, { mode: 'system-only', reason } satisfies AccessDeclaration),
};
