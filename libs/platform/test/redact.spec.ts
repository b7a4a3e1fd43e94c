import { Writable } from 'node:stream';
import { createPino } from '../src/logging';
import { redactDeep, scrubText } from '../src/redact';
import { RequestContext } from '../src/request-context';

describe('redaction of citizens’ data from logs', () => {
  it.each([
    ['a NINO with spaces', 'client AB 12 34 56 C called', 'client [nino] called'],
    ['a NINO without spaces', 'nino=JK123456C', 'nino=[nino]'],
    ['an email', 'write to sarah.okafor@example.com today', 'write to [email] today'],
    ['a mobile number', 'call 07700 900123', 'call [phone]'],
    ['an international number', 'call +44 7700 900123', 'call [phone]'],
    ['a sort code', 'sort code 12-34-56', 'sort code [sort-code]'],
    ['an account number', 'account 12345678', 'account [account-number]'],
    ['a postcode', 'lives at LS1 4AP', 'lives at [postcode]'],
    ['a bearer token', 'Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'Bearer [token]'],
  ])('scrubs %s from free text', (_what, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('leaves ordinary text, ids and case numbers alone', () => {
    expect(scrubText('SR 1-1000001 moved to Wait for case 100000000001')).toBe(
      'SR 1-1000001 moved to Wait for case 100000000001',
    );
  });

  describe('never touches ids', () => {
    const requestId = '12345678-7c54-4ff2-9a52-1b0b2d0f7c11';
    it.each([
      ['a request id of eight leading digits', `request ${requestId} failed`],
      ['an upper-case UUID', 'client 87654321-ABCD-4EF0-8123-000000000001 saved'],
      ['a UUID of digits only', 'letter 01234567-8901-2345-6789-012345678901 issued'],
      ['an SR number past ten million', 'SR 1-12345678 moved to Closed'],
      ['a URL with ids', `/service-requests/${requestId}/notes?after=1-10000001`],
    ])('leaves %s alone in free text', (_what, text) => {
      expect(scrubText(text)).toBe(text);
    });

    it.each([['requestId'], ['reqId'], ['id'], ['srNumber'], ['idempotencyKey']])(
      'keeps an id-like token under %s, even a caller-chosen one',
      (key) => {
        for (const id of [requestId, 'req-12345678', 'cis-interface:87654321.2', '1-12345678']) {
          expect(redactDeep({ [key]: id })).toEqual({ [key]: id });
        }
      },
    );

    it('a request id that is wholly a NINO, a phone or an account number is still scrubbed', () => {
      expect(redactDeep({ requestId: 'AB123456C', id: '07700900123', reqId: '12345678' })).toEqual({
        requestId: '[nino]',
        id: '[phone]',
        reqId: '[account-number]',
      });
    });

    it('a log line keeps the request id of eight leading digits, and scrubs the message', () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logger = createPino('test', 'info', sink);
      RequestContext.run({ requestId }, () => logger.info({ req: { id: requestId } }, 'account 12345678'));
      expect(JSON.parse(lines[0])).toMatchObject({
        requestId,
        req: { id: requestId },
        msg: 'account [account-number]',
      });
    });

    it('still scrubs what sits beside an id', () => {
      expect(scrubText(`request ${requestId}: account 12345678, NINO AB123456C, LS1 4AP`)).toBe(
        `request ${requestId}: account [account-number], NINO [nino], [postcode]`,
      );
      expect(redactDeep({ req: { id: requestId, url: '/clients?nino=AB123456C' } })).toEqual({
        req: { id: requestId, url: '/clients?nino=[nino]' },
      });
    });
  });

  it('redacts sensitive keys at any depth, and scrubs other strings', () => {
    const out = redactDeep({
      nino: 'AB123456C',
      body: {
        client: { pin: '1234567', password: 'Secret1', address: { line1: '1 Road' }, firstName: 'Sarah' },
      },
      bankDetails: { sortCode: '12-34-56', accountNumber: '12345678' },
      note: 'email sarah@example.com',
      list: [{ mobilePhone: '07700900123' }],
    });
    expect(out).toEqual({
      nino: '[redacted]',
      body: {
        client: { pin: '[redacted]', password: '[redacted]', address: '[redacted]', firstName: 'Sarah' },
      },
      bankDetails: '[redacted]',
      note: 'email [email]',
      list: [{ mobilePhone: '[redacted]' }],
    });
  });

  it('keeps errors readable while scrubbing their messages', () => {
    const out = redactDeep(new Error('no client with NINO AB123456C')) as { message: string; type: string };
    expect(out).toMatchObject({ type: 'Error', message: 'no client with NINO [nino]' });
  });
});
