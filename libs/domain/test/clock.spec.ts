import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { AdjustableClock, createClock, FileOffsetStore, MemoryOffsetStore, SystemClock } from '../src/clock';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** How far two readings of "now" taken in one test may be apart (real time passes meanwhile). */
const SLACK = 2_000;

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'clock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fileClock = (file = path.join(dir, 'clock.json')) => new AdjustableClock(new FileOffsetStore(file));

describe('createClock', () => {
  it.each([
    ['system', undefined, SystemClock],
    ['system', 'clock.json', SystemClock], // production ignores CLOCK_FILE
    ['adjustable', undefined, AdjustableClock],
    ['adjustable', 'clock.json', AdjustableClock],
  ] as const)('%s with file %j is a %p', (mode, file, type) => {
    expect(createClock(mode, file && path.join(dir, file))).toBeInstanceOf(type);
  });
});

describe('AdjustableClock moves by', () => {
  it.each([
    ['memory', () => new AdjustableClock(new MemoryOffsetStore())],
    ['file', () => fileClock()],
  ])('%s: advance adds up and set goes to the instant asked', (_store, make) => {
    const clock = make();
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(SLACK);
    clock.advance(7 * DAY);
    clock.advance(3 * HOUR);
    expect(clock.offset).toBe(7 * DAY + 3 * HOUR);
    const to = new Date(Date.now() + 30 * DAY);
    clock.set(to);
    expect(Math.abs(clock.now().getTime() - to.getTime())).toBeLessThan(SLACK);
  });

  it.each([
    ['a negative step', (c: AdjustableClock) => c.advance(-1)],
    ['an infinite step', (c: AdjustableClock) => c.advance(Infinity)],
    ['NaN', (c: AdjustableClock) => c.advance(NaN)],
    ['an instant in the past', (c: AdjustableClock) => c.set(new Date(Date.now() - HOUR))],
    ['an invalid date', (c: AdjustableClock) => c.set(new Date('nope'))],
  ])('refuses %s (RangeError) and stays where it was', (_case, move) => {
    const clock = fileClock();
    clock.advance(DAY);
    expect(() => move(clock)).toThrow(RangeError);
    expect(clock.offset).toBe(DAY);
  });
});

describe('File-backed clock (CLOCK_FILE)', () => {
  it('a move on one clock is seen at once by every other clock on the same file', () => {
    const [a, b, c] = [fileClock(), fileClock(), fileClock()];
    expect(b.offset).toBe(0);
    a.advance(7 * DAY);
    expect(b.offset).toBe(7 * DAY);
    expect(c.offset).toBe(7 * DAY);
    c.advance(DAY);
    expect([a.offset, b.offset, c.offset]).toEqual([8 * DAY, 8 * DAY, 8 * DAY]);
  });

  it('survives a restart: a new clock on the same file starts where the old one was', () => {
    const file = path.join(dir, 'nested', 'clock.json');
    fileClock(file).advance(5 * DAY);
    expect(fileClock(file).offset).toBe(5 * DAY);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ offsetMs: 5 * DAY });
  });

  it('clocks on different files are independent; without a file each clock is its own', () => {
    const a = fileClock(path.join(dir, 'a.json'));
    const b = fileClock(path.join(dir, 'b.json'));
    a.advance(DAY);
    expect(b.offset).toBe(0);
    const m1 = new AdjustableClock();
    const m2 = new AdjustableClock();
    m1.advance(DAY);
    expect(m2.offset).toBe(0);
  });

  it.each([
    ['a lower offset written by hand', JSON.stringify({ offsetMs: 1000 })],
    ['a negative offset', JSON.stringify({ offsetMs: -5 * DAY })],
    ['a file that is not JSON', '{ half'],
    ['a file without offsetMs', '{}'],
  ])('never goes back: %s keeps the clock where it was', (_case, body) => {
    const file = path.join(dir, 'clock.json');
    const clock = fileClock(file);
    clock.advance(2 * DAY);
    writeFileSync(file, body);
    expect(clock.offset).toBe(2 * DAY);
    // and the next move starts from there, not from what the file says
    clock.advance(DAY);
    expect(clock.offset).toBe(3 * DAY);
  });

  it('a file written by another program (scripts/clock.mjs) is seen on the next now()', () => {
    const file = path.join(dir, 'clock.json');
    const clock = fileClock(file);
    expect(clock.offset).toBe(0);
    writeFileSync(file, JSON.stringify({ offsetMs: 3 * DAY }));
    expect(clock.offset).toBe(3 * DAY);
    writeFileSync(file, JSON.stringify({ offsetMs: 4 * DAY }));
    expect(clock.offset).toBe(4 * DAY);
  });

  it('now() is cheap: 20,000 readings of an unchanged file in well under a second', () => {
    const clock = fileClock();
    clock.advance(DAY);
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) clock.now();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(1_000);
  });

  it('a stale lock (left by a dead process) is broken', () => {
    const file = path.join(dir, 'clock.json');
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    fileClock(file).advance(HOUR);
    expect(fileClock(file).offset).toBe(HOUR);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('three processes moving the clock at once: every move counts (lock)', async () => {
    const file = path.join(dir, 'clock.json');
    // The clock's own source, compiled to CommonJS for plain node children (it imports only node:*).
    const js = ts.transpileModule(readFileSync(path.resolve(__dirname, '../src/clock.ts'), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const compiled = path.join(dir, 'clock.js');
    writeFileSync(compiled, js);
    const code = `const { AdjustableClock, FileOffsetStore } = require(${JSON.stringify(compiled)});
      const c = new AdjustableClock(new FileOffsetStore(${JSON.stringify(file)}));
      for (let i = 0; i < 100; i++) c.advance(1);`;
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const p = spawn(process.execPath, ['-e', code], { stdio: 'inherit' });
        p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`child exited ${c}`))));
      });
    await Promise.all([run(), run(), run()]);
    expect(fileClock(file).offset).toBe(300);
  });
});
