import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, DomainValidationError, type Actor, type Clock, type FieldProblem } from '@cms/domain';
import {
  type AuditEntry,
  auditStatement,
  CLOCK,
  combineWrites,
  CONFIG,
  preparedQuery,
  recordAudit,
} from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { ClientSecurityConfig } from '../config';
import { IdempotentRequests, type IdempotencyClaim } from '../idempotency/idempotent-requests';
import {
  type BucketCount,
  RateLimit,
  RateLimiter,
  type RateLimitHit,
} from '../rate-limits/rate-limiter.service';
import { SecurityEvents } from '../security-events/security-events';
import { SecretHasher } from './secret-hasher';
import type {
  ChangeSecurityDetailsDto,
  SecurityCheckDto,
  SetUpClientSecurityDto,
  SetUpRepresentativeSecurityDto,
  UnblockDto,
} from './security-details.dto';
import {
  AccountBlockedError,
  NoTamAccountError,
  RepresentativeNotAmendableError,
  SecurityDetailsAlreadySetUpError,
  SecurityDetailsNotSetUpError,
  ServiceRequestNotApplicableError,
  ServiceRequestRequiredError,
  SubjectTypeMismatchError,
} from './security-details.errors';
import {
  historyView,
  statusView,
  type SecurityCheckResultView,
  type SecurityDetailsHistoryView,
  type SecurityDetailsView,
} from './security-details.view';
import {
  checkItemsProblems,
  exactPassword,
  FAILURES_BEFORE_BLOCK,
  foldedPassword,
  MEMORABLE_ANSWERS_NOT_COLLECTED,
  passwordProblem,
  PIN_PATTERN,
  pinProblem,
  type SecurityItem,
} from './security-rules';
import { SecurityCredential, SecuritySubject, type SubjectType } from './security-subject.entity';
import { SubjectFacts } from './subject-facts';

/** Whose details a request is about: the route decides the type, the path the id. */
export interface SubjectRef {
  type: SubjectType;
  id: string;
}

/** A set-up request, for a client or a representative. */
type SetUpInput = (SetUpClientSecurityDto | SetUpRepresentativeSecurityDto) & {
  actingForClientId?: string;
};

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/**
 * Security details of clients and client representatives (Change - Security Details): set-up,
 * checks by channel with the three-strikes block, unblock, change, history and status. Secrets are
 * hashed before any transaction opens (hashing takes tens of milliseconds on the threadpool, so no
 * connection or row lock waits for it) and never leave this class except as argon2id hashes.
 * Every event is audited in the transaction of its change (X-2), without secrets.
 */
@Injectable()
export class SecurityDetailsService {
  private readonly logger = new Logger(SecurityDetailsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: ClientSecurityConfig,
    private readonly hasher: SecretHasher,
    private readonly limiter: RateLimiter,
    private readonly events: SecurityEvents,
    private readonly facts: SubjectFacts,
    private readonly idempotency: IdempotentRequests,
  ) {}

  /**
   * Security set-up for a subject that has none: PIN and special password (SD-1) stored as hashes,
   * memorable answers as X (SD-14), and for a client a TAM account unless the client is on a
   * manually built CSA Arrears Only case (SD-21). Who the subject is comes from service-requests,
   * never from the caller: the client must exist there, and SD-21 is read from their cases; a
   * representative must be a current representative there of the client named (SD-18).
   * @throws DomainValidationError (SD-1 rules); SecurityDetailsAlreadySetUpError (409);
   *   SubjectTypeMismatchError when the id is a subject of the other type; ClientNotFoundError
   *   (404); RepresentativeNotActingForClientError (422, SD-18); with `idempotencyKey`, see
   *   {@link IdempotentRequests} (a repeat gets the first answer; IdempotencyKeyReusedError)
   */
  setUp(
    ref: SubjectRef,
    input: SetUpInput,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.idempotency.run(
      actor,
      idempotencyKey,
      { operation: `${ref.type}:set-up`, subjectId: ref.id, body: input },
      (claim) => this.setUpOnce(ref, input, actor, claim),
    );
  }

