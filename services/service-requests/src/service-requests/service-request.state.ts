import { FieldProblem, isFinalSrStatus, SR_TYPE_TAXONOMY } from '@cms/domain';
import {
  isEditable,
  routeToQueue,
  slaFor,
  SrRuleError,
  type SrNextState,
  type SrSnapshot,
} from '@cms/sr-rules';
import type { Case } from '../cases/case.entity';
import type { ServiceRequest, SrActivityStep, SrNote } from './service-request.entity';

/*
 * The SR as libs/sr-rules sees it and the few pure steps every SR write shares: the snapshot the
 * rules decide on, applying their decision, routing and SLA, the editable check, the audit shape.
 * No database access here; the services load and save.
 */

/** An SR loaded for reading or changing: its row, activity plan, notes, case links and case stage. */
export interface Loaded {
  sr: ServiceRequest;
  steps: SrActivityStep[];
  notes: SrNote[];
  caseIds: string[];
  stage: string | null;
  /** Steps asked of another service whose answer is not in yet (issue #18); none when absent. */
  pendingSteps?: PendingStep[];
}

/** A step asked of another service (client-security) and not settled yet: the SR shows it as pending. */
export interface PendingStep {
  step: string;
  requestedAt: Date;
  requestedBy: string;
}

/** One activity outcome as recorded (for audit records). */
export interface RecordedOutcome {
  step: string;
  outcome: string;
}

/**
 * Details keys set only through their own endpoints, where their rules are checked: the CIS change
 * payload, the transfer items (TD-1, TD-4, TD-5, TD-9), what raised the SR (SD-4: a blocked account).
 */
export const RESERVED_DETAILS = ['change', 'transfer', 'raisedFor'];
/**
 * Of those, the keys a caller may not set when raising an SR either: the transfer (its checks, TD-1,
 * TD-4, are at `PUT …/transfer-items`) and, but for our own services, what raised it. (A CIS change
 * payload may come with a change of personal details raised by a caseworker.)
 */
export const RESERVED_AT_CREATION = ['transfer', 'raisedFor'];

/** One problem per reserved key among `details`' keys. */
export function reservedProblems(
  details: Record<string, unknown> | undefined,
  keys: string[],
): FieldProblem[] {
  return Object.keys(details ?? {})
    .filter((k) => keys.includes(k))
    .map((k) => ({
      field: `details.${k}`,
      rule: 'reserved',
      message: `${k} is set through its own endpoint, where its rules are checked.`,
    }));
}

/** Process / Area / Sub Area of an SR type. */
export function taxonomy(type: ServiceRequest['type']) {
  const t = SR_TYPE_TAXONOMY[type];
  return { process: t.process, area: t.area, subArea: t.subArea };
}

/** The stage the rules use for an SR: its first linked case's; null when it has none. */
export function stageOf(cases: Pick<Case, 'stage'>[]): string | null {
  return cases[0]?.stage ?? null;
}

/** {@link snapshotOf} of a loaded SR, notes included. */
export function snapshotOfLoaded(loaded: Loaded): SrSnapshot {
  return snapshotOf(loaded.sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, loaded.notes);
}

/**
 * The view of an SR that libs/sr-rules decides on. `notes` matter only where a rule needs one (TD-9,
 * before a transfer goes further); the transfer entered (`details.transfer`) gives the TD-4 / TD-9 facts.
 */
export function snapshotOf(
  sr: ServiceRequest,
  steps: SrActivityStep[],
  stage: string | null,
  caseLinked: boolean,
  notes: readonly SrNote[] = [],
): SrSnapshot {
  return {
    type: sr.type,
    path: sr.path,
    status: sr.status,
    subStatus: sr.subStatus,
    resolutionCode: sr.resolutionCode,
    source: sr.source,
    readOnly: sr.readOnly,
    submittedForApprovalBy: sr.submittedForApprovalBy,
    nationallySensitive: sr.nationallySensitive,
    activityPlan: steps.map((s) => ({ key: s.key, outcome: s.outcome })),
    nextActionDue: sr.nextActionDue,
    createdAt: sr.createdAt,
    stage: stage as SrSnapshot['stage'],
    caseLinked,
    subjectRecorded: !!sr.subjectClientId && !!sr.subjectRole,
    transfer: transferFactsOf(sr.details),
    notes: notes.map((n) => n.text),
    flag: sr.flag,
    approvedBy: sr.approvedBy,
    approvedAt: sr.approvedAt,
  };
}

