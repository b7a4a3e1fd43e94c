import { Type } from 'class-transformer';
import { IsInt, IsUrl, Matches, Min } from 'class-validator';
import { BaseServiceConfig } from '@cms/platform';

/** Configuration of service-requests (environment variables, validated at start). */
export class ServiceRequestsConfig extends BaseServiceConfig {
  override PORT = 3001;

  /** Base URL of cis-interface (RD-1 trigger, SU). */
  @IsUrl({ require_tld: false })
  CIS_INTERFACE_URL = 'http://127.0.0.1:3002';

  /** Base URL of client-security (security details, TAM account). */
  @IsUrl({ require_tld: false })
  CLIENT_SECURITY_URL = 'http://127.0.0.1:3003';

  /** Base URL of correspondence (letters and SMS). */
  @IsUrl({ require_tld: false })
  CORRESPONDENCE_URL = 'http://127.0.0.1:3004';

  /** How often the wait-expiry sweep runs, in milliseconds. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  FOLLOW_UP_INTERVAL_MS = 5000;

  /** AES-256-GCM key (32 bytes, base64) sealing bank details held on transfer SRs (TD-5, TD-7). */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'BANK_DETAILS_KEY must be 32 bytes, base64' })
  BANK_DETAILS_KEY!: string;
}
