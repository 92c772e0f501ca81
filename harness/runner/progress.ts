import type { Progress } from './run-plan.ts';
import { formatNs } from '../../analysis/units.ts';

/**
 * One status line redrawn in place on a terminal: `[ 12/240] BatchCommit/... run 3/10  1.23ms/op  eta 1m20s`.
 * Silent when the stream is not a TTY (CI logs stay clean).
 */
export class ProgressLine {
  readonly #out: NodeJS.WriteStream;
  readonly #started = Date.now();
  #shown = false;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
  }

  get enabled(): boolean {
    return this.#out.isTTY === true;
  }

  update(p: Progress): void {
    if (!this.enabled) return;
    const elapsed = (Date.now() - this.#started) / 1000;
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
