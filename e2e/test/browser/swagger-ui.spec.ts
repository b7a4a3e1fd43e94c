import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expectStatus, givenFamily } from '../support/story';
import {
  SERVICE_NAMES,
  startSystem,
  type AcceptanceSystem,
  type Caller,
  type ServiceKey,
} from '../support/system';

/** Debian's Chromium (`apt-get install -y chromium`; `npm test` installs it when run as root). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * For each service: a GET that needs a bearer token, the caller whose development token is pasted
 * into "Authorize", and text the response body must show.
 */
const CALLS: Record<ServiceKey, { path: string; caller: Caller; shows: () => string }> = {
  sr: { path: '/cases', caller: 'caseworker', shows: () => caseNumber },
  ci: { path: '/cis/status', caller: 'caseworker', shows: () => '"breaker": "closed"' },
  cs: { path: '/internal/clock', caller: 'caseworker', shows: () => '"adjustable": true' },
  co: { path: '/templates', caller: 'caseworker', shows: () => '"CMSL0406"' },
  sim: { path: '/admin/faults', caller: 'system', shows: () => '"duplicateNextBatch": false' },
};
let caseNumber: string;

/**
 * Waits for `work` at most `ms` milliseconds. Resolves false (and says what hung) when it did not
 * finish in time, so clean-up can never hang the run: a CI run once waited 80 minutes on it.
 */
async function within(ms: number, what: string, work: Promise<unknown> | undefined): Promise<boolean> {
  if (!work) return true;
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([
    work.then(
      () => true,
      (e: unknown) => {
        console.warn(`${what} failed: ${String(e)}`);
        return true;
      },
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (!done) console.warn(`${what} did not finish within ${ms} ms; going on without it.`);
  return done;
}

/** Kills every Chromium process of this test (they all carry our private --user-data-dir). */
function killChromium(userDataDir: string): void {
  spawnSync('pkill', ['-KILL', '-f', `--user-data-dir=${userDataDir}`], { stdio: 'ignore' });
}

describe('Swagger UI of every service, in a real browser', () => {
  let system: AcceptanceSystem;
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}, so the Swagger UI test cannot run. Install it with ` +
          '`apt-get update && apt-get install -y chromium` (npm test does this itself when run as root).',
      );
    }
    userDataDir = mkdtempSync(path.join(tmpdir(), 'cms-e2e-chromium-'));
    [system, context] = await Promise.all([
      startSystem(),
      chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        timeout: 45_000,
        args: CHROMIUM_ARGS,
      }),
    ]);
    const family = await givenFamily(system, {
      stage: 'maintenance',
      receivingParent: { nino: 'JK601001A', firstName: 'Sarah', lastName: 'Okafor' },
      payingParent: { nino: 'JK601002B', firstName: 'Daniel', lastName: 'Price' },
    });
    caseNumber = family.caseNumber;
    await expectStatus(system.as('caseworker').sr.get(`/cases/${family.caseId}`), 200);
  }, 90_000);

  afterAll(async () => {
    // Bounded at every step, then Chromium killed outright: nothing here may keep Jest waiting.
    await within(15_000, 'Closing Chromium', context?.close());
    if (userDataDir) killChromium(userDataDir);
    await within(20_000, 'Stopping the services', system?.close());
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  }, 50_000);

  /** Opens /docs, authorises with `token` (bearer) and runs GET `apiPath` with "Try it out". */
  async function tryItOut(page: Page, url: string, token: string, apiPath: string) {
    await page.goto(`${url}/docs`);
    await page.locator('.swagger-ui .auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.locator('input').first().fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').click();
    await dialog.locator('.auth-btn-wrapper button.btn-done').click();
    await page.locator('.swagger-ui .auth-wrapper button.authorize.locked').waitFor();

    const operation = page.locator('.opblock.opblock-get', {
      has: page.locator(`.opblock-summary-path[data-path="${apiPath}"]`),
    });
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    await operation.locator('button.execute').click();
    const live = operation.locator('.live-responses-table');
    await live.waitFor();
    return {
      status: (await live.locator('.response .response-col_status').first().textContent())?.trim(),
      body: (await live.locator('.response .response-col_description').first().textContent()) ?? '',
      curl: (await operation.locator('.curl-command').first().textContent()) ?? '',
    };
  }

  it.each(Object.keys(CALLS) as ServiceKey[])(
    '%s: Authorize with a development token, then "Try it out" shows the call’s response',
    async (key) => {
      const call = CALLS[key];
      const page = await context.newPage();
      try {
        const shown = await tryItOut(page, system.urls[key], system.tokens[call.caller], call.path);
        expect(await page.title()).toContain('API');
        expect(shown.curl).toContain(`Authorization: Bearer ${system.tokens[call.caller]}`);
        expect({ service: SERVICE_NAMES[key], status: shown.status }).toEqual({
          service: SERVICE_NAMES[key],
          status: '200',
        });
        expect(shown.body).toContain(call.shows());
      } finally {
        await page.close();
      }
    },
    30_000,
  );
});
