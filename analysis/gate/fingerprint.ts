import type { ResultsFile } from '../results-schema.ts';

/**
 * What must match between a baseline and a current run for their numbers to be comparable: the CPU model,
 * the data directory's filesystem type, the storage engine versions and the Node major version. The host
 * name, kernel patch level and git commit are deliberately left out: CI runners change names, and the
 * commit is what the gate is comparing.
 */
export interface Fingerprint {
  readonly cpuModel: string;
  readonly fsType: string;
  readonly engines: Readonly<Record<string, string>>;
  readonly nodeMajor: string;
}

export interface FingerprintMismatch {
  /** `cpu`, `filesystem`, `engine rocksdb`, `node`. */
  readonly what: string;
  readonly baseline: string;
  readonly current: string;
}

export function fingerprintOf(r: ResultsFile): Fingerprint {
  const env = r.environment;
  return {
    cpuModel: env?.cpuModel ?? 'unknown',
    fsType: env?.dataDirFs?.type ?? 'unknown',
    engines: env?.engines ?? {},
    nodeMajor: /^v?(\d+)/.exec(env?.node ?? '')?.[1] ?? 'unknown',
  };
}

/** Every field that differs. `engines: false` leaves engine versions out (A/B mode, where a version bump is the change under test). */
export function compareFingerprints(b: Fingerprint, c: Fingerprint, opts: { engines?: boolean } = {}): FingerprintMismatch[] {
  const out: FingerprintMismatch[] = [];
  if (b.cpuModel !== c.cpuModel) out.push({ what: 'cpu', baseline: b.cpuModel, current: c.cpuModel });
  if (b.fsType !== c.fsType) out.push({ what: 'filesystem', baseline: b.fsType, current: c.fsType });
  if (b.nodeMajor !== c.nodeMajor) out.push({ what: 'node major', baseline: b.nodeMajor, current: c.nodeMajor });
  if (opts.engines !== false) {
    const names = [...new Set([...Object.keys(b.engines), ...Object.keys(c.engines)])].sort();
    for (const n of names) {
      const bv = b.engines[n] ?? 'absent';
      const cv = c.engines[n] ?? 'absent';
      if (bv !== cv) out.push({ what: `engine ${n}`, baseline: bv, current: cv });
    }
  }
  return out;
}

export function describeMismatch(m: FingerprintMismatch): string {
  return `${m.what}: baseline "${m.baseline}", current "${m.current}"`;
}
