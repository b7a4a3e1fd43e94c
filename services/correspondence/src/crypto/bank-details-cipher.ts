import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG } from '@cms/platform';
import { CorrespondenceConfig, decodeKey } from '../config';

/** First byte of every sealed value: the format (AES-256-GCM, 12-byte IV, 16-byte tag). */
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encryption at rest for bank details and for the PDFs that print them whole (CMSL0406, CMSL9661):
 * AES-256-GCM with a random 12-byte IV per value and the owning record as additional authenticated
 * data, so a sealed value copied to another row does not open. Sealed layout:
 * `0x01 | iv (12) | tag (16) | ciphertext`.
 *
 * Also derives (HKDF-SHA256) a separate key for the HMAC that fingerprints idempotent requests, so
 * a stored fingerprint of a body with bank details cannot be brute-forced without the key.
 */
@Injectable()
export class BankDetailsCipher {
  private readonly logger = new Logger(BankDetailsCipher.name);
  private readonly key: Buffer;
  private readonly fingerprintKey: Buffer;

  constructor(@Inject(CONFIG) config: CorrespondenceConfig) {
    const key = decodeKey(config.BANK_DETAILS_KEY);
    if (key) this.key = key;
    else {
      // Only reachable without AUTH_JWKS_URL (development, tests, OpenAPI generation): config
      // validation makes the key mandatory in production.
      this.key = randomBytes(32);
      this.logger.warn(
        'BANK_DETAILS_KEY is not set: using a throwaway key; bank details stored now cannot be read after a restart',
      );
    }
    this.fingerprintKey = Buffer.from(
      hkdfSync('sha256', this.key, Buffer.alloc(0), 'idempotency-fingerprint', 32),
    );
  }

  /** Encrypts `plain`, bound to `context` (e.g. `letter:<id>:pdf`). Returns the sealed bytes. */
  seal(plain: Buffer, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  /**
   * Decrypts bytes made by {@link seal} with the same `context`.
   * @throws Error when the bytes were altered, belong to another record or another key
   */
  open(sealed: Buffer, context: string): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) {
      throw new Error('Not a sealed value of a known format');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  /** Encrypts a JSON value. */
  sealJson(value: unknown, context: string): Buffer {
    return this.seal(Buffer.from(JSON.stringify(value), 'utf8'), context);
  }

  /** Decrypts a JSON value sealed by {@link sealJson}. */
  openJson<T>(sealed: Buffer, context: string): T {
    return JSON.parse(this.open(sealed, context).toString('utf8')) as T;
  }

  /** Keyed fingerprint (HMAC-SHA256, hex) of a request body, for idempotency comparisons. */
  fingerprint(canonical: string): string {
    return createHmac('sha256', this.fingerprintKey).update(canonical, 'utf8').digest('hex');
  }
}

/** JSON with object keys sorted at every level, so equal bodies give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
