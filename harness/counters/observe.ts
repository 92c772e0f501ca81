import path from 'node:path';
import { OBSERVED_KEYS, type Engine } from '../../engines/engine.ts';
import type { ObservedIo } from '../../analysis/results-schema.ts';
import { blockDeviceOf, deviceDelta, readDiskstats, type BlockDevice } from './diskstats.ts';

/**
 * What really happened below the engines during a run's timed ops: device flushes and bytes from
 * `/proc/diskstats` for each device the layout writes (the data dir, and the raft dir when it is
 * elsewhere), the engines' own counts (`Engine.stats()`: RocksDB's WAL syncs, the WAL's fdatasyncs,
 * flushes, compactions, stalls), and the payload the engines were handed. Start before the first timed
 * op, finish after the last; both ends read counters only (no I/O beyond /proc and the engines' memory).
 */
export interface Observation {
  finish(ops: number): ObservedIo;
}

export function observe(engines: readonly Engine[], dirs: { readonly data: string; readonly raft?: string }): Observation {
  const devices = devicesOf(dirs);
  const unique = uniqueStores(engines);
  const disk0 = readDiskstats();
  const stats0 = sumStats(unique);
  const payload0 = payload(engines);
  return {
    finish(ops: number): ObservedIo {
      const disk1 = readDiskstats();
      const stats1 = sumStats(unique);
      const payloadBytes = payload(engines) - payload0;
      const per = (x: number) => (ops > 0 ? x / ops : 0);
      const devs: Array<ObservedIo['devices'][number]> = [];
      if (disk0 && disk1) {
        for (const { dev, roles } of devices) {
          const d = deviceDelta(dev, disk0, disk1);
          if (!d) continue;
          devs.push({ device: d.device, roles, writeBack: d.writeBack, flushesPerOp: d.flushes === null ? null : per(d.flushes), bytesPerOp: per(d.bytesWritten), writesPerOp: per(d.writes) });
        }
      }
      const delta: Record<string, number> = {};
      for (const k of Object.keys(stats1)) delta[k] = (stats1[k] ?? 0) - (stats0[k] ?? 0);
      const reports = (k: string) => unique.some((e) => e.stats?.()[k] !== undefined);
      const withFiles = unique.filter((e) => e.dir !== null);
      const allCountSyncs = withFiles.length > 0 && withFiles.every((e) => e.stats?.().durableSyncs !== undefined);
      const deviceBytes = devs.reduce((s, d) => s + d.bytesPerOp, 0);
      const engineCounts: Record<string, number> = {};
      for (const k of OBSERVED_KEYS) if (k !== 'durableSyncs' && reports(k)) engineCounts[k] = delta[k] ?? 0;
      return {
        payloadBytesPerOp: per(payloadBytes),
        // Only when every engine with files counts its own syncs: LMDB does not, and a sum without it would read 0.
        engineSyncsPerOp: allCountSyncs ? per(delta.durableSyncs ?? 0) : null,
        devices: devs,
        writeAmp: devs.length > 0 && payloadBytes > 0 ? deviceBytes / per(payloadBytes) : null,
        engine: engineCounts,
      };
    },
  };
}

/** The distinct block devices under the data and raft dirs, each with the roles it plays. */
function devicesOf(dirs: { readonly data: string; readonly raft?: string }): Array<{ dev: BlockDevice; roles: string[] }> {
  const out: Array<{ dev: BlockDevice; roles: string[] }> = [];
  for (const [role, dir] of [['data', dirs.data], ['raft', dirs.raft]] as const) {
    if (dir === undefined) continue;
    const dev = blockDeviceOf(dir);
    if (!dev) continue;
    const seen = out.find((d) => d.dev.name === dev.name);
    if (seen) seen.roles.push(role);
    else out.push({ dev, roles: [role] });
  }
  return out;
}

/** One engine per store: column families of one RocksDB report the same store-wide figures. */
function uniqueStores(engines: readonly Engine[]): Engine[] {
  const byKey = new Map<unknown, Engine>();
  for (const e of engines) byKey.set(e.dir === null ? e : `${e.kind}:${path.resolve(e.dir)}`, e);
  return [...byKey.values()];
}

function sumStats(engines: readonly Engine[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const e of engines) {
    const s = e.stats?.() ?? {};
    for (const k of OBSERVED_KEYS) if (s[k] !== undefined) sum[k] = (sum[k] ?? 0) + s[k]!;
  }
  return sum;
}

function payload(engines: readonly Engine[]): number {
  let n = 0;
  for (const e of new Set(engines)) n += e.counters().bytes;
  return n;
}

