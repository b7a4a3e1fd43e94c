import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals a field at rest with AES-256-GCM (bank details: TD-5, TD-7). The sealed form is
 * `v1.<iv>.<tag>.<ciphertext>` in base64url, so a stored value says which scheme made it.
 */
export class FieldSealer {
  private readonly key: Buffer;

  /** @param base64Key 32 bytes, base64. @throws Error when the key is not 32 bytes. */
  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) throw new Error('The sealing key must be 32 bytes (base64).');
  }

  /** Encrypts `plaintext` (UTF-8) with a fresh 12-byte IV. */
  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Decrypts a value made by {@link seal}. @throws Error when it was tampered with or made with another key. */
  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Not a sealed value.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