/** What `PUT …/transfer-items` stored (TD-1, TD-4, TD-9), as the rules need it; null when nothing is. */
function transferFactsOf(details: Record<string, unknown> | null | undefined): SrSnapshot['transfer'] {
  const t = details?.transfer as
    | {
        items?: Record<string, unknown>;
        bankDetails?: unknown;
        declarationSigned?: boolean | null;
        consentAccepted?: boolean | null;
      }
    | undefined;
  if (!t || typeof t !== 'object') return null;
  return {
    items: [...Object.keys(t.items ?? {}), ...(t.bankDetails ? ['bankDetails'] : [])],
    declarationSigned: t.declarationSigned ?? null,
    consentAccepted: t.consentAccepted ?? null,
  };
}

/** Sets the SR's own fields to the rules' decision (`next`). */
export function applyNext(sr: ServiceRequest, next: SrNextState, now: Date): void {
  sr.status = next.status;
  sr.subStatus = next.subStatus;
  sr.resolutionCode = next.resolutionCode;
  sr.nextActionDue = next.nextActionDue;
  sr.readOnly = next.readOnly;
  sr.submittedForApprovalBy = next.submittedForApprovalBy;
  // TD-8: CMSL0406 refused after approval clears the approver: the resubmission needs a fresh approval.
  sr.approvedBy = next.approvedBy;
  sr.approvedAt = next.approvedAt;
  // A move answers the flag; a Wait expiry's own move keeps the flag it raised (TD-3/TD-4).
  sr.flag = next.flag;
  sr.path = next.path;
  sr.closedAt = isFinalSrStatus(next.status) ? now : null;
}

/** Recomputes the SR's queue (BR-7) and SLA due time after any change. */
export function reroute(
  sr: ServiceRequest,
  steps: SrActivityStep[],
  stage: string | null,
  caseLinked: boolean,
  now: Date,
): void {
  sr.queue = routeToQueue(sr.type, {
    nationallySensitive: sr.nationallySensitive,
    status: sr.status,
    subStatus: sr.subStatus,
    source: sr.source,
  });
  sr.slaDueAt = slaFor(snapshotOf(sr, steps, stage, caseLinked), now).dueAt;
}

/** {@link reroute} for a loaded SR. */
export function rerouteLoaded(loaded: Loaded, now: Date): void {
  reroute(loaded.sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, now);
}

/** Refuses changes once the SR is read-only (TD-8) or closed. @throws SrRuleError */
export function assertEditable(sr: ServiceRequest): void {
  if (!isEditable({ status: sr.status, readOnly: sr.readOnly })) {
    throw new SrRuleError(
      sr.readOnly
        ? {
            allowed: false,
            reason: 'SR_READ_ONLY',
            message: 'A team leader approved this SR: it is read-only (TD-8).',
            requirementId: 'TD-8',
          }
        : {
            allowed: false,
            reason: 'SR_CLOSED',
            message: `This SR is ${sr.status}; it can no longer be changed.`,
          },
    );
  }
}

/** What the audit keeps of an SR's own fields. */
export function auditShape(sr: ServiceRequest): Record<string, unknown> {
  return {
    srNumber: sr.srNumber,
    type: sr.type,
    path: sr.path,
    status: sr.status,
    subStatus: sr.subStatus,
    resolutionCode: sr.resolutionCode,
    queue: sr.queue,
    readOnly: sr.readOnly,
    nextActionDue: sr.nextActionDue,
    owner: sr.owner,
  };
}