  private async setUpOnce(
    ref: SubjectRef,
    input: SetUpInput,
    actor: Actor,
    claim: IdempotencyClaim<SecurityDetailsView>,
  ): Promise<SecurityDetailsView> {
    const problems = [pinProblem(input.pin), passwordProblem(input.password)].filter(
      (p): p is FieldProblem => p !== null,
    );
    if (problems.length) throw new DomainValidationError(problems);
    const existing = await this.db.manager.findOneBy(SecuritySubject, { subjectId: ref.id });
    if (existing) {
      this.assertType(ref, existing);
      throw new SecurityDetailsAlreadySetUpError(ref.type);
    }
    const isClient = ref.type === 'client';
    let csaArrearsOnly = false;
    if (isClient) csaArrearsOnly = (await this.facts.client(ref.id)).csaArrearsOnly;
    else await this.facts.assertRepresentativeOf(ref.id, input.actingForClientId!);
    const [pinHash, [passwordHash, passwordFoldedHash]] = await Promise.all([
      this.hasher.hashPin(input.pin),
      this.hasher.hashPassword(input.password),
    ]);
    const now = this.clock.now();
    const tamAccount = isClient && !csaArrearsOnly;
    try {
      return await this.db.transaction(async (m) => {
        await m.insert(SecuritySubject, {
          subjectId: ref.id,
          subjectType: ref.type,
          actingForClientId: isClient ? null : (input.actingForClientId ?? null),
          csaArrearsOnly,
          tamAccount,
          tamAccountCreatedAt: tamAccount ? now : null,
          consecutiveFailures: 0,
          blockedAt: null,
          currentVersion: 1,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        });
        await m.insert(SecurityCredential, {
          subjectId: ref.id,
          version: 1,
          pinHash,
          passwordHash,
          passwordFoldedHash,
          memorableAnswers: [...MEMORABLE_ANSWERS_NOT_COLLECTED],
          reason: 'set-up',
          changedItems: ['pin', 'password'],
          serviceRequestId: null,
          createdBy: actor.id,
          createdAt: now,
          supersededAt: null,
        });
        await recordAudit(m, {
          entityType: ref.type,
          entityId: ref.id,
          action: 'security-details-set-up',
          before: null,
          after: {
            credentialVersion: 1,
            items: ['pin', 'password'],
            memorableQuestions: 'X',
            tamAccount,
            csaArrearsOnly,
            ...(isClient ? {} : { actingForClientId: input.actingForClientId }),
          },
        });
        const view = await this.status(ref, m);
        await claim(m, view);
        return view;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new SecurityDetailsAlreadySetUpError(ref.type);
      throw e;
    }
  }

  /** The subject's status; `setUp: false` when they have no details (SD-22). @throws SubjectTypeMismatchError */
  async status(ref: SubjectRef, manager: EntityManager = this.db.manager): Promise<SecurityDetailsView> {
    const subject = await manager.findOneBy(SecuritySubject, { subjectId: ref.id });
    if (!subject) return statusView(ref.id, ref.type, null, null);
    this.assertType(ref, subject);
    const current = await manager.findOneBy(SecurityCredential, {
      subjectId: ref.id,
      version: subject.currentVersion,
    });
    return statusView(ref.id, ref.type, subject, current);
  }

  /**
   * Every version of the subject's details, newest first, with when, who and which items — the
   * current ones stay visible as history while new ones are entered (SD-20). No secrets.
   * @throws SecurityDetailsNotSetUpError (SD-22), SubjectTypeMismatchError
   */
  async history(ref: SubjectRef): Promise<SecurityDetailsHistoryView> {
    const subject = await this.db.manager.findOneBy(SecuritySubject, { subjectId: ref.id });
    this.assertSetUp(ref, subject);
    const versions = await this.db.manager.find(SecurityCredential, {
      where: { subjectId: ref.id },
      order: { version: 'DESC' },
    });
    return historyView(ref.id, ref.type, versions);
  }

  /**
   * A security check (SD-2, SD-19). Rate limited per subject and per caller first (429). The phone
   * compares the special password case-insensitively and accepts the PIN or the password (every
   * item given must match); the portal needs both, exactly. A pass resets the failures; a failure
   * counts, and the third in a row blocks the account, audits the block and, for a client, writes
   * the `tam-account-blocked` event job for service-requests in the same transaction (SD-3).
   * The answer never says which item failed.
   * @throws DomainValidationError (missing items, PIN not seven digits); RateLimitedError (429);
   *   SecurityDetailsNotSetUpError (SD-22); AccountBlockedError (SD-2); NoTamAccountError for a
   *   self-service check of a client without a TAM account (SD-21); SubjectTypeMismatchError
   */
  async check(ref: SubjectRef, dto: SecurityCheckDto, actor: Actor): Promise<SecurityCheckResultView> {
    const problems = checkItemsProblems(dto.channel, dto);
    if (dto.pin !== undefined && !PIN_PATTERN.test(dto.pin)) {
      problems.push({
        field: 'pin',
        rule: 'pin-format',
        message: 'The PIN is seven digits; ask the client again.',
        requirementId: 'SD-1',
      });
    }
    if (problems.length) throw new DomainValidationError(problems);
    // The rate limits' hit goes with the first read of the subject, in one round trip.
    let hit: RateLimitHit | undefined = this.limiter.hitStatement(this.checkLimits(ref, actor));

    const itemsSupplied = (['pin', 'password'] as const).filter((k) => dto[k] !== undefined);
    for (let attempt = 0; ; attempt++) {
      const { subject, credential } = await this.checkState(ref.id, hit);
      hit = undefined;
      this.assertSetUp(ref, subject);
      if (subject.blockedAt) {
        await recordAudit(this.db.manager, {
          entityType: ref.type,
          entityId: ref.id,
          action: 'security-check-refused',
          after: { reason: 'account-blocked', channel: dto.channel, itemsSupplied },
          source: dto.channel,
        });
        throw new AccountBlockedError(ref.type, 'check', subject.blockedAt);
      }
      if (ref.type === 'client' && dto.channel === 'self-service' && !subject.tamAccount) {
        throw new NoTamAccountError();
      }
      if (!credential)
        throw new Error(`security subject ${ref.id} has no credential version ${subject.currentVersion}`);
      const passed = await this.matches(credential, dto);
      const outcome =
        (await this.recordCheckAtOnce(
          ref,
          subject,
          credential.version,
          passed,
          dto.channel,
          itemsSupplied,
        )) ??
        (await this.db.transaction((m) =>
          this.recordCheck(m, ref, credential.version, passed, dto.channel, itemsSupplied),
        ));
      // The details changed between reading and recording: check against the new ones.
      if (outcome === 'stale' && attempt < 2) continue;
      if (outcome === 'stale') {
        throw new DomainError(
          'SECURITY_DETAILS_CHANGED',
          'conflict',
          'The security details changed while they were being checked; check again.',
        );
      }
      return outcome;
    }
  }

  /**
   * Changes the PIN and/or special password (Change - Security Details, steps 11–13; SD-14): a new
   * version is appended and the previous one kept as history (SD-20); failures reset. Only inside
   * the Change Contact/Security Info SR (SD-4), asked of service-requests: open, and about this
   * client (for a representative: about the client they act for, whose representative they still are).
   * @throws RepresentativeNotAmendableError (SD-18); DomainValidationError (SD-1, SD-14);
   *   SecurityDetailsNotSetUpError (SD-22); NoTamAccountError (SD-21); AccountBlockedError
   *   (unblock first, SD-11); SubjectTypeMismatchError; ServiceRequestRequiredError (SD-4);
   *   ServiceRequestNotFoundError (404); ServiceRequestNotApplicableError (SD-4); with
   *   `idempotencyKey`, see {@link IdempotentRequests} (a repeat gets the first answer and appends no
   *   second version; IdempotencyKeyReusedError)
   */
  change(
    ref: SubjectRef,
    dto: ChangeSecurityDetailsDto,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.idempotency.run(
      actor,
      idempotencyKey,
      { operation: `${ref.type}:change`, subjectId: ref.id, body: dto },
      (claim) => this.changeOnce(ref, dto, actor, claim),
    );
  }

  private async changeOnce(
    ref: SubjectRef,
    dto: ChangeSecurityDetailsDto,
    actor: Actor,
    claim: IdempotencyClaim<SecurityDetailsView>,
  ): Promise<SecurityDetailsView> {
    if (ref.type === 'client' && dto.subjectType === 'client-representative') {
      throw new RepresentativeNotAmendableError();
    }
    const items: SecurityItem[] = (['pin', 'password'] as const).filter((k) => dto[k] !== undefined);
    const problems: FieldProblem[] = [];
    if (!items.length) {
      problems.push({
        field: 'pin',
        rule: 'pin-or-password-required',
        message: 'Give a new PIN, a new special password, or both.',
        requirementId: 'SD-14',
      });
    }
    if (dto.pin !== undefined) problems.push(...[pinProblem(dto.pin)].filter((p) => p !== null));
    if (dto.password !== undefined) {
      problems.push(...[passwordProblem(dto.password)].filter((p) => p !== null));
    }
    if (problems.length) throw new DomainValidationError(problems);
    // Refuse before spending hashes; checked again under the row lock.
    const subject = await this.db.manager.findOneBy(SecuritySubject, { subjectId: ref.id });
    this.assertChangeable(ref, subject);
    if (!dto.serviceRequestId) throw new ServiceRequestRequiredError();
    await this.assertUnderSr(ref, subject, dto.serviceRequestId);

    const [pinHash, passwordHashes] = await Promise.all([
      dto.pin !== undefined ? this.hasher.hashPin(dto.pin) : undefined,
      dto.password !== undefined ? this.hasher.hashPassword(dto.password) : undefined,
    ]);
    return this.db.transaction(async (m) => {
      const subject = await this.lock(m, ref.id);
      this.assertChangeable(ref, subject);
      const now = this.clock.now();
      const current = await m.findOneByOrFail(SecurityCredential, {
        subjectId: ref.id,
        version: subject.currentVersion,
      });
      await m.update(SecurityCredential, { id: current.id }, { supersededAt: now });
      const version = current.version + 1;
      await m.insert(SecurityCredential, {
        subjectId: ref.id,
        version,
        pinHash: pinHash ?? current.pinHash,
        passwordHash: passwordHashes?.[0] ?? current.passwordHash,
        passwordFoldedHash: passwordHashes?.[1] ?? current.passwordFoldedHash,
        memorableAnswers: [...MEMORABLE_ANSWERS_NOT_COLLECTED],
        reason: 'change',
        changedItems: items,
        serviceRequestId: dto.serviceRequestId ?? null,
        createdBy: actor.id,
        createdAt: now,
        supersededAt: null,
      });
      const before = { credentialVersion: current.version, consecutiveFailures: subject.consecutiveFailures };
      await m.update(
        SecuritySubject,
        { subjectId: ref.id },
        { currentVersion: version, consecutiveFailures: 0, updatedAt: now },
      );
      await recordAudit(m, {
        entityType: ref.type,
        entityId: ref.id,
        action: 'security-details-changed',
        before,
        after: {
          credentialVersion: version,
          changedItems: items,
          memorableQuestions: 'X',
          consecutiveFailures: 0,
          serviceRequestId: dto.serviceRequestId ?? null,
        },
      });
      const view = await this.status(ref, m);
      await claim(m, view);
      return view;
    });
  }

  /**
   * Unblocks the account ("Unblock User", Change - Security Details step 9; SD-3, SD-11) and resets
   * the failures. Unblocking an account that is not blocked changes nothing (safe to retry). The SR
   * is optional (the call back of SD-3 unblocks before the CofC SR is raised), but one that is named
   * must be an open Change Contact/Security Info SR of the subject (SD-4), asked of service-requests.
   * @throws SecurityDetailsNotSetUpError (SD-22); NoTamAccountError (SD-21); SubjectTypeMismatchError;
   *   ServiceRequestNotFoundError (404); ServiceRequestNotApplicableError (SD-4); with
   *   `idempotencyKey`, see {@link IdempotentRequests} (IdempotencyKeyReusedError)
   */
  unblock(
    ref: SubjectRef,
    dto: UnblockDto,
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<SecurityDetailsView> {
    return this.idempotency.run(
      actor,
      idempotencyKey,
      { operation: `${ref.type}:unblock`, subjectId: ref.id, body: dto },
      (claim) => this.unblockOnce(ref, dto, actor, claim),
    );
  }

  private async unblockOnce(
    ref: SubjectRef,
    dto: UnblockDto,
    actor: Actor,
    claim: IdempotencyClaim<SecurityDetailsView>,
  ): Promise<SecurityDetailsView> {
    if (dto.serviceRequestId) {
      const subject = await this.db.manager.findOneBy(SecuritySubject, { subjectId: ref.id });
      this.assertSetUp(ref, subject);
      await this.assertUnderSr(ref, subject, dto.serviceRequestId);
    }
    return this.db.transaction(async (m) => {
      const subject = await this.lock(m, ref.id);
      this.assertSetUp(ref, subject);
      if (ref.type === 'client' && !subject.tamAccount) throw new NoTamAccountError();
      if (subject.blockedAt) {
        const before = {
          blocked: true,
          blockedAt: subject.blockedAt,
          consecutiveFailures: subject.consecutiveFailures,
        };
        await m.update(
          SecuritySubject,
          { subjectId: ref.id },
          { blockedAt: null, consecutiveFailures: 0, updatedAt: this.clock.now() },
        );
        await recordAudit(m, {
          entityType: ref.type,
          entityId: ref.id,
          action: 'account-unblocked',
          before,
          after: {
            blocked: false,
            consecutiveFailures: 0,
            verifiedBy: dto.verifiedBy,
            serviceRequestId: dto.serviceRequestId ?? null,
          },
        });
        this.logger.log({ msg: 'account unblocked', subjectType: ref.type, subjectId: ref.id, by: actor.id });
      }
      const view = await this.status(ref, m);
      await claim(m, view);
      return view;
    });
  }

  /**
   * What a check reads, in one query (no ORM): the subject's state and its current credential's
   * hashes (null only if the data is broken). Issue 17: a check is otherwise all argon2id.
   */
  private async checkState(
    subjectId: string,
    hit?: RateLimitHit,
  ): Promise<{
    subject: SecuritySubject | null;
    credential: Pick<
      SecurityCredential,
      'version' | 'pinHash' | 'passwordHash' | 'passwordFoldedHash'
    > | null;
  }> {
    type StateRow = SubjectStateRow & {
      pin_hash: string | null;
      password_hash: string | null;
      password_folded_hash: string | null;
    };
    const state = (subjectParam: string) =>
      `SELECT s.subject_type, s.tam_account, s.consecutive_failures, s.blocked_at, s.current_version,
              c.pin_hash, c.password_hash, c.password_folded_hash
         FROM security_subject s
         LEFT JOIN security_credential c ON c.subject_id = s.subject_id AND c.version = s.current_version
        WHERE s.subject_id = ${subjectParam}`;
    let row: StateRow | undefined;
    if (hit) {
      // One row whether or not the subject exists: the hit's counts beside the subject's state.
      const counted = combineWrites(
        [hit],
        `SELECT (SELECT json_agg(json_build_object('key', w1.key, 'hits', w1.hits)) FROM w1) AS hits,
                st.subject_type IS NOT NULL AS found, st.*
           FROM (SELECT 1) AS one LEFT JOIN (${state(`$${hit.params.length + 1}`)}) AS st ON true`,
      );
      const [withHits] = await preparedQuery<StateRow & { hits: BucketCount[] | null; found: boolean }>(
        this.db,
        'security_check_hit_state',
        counted.sql,
        [...counted.params, subjectId],
      );
      this.limiter.enforce(hit, withHits?.hits ?? []);
      if (withHits?.found) row = withHits;
    } else {
      [row] = await preparedQuery<StateRow>(this.db, 'security_check_state', state('$1'), [subjectId]);
    }
    if (!row) return { subject: null, credential: null };
    return {
      subject: subjectFrom(subjectId, row),
      credential:
        row.pin_hash === null
          ? null
          : {
              version: row.current_version,
              pinHash: row.pin_hash,
              passwordHash: row.password_hash!,
              passwordFoldedHash: row.password_folded_hash!,
            },
    };
  }

  /**
   * Records one verified check in ONE statement when nothing changed since `seen` was read and the
   * check does not block the account (Change - Security Details, steps 3–5; SD-2): the subject's
   * failure count is updated only if it still has the type, credential version and failure count
   * the verification started from and is not blocked, and the audit row is written only if that
   * update happened (one atomic statement, no BEGIN/COMMIT round trips). Returns null when it did
   * not apply (a concurrent check, change or block, or a failure that blocks): the caller then
   * records the check under the row lock ({@link recordCheck}), which decides those cases.
   */
  private async recordCheckAtOnce(
    ref: SubjectRef,
    seen: SecuritySubject,
    verifiedVersion: number,
    passed: boolean,
    channel: SecurityCheckDto['channel'],
    itemsSupplied: string[],
  ): Promise<SecurityCheckResultView | null> {
    const failuresBefore = seen.consecutiveFailures;
    const failures = passed ? 0 : failuresBefore + 1;
    if (failures >= FAILURES_BEFORE_BLOCK || seen.blockedAt) return null;
    const now = this.clock.now();
    const m = this.db.manager;
    const { sql, params } = combineWrites(
      [
        {
          sql: `UPDATE security_subject
                   SET consecutive_failures = $2, last_check_at = $3, last_check_result = $4, updated_at = $3
                 WHERE subject_id = $1 AND subject_type = $5 AND current_version = $6
                   AND consecutive_failures = $7 AND blocked_at IS NULL
             RETURNING subject_id`,
          params: [
            ref.id,
            failures,
            now,
            passed ? 'pass' : 'fail',
            ref.type,
            verifiedVersion,
            failuresBefore,
          ],
        },
        auditStatement(m, [checkAudit(ref, passed, channel, itemsSupplied, failuresBefore, failures)], {
          when: 'EXISTS (SELECT 1 FROM w1)',
        }),
      ],
      'SELECT count(*)::int AS recorded FROM w1',
    );
    const [{ recorded }] = await preparedQuery<{ recorded: number }>(
      this.db,
      'security_check_record',
      sql,
      params,
    );
    return recorded ? checkResult(passed, failures, false) : null;
  }

  /** Records one verified check under the subject's row lock; 'stale' when the details changed meanwhile. */
  private async recordCheck(
    m: EntityManager,
    ref: SubjectRef,
    verifiedVersion: number,
    passed: boolean,
    channel: SecurityCheckDto['channel'],
    itemsSupplied: string[],
  ): Promise<SecurityCheckResultView | 'stale'> {
    // The row lock and the update in plain SQL: the same statements TypeORM wrote, without its query building.
    const [locked] = await m.query<SubjectStateRow[]>(
      `SELECT subject_type, tam_account, consecutive_failures, blocked_at, current_version
         FROM security_subject WHERE subject_id = $1 FOR UPDATE`,
      [ref.id],
    );
    const subject = locked ? subjectFrom(ref.id, locked) : null;
    this.assertSetUp(ref, subject);
    if (subject.blockedAt) throw new AccountBlockedError(ref.type, 'check', subject.blockedAt);
    if (subject.currentVersion !== verifiedVersion) return 'stale';
    const now = this.clock.now();
    const failuresBefore = subject.consecutiveFailures;
    const failures = passed ? 0 : failuresBefore + 1;
    const blocks = failures >= FAILURES_BEFORE_BLOCK;
    await m.query(
      `UPDATE security_subject
          SET consecutive_failures = $2, last_check_at = $3, last_check_result = $4, updated_at = $3,
              blocked_at = CASE WHEN $5::boolean THEN $3 ELSE blocked_at END
        WHERE subject_id = $1`,
      [ref.id, failures, now, passed ? 'pass' : 'fail', blocks],
    );
    await recordAudit(m, checkAudit(ref, passed, channel, itemsSupplied, failuresBefore, failures));
    if (blocks) {
      await recordAudit(m, {
        entityType: ref.type,
        entityId: ref.id,
        action: 'account-blocked',
        before: { blocked: false },
        after: {
          blocked: true,
          blockedAt: now,
          tamAccount: subject.tamAccount,
          consecutiveFailures: failures,
        },
        source: channel,
      });
      // A representative's block is audited and logged here only: service-requests' security
      // events carry a client's TAM account block and nothing else (its published contract).
      if (ref.type === 'client') {
        await this.events.send(m, {
          clientId: ref.id,
          event: 'tam-account-blocked',
          occurredAt: now.toISOString(),
        });
      }
      this.logger.log({
        msg: 'account blocked after three failed checks',
        subjectType: ref.type,
        subjectId: ref.id,
      });
    }
    return checkResult(passed, failures, blocks);
  }

  /** Verifies every supplied item (all of them, so timing does not tell which failed). */
  private async matches(
    credential: Pick<SecurityCredential, 'pinHash' | 'passwordHash' | 'passwordFoldedHash'>,
    dto: SecurityCheckDto,
  ): Promise<boolean> {
    const checks: Promise<boolean>[] = [];
    if (dto.pin !== undefined) checks.push(this.hasher.verify(credential.pinHash, dto.pin));
    if (dto.password !== undefined) {
      checks.push(
        dto.channel === 'phone'
          ? this.hasher.verify(credential.passwordFoldedHash, foldedPassword(dto.password))
          : this.hasher.verify(credential.passwordHash, exactPassword(dto.password)),
      );
    }
    const results = await Promise.all(checks);
    return results.length > 0 && results.every(Boolean);
  }

  private checkLimits(ref: SubjectRef, actor: Actor): RateLimit[] {
    const c = this.config;
    return [
      {
        key: `check:subject:${ref.id}`,
        max: c.CHECK_LIMIT_PER_SUBJECT,
        windowSeconds: c.CHECK_LIMIT_SUBJECT_WINDOW_SECONDS,
        scope: 'subject',
      },
      {
        key: `check:caller:${actor.id}`,
        max: actor.roles.includes('system') ? c.CHECK_LIMIT_PER_SYSTEM_CALLER : c.CHECK_LIMIT_PER_CALLER,
        windowSeconds: c.CHECK_LIMIT_CALLER_WINDOW_SECONDS,
        scope: 'caller',
      },
    ];
  }

  private lock(m: EntityManager, id: string): Promise<SecuritySubject | null> {
    return m.findOne(SecuritySubject, { where: { subjectId: id }, lock: { mode: 'pessimistic_write' } });
  }

  private assertType(ref: SubjectRef, subject: SecuritySubject): void {
    if (subject.subjectType !== ref.type) throw new SubjectTypeMismatchError(ref.id, subject.subjectType);
  }

  private assertSetUp(ref: SubjectRef, subject: SecuritySubject | null): asserts subject is SecuritySubject {
    if (!subject) throw new SecurityDetailsNotSetUpError(ref.type);
    this.assertType(ref, subject);
  }

  /**
   * The SR is an open Change Contact/Security Info SR about the client (SD-4, SD-6); for a
   * representative, about the client they act for, whose current representative they still are
   * (SD-18). Asked of service-requests.
   */
  private async assertUnderSr(
    ref: SubjectRef,
    subject: SecuritySubject,
    serviceRequestId: string,
  ): Promise<void> {
    if (ref.type === 'client') {
      await this.facts.assertOpenSecuritySr(serviceRequestId, ref.id);
      return;
    }
    const clientId = subject.actingForClientId;
    if (!clientId) throw new ServiceRequestNotApplicableError(serviceRequestId, 'has no client to act for');
    await this.facts.assertRepresentativeOf(ref.id, clientId);
    await this.facts.assertOpenSecuritySr(serviceRequestId, clientId);
  }

  /** SD-22, SD-18, SD-21, then SD-11 (a blocked account is unblocked before its details change). */
  private assertChangeable(
    ref: SubjectRef,
    subject: SecuritySubject | null,
  ): asserts subject is SecuritySubject {
    this.assertSetUp(ref, subject);
    if (ref.type === 'client' && !subject.tamAccount) throw new NoTamAccountError();
    if (subject.blockedAt) throw new AccountBlockedError(ref.type, 'change', subject.blockedAt);
  }
}

/** The columns of `security_subject` a check reads and decides on. */
interface SubjectStateRow {
  subject_type: SubjectType;
  tam_account: boolean;
  consecutive_failures: number;
  blocked_at: Date | null;
  current_version: number;
}

/** The audit entry of one recorded check (Change - Security Details, steps 3–5; X-2): never a secret. */
function checkAudit(
  ref: SubjectRef,
  passed: boolean,
  channel: SecurityCheckDto['channel'],
  itemsSupplied: string[],
  failuresBefore: number,
  failures: number,
): AuditEntry {
  return {
    entityType: ref.type,
    entityId: ref.id,
    action: passed ? 'security-check-passed' : 'security-check-failed',
    before: { consecutiveFailures: failuresBefore },
    after: { result: passed ? 'pass' : 'fail', channel, itemsSupplied, consecutiveFailures: failures },
    source: channel,
  };
}

/** What a recorded check answers: its result, the failures so far and what remains before a block (SD-2). */
function checkResult(passed: boolean, failures: number, blocked: boolean): SecurityCheckResultView {
  return {
    result: passed ? 'pass' : 'fail',
    consecutiveFailures: failures,
    attemptsRemaining: Math.max(0, FAILURES_BEFORE_BLOCK - failures),
    blocked,
  };
}

/** A SecuritySubject with the fields a check uses (the rest left unset), from its row. */
function subjectFrom(subjectId: string, row: SubjectStateRow): SecuritySubject {
  return Object.assign(new SecuritySubject(), {
    subjectId,
    subjectType: row.subject_type,
    tamAccount: row.tam_account,
    consecutiveFailures: row.consecutive_failures,
    blockedAt: row.blocked_at,
    currentVersion: row.current_version,
  });
}
