import type { Progress } from './run-plan.ts';
import { formatNs } from '../../analysis/units.ts';

/** Not on a terminal (a log file, CI): one plain progress line at most this often. */
export const PLAIN_EVERY_MS = 60_000;

/**
 * One status line redrawn in place on a terminal: `[ 12/240] BatchCommit/... run 3/10  1.23ms/op  eta 1m20s`.
 * When the stream is not a TTY (a log file, CI), the same line printed plainly once a minute at most, so
 * a two-hour run redirected to a file still says where it is, and a short one prints nothing.
 */
export class ProgressLine {
  readonly #out: NodeJS.WriteStream;
  readonly #now: () => number;
  readonly #started: number;
  #shown = false;
  #lastPlain: number;

  constructor(out: NodeJS.WriteStream = process.stderr, now: () => number = Date.now) {
    this.#out = out;
    this.#now = now;
    this.#started = now();
    this.#lastPlain = this.#started;
  }

  /** Whether the line is redrawn in place (a terminal). */
  get enabled(): boolean {
    return this.#out.isTTY === true;
  }

  update(p: Progress): void {
    if (!this.enabled) return this.#plain(p);
    const elapsed = (this.#now() - this.#started) / 1000;
    const eta = p.done > 0 ? (elapsed / p.done) * (p.total - p.done) : NaN;
    const width = String(p.total).length;
    const per = p.last ? `  ${formatNs(p.last.nsPerOp)}/op` : '';
    const head = `[${String(p.done).padStart(width)}/${p.total}] `;
    const tail = ` run ${p.replicate}/${p.count}${per}  eta ${formatDuration(eta)}`;
    // A narrow terminal shortens the name, never the count or the ETA, which are what one looks for.
    const cols = this.#out.columns ?? 120;
    const room = cols - 1 - head.length - tail.length;
    const name = p.name.length <= room ? p.name : room > 1 ? p.name.slice(0, room - 1) + '…' : '';
    let line = head + name + tail;
    if (line.length > cols - 1) line = line.slice(line.length - (cols - 1));
    this.#out.write(`\r\x1b[2K${line}`);
    this.#shown = true;
  }

  #plain(p: Progress): void {
    const t = this.#now();
    if (t - this.#lastPlain < PLAIN_EVERY_MS || p.done >= p.total) return;
    this.#lastPlain = t;
    const elapsed = (t - this.#started) / 1000;
    const eta = p.done > 0 ? (elapsed / p.done) * (p.total - p.done) : NaN;
    const per = p.last ? `  ${formatNs(p.last.nsPerOp)}/op` : '';
    this.#out.write(`[${p.done}/${p.total}] ${p.name} run ${p.replicate}/${p.count}${per}  elapsed ${formatDuration(elapsed)}  eta ${formatDuration(eta)}\n`);
  }

  /** Prints a line above the status line. */
  log(msg: string): void {
    if (this.#shown) this.#out.write('\r\x1b[2K');
    this.#out.write(msg + '\n');
  }

  clear(): void {
    if (this.#shown) this.#out.write('\r\x1b[2K');
    this.#shown = false;
  }
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
