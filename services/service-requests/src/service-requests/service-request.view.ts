import { ApiField } from '@cms/platform';
import { ApiProperty } from '@nestjs/swagger';
import type { OfferedTransition, SlaStatus } from '@cms/sr-rules';
import type { ServiceRequest, SrActivityStep, SrNote } from './service-request.entity';

export class ActivityStepView {
  @ApiProperty({ example: 'security-details' }) key: string;
  @ApiProperty({ example: 'Record the outcome Security Details' }) title: string;
  @ApiField({ type: 'string', nullable: true, example: 'Security Details' }) outcome: string | null;
  @ApiField({ type: 'string', nullable: true }) reason: string | null;
  @ApiField({ type: 'string', nullable: true }) recordedBy: string | null;
  @ApiField({ type: 'date-time', nullable: true }) recordedAt: Date | null;
}

/**
 * A step of the activity plan asked of client-security whose answer is not in yet (issue #18): the
 * request was recorded and committed, the outcome was not; the same request sent again completes it
 * exactly once (the same Idempotency-Key).
 */
export class PendingStepView {
  @ApiProperty({ example: 'update-security-details' }) step: string;
  @ApiProperty() requestedAt: Date;
  @ApiProperty({ example: 'cw-1' }) requestedBy: string;
}

export class NoteView {
  @ApiProperty() text: string;
  @ApiProperty() author: string;
  @ApiProperty() createdAt: Date;
}

export class SlaView {
  @ApiField({ type: 'date-time', nullable: true }) dueAt: Date | null;
  @ApiProperty({ enum: ['on time', 'due soon', 'breached', 'none'] }) state: string;
}

export class TransitionTargetView {
  @ApiProperty({ example: 'In Progress' }) status: string;
  @ApiField({ type: 'string', nullable: true, example: null }) subStatus: string | null;
}

export class AllowedTransitionView {
  @ApiProperty({ example: 'start' }) transition: string;
  @ApiProperty({ example: 'Change the SR Status to In Progress' }) title: string;
  @ApiProperty({ type: TransitionTargetView }) to: TransitionTargetView;
  @ApiField({ type: ['string'], nullable: true, description: 'Resolution codes to choose from' })
  resolutionCodes: string[] | null;
  @ApiProperty({
    description:
      'The move is to Wait, with a next action due date: set by the rules where the procedure sets the wait (SD-9, SD-10, TD-3, TD-11), else given by the caller',
  })
  needsNextActionDue: boolean;
  @ApiProperty({ description: 'A reason (note) is needed' }) needsReason: boolean;
  @ApiProperty({ type: [String] }) requirementIds: string[];
}

export class ReportedByView {
  @ApiField({ type: 'string', nullable: true, example: 'Sarah' }) firstName: string | null;
  @ApiField({ type: 'string', nullable: true, example: 'Okafor' }) lastName: string | null;
}

export class SrSubjectView {
  @ApiField({ type: 'uuid' }) clientId: string;
  @ApiProperty({ example: 'PWC' }) role: string;
}

/** A service request as the API shows it. */
export class ServiceRequestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '1-1000001' }) srNumber: string;
  @ApiProperty({ example: 'SECURITY_DETAILS' }) type: string;
  @ApiProperty({ example: 'phone' }) path: string;
  @ApiProperty({ example: 'CofC' }) process: string;
  @ApiProperty({ example: 'Change Personal Info' }) area: string;
  @ApiProperty({ example: 'Change Contact/Security Info' }) subArea: string;
  @ApiProperty({ example: 'In Progress' }) status: string;
  @ApiField({ type: 'string', nullable: true, example: 'Security Details' }) subStatus: string | null;
  @ApiField({ type: 'string', nullable: true, example: null }) resolutionCode: string | null;
  @ApiProperty({ example: 'PWC' }) source: string;
  @ApiField({ type: ReportedByView, nullable: true }) reportedBy: ReportedByView | null;
  @ApiField({ type: SrSubjectView, nullable: true }) subject: SrSubjectView | null;
  @ApiProperty({ type: [String], format: 'uuid' }) caseIds: string[];
  @ApiField({ type: 'string', nullable: true }) changeType: string | null;
  @ApiField({ type: 'object' }) details: Record<string, unknown>;
  @ApiProperty() readOnly: boolean;
  @ApiProperty({ description: 'Fields may be edited now (false after TL approval: TD-8)' }) editable: boolean;
  @ApiField({ type: 'string', nullable: true }) submittedForApprovalBy: string | null;
  @ApiField({ type: 'string', nullable: true }) approvedBy: string | null;
  @ApiField({
    type: 'date-time',
    nullable: true,
    description: 'When the team leader approved it (TD-6, TD-8)',
  })
  approvedAt: Date | null;
  @ApiField({ type: 'date-time', nullable: true }) nextActionDue: Date | null;
  @ApiField({
    type: 'string',
    nullable: true,
    description: 'Why the SR needs a caseworker: a wait expired, or a letter could not be issued (TD-8)',
  })
  flag: string | null;
  @ApiProperty({ example: 'security-details' }) queue: string;
  @ApiField({ type: 'string', nullable: true }) owner: string | null;
  @ApiProperty() nationallySensitive: boolean;
  @ApiProperty({ description: '"Update CIS" is enabled (SU-4)' }) cisUpdateEnabled: boolean;
  @ApiProperty({ type: SlaView }) sla: SlaView;
  @ApiProperty({ type: [ActivityStepView] }) activityPlan: ActivityStepView[];
  @ApiProperty({
    type: [PendingStepView],
    description:
      'Steps asked of client-security whose outcome is not known yet (Change - Security Details): send the same ' +
      'request again to complete them',
  })
  pendingSteps: PendingStepView[];
  @ApiProperty({ type: [NoteView] }) notes: NoteView[];
  @ApiProperty({ type: [AllowedTransitionView] }) allowedTransitions: AllowedTransitionView[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiField({ type: 'date-time', nullable: true }) closedAt: Date | null;
}

