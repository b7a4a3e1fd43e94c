import { DomainError, NotFoundError } from '@cms/domain';
import { BroadcastProcessor } from '../src/broadcasts/broadcast.processor';

/*
 * BR-8's letter job with its peers faked: the client and the case are read at once, and a refusal
 * is reported as it was when they were read one after the other (client, then its address, then the case).
 */
describe('[BR-8] the MOPF letter job', () => {
  const row = {
    id: 'row-1',
    batchId: 'batch-1',
    transactionId: 'tx-1',
    outcome: 'pending',
    clientId: 'client-1',
    caseIds: ['case-1'],
    payload: { claimDate: '2026-12-04', benefitType: 'Universal Credit' },
  };
  const client = { id: 'client-1', firstName: 'Sam', lastName: 'Bench', address: { line1: '1 Road' } };
  const kase = { id: 'case-1', caseNumber: '100000000001', jurisdiction: 'GB', stage: 'Live' };

  /** Runs the job with the given peer answers; returns what was recorded (outcome, reason, letter id). */
  async function run(peers: { client: () => Promise<unknown>; kase: () => Promise<unknown> }) {
    const recorded: unknown[][] = [];
    const db = {
      manager: { findOneBy: async () => row },
      query: async (_sql: string, params: unknown[]) => void recorded.push(params),
    };
    const srs = { getClient: peers.client, getCase: peers.kase };
    const correspondence = { issueLetter: async () => ({ id: 'letter-1' }) };
    const clock = { now: () => new Date('2026-12-05T05:00:00Z') };
    const p = new BroadcastProcessor(
      db as never,
      clock as never,
      {} as never,
      {} as never,
      srs as never,
      correspondence as never,
    );
    await p.issueMopfLetter({ transactionRowId: row.id });
    expect(recorded).toHaveLength(1);
    const [, , outcome, reason, letterId] = recorded[0];
    return { outcome, reason, letterId };
  }

  it('issues the letter when both reads answer', async () => {
    expect(await run({ client: async () => client, kase: async () => kase })).toEqual({
      outcome: 'letter-issued',
      reason: null,
      letterId: 'letter-1',
    });
  });

  it('reports the client not found before anything about the case', async () => {
    const r = await run({
      client: async () => Promise.reject(new NotFoundError('Client', 'client-1')),
      kase: async () => Promise.reject(new NotFoundError('Case', 'case-1')),
    });
    expect(r).toMatchObject({ outcome: 'failed', letterId: null });
    expect(r.reason).toMatch(/^BR-8: .*Client client-1 was not found/);
  });

  it('reports a client without an address before a case that is not found', async () => {
    const r = await run({
      client: async () => ({ ...client, address: null }),
      kase: async () => Promise.reject(new NotFoundError('Case', 'case-1')),
    });
    expect(r.reason).toMatch(/no address for the paying parent/);
  });

  it('reports the case not found when the client is fine', async () => {
    const r = await run({
      client: async () => client,
      kase: async () => Promise.reject(new NotFoundError('Case', 'case-1')),
    });
    expect(r.reason).toMatch(/Case case-1 was not found/);
  });

  it('leaves an unavailable peer to the job’s retries: it throws before recording an outcome', async () => {
    const p = run({
      client: async () => client,
      kase: async () => Promise.reject(new DomainError('PEER_UNAVAILABLE', 'unavailable', 'down')),
    });
    await expect(p).rejects.toThrow('down');
  });
});
