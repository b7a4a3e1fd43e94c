import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Actor, type Clock, DomainError, DomainValidationError } from '@cms/domain';
import { CLOCK, CONFIG, startPeriodicSweep } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { ClientSecurityConfig } from '../config';
import { SecretHasher } from '../security-details/secret-hasher';
import { IdempotencyRecord } from './idempotency-record.entity';

/** What a keyed request is, for comparing a repeat with the first: never stored as such (secrets). */
export interface IdempotentRequest {
  /** The operation, e.g. `client:change`, `representative:unblock`. */
  operation: string;
  /** Whose security details. */
  subjectId: string;
  /** The request body as validated (may hold secrets: only hashed). */
  body: object;
}

/**
 * Called by an operation in the transaction that applies it, with the answer it will give: stores
 * the key with that answer, or throws (rolling the transaction back) when a concurrent request with
 * the same key was applied first. A no-op for a request without a key.
 */
export type IdempotencyClaim<T> = (m: EntityManager, response: T) => Promise<void>;

/** An `Idempotency-Key` is 1–255 visible ASCII characters. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The same `Idempotency-Key` was sent before with a different request (another body, operation or
 * subject): refused, naming the key, and nothing applied. HTTP 422.
 */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'precondition',
      `Idempotency-Key "${key}" was already used for a different request; send a new key for a new request, ` +
        'or the same request again to get its answer.',
      {
        errors: [
          {
            field: 'Idempotency-Key',
            rule: 'same-request-per-key',
            message: `Idempotency-Key "${key}" was already used for a different request.`,
          },
        ],
        extra: { idempotencyKey: key },
      },
    );
  }
}

/** Thrown inside an operation's transaction when its key was stored meanwhile by a concurrent twin. */
class KeyTakenMeanwhile extends Error {}

/** Canonical JSON: object keys sorted at every level, `undefined` left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/**
 * `Idempotency-Key` for client-security's changes (set-up, change, unblock; issue #18): a caller
 * that did not get the answer (a time-out, a 5xx, a crash) sends the same request with the same key
 * again, and gets the stored answer without the change being applied twice; the same key with a
 * different request is refused (422, IDEMPOTENCY_KEY_REUSED). Keys are per caller and kept with the
 * answer (never a secret) and an argon2id hash of the canonical request (secrets are in it, so never
 * a plain digest). Only applied requests are stored: a refusal changed nothing, and a repeat is
 * judged again. Keys are kept IDEMPOTENCY_RETENTION_DAYS, then swept (hourly, by the replica that
 * runs workers): the table does not grow with every change ever made.
 */
@Injectable()
export class IdempotentRequests implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotentRequests.name);
  private stopSweep = (): void => undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: ClientSecurityConfig,
    private readonly hasher: SecretHasher,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweep = startPeriodicSweep({
      enabled: this.config.WORKERS_ENABLED,
      everyMs: 3_600_000,
      name: 'idempotency key sweep',
      logger: this.logger,
      run: () => this.sweep(),
    });
  }

  onApplicationShutdown(): void {
    this.stopSweep();
  }

  /**
   * Forgets the keys stored more than IDEMPOTENCY_RETENTION_DAYS before `now` (the injected clock's
   * time by default): a repeat after that is judged as a new request. Returns how many went.
   */
  async sweep(now: Date = this.clock.now()): Promise<number> {
    const before = new Date(now.getTime() - this.config.IDEMPOTENCY_RETENTION_DAYS * 86_400_000);
    const [, count] = await this.db.query(`DELETE FROM "idempotency_key" WHERE "created_at" < $1`, [before]);
    return Number(count ?? 0);
  }

  /**
   * Runs `apply` once per caller and key: without a key, simply runs it; with a key answered before,
   * returns that answer (same request) or refuses (different request) without running it; otherwise
   * runs it with a claim it calls inside its transaction. When `apply` fails because a concurrent
   * request with the same key was applied first, answers as that one did.
   * @throws DomainValidationError (malformed key), IdempotencyKeyReusedError, whatever `apply` throws
   */
  async run<T>(
    actor: Actor,
    key: string | undefined,
    request: IdempotentRequest,
    apply: (claim: IdempotencyClaim<T>) => Promise<T>,
  ): Promise<T> {
    if (key === undefined) return apply(async () => undefined);
    if (!KEY_PATTERN.test(key)) {
      throw new DomainValidationError([
        {
          field: 'Idempotency-Key',
          rule: 'idempotency-key-format',
          message: 'The Idempotency-Key is 1–255 visible ASCII characters.',
        },
      ]);
    }
    const canonical = canonicalJson(request);
    const earlier = await this.answered<T>(actor, key, request, canonical);
    if (earlier !== undefined) return earlier;
    const requestHash = await this.hasher.hash(canonical);
    const claim: IdempotencyClaim<T> = async (m, response) => {
      const rows = await m.query<unknown[]>(
        `INSERT INTO "idempotency_key"
           ("caller_id", "key", "operation", "subject_id", "request_hash", "response", "created_at")
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING "key"`,
        [
          actor.id,
          key,
          request.operation,
          request.subjectId,
          requestHash,
          JSON.stringify(response),
          this.clock.now(),
        ],
      );
      if (!rows.length) throw new KeyTakenMeanwhile();
    };
    try {
      return await apply(claim);
    } catch (e) {
      // A twin with the same key applied first (this transaction rolled back, or this one was
      // refused because of the twin's change, e.g. already set up): answer as the twin did.
      const meanwhile = await this.answered<T>(actor, key, request, canonical);
      if (meanwhile !== undefined) return meanwhile;
      throw e;
    }
  }

  /** The stored answer for the caller's key, if any. @throws IdempotencyKeyReusedError (different request) */
  private async answered<T>(
    actor: Actor,
    key: string,
    request: IdempotentRequest,
    canonical: string,
  ): Promise<T | undefined> {
    const record = await this.db.manager.findOneBy(IdempotencyRecord, { callerId: actor.id, key });
    if (!record) return undefined;
    const same =
      record.operation === request.operation &&
      record.subjectId === request.subjectId &&
      (await this.hasher.verify(record.requestHash, canonical));
    if (!same) throw new IdempotencyKeyReusedError(key);
    return record.response as T;
  }
}
