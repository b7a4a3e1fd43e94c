import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CIS_RETRIEVAL_REJECTION_INFO, CIS_RETRIEVAL_REJECTIONS, PERSONAL_DETAIL_LABELS } from '@cms/domain';
import type { CisRetrievalRejection } from '@cms/domain';
import { Omittable, ApiField } from '@cms/platform';
import { CisUpdateView } from '../cis-updates/cis-update.dto';
import { RD3_ITEMS, type CmsValue, type Rd3Item, type Rd3ItemName } from './rd3-rules';
import {
  type CisDataSnapshot,
  type Discrepancy,
  DISCREPANCY_STATUSES,
  type DiscrepancyStatus,
  type Retrieval,
  type RetrievalAttempt,
  type RetrievalAttemptOutcome,
  RETRIEVAL_OUTCOMES,
  RETRIEVAL_TRIGGERS,
  type RetrievalOutcome,
  type RetrievalTrigger,
} from './retrieval.entity';

/** Body of `POST /retrievals`. */
export class RequestRetrievalDto {
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' })
  @IsUUID()
  clientId: string;

  @ApiProperty({
    enum: RETRIEVAL_TRIGGERS,
    example: 'reference-verified',
    description:
      "RD-1: `reference-verified` when the client's NINO/CRN status became Verified (service-requests sends it, with an Idempotency-Key); `applicant-verified` after the applicant's CMS reference ID is verified, before the fee; `manual` from a caseworker.",
  })
  @IsIn(RETRIEVAL_TRIGGERS)
  trigger: RetrievalTrigger;
}

/** Body of `POST /discrepancies/{id}/resolution` (RD-7). */
export class ResolveDiscrepancyDto {
  @ApiProperty({
    enum: ['accept-cis', 'keep-cms'],
    example: 'keep-cms',
    description:
      "`accept-cis`: CIS is more up to date, service-requests updates CMS's record; `keep-cms`: CMS is, and CIS is updated where it accepts the item (SU-2).",
  })
  @IsIn(['accept-cis', 'keep-cms'])
  decision: 'accept-cis' | 'keep-cms';

  @ApiProperty({
    example: 'Client confirmed the move by phone on 19 November.',
    maxLength: 1000,
    description:
      'Why this is the most up to date (RD-7: the caseworker decides on the information available)',
  })
  @IsString({ context: { requirementId: 'RD-7' } })
  @Matches(/\S/, { message: 'reason must not be blank', context: { requirementId: 'RD-7' } })
  @MaxLength(1000, { context: { requirementId: 'RD-7' } })
  reason: string;

  @ApiPropertyOptional({
    example: true,
    description:
      "keep-cms over a value CIS holds as Verified (a date of birth or death, `cisVerified`): true confirms that CMS's value is to replace CIS's verified one (RD-7); without it the decision is refused (422 CIS_VALUE_VERIFIED)",
  })
  @Omittable()
  @IsBoolean()
  confirmOverrideVerified?: boolean;
}

const LABELS: Record<Rd3ItemName, string> = { ...PERSONAL_DETAIL_LABELS, nino: 'National insurance number' };

const VALUE_SCHEMA = {
  oneOf: [
    { type: 'string', nullable: true },
    { type: 'object', additionalProperties: true },
  ],
  description:
    'A string (NINO, ISO date, sex, E.164 phone, email), or for `address` {address, addressStartDate}',
};

/** One item RD-3 keeps from CIS's answer, beside CMS's value. */
export class Rd3ItemView {
  @ApiProperty({ enum: RD3_ITEMS, example: 'address' }) item: Rd3ItemName;
  @ApiProperty({ example: 'Address' }) label: string;
  @ApiProperty({
    ...VALUE_SCHEMA,
    example: {
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-10-01',
    },
  })
  cisValue: CmsValue;
  @ApiProperty({
    ...VALUE_SCHEMA,
    example: {
      address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
      addressStartDate: null,
    },
  })
  cmsValue: CmsValue;
  @ApiProperty({ example: true, description: 'Differs from CMS: stored apart, never overwriting (RD-6)' })
  differs: boolean;
  @ApiProperty({ example: 'RD-3: current address only where different' }) rule: string;
}

