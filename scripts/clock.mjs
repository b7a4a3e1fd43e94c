#!/usr/bin/env node
// `npm run clock`: the one clock of every service started by `npm start` (CLOCK_MODE=adjustable).
//   npm run clock                          prints the clock
//   npm run clock -- +7d                   moves it forward 7 days (also +36h, +90m, +1d12h)
//   npm run clock -- 2027-01-05T09:00:00Z  moves it to that instant (never back)
// It writes the clock file (CLOCK_FILE, default <CMS_DATA_DIR or .data>/clock.json) that every
// service reads on each "now": running services see the move at once, stopped ones when they
// start. Same file format and lock as FileOffsetStore in libs/domain/src/clock.ts:
// { "offsetMs": <ms ahead of real time, never negative> }, written by rename under <file>.lock.
import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.CMS_DATA_DIR ?? path.join(root, '.data'));
const file = path.resolve(process.env.CLOCK_FILE ?? path.join(dataDir, 'clock.json'));
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 };

function fail(message) {
  console.error(message);
  process.exit(2);
}

function readOffset() {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')).offsetMs;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
  } catch {
    return 0; // no file yet: the real time
  }
}

function withLock(fn) {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) rmdirSync(lock);
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) fail(`The clock file lock ${lock} is held too long.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

/** The new offset for `arg` given the current one, or a message saying what is wrong. */
function offsetFor(arg, current) {
  const step = /^\+((?:\d+[dhm])+)$/.exec(arg);
  if (step) {
    let ms = 0;
    for (const [, n, unit] of step[1].matchAll(/(\d+)([dhm])/g)) ms += Number(n) * UNIT_MS[unit];
    return current + ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(arg) && Number.isFinite(Date.parse(arg))) {
    const next = Date.parse(arg) - Date.now();
    if (next < current) return `The clock only moves forward: it is already ${show(current)}.`;
    return next;
  }
  return `Give +<n>d, +<n>h, +<n>m (combined, e.g. +1d12h) or an ISO instant such as 2027-01-05T09:00:00Z; not "${arg}".`;
}

const show = (offsetMs) => new Date(Date.now() + offsetMs).toISOString();
const describe = (offsetMs) =>
  `${show(offsetMs)} (${(offsetMs / UNIT_MS.d).toFixed(2)} days ahead of real time; ${file.startsWith(`${root}${path.sep}`) ? path.relative(root, file) : file})`;

const arg = process.argv[2];
if (!arg) {
  console.log(describe(readOffset()));
} else {
  const next = withLock(() => {
    const result = offsetFor(arg, readOffset());
    if (typeof result === 'string') return result;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const body = { offsetMs: result, movedAt: new Date().toISOString(), now: show(result) };
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, file);
    return result;
  });
  if (typeof next === 'string') fail(next);
  console.log(`Clock moved: ${describe(next)}`);
}
