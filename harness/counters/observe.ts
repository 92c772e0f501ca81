import { OBSERVED_KEYS, type Engine } from '../../engines/engine.ts';
import { engineStatsSnapshot, type RemoteObserved } from '../../engines/observed-stats.ts';
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
  /** `remote`: what engines in other processes (a cluster's nodes) counted over the same ops. */
  finish(ops: number, remote?: RemoteObserved | null): ObservedIo;
}

export function observe(engines: readonly Engine[], dirs: { readonly data: string; readonly raft?: string }): Observation {
  const devices = devicesOf(dirs);
  const disk0 = readDiskstats();
  const stats0 = engineStatsSnapshot(engines).stats;
  const payload0 = payload(engines);
  return {
    finish(ops: number, remote?: RemoteObserved | null): ObservedIo {
      const disk1 = readDiskstats();
      const end = engineStatsSnapshot(engines);
      const local = engines.length > 0;
      const payloadBytes = payload(engines) - payload0 + (remote?.payloadBytes ?? 0);
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
      for (const k of Object.keys(end.stats)) delta[k] = (end.stats[k] ?? 0) - (stats0[k] ?? 0);
      for (const [k, v] of Object.entries(remote?.stats ?? {})) delta[k] = (delta[k] ?? 0) + v;
      const reported = new Set([...end.reported, ...(remote?.reported ?? [])]);
      // Every engine, here and in other processes, must count its own syncs: a sum without one reads low.
      const countsSyncs = (local || remote != null) && (!local || end.countsSyncs) && (!remote || remote.countsSyncs);
      const deviceBytes = devs.reduce((s, d) => s + d.bytesPerOp, 0);
      const engineCounts: Record<string, number> = {};
      for (const k of OBSERVED_KEYS) if (k !== 'durableSyncs' && reported.has(k)) engineCounts[k] = delta[k] ?? 0;
      return {
        payloadBytesPerOp: per(payloadBytes),
        engineSyncsPerOp: countsSyncs ? per(delta.durableSyncs ?? 0) : null,
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

function payload(engines: readonly Engine[]): number {
  let n = 0;
  for (const e of new Set(engines)) n += e.counters().bytes;
  return n;
}

