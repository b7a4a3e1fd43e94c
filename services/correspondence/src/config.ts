import { existsSync } from 'node:fs';
import {
  IsIn,
  IsString,
  IsUrl,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { BaseServiceConfig } from '@cms/platform';

/** Decodes a base64 AES-256 key; null unless it is valid base64 of exactly 32 bytes. */
export function decodeKey(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) return null;
  const key = Buffer.from(value.trim(), 'base64');
  return key.length === 32 ? key : null;
}

function IsAes256Key(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAes256Key',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => decodeKey(value) !== null,
        defaultMessage: (a?: ValidationArguments) =>
          `${a?.property} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`,
      },
    });
}

function IsReadableFile(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && existsSync(value),
        defaultMessage: (a?: ValidationArguments) =>
          `${a?.property} must be the path of a TrueType font file`,
      },
    });
}

/**
 * Configuration of correspondence (environment variables, validated at start; a bad value stops the
 * service with a message naming the key).
 */
export class CorrespondenceConfig extends BaseServiceConfig {
  override PORT = 3004;

  /**
   * Base URL of service-requests, asked whether a case or client is nationally sensitive before a
   * caller without sensitive access sees its letters, SMS or issue log.
   */
  @IsUrl({ require_tld: false })
  SERVICE_REQUESTS_URL = 'http://127.0.0.1:3001';

  /**
   * AES-256-GCM key for bank details at rest: 32 bytes, base64. Required in production (token keys
   * from an identity provider, `AUTH_JWKS_URL`); in development and tests without it the service
   * makes a throwaway key per process and logs a warning (what it encrypted cannot be read after a
   * restart).
   */
  @ValidateIf((c: CorrespondenceConfig) => c.BANK_DETAILS_KEY !== undefined || !!c.AUTH_JWKS_URL)
  @IsAes256Key()
  BANK_DETAILS_KEY?: string;

  /** Print gateway: `local` records what would be printed and posted in the `gateway_outbox` table. */
  @IsIn(['local'])
  PRINT_GATEWAY = 'local' as const;

  /** SMS gateway: `local` records what would be texted in the `gateway_outbox` table. */
  @IsIn(['local'])
  SMS_GATEWAY = 'local' as const;

  /**
   * Optional TrueType fonts (regular and bold) embedded in letters so that any Unicode name prints.
   * Without them letters use the built-in Helvetica, which prints only the Windows-1252 characters,
   * and personalisation outside that set is refused (400, rule `unprintable-characters`).
   */
  @ValidateIf((c: CorrespondenceConfig) => !!c.LETTER_FONT_REGULAR || !!c.LETTER_FONT_BOLD)
  @IsString({ message: 'LETTER_FONT_REGULAR must be set together with LETTER_FONT_BOLD' })
  @IsReadableFile()
  LETTER_FONT_REGULAR?: string;

  @ValidateIf((c: CorrespondenceConfig) => !!c.LETTER_FONT_REGULAR || !!c.LETTER_FONT_BOLD)
  @IsString({ message: 'LETTER_FONT_BOLD must be set together with LETTER_FONT_REGULAR' })
  @IsReadableFile()
  LETTER_FONT_BOLD?: string;
}
