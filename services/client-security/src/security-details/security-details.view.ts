import { ApiField } from '@cms/platform';
import { ApiProperty } from '@nestjs/swagger';
import { FAILURES_BEFORE_BLOCK, MEMORABLE_ANSWERS_NOT_COLLECTED } from './security-rules';
import {
  SUBJECT_TYPES,
  type SecurityCredential,
  type SecuritySubject,
  type SubjectType,
} from './security-subject.entity';

/** A client's TAM (self-service portal) account. */
export class TamAccountView {
  @ApiProperty({
    example: true,
    description: 'False for a manually built CSA Arrears Only case (SD-21).',
  })
  exists: boolean;

  @ApiProperty({ nullable: true, example: '2026-11-22T10:00:00.000Z', type: String, format: 'date-time' })
  createdAt: Date | null;

  @ApiProperty({ example: false, description: '"TAM account is blocked" (SD-2, SD-11).' })
  blocked: boolean;

  @ApiProperty({ nullable: true, example: null, type: String, format: 'date-time' })
  blockedAt: Date | null;
}

/**
 * Whether a subject has security details and the state of their account. Never carries a PIN,
 * a password or a hash. `setUp: false` means the caseworker must use security set-up (SD-22).
 */
export class SecurityDetailsView {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1e-5a4d-4e8f-9b6a-2c7d1e0f9a8b' })
  subjectId: string;

  @ApiProperty({ enum: SUBJECT_TYPES, example: 'client' })
  subjectType: SubjectType;

  @ApiProperty({
    nullable: true,
    format: 'uuid',
    type: String,
    example: null,
    description: 'For a representative: the client they act for.',
  })
  actingForClientId: string | null;

  @ApiProperty({ example: true, description: 'False: send the caseworker to security set-up (SD-22).' })
  setUp: boolean;

  @ApiProperty({
    type: TamAccountView,
    nullable: true,
    example: { exists: true, createdAt: '2026-11-22T10:00:00.000Z', blocked: false, blockedAt: null },
    description: 'Clients only; null when not set up.',
  })
  tamAccount: TamAccountView | null;

  @ApiProperty({ example: false, description: 'On a manually built CSA Arrears Only case (SD-21).' })
  csaArrearsOnly: boolean;

  @ApiProperty({
    example: false,
    description:
      'Three consecutive failed checks blocked the account; checks are refused until unblocked (SD-2).',
  })
  blocked: boolean;

  @ApiProperty({ nullable: true, example: null, type: String, format: 'date-time' })
  blockedAt: Date | null;

  @ApiProperty({ example: 1, description: 'Failed checks since the last success, unblock or change.' })
  consecutiveFailures: number;

  @ApiProperty({
    example: 2,
    description: `Failures left before the block (${FAILURES_BEFORE_BLOCK} in a row block).`,
  })
  attemptsRemaining: number;

  @ApiProperty({
    type: [String],
    example: MEMORABLE_ANSWERS_NOT_COLLECTED,
    description: 'The seven memorable questions are not collected: each is X (SD-14). Empty when not set up.',
  })
  memorableQuestions: string[];

  @ApiProperty({ nullable: true, example: 2, type: Number, description: 'Version of the current details.' })
  currentVersion: number | null;

  @ApiProperty({ nullable: true, example: '2026-11-22T10:00:00.000Z', type: String, format: 'date-time' })
  lastChangedAt: Date | null;

  @ApiProperty({ nullable: true, example: 'cw-1042', type: String })
  lastChangedBy: string | null;

  @ApiProperty({ nullable: true, example: '2026-11-22T10:05:00.000Z', type: String, format: 'date-time' })
  lastCheckAt: Date | null;

  @ApiProperty({ nullable: true, enum: ['pass', 'fail'], example: 'pass' })
  lastCheckResult: 'pass' | 'fail' | null;
}

/** The answer to a security check: pass or fail, never which item failed (SD-2, SD-19). */
export class SecurityCheckResultView {
  @ApiProperty({ enum: ['pass', 'fail'], example: 'fail' })
  result: 'pass' | 'fail';

  @ApiProperty({ example: 1, description: 'Consecutive failures now (0 after a pass).' })
  consecutiveFailures: number;

  @ApiProperty({ example: 2, description: 'Failures left before the account is blocked.' })
  attemptsRemaining: number;

  @ApiProperty({
    example: false,
    description: 'True when this failure was the third in a row and blocked the account (SD-2).',
  })
  blocked: boolean;
}

/** One version of a subject's security details, as history: when, who, which items; never the secrets (SD-20). */
export class SecurityDetailsVersionView {
  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ example: true, description: 'The details in use now.' })
  current: boolean;

  @ApiProperty({ enum: ['set-up', 'change'], example: 'set-up' })
  reason: 'set-up' | 'change';

  @ApiProperty({ type: [String], example: ['pin', 'password'], description: 'Items this version set.' })
  changedItems: string[];

  @ApiProperty({
    type: [String],
    example: MEMORABLE_ANSWERS_NOT_COLLECTED,
    description: 'Always seven X (SD-14).',
  })
  memorableQuestions: string[];

  @ApiProperty({ nullable: true, format: 'uuid', type: String, example: null })
  serviceRequestId: string | null;

  @ApiProperty({ example: '2026-11-22T10:00:00.000Z', type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: 'cw-1042' })
  createdBy: string;

  @ApiProperty({ nullable: true, example: null, type: String, format: 'date-time' })
  supersededAt: Date | null;
}