/** A difference between CIS and CMS for one item of one client (RD-6), and the caseworker's decision (RD-7). */
export class DiscrepancyView {
  @ApiProperty({ format: 'uuid', example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f' }) id: string;
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' }) clientId: string;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) retrievalId: string;
  @ApiProperty({ enum: RD3_ITEMS, example: 'homePhone' }) item: Rd3ItemName;
  @ApiProperty({ example: 'Home telephone' }) label: string;
  @ApiProperty({ ...VALUE_SCHEMA, example: '+441632960001' }) cmsValue: CmsValue;
  @ApiProperty({ ...VALUE_SCHEMA, example: '+441632960099' }) cisValue: CmsValue;
  @ApiProperty({
    example: false,
    description:
      'CIS holds its value as Verified (a date of birth or death, RD-3): keep-cms needs `confirmOverrideVerified` (RD-7)',
  })
  cisVerified: boolean;
  @ApiProperty({ enum: DISCREPANCY_STATUSES, example: 'open' }) status: DiscrepancyStatus;
  @ApiProperty({ nullable: true, type: String, example: null }) decidedBy: string | null;
  @ApiProperty({ nullable: true, type: Date, example: null }) decidedAt: Date | null;
  @ApiProperty({ nullable: true, type: String, example: null }) reason: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: null,
    description: "accept-cis: the client's version after the change",
  })
  clientVersion: number | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    example: null,
    description: 'keep-cms: the update sent to CIS',
  })
  cisUpdateId: string | null;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) updatedAt: Date;
}

/** Answer of `GET /clients/{clientId}/discrepancies`. */
export class DiscrepancyListView {
  @ApiProperty({ type: [DiscrepancyView], description: 'Open first, newest first' })
  discrepancies: DiscrepancyView[];
}

/** Answer of `POST /discrepancies/{id}/resolution`. */
export class ResolutionView {
  @ApiProperty({ type: DiscrepancyView }) discrepancy: DiscrepancyView;
  @ApiProperty({
    type: CisUpdateView,
    nullable: true,
    description: "keep-cms: the update sent to CIS and CIS's answer (RD-7, SU-7)",
  })
  cisUpdate: CisUpdateView | null;
  @ApiProperty({
    enum: ['not-updatable', 'cms-value-missing', 'nino-via-verification'],
    nullable: true,
    example: null,
    description:
      "keep-cms without an update: CIS accepts only names, addresses, dates of birth and death (SU-2), or CMS holds no value to send; accept-cis of a superseded NINO: CMS's NINO changes through the verify NINO/CRN interface, not here",
  })
  noUpdateReason: string | null;
}

/** One attempt of a retrieval and how it ended, kept whatever came after (RD-5). */
export class RetrievalAttemptView {
  @ApiProperty({ example: 1, description: '1, 2, … across the retrieval, in order' }) attempt: number;
  @ApiProperty({
    example: 1,
    description:
      'The request that made it: 1; 2 and on when tried again with the same Idempotency-Key. Several attempts of one request: CIS calls retried automatically after a technical error',
  })
  request: number;
  @ApiProperty({ example: 'service-requests' }) requestedBy: string;
  @ApiProperty({ example: '2026-11-20T10:15:00.400Z', description: 'When it ended' }) at: Date;
  @ApiProperty({ enum: RETRIEVAL_OUTCOMES.filter((o) => o !== 'in-progress'), example: 'failed' })
  outcome: RetrievalAttemptOutcome;
  @ApiProperty({ enum: CIS_RETRIEVAL_REJECTIONS, nullable: true, example: 'TECHNICAL_ERROR' })
  rejection: CisRetrievalRejection | null;
  @ApiProperty({ nullable: true, type: String, example: 'Technical error' }) rejectionMessage: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'RD-5', description: 'RD-4 or RD-5 for a rejection' })
  requirementId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'CIS answered 503' }) failureReason: string | null;
}

/** One retrieval and what came of it (RD-1..RD-6). */
export class RetrievalView {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id: string;
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' }) clientId: string;
  @ApiProperty({ enum: RETRIEVAL_TRIGGERS, example: 'reference-verified' }) trigger: RetrievalTrigger;
  @ApiProperty({ enum: RETRIEVAL_OUTCOMES, example: 'completed' }) outcome: RetrievalOutcome;
  @ApiProperty({ enum: CIS_RETRIEVAL_REJECTIONS, nullable: true, example: null, description: 'RD-4 / RD-5' })
  rejection: CisRetrievalRejection | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: "CIS's message, e.g. NINO superseded",
  })
  rejectionMessage: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'RD-4 or RD-5 for a rejection' })
  requirementId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'The NINO now in force (NINO superseded)',
  })
  supersededBy: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Technical failure after the retries',
  })
  failureReason: string | null;
  @ApiProperty({
    type: [Rd3ItemView],
    description: 'The items RD-3 kept from CIS, stored as sourced from CIS (RD-6)',
  })
  itemsStored: Rd3ItemView[];
  @ApiProperty({ type: [DiscrepancyView], description: 'Items differing from CMS (RD-6, RD-7)' })
  discrepancies: DiscrepancyView[];
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    example: null,
    description: "RD-4: the sensitive case team's call back SR, once service-requests raised it",
  })
  sensitiveCheckServiceRequestId: string | null;
  @ApiProperty({
    example: 1,
    description: 'Requests of this retrieval (2 and more: tried again with the same Idempotency-Key)',
  })
  attempts: number;
  @ApiProperty({
    type: [RetrievalAttemptView],
    description:
      'Every attempt, oldest first, with its outcome and rejection: each rejection stays recorded (RD-5), also when a retry then succeeded',
  })
  attemptHistory: RetrievalAttemptView[];
  @ApiProperty({ example: 'service-requests' }) requestedBy: string;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) requestedAt: Date;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-20T10:15:01.000Z' }) completedAt: Date | null;
}

