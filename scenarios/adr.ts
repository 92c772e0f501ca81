import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fsInfo, MEMORY_FILESYSTEMS } from '../engines/fs-info.ts';
import { LAYOUTS } from '../engines/layouts/index.ts';
import { defineFamily } from './family.ts';
import { enumParam, VALUE_SIZE } from './params.ts';
import { NODES } from './cluster-write.ts';
import { CLIENTS, DEFAULT_TRUNCATION } from './replica-write.ts';
import { CLUSTER_NAME_ORDER, CLUSTER_PARAMS, clusterWriteInstance, openCluster } from './cluster-target.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');

/** Where `raftmedia=tmpfs` puts raft logs: `RAFTBENCH_TMPFS_DIR`, default `/dev/shm`. */
export function tmpfsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.RAFTBENCH_TMPFS_DIR || '/dev/shm');
}

export const RAFT_MEDIA = ['disk', 'tmpfs'] as const;

/**
 * Intel's ADR experiment on etcd (and the RFC's "raft log on faster media"): `ClusterWrite` with every
 * node's raft engine on `raftmedia=disk` (the data directory, or `--raft-dir`) or on `raftmedia=tmpfs`
 * (a fresh directory under `/dev/shm`, a stand-in for stable memory: it costs no device time, and unlike
 * ADR-backed memory it is NOT durable). The state machine stays on disk either way. Layouts with a
 * separate raft engine only.
 *
 * Results with `raftmedia=tmpfs` carry a warning in results.json (see harness/runner/placement-warnings.ts),
 * and `extra.raftOnMemoryFs` says, per run, whether the raft directory was on a memory filesystem.
 */
export const adr = defineFamily({
  name: 'ADR',
  summary: 'ClusterWrite with every raft log on tmpfs (stand-in for stable memory) vs on disk (Intel ADR article)',
  nameOrder: ['layout', 'raftmedia', 'nodes', 'vs', 'clients', ...CLUSTER_NAME_ORDER],
  layouts: LAYOUTS.filter((l) => l.separate).map((l) => l.name),
  params: { raftmedia: enumParam(RAFT_MEDIA, 'disk'), nodes: NODES, vs: VALUE_SIZE, clients: CLIENTS, ...CLUSTER_PARAMS },
  bytesPerOp: (p) => p.vs,
  async open(ctx) {
    const media = ctx.params.raftmedia;
    let tmp: string | null = null;
    if (media === 'tmpfs') {
      const root = tmpfsRoot();
      const type = fsInfo(root).type;
      if (!MEMORY_FILESYSTEMS.has(type)) throw new Error(`ADR: raftmedia=tmpfs needs a memory filesystem at ${root} (found ${type}); set RAFTBENCH_TMPFS_DIR`);
      tmp = await mkdtemp(path.join(root, 'raftbench-adr-'));
    }
    const layoutOptions = tmp ? { ...ctx.layoutOptions, raftDir: tmp } : ctx.layoutOptions;
    const raftOnMemoryFs = MEMORY_FILESYSTEMS.has(fsInfo(layoutOptions.raftDir ?? layoutOptions.dir).type) ? 1 : 0;
    try {
      const target = await openCluster(ctx, { nodes: ctx.params.nodes, truncation: DEFAULT_TRUNCATION, ...(tmp ? { raftDir: tmp } : {}) });
      const inner = clusterWriteInstance(target, ctx.params, (seq) => seqKey(KEY_PREFIX, seq), () => ({ raftOnMemoryFs }));
      return {
        ...inner,
        async close() {
          try {
            await inner.close();
          } finally {
            if (tmp) await rm(tmp, { recursive: true, force: true });
          }
        },
      };
    } catch (err) {
      if (tmp) await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  },
});