/** Every version of a subject's security details, newest first (SD-20). */
export class SecurityDetailsHistoryView {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1e-5a4d-4e8f-9b6a-2c7d1e0f9a8b' })
  subjectId: string;

  @ApiProperty({ enum: SUBJECT_TYPES, example: 'client' })
  subjectType: SubjectType;

  @ApiProperty({
    type: [SecurityDetailsVersionView],
    example: [
      {
        version: 1,
        current: true,
        reason: 'set-up',
        changedItems: ['pin', 'password'],
        memorableQuestions: MEMORABLE_ANSWERS_NOT_COLLECTED,
        serviceRequestId: null,
        createdAt: '2026-11-22T10:00:00.000Z',
        createdBy: 'cw-1042',
        supersededAt: null,
      },
    ],
  })
  versions: SecurityDetailsVersionView[];
}

/** An audited event, as the audit endpoint returns it. Never holds a secret. */
export class AuditRecordView {
  @ApiProperty({ format: 'uuid', example: '0c6f2a9e-8d1b-4c3e-9f7a-6b5d4e3c2a1f' })
  id: string;

  @ApiProperty({ example: '2026-11-22T10:05:00.000Z', type: String, format: 'date-time' })
  occurredAt: Date;

  @ApiProperty({ example: 'cw-1042' })
  actorId: string;

  @ApiProperty({ type: [String], example: ['caseworker'] })
  actorRoles: string[];

  @ApiProperty({ example: 'phone', description: 'api, phone, self-service, system…' })
  source: string;

  @ApiProperty({ example: 'client' })
  entityType: string;

  @ApiProperty({ example: '3f2b8c1e-5a4d-4e8f-9b6a-2c7d1e0f9a8b' })
  entityId: string;

  @ApiProperty({ example: 'security-check-failed' })
  action: string;

  @ApiField({ type: 'object', nullable: true, example: { consecutiveFailures: 0 } })
  before: Record<string, unknown> | null;

  @ApiField({ type: 'object', nullable: true, example: { consecutiveFailures: 1, itemsSupplied: ['pin'] } })
  after: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' })
  requestId: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'cw-1042',
    description:
      'The person a system actor acted for (e.g. the caseworker working the SR in service-requests)',
  })
  onBehalfOf: string | null;
}

/** Builds the status view of a subject (set up or not). */
export function statusView(
  subjectId: string,
  subjectType: SubjectType,
  s: SecuritySubject | null,
  current: SecurityCredential | null,
): SecurityDetailsView {
  if (!s) {
    return {
      subjectId,
      subjectType,
      actingForClientId: null,
      setUp: false,
      tamAccount: null,
      csaArrearsOnly: false,
      blocked: false,
      blockedAt: null,
      consecutiveFailures: 0,
      attemptsRemaining: FAILURES_BEFORE_BLOCK,
      memorableQuestions: [],
      currentVersion: null,
      lastChangedAt: null,
      lastChangedBy: null,
      lastCheckAt: null,
      lastCheckResult: null,
    };
  }
  const blocked = s.blockedAt !== null;
  return {
    subjectId: s.subjectId,
    subjectType: s.subjectType,
    actingForClientId: s.actingForClientId,
    setUp: true,
    tamAccount:
      s.subjectType === 'client'
        ? {
            exists: s.tamAccount,
            createdAt: s.tamAccountCreatedAt,
            blocked: s.tamAccount && blocked,
            blockedAt: s.tamAccount ? s.blockedAt : null,
          }
        : null,
    csaArrearsOnly: s.csaArrearsOnly,
    blocked,
    blockedAt: s.blockedAt,
    consecutiveFailures: s.consecutiveFailures,
    attemptsRemaining: blocked ? 0 : Math.max(0, FAILURES_BEFORE_BLOCK - s.consecutiveFailures),
    memorableQuestions: current ? [...current.memorableAnswers] : [...MEMORABLE_ANSWERS_NOT_COLLECTED],
    currentVersion: s.currentVersion,
    lastChangedAt: current?.createdAt ?? null,
    lastChangedBy: current?.createdBy ?? null,
    lastCheckAt: s.lastCheckAt,
    lastCheckResult: s.lastCheckResult,
  };
}

/** Builds the history view: every version, newest first, without hashes. */
export function historyView(
  subjectId: string,
  subjectType: SubjectType,
  versions: SecurityCredential[],
): SecurityDetailsHistoryView {
  return {
    subjectId,
    subjectType,
    versions: versions.map((v) => ({
      version: v.version,
      current: v.supersededAt === null,
      reason: v.reason,
      changedItems: [...v.changedItems],
      memorableQuestions: [...v.memorableAnswers],
      serviceRequestId: v.serviceRequestId,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      supersededAt: v.supersededAt,
    })),
  };
}