/** Answer of `GET /clients/{clientId}/retrievals`. */
export class RetrievalListView {
  @ApiProperty({ type: [RetrievalView], description: 'Newest first' }) retrievals: RetrievalView[];
}

/** CIS's data of a client from one retrieval, sourced from CIS (RD-6). */
export class CisDataSnapshotView {
  @ApiProperty({ format: 'uuid', example: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' }) id: string;
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) retrievalId: string;
  @ApiProperty({ example: 'CIS' }) source: string;
  @ApiProperty({ example: '2026-11-20T10:15:01.000Z' }) retrievedAt: Date;
  @ApiField({
    type: 'object',
    description: 'Everything CIS returned (personal, address and contact data, RD-2)',
    example: {
      firstName: 'Sarah',
      lastName: 'Okafor',
      dateOfBirth: '1988-04-17',
      dateOfBirthVerified: true,
      sex: 'F',
    },
  })
  data: Record<string, unknown>;
  @ApiProperty({ type: [Rd3ItemView] }) items: Rd3ItemView[];
}

/** Answer of `GET /clients/{clientId}/cis-data`: the latest CIS data and the history, kept apart from CMS's record. */
export class CisDataView {
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' }) clientId: string;
  @ApiProperty({ type: CisDataSnapshotView, nullable: true }) latest: CisDataSnapshotView | null;
  @ApiProperty({ type: [CisDataSnapshotView], description: 'Every retrieval with data, newest first' })
  history: CisDataSnapshotView[];
}

export function toItemView(i: Rd3Item): Rd3ItemView {
  return { ...i, label: LABELS[i.item] };
}

export function toDiscrepancyView(d: Discrepancy): DiscrepancyView {
  return {
    id: d.id,
    clientId: d.clientId,
    retrievalId: d.retrievalId,
    item: d.item,
    label: LABELS[d.item],
    cmsValue: d.cmsValue,
    cisValue: d.cisValue,
    cisVerified: d.cisVerified,
    status: d.status,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    reason: d.reason,
    clientVersion: d.clientVersion,
    cisUpdateId: d.cisUpdateId,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toAttemptView(a: RetrievalAttempt): RetrievalAttemptView {
  return {
    attempt: a.attempt,
    request: a.request,
    requestedBy: a.requestedBy,
    at: a.at,
    outcome: a.outcome,
    rejection: a.rejection,
    rejectionMessage: a.rejectionMessage,
    requirementId: a.rejection ? CIS_RETRIEVAL_REJECTION_INFO[a.rejection].requirementId : null,
    failureReason: a.failureReason,
  };
}

export function toRetrievalView(
  r: Retrieval,
  discrepancies: Discrepancy[],
  attempts: RetrievalAttempt[],
): RetrievalView {
  return {
    id: r.id,
    clientId: r.clientId,
    trigger: r.trigger,
    outcome: r.outcome,
    rejection: r.rejection,
    rejectionMessage: r.rejectionMessage,
    requirementId: r.rejection ? CIS_RETRIEVAL_REJECTION_INFO[r.rejection].requirementId : null,
    supersededBy: r.supersededBy,
    failureReason: r.failureReason,
    itemsStored: r.items.map(toItemView),
    discrepancies: discrepancies.map(toDiscrepancyView),
    sensitiveCheckServiceRequestId: r.sensitiveCheckSrId,
    attempts: r.attempts,
    attemptHistory: [...attempts].sort((a, b) => a.attempt - b.attempt).map(toAttemptView),
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt,
    completedAt: r.completedAt,
  };
}

export function toSnapshotView(s: CisDataSnapshot): CisDataSnapshotView {
  return {
    id: s.id,
    retrievalId: s.retrievalId,
    source: s.source,
    retrievedAt: s.retrievedAt,
    data: s.data,
    items: s.items.map(toItemView),
  };
}
