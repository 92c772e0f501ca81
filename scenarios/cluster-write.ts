import { Cluster } from '../node/cluster/cluster.ts';
import { LocalNetwork } from '../node/transport/local-network.ts';
import { defineFamily } from './family.ts';
import { GROUP_COMMIT_PARAMS, groupCommit } from './group-commit.ts';
import { intParam, VALUE_SIZE } from './params.ts';
import { OPEN_LOOP_PARAMS } from './client-load.ts';
import { CLIENTS, DEFAULT_TRUNCATION, storeInstance } from './replica-write.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');

/**
 * One client put through a 3- or 5-node cluster in one process (in-process network, no added delay),
 * each node with its own layout and data directory: the leader appends and syncs while it replicates;
 * the write is acknowledged once a quorum persisted it and the leader applied it. A write costs the
 * slowest fsync the quorum needs, so faster log storage pays off twice. Axes `batch` and `batchwait` set
 * every node's group commit (`group-commit.ts`).
 */
/** Nodes in a cluster: an odd count from 1 up is the usual choice; the suites use 3 and 5. */
export const NODES = intParam(1, 9, 3);

export const clusterWrite = defineFamily({
  name: 'ClusterWrite',
  summary: 'one client put through a 3- or 5-node cluster, each node its own layout and data dir (etcd; Intel)',
  nameOrder: ['layout', 'nodes', 'vs', 'clients', 'batch', 'batchwait', 'rate', 'arrival'],
  params: { nodes: NODES, vs: VALUE_SIZE, clients: CLIENTS, ...GROUP_COMMIT_PARAMS, ...OPEN_LOOP_PARAMS },
  bytesPerOp: (p) => p.vs,
  async open(ctx) {
    const network = new LocalNetwork();
    const close = async () => {
      await cluster?.close();
      network.close();
    };
    let cluster: Cluster | null = null;
    try {
      cluster = await Cluster.open({
        nodes: ctx.params.nodes,
        layout: ctx.layout,
        layoutOptions: ctx.layoutOptions,
        network,
        truncation: DEFAULT_TRUNCATION,
        seed: ctx.seed,
        store: groupCommit(ctx.params),
      });
      const c = cluster;
      const leader = await c.leader(1);
      const stores = [leader, ...c.stores.filter((s) => s !== null && s !== leader)] as NonNullable<(typeof c.stores)[number]>[];
      return storeInstance(leader, ctx.params, (seq, value) => c.put(1, seqKey(KEY_PREFIX, seq), value), stores, close, ctx.seed);
    } catch (err) {
      await close().catch(() => undefined);
      throw err;
    }
  },
});
