import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '@cms/platform';
import * as argon2 from 'argon2';
import type { ClientSecurityConfig } from '../config';
import { exactPassword, foldedPassword } from './security-rules';

/**
 * argon2id parameters: OWASP Password Storage Cheat Sheet's first option (19 MiB, 2 passes, 1 lane).
 * One hash costs ~25–60 ms of one libuv threadpool thread; the event loop never waits for it, and
 * at most HASH_CONCURRENCY run at once.
 */
export const ARGON2_PARAMS = Object.freeze({
  type: argon2.argon2id,
  memoryCost: 19_456, // KiB
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
  saltLength: 16,
});

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in arrival order. Keeps
 * argon2 from occupying every libuv threadpool thread under a burst of checks.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` when a slot is free and releases the slot when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}

/** The hashes stored for one set of security details; never returned, logged or audited. */
export interface SecretHashes {
  pinHash: string;
  /** Exact special password, for the self-service portal (case sensitive, SD-19). */
  passwordHash: string;
  /** Case-folded special password, for the phone (not strictly case sensitive, SD-19). */
  passwordFoldedHash: string;
}

/**
 * Hashes and verifies PINs and special passwords with argon2id and the server-side pepper
 * (`SECURITY_PEPPER`, passed as argon2's `secret`, so it is mixed into the hash but never stored).
 *
 * Hashes are encoded in the canonical PHC order `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` — the
 * order the reference implementation writes and requires — rather than node-argon2's own `m,p,t`.
 */
@Injectable()
export class SecretHasher {
  private readonly pepper: Buffer;
  private readonly slots: Semaphore;

  constructor(@Inject(CONFIG) config: ClientSecurityConfig) {
    this.pepper = Buffer.from(config.SECURITY_PEPPER, 'utf8');
    this.slots = new Semaphore(config.HASH_CONCURRENCY);
  }

  /** Hashes one secret value: a PHC string with a fresh 16-byte salt. */
  async hash(value: string): Promise<string> {
    const salt = randomBytes(ARGON2_PARAMS.saltLength);
    const raw = await this.slots.run(() =>
      argon2.hash(value, {
        type: ARGON2_PARAMS.type,
        memoryCost: ARGON2_PARAMS.memoryCost,
        timeCost: ARGON2_PARAMS.timeCost,
        parallelism: ARGON2_PARAMS.parallelism,
        hashLength: ARGON2_PARAMS.hashLength,
        secret: this.pepper,
        salt,
        raw: true,
      }),
    );
    const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_PARAMS;
    return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(raw)}`;
  }

  /**
   * True when `value` matches `hash` (constant-time comparison inside argon2). A malformed hash
   * answers false rather than throwing.
   */
  async verify(hash: string, value: string): Promise<boolean> {
    try {
      return await this.slots.run(() => argon2.verify(hash, value, { secret: this.pepper }));
    } catch {
      return false;
    }
  }

  /** Hashes a PIN (already validated, SD-1). */
  hashPin(pin: string): Promise<string> {
    return this.hash(pin);
  }

  /**
   * Hashes a special password twice: its exact form (self-service portal, case sensitive) and its
   * case-folded form (phone). Two hashes because a hash cannot be compared case-insensitively
   * (SD-19). Returns `[exact, folded]`.
   */
  async hashPassword(password: string): Promise<[string, string]> {
    return Promise.all([this.hash(exactPassword(password)), this.hash(foldedPassword(password))]);
  }
}
