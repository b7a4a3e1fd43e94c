// Service logs for `npm start`: each service's stdout and stderr (pino JSON lines, one per request at
// info level) go whole to <data dir>/logs/<service>.log; the console gets only warnings and errors,
// one readable line each (pino-pretty), and anything that is not a JSON log line (a crash). The
// previous start's file is kept as <service>.previous.log. `npm run logs -- <service>` follows one.
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { prettyFactory } from 'pino-pretty';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** The numeric pino level of a parsed log line (services write labels: "level":"warn"). */
export const levelOf = (entry) =>
  typeof entry.level === 'number' ? entry.level : (LEVELS[entry.level] ?? 30);

export const logFile = (dataDir, service) => path.join(dataDir, 'logs', `${service}.log`);

/**
 * A pino-pretty formatter. A request line reads `POST /clients → 201 in 12 ms · dev-system · 3f2a91c0`
 * (its request id's start, to find the request's other lines); other fields follow the message.
 */
export function prettyLine({ colorize = false, singleLine = true } = {}) {
  return prettyFactory({
    colorize,
    singleLine,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,reqId,req,res,responseTime,requestId,actor',
    messageFormat: (log, key) => {
      const who = [log.actor, log.requestId?.slice(0, 8)].filter(Boolean).join(' · ');
      const what =
        log.req && log.responseTime !== undefined
          ? `${log.req.method} ${log.req.url} → ${log.res?.statusCode ?? '?'} in ${log.responseTime} ms`
          : String(log[key] ?? '');
      return who ? `${what} · ${who}` : what;
    },
  });
}

/**
 * Sends `child`'s output to its log file and its warnings to `warn(line)`. Returns the file path.
 * @param {import('node:child_process').ChildProcess} child spawned with stdio ['ignore', 'pipe', 'pipe']
 */
export function captureServiceOutput(child, { dataDir, service, warn }) {
  const file = logFile(dataDir, service);
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file)) renameSync(file, file.replace(/\.log$/, '.previous.log'));
  const out = createWriteStream(file, { flags: 'a' });
  const pretty = prettyLine({ colorize: Boolean(process.stdout.isTTY) });
  const scan = (text) => {
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry = null;
      if (line.startsWith('{')) {
        try {
          entry = JSON.parse(line);
        } catch {
          /* not a log line */
        }
      }
      if (!entry) warn(`[${service}] ${line}`);
      else if (levelOf(entry) >= LEVELS.warn) warn(`[${service}] ${pretty(entry).trimEnd()}`);
    }
  };
  for (const source of [child.stdout, child.stderr]) {
    let rest = '';
    source.setEncoding('utf8');
    source.on('data', (chunk) => {
      out.write(chunk);
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n');
      rest = text.slice(cut + 1);
      // Most lines are info: look closer only at chunks that may hold something else.
      const body = text.slice(0, cut + 1);
      if (body && (source === child.stderr || /"level":"(warn|error|fatal)"|(^|\n)[^{\n]/.test(body)))
        scan(body);
    });
    source.on('end', () => {
      if (rest) scan(rest);
    });
  }
  child.once('exit', () => setImmediate(() => out.end()));
  return file;
}
