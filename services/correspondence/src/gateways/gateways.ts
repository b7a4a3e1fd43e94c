import type { UkAddress } from '@cms/domain';

/** One letter handed to the print supplier: the PDF as kept, and where to post it. */
export interface PrintRequest {
  itemId: string;
  templateCode: string;
  recipientName: string;
  address: UkAddress;
  pdf: Buffer;
  pageCount: number;
  sha256: string;
}

/** One text message handed to the SMS supplier. */
export interface SmsRequest {
  itemId: string;
  templateCode: string;
  /** E.164 mobile number. */
  to: string;
  text: string;
}

/** What a gateway returns when it has accepted an item. */
export interface GatewayReceipt {
  /** The gateway's own reference for the item. */
  reference: string;
}

/**
 * The print and post supplier. Implementations must be idempotent on `idempotencyKey`: the
 * dispatch job may run again after a crash, and the same key must never print twice.
 * @throws GatewayRejectedError when the supplier refuses the item for good (no retry)
 * @throws any other error for a temporary failure (the job retries with backoff)
 */
export interface PrintGateway {
  print(request: PrintRequest, idempotencyKey: string): Promise<GatewayReceipt>;
}

/** The SMS supplier; same idempotency and error contract as {@link PrintGateway}. */
export interface SmsGateway {
  send(request: SmsRequest, idempotencyKey: string): Promise<GatewayReceipt>;
}

/** Injection tokens of the gateways. */
export const PRINT_GATEWAY = Symbol('PRINT_GATEWAY');
export const SMS_GATEWAY = Symbol('SMS_GATEWAY');

/** A permanent refusal by a gateway (e.g. an address it cannot post to): the item becomes `failed`. */
export class GatewayRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayRejectedError';
  }
}