/** One item's result in `POST /service-requests/batch`. */
export class BatchResultView {
  @ApiProperty({ example: 'broadcast-2026-11-22-000123' }) idempotencyKey: string;
  @ApiField({ type: 'uuid' }) id: string;
  @ApiProperty({ example: '1-1000001' }) srNumber: string;
  @ApiProperty({ description: 'False when the key was seen before (nothing new raised)' }) created: boolean;
  @ApiProperty({ example: 'cis-changes' }) queue: string;
  @ApiProperty({ example: 'Open' }) status: string;
}

/** The answer of `POST /service-requests/batch`: one result per item, in order. */
export class BatchResultsView {
  @ApiProperty({ type: [BatchResultView] }) results: BatchResultView[];
}

/** Builds the API view of an SR. */
export function toView(
  sr: ServiceRequest,
  extra: {
    steps: SrActivityStep[];
    notes: SrNote[];
    caseIds: string[];
    sla: SlaStatus;
    allowed: OfferedTransition[];
    cisUpdateEnabled: boolean;
    editable: boolean;
    pendingSteps?: PendingStepView[];
  },
): ServiceRequestView {
  return {
    id: sr.id,
    srNumber: sr.srNumber,
    type: sr.type,
    path: sr.path,
    process: sr.process,
    area: sr.area,
    subArea: sr.subArea,
    status: sr.status,
    subStatus: sr.subStatus,
    resolutionCode: sr.resolutionCode,
    source: sr.source,
    reportedBy:
      sr.reportedByFirstName || sr.reportedByLastName
        ? { firstName: sr.reportedByFirstName, lastName: sr.reportedByLastName }
        : null,
    subject: sr.subjectClientId ? { clientId: sr.subjectClientId, role: sr.subjectRole! } : null,
    caseIds: extra.caseIds,
    changeType: sr.changeType,
    details: withoutSealed(sr.details),
    readOnly: sr.readOnly,
    editable: extra.editable,
    submittedForApprovalBy: sr.submittedForApprovalBy,
    approvedBy: sr.approvedBy,
    approvedAt: sr.approvedAt,
    nextActionDue: sr.nextActionDue,
    flag: sr.flag,
    queue: sr.queue,
    owner: sr.owner,
    nationallySensitive: sr.nationallySensitive,
    cisUpdateEnabled: extra.cisUpdateEnabled,
    sla: { dueAt: extra.sla.dueAt, state: extra.sla.state },
    activityPlan: extra.steps.map((s) => ({
      key: s.key,
      title: s.title,
      outcome: s.outcome,
      reason: s.reason,
      recordedBy: s.recordedBy,
      recordedAt: s.recordedAt,
    })),
    pendingSteps: (extra.pendingSteps ?? []).map((p) => ({
      step: p.step,
      requestedAt: p.requestedAt,
      requestedBy: p.requestedBy,
    })),
    notes: extra.notes.map((n) => ({ text: n.text, author: n.author, createdAt: n.createdAt })),
    allowedTransitions: extra.allowed.map((t) => ({
      ...t,
      to: { status: t.to.status, subStatus: t.to.subStatus },
    })),
    version: sr.version,
    createdAt: sr.createdAt,
    updatedAt: sr.updatedAt,
    closedAt: sr.closedAt,
  };
}

/** Sealed values (bank details at rest) never leave the service in a response. */
function withoutSealed(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (k, v) => (k.endsWith('Sealed') ? undefined : v)));
}
