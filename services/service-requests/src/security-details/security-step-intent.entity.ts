import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ServiceRequest } from '../service-requests/service-request.entity';

/** The SR steps worked in client-security (Change - Security Details, steps 8–9 and 11–13). */
export const SECURITY_STEPS = ['tam-account-check', 'update-security-details'] as const;
export type SecurityStep = (typeof SECURITY_STEPS)[number];

/** Where an intent stands: asked and not yet answered, applied by client-security, or refused by it. */
export const INTENT_STATES = ['pending', 'completed', 'refused'] as const;
export type IntentState = (typeof INTENT_STATES)[number];

/** What was asked, without secrets: which items change, how the client was verified. */
export interface IntentRequest {
  /** For the update: `PIN`, `special password`. Never a value. */
  changed?: string[];
  /** For the unblock (SD-3, SD-11). */
  verifiedBy?: string;
}

/**
 * One intent to work an SR step in client-security (issue #18: no row lock or open transaction
 * across a call to another service). Written and committed before the call, with the
 * Idempotency-Key the call carries (derived from the SR, the step, the SR's version and the
 * attempt: the same for every retry while pending); settled in a second transaction with the outcome.
 * While `pending` the SR shows the step as pending. Never a secret: the PIN and password are not
 * here (a retry sends them again), only which items change.
 */
@Entity('sr_security_step_intent')
@Index('UQ_sr_security_step_intent_key', ['idempotencyKey'], { unique: true })
@Index('IDX_sr_security_step_intent_sr', ['srId', 'step', 'state'])
@Index('UQ_sr_security_step_intent_pending', ['srId', 'step'], { unique: true, where: `"state" = 'pending'` })
@Check('CHK_sr_security_step_intent_state', `"state" IN ('pending', 'completed', 'refused')`)
export class SecurityStepIntent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sr_security_step_intent' })
  id: string;

  @Column({ name: 'sr_id', type: 'uuid' })
  srId: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sr_id', foreignKeyConstraintName: 'FK_sr_security_step_intent_sr' })
  sr?: ServiceRequest;

  /** The activity plan step (`tam-account-check`, `update-security-details`). */
  @Column({ type: 'text' })
  step: SecurityStep;

  /** The SR's version when the step was asked (part of the key). */
  @Column({ name: 'sr_version', type: 'int' })
  srVersion: number;

  /** 1, or one more than the refused attempts at the same step and version (part of the key). */
  @Column({ type: 'int' })
  attempt: number;

  /** Sent to client-security as `Idempotency-Key`. */
  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  @Column({ type: 'text' })
  state: IntentState;

  /** What was asked, never a secret. */
  @Column({ type: 'jsonb' })
  request: IntentRequest;

  /**
   * The outcome recorded on the step once completed (`Updated`, `Unblocked`); null when
   * client-security applied it but the SR no longer took an outcome (closed meanwhile, audited).
   */
  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  /** client-security's refusal code when refused (e.g. VALIDATION_FAILED for SD-1). */
  @Column({ name: 'refusal_code', type: 'text', nullable: true })
  refusalCode: string | null;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt: Date | null;
}

/** The Idempotency-Key of an SR step: stable across retries of the same attempt. */
export function securityStepKey(
  srId: string,
  step: SecurityStep,
  srVersion: number,
  attempt: number,
): string {
  return `sr:${srId}:${step}:${srVersion}:${attempt}`;
}
