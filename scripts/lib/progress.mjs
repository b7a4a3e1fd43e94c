// Progress bars for `npm start` (cli-progress), and a `log` that prints above them. On a terminal the
// bars redraw in place; elsewhere (CI, a pipe, the startup benchmark) each bar prints a line when it
// starts, at every quarter and when it stops, and nothing else.
import cliProgress from 'cli-progress';

/**
 * @typedef {{ update(value: number, payload?: { detail?: string }): void, stop(): void }} Bar
 * @typedef {{ bar(o: { label: string, total: number, unit: string, start?: number }): Bar, log(line: string): void, stop(): void }} Progress
 */

/** @returns {Progress} */
export function createProgress({ stream = process.stdout } = {}) {
  const tty = Boolean(stream.isTTY);
  let multi = null;
  let active = 0;

  const startMulti = () => {
    multi ??= new cliProgress.MultiBar(
      {
        stream,
        format: ' {label} {bar} {value}/{total} {unit} ({percentage}%) {detail}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        gracefulExit: false,
        autopadding: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    return multi;
  };

  const log = (line) => {
    if (multi) multi.log(`${line}\n`);
    else stream.write(`${line}\n`);
  };

  return {
    log,
    bar({ label, total, unit, start = 0 }) {
      const started = Date.now();
      let value = start;
      let detail = '';
      let stopped = false;
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
      if (!tty) {
        const marks = [0.25, 0.5, 0.75].map((q) => Math.round(total * q)).filter((m) => m > start);
        let said = -1;
        const say = () => {
          if (value === said) return;
          said = value;
          log(`▸ ${label}: ${value}/${total} ${unit}${detail ? ` (${detail})` : ''}, ${elapsed()}`);
        };
        log(`▸ ${label}: ${value}/${total} ${unit}`);
        return {
          update(v, payload = {}) {
            if (stopped) return;
            if (payload.detail !== undefined) detail = payload.detail;
            value = v;
            if (marks.length && v >= marks[0] && v < total) {
              while (marks.length && v >= marks[0]) marks.shift();
              say();
            }
          },
          stop() {
            if (stopped) return;
            stopped = true;
            say();
          },
        };
      }
      const m = startMulti();
      active++;
      const bar = m.create(total, start, { label: label.padEnd(28), unit, detail: '' });
      return {
        update(v, payload = {}) {
          if (stopped) return;
          if (payload.detail !== undefined) detail = payload.detail;
          bar.update(Math.min(v, total), {
            detail: detail ? `· ${detail} · ${elapsed()}` : `· ${elapsed()}`,
          });
        },
        stop() {
          if (stopped) return;
          stopped = true;
          if (--active === 0) {
            m.stop();
            multi = null;
          }
        },
      };
    },
    stop() {
      multi?.stop();
      multi = null;
      active = 0;
    },
  };
}
