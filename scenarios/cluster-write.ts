import { Cluster } from '../node/cluster/cluster.ts';
import { LocalNetwork } from '../node/transport/local-network.ts';
import type { Family } from './family.ts';
import { groupCommit } from './group-commit.ts';
import { DEFAULT_TRUNCATION, storeInstance } from './replica-write.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');

/**
 * One client put through a 3- or 5-node cluster in one process (in-process network, no added delay),
 * each node with its own layout and data directory: the leader appends and syncs while it replicates;
 * the write is acknowledged once a quorum persisted it and the leader applied it. A write costs the
 * slowest fsync the quorum needs, so faster log storage pays off twice. Axes `batch` and `batchwait` set
 * every node's group commit (`group-commit.ts`).
 */
export const clusterWrite: Family = {
  name: 'ClusterWrite',
  summary: 'one client put through a 3- or 5-node cluster, each node its own layout and data dir (etcd; Intel)',
  nameOrder: ['layout', 'nodes', 'vs', 'clients', 'batch', 'batchwait'],
  bytesPerOp: (p) => Number(p.vs),
  async open(ctx) {
    const network = new LocalNetwork();
    const cluster = await Cluster.open({
      nodes: Number(ctx.params.nodes ?? 3),
      layout: ctx.layout,
      layoutOptions: ctx.layoutOptions,
      network,
      truncation: DEFAULT_TRUNCATION,
      seed: ctx.seed,
      store: groupCommit(ctx.params),
    });
    const leader = await cluster.leader(1);
    const stores = [leader, ...cluster.stores.filter((s) => s !== null && s !== leader)] as NonNullable<(typeof cluster.stores)[number]>[];
    return storeInstance(leader, ctx.params, (seq, value) => cluster.put(1, seqKey(KEY_PREFIX, seq), value), stores, async () => {
      await cluster.close();
      network.close();
    });
  },
};
