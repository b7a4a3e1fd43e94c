import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OfferedTransition, SlaStatus } from '@cms/sr-rules';
import type { ServiceRequest, SrActivityStep, SrNote } from './service-request.entity';

export class ActivityStepView {
  @ApiProperty({ example: 'security-details' }) key: string;
  @ApiProperty({ example: 'Record the outcome Security Details' }) title: string;
  @ApiProperty({ nullable: true, example: 'Security Details' }) outcome: string | null;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty({ nullable: true }) recordedBy: string | null;
  @ApiProperty({ nullable: true }) recordedAt: Date | null;
}

export class NoteView {
  @ApiProperty() text: string;
  @ApiProperty() author: string;
  @ApiProperty() createdAt: Date;
}

export class SlaView {
  @ApiProperty({ nullable: true }) dueAt: Date | null;
  @ApiProperty({ enum: ['on time', 'due soon', 'breached', 'none'] }) state: string;
}

export class AllowedTransitionView {
  @ApiProperty({ example: 'start' }) transition: string;
  @ApiProperty({ example: 'Change the SR Status to In Progress' }) title: string;
  @ApiProperty({ example: { status: 'In Progress', subStatus: null } }) to: {
    status: string;
    subStatus: string | null;
  };
  @ApiProperty({ type: [String], nullable: true, description: 'Resolution codes to choose from' })
  resolutionCodes: string[] | null;
  @ApiProperty({
    description:
      'The move is to Wait, with a next action due date: set by the rules where the procedure sets the wait (SD-9, SD-10, TD-3, TD-11), else given by the caller',
  })
  needsNextActionDue: boolean;
  @ApiProperty({ description: 'A reason (note) is needed' }) needsReason: boolean;
  @ApiProperty({ type: [String] }) requirementIds: string[];
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
  @ApiProperty({ nullable: true, example: 'Security Details' }) subStatus: string | null;
  @ApiProperty({ nullable: true, example: null }) resolutionCode: string | null;
  @ApiProperty({ example: 'PWC' }) source: string;
  @ApiPropertyOptional({ nullable: true }) reportedBy: {
    firstName: string | null;
    lastName: string | null;
  } | null;
  @ApiPropertyOptional({ nullable: true }) subject: { clientId: string; role: string } | null;
  @ApiProperty({ type: [String] }) caseIds: string[];
  @ApiProperty({ nullable: true }) changeType: string | null;
  @ApiProperty() details: Record<string, unknown>;
  @ApiProperty() readOnly: boolean;
  @ApiProperty({ description: 'Fields may be edited now (false after TL approval: TD-8)' }) editable: boolean;
  @ApiProperty({ nullable: true }) submittedForApprovalBy: string | null;
  @ApiProperty({ nullable: true }) approvedBy: string | null;
  @ApiProperty({ nullable: true }) nextActionDue: Date | null;
  @ApiProperty({
    nullable: true,
    description: 'Why the SR needs a caseworker: a wait expired, or a letter could not be issued (TD-8)',
  })
  flag: string | null;
  @ApiProperty({ example: 'security-details' }) queue: string;
  @ApiProperty({ nullable: true }) owner: string | null;
  @ApiProperty() nationallySensitive: boolean;
  @ApiProperty({ description: '"Update CIS" is enabled (SU-4)' }) cisUpdateEnabled: boolean;
  @ApiProperty({ type: SlaView }) sla: SlaView;
  @ApiProperty({ type: [ActivityStepView] }) activityPlan: ActivityStepView[];
  @ApiProperty({ type: [NoteView] }) notes: NoteView[];
  @ApiProperty({ type: [AllowedTransitionView] }) allowedTransitions: AllowedTransitionView[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiProperty({ nullable: true }) closedAt: Date | null;
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
