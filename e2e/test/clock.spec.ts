import { formatDate } from '../../services/correspondence/src/rendering/placeholders';
import { pdfText } from '../../services/correspondence/test/helpers';
import {
  changeElsewhereInDwp,
  expectStatus,
  givenCisRecord,
  givenFamily,
  runCisBroadcast,
  SrDesk,
  step,
  STORY_TIMEOUT_MS,
  waitFor,
  waitForIssued,
  type Family,
  type Sr,
} from './support/story';
import { SERVICES, startSystem, type AcceptanceSystem, type ServiceKey } from './support/system';

const DAY = 86_400_000;
/** How far apart two services' readings of the one clock, taken one after the other, may be. */
const SLACK_MS = 60_000;
/** The UK calendar day of an instant, as YYYY-MM-DD (letters are dated by it). */
const ukDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at);

/**
 * Issue #12, "Clocks": in adjustable mode the whole system has ONE clock (a CLOCK_FILE shared by
 * every service and the simulator): moving it on any one service moves them all, it survives a
 * restart, and every timestamp a service writes (SRs, notes, audit, letters) comes from it.
 * Each move below is made on ONE service's endpoint on purpose.
 */
describe('[#12 clock] one clock for the whole system', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  /** Moves the clock on `service`'s endpoint only, by `days`. */
  const moveOn = async (service: ServiceKey, days: number) =>
    expectStatus(system.as('system')[service].post('/internal/clock/advance', { days }), 200);
  const clocks = async () =>
    Object.fromEntries(await Promise.all(SERVICES.map(async (k) => [k, await system.now(k)] as const)));

  it('[#12 clock] moving the clock once on one service moves every service and the simulator', async () => {
    const before = Date.now();
    const moved = new Date((await moveOn('co', 10)).body.now);
    expect(moved.getTime() - before).toBeGreaterThanOrEqual(10 * DAY);
    const now = await clocks();
    for (const k of SERVICES) {
      expect({ service: k, aheadOfReal: now[k].getTime() - Date.now() > 10 * DAY - SLACK_MS }).toEqual({
        service: k,
        aheadOfReal: true,
      });
      expect(Math.abs(now[k].getTime() - moved.getTime())).toBeLessThan(SLACK_MS);
    }
  });

  it(
    '[#12 clock] [TD-6] [TD-8] after the clock moved on service-requests: notes and audit rows carry the moved time (not before their SR), the letter is dated the day it quotes, and correspondence accepts the CMSL0406 approval',
    async () => {
      const cw = system.as('caseworker');
      const desk = new SrDesk(system);
      let family: Family;
      let sr: Sr;
      let raisedAt: Date;

      await step('the clock moves 30 days, on service-requests only', async () => {
        await moveOn('sr', 30);
        family = await givenFamily(system, {
          stage: 'maintenance',
          receivingParent: {
            nino: 'JK601001A',
            firstName: 'Sarah',
            lastName: 'Okafor',
            address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
          },
          payingParent: {
            nino: 'JK601002B',
            firstName: 'Daniel',
            lastName: 'Price',
            address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
          },
        });
      });

      await step('a Transfer Data SR, and a note on it: the note is dated by the moved clock', async () => {
        sr = await desk.raise({
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: 'PWC',
          reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
          subject: { clientId: family.receivingParent.id, role: 'PWC' },
          caseIds: [family.caseId],
        });
        raisedAt = new Date((sr as Sr & { createdAt: string }).createdAt);
        expect(raisedAt.getTime() - Date.now()).toBeGreaterThan(30 * DAY - SLACK_MS);
        sr = await desk.note(sr, 'Sarah rang to ask for her details to be passed on.');
        const note = (sr.notes as unknown as { text: string; createdAt: string }[]).find((n) =>
          n.text.startsWith('Sarah rang'),
        )!;
        expect(new Date(note.createdAt).getTime()).toBeGreaterThanOrEqual(raisedAt.getTime());
        expect(
          Math.abs(new Date(note.createdAt).getTime() - (await system.now('sr')).getTime()),
        ).toBeLessThan(SLACK_MS);
      });

      await step('the audit rows of the SR are dated by the moved clock, none before the SR', async () => {
        const audit = await expectStatus(cw.sr.get(`/audit/service-request/${sr.id}`), 200);
        const rows = audit.body as { action: string; occurredAt: string }[];
        expect(rows.map((r) => r.action)).toContain('note-added');
        for (const row of rows) {
          expect({
            action: row.action,
            beforeSr: new Date(row.occurredAt) < new Date(raisedAt.getTime() - 1000),
          }).toEqual({ action: row.action, beforeSr: false });
        }
      });

      await step(
        'CMSL0405 (issued by correspondence) is dated the moved day and quotes that same day as the request',
        async () => {
          sr = await desk.move(sr, 'In Progress', null);
          sr = await desk.outcome(
            sr,
            'confirm-request',
            'Confirmed',
            'Advised that everything given is passed on',
          );
          sr = await desk.move(sr, 'Wait', null, { nextActionDue: await desk.inDays(14) });
          const [entry] = await waitForIssued(system, family.receivingParent.id, 'CMSL0405');
          const letter = (await expectStatus(cw.co.get(`/letters/${entry.id}`), 200)).body;
          // Today by the one clock, read on service-requests (where it was moved), not on correspondence.
          const today = ukDay(await system.now('sr'));
          expect(letter.personalisation.requestDate).toBe(ukDay(raisedAt));
          expect(ukDay(new Date(letter.createdAt))).toBe(today);
          // The letter is not dated before the request it quotes (the issue: "On 5 January 2027 you
          // asked us" in a letter dated 8 December 2026).
          expect(today >= letter.personalisation.requestDate).toBe(true);
          const pdf = await expectStatus(
            cw.co
              .get(`/letters/${entry.id}/pdf`)
              .buffer(true)
              .parse((res, done) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => done(null, Buffer.concat(chunks)));
              }),
            200,
          );
          const text = await pdfText(pdf.body as Buffer);
          expect(text).toContain(`Date: ${formatDate(today)}`);
          expect(text).toContain(`On ${formatDate(ukDay(raisedAt))} you asked us`);
        },
      );

      await step(
        '[TD-6] [TD-8] the form comes back and a team leader approves: correspondence issues CMSL0406 (the approval is not "in the future")',
        async () => {
          sr = await desk.move(sr, 'In Progress', null);
          sr = await desk.outcome(sr, 'form-checked', 'Complete And Signed');
          sr = (
            await expectStatus(
              cw.sr.put(`/service-requests/${sr.id}/transfer-items`, {
                version: sr.version,
                items: { mobile: '07700 900123', email: 'sarah.okafor@example.com' },
                declarationSigned: true,
              }),
              200,
            )
          ).body;
          sr = await desk.move(sr, 'Pending Approval', 'Pending Approval TL');
          sr = await desk.move(sr, 'In Progress', 'Approved TL', {}, 'teamLeader');
          const [entry] = await waitForIssued(system, family.payingParent.id, 'CMSL0406');
          const letter = (await expectStatus(cw.co.get(`/letters/${entry.id}`), 200)).body;
          expect(letter.approval).toMatchObject({
            serviceRequestId: sr.id,
            approvedBy: system.subjects.teamLeader,
          });
          expect(new Date(letter.approval.approvedAt).getTime()).toBeGreaterThan(raisedAt.getTime());
          const closed = await waitFor('the system to close the SR once CMSL0406 is issued', async () => {
            const now = await desk.get(sr.id);
            return now.status === 'Closed' ? now : null;
          });
          expect(closed.resolutionCode).toBe('Letter Issued');
        },
      );
    },
    STORY_TIMEOUT_MS,
  );

  it(
    '[#12 clock] [BR-2] after a restart the clock is still moved: a restarted service keeps it, and the restarted simulator broadcasts a due day once',
    async () => {
      const person = { nino: 'JK601003C', firstName: 'Grace', lastName: 'Hall' };
      let day: string;
      await step('a change recorded on CIS at the moved time', async () => {
        await givenCisRecord(system, person);
        day = ukDay(await system.now('sim'));
        await changeElsewhereInDwp(system, person.nino, {
          type: 'ADDRESS_CHANGE',
          address: { line1: '9 Elm Row', town: 'Leeds', postcode: 'LS6 3AA' },
          addressStartDate: '2026-01-01',
        });
      });

      await step(
        'the clock moves 2 days on cis-interface; correspondence restarts and still has it',
        async () => {
          const moved = new Date((await moveOn('ci', 2)).body.now);
          await system.restart('co');
          expect(Math.abs((await system.now('co')).getTime() - moved.getTime())).toBeLessThan(SLACK_MS);
        },
      );

      await step(
        '[BR-2] the simulator restarts; the day is due by the one clock and is broadcast once',
        async () => {
          await system.restart('sim');
          const now = await system.now('sim');
          expect(now.getTime() - Date.now()).toBeGreaterThan(30 * DAY);
          const runs = await runCisBroadcast(system);
          expect(runs.filter((r) => r.day === day)).toHaveLength(1);
          await system.restart('sim');
          expect((await runCisBroadcast(system)).filter((r) => r.day === day)).toEqual([]);
        },
      );
    },
    STORY_TIMEOUT_MS,
  );
});
