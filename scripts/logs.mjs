#!/usr/bin/env node
// `npm run logs -- <service>`: one service's log from the running (or last) `npm start`
// (.data/logs/<service>.log, JSON lines), pretty-printed with pino-pretty and followed as it grows.
//   npm run logs -- service-requests             the last 50 entries, then follow (Ctrl-C ends)
//   npm run logs -- cis-interface -n 200         the last 200; `-n all` for the whole file
//   npm run logs -- client-security --level warn only warnings and errors
//   npm run logs -- correspondence --no-follow   print and end
// CMS_DATA_DIR names another data directory, as for `npm start`.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { levelOf, logFile, prettyLine } from './lib/service-logs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.CMS_DATA_DIR ?? path.join(root, '.data'));
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [, value] = args.splice(i, 2);
  return value;
};
const follow = !args.includes('--no-follow');
if (!follow) args.splice(args.indexOf('--no-follow'), 1);
const linesArg = option('-n') ?? option('--lines') ?? '50';
const level = option('--level') ?? 'trace';
const [service] = args;

const available = existsSync(path.join(dataDir, 'logs'))
  ? readdirSync(path.join(dataDir, 'logs'))
      .filter((f) => f.endsWith('.log') && !f.endsWith('.previous.log'))
      .map((f) => f.replace(/\.log$/, ''))
  : [];
if (!service || !available.includes(service) || !LEVELS.includes(level) || !/^(all|\d+)$/.test(linesArg)) {
  console.error('usage: npm run logs -- <service> [-n <lines>|all] [--level <level>] [--no-follow]');
  console.error(
    available.length
      ? `services with a log in ${path.relative(process.cwd(), path.join(dataDir, 'logs')) || '.'}: ${available.join(', ')}`
      : `no logs yet in ${path.join(dataDir, 'logs')}: start the system with \`npm start\``,
  );
  process.exit(2);
}

const file = logFile(dataDir, service);
const minimum = (LEVELS.indexOf(level) + 1) * 10;
const pretty = prettyLine({ colorize: Boolean(process.stdout.isTTY), singleLine: false });
const print = (line) => {
  if (!line) return;
  let entry = null;
  try {
    entry = line.startsWith('{') ? JSON.parse(line) : null;
  } catch {
    /* printed as it is */
  }
  if (!entry) process.stdout.write(`${line}\n`);
  else if (levelOf(entry) >= minimum) process.stdout.write(pretty(entry));
};

/** Reads bytes [from, to) of the file as text. */
function read(from, to) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(to - from);
    let got = 0;
    while (got < buf.length) {
      const k = readSync(fd, buf, got, buf.length - got, from + got);
      if (!k) break;
      got += k;
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

// The last N entries: read back from the end until enough lines are in hand.
let { size, ino } = statSync(file);
let start = 0;
if (linesArg !== 'all') {
  const want = Number(linesArg);
  start = size;
  let text = '';
  while (start > 0 && text.split('\n').length <= want + 1) {
    const from = Math.max(0, start - 256 * 1024);
    text = read(from, start) + text;
    start = from;
  }
  const lines = text.split('\n');
  const keep = lines.slice(Math.max(0, lines.length - 1 - want));
  start = size - Buffer.byteLength(keep.join('\n'));
}
let pending = '';
const emit = (text) => {
  const lines = (pending + text).split('\n');
  pending = lines.pop();
  lines.forEach(print);
};
emit(read(start, size));
if (!follow) {
  print(pending);
  process.exit(0);
}

// Follow: new bytes as they come; a new file (the next `npm start`) is read from its start.
let position = size;
setInterval(() => {
  let st;
  try {
    st = statSync(file);
  } catch {
    return; // between a rename and the new file
  }
  if (st.ino !== ino || st.size < position) {
    ino = st.ino;
    position = 0;
    pending = '';
    process.stdout.write(`--- ${service}: a new log (the system was started again) ---\n`);
  }
  if (st.size > position) {
    emit(read(position, st.size));
    position = st.size;
  }
}, 250);
process.on('SIGINT', () => process.exit(0));
