import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** Where a path lives: filesystem type, source device and mount point, as `/proc/self/mountinfo` says. */
export interface FsInfo {
  /** e.g. `ext4`, `xfs`, `tmpfs`, `overlay`; `unknown` where mountinfo is unavailable (not Linux). */
  readonly type: string;
  /** The mount source, e.g. `/dev/nvme0n1p2`, `tmpfs`, `overlay`; `unknown` where unavailable. */
  readonly device: string;
  readonly mountPoint: string;
}

/** One line of `/proc/self/mountinfo` (see proc(5)). */
export interface MountEntry {
  readonly mountPoint: string;
  readonly type: string;
  readonly device: string;
}

/** Filesystems that keep data only in memory: nothing they hold survives a power loss. */
export const MEMORY_FILESYSTEMS: ReadonlySet<string> = new Set(['tmpfs', 'ramfs', 'devtmpfs', 'hugetlbfs']);

const UNKNOWN: FsInfo = { type: 'unknown', device: 'unknown', mountPoint: '/' };

/** mountinfo escapes space, tab, newline and backslash as `\ooo` octal. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parses mountinfo text: `id parent major:minor root MOUNTPOINT options [optional...] - TYPE SOURCE superopts`.
 * Lines that do not have that shape are skipped. Order is kept: a later line mounted over an earlier one.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const sep = fields.indexOf('-', 6);
    const mountPoint = fields[4];
    const type = fields[sep + 1];
    const device = fields[sep + 2];
    if (sep < 0 || mountPoint === undefined || type === undefined || device === undefined) continue;
    out.push({ mountPoint: unescapeOctal(mountPoint), type: unescapeOctal(type), device: unescapeOctal(device) });
  }
  return out;
}

/**
 * The mount that holds `absPath` (already resolved, no symlinks): the longest mount point that is the path
 * or one of its ancestors; among equal mount points the last listed, since it is mounted over the others.
 */
export function mountFor(mounts: readonly MountEntry[], absPath: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = mp === '/' || absPath === mp || absPath.startsWith(mp.endsWith('/') ? mp : mp + '/');
    if (inside && (best === undefined || mp.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/**
 * Resolves symlinks of `p`, or of its nearest existing ancestor when `p` does not exist yet (a data
 * directory about to be created lands on its parent's filesystem).
 */
export function resolveExisting(p: string): string {
  let cur = path.resolve(p);
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const parent = path.dirname(cur);
    if (parent === cur) break;
    rest.unshift(path.basename(cur));
    cur = parent;
  }
  return path.join(realpathSync(cur), ...rest);
}

/**
 * Filesystem type, device and mount point of `p` (Linux; `unknown` elsewhere). Synchronous: it reads
 * one small file from /proc, and environment capture calls it where awaiting is awkward.
 */
export function fsInfo(p: string, mountinfoPath = '/proc/self/mountinfo'): FsInfo {
  let text: string;
  try {
    text = readFileSync(mountinfoPath, 'utf8');
  } catch {
    return UNKNOWN;
  }
  const m = mountFor(parseMountInfo(text), resolveExisting(p));
  return m ? { type: m.type, device: m.device, mountPoint: m.mountPoint } : UNKNOWN;
}
