import { defineFamily } from './family.ts';
import { GROUP_COMMIT_PARAMS, groupCommit } from './group-commit.ts';
import { intParam, VALUE_SIZE } from './params.ts';
import { OPEN_LOOP_PARAMS } from './client-load.ts';
import { CLIENTS, DEFAULT_TRUNCATION } from './replica-write.ts';
import { CLUSTER_NAME_ORDER, CLUSTER_PARAMS, clusterWriteInstance, openCluster } from './cluster-target.ts';
import { seqKey } from './value.ts';

const KEY_PREFIX = Buffer.from('user/');

/**
 * One client put through a 3- or 5-node cluster, each node with its own layout and data directory: the
 * leader appends and syncs while it replicates; the write is acknowledged once a quorum persisted it and
 * the leader applied it. A write costs the slowest fsync the quorum needs, so faster log storage pays
 * off twice. By default one process per node over TCP (`transport=tcp`; `local`: all in this process);
 * axes `rtt`, `loss`, `slow` set network and member conditions (`cluster-target.ts`), `batch` and
 * `batchwait` every node's group commit (`group-commit.ts`).
 */
/** Nodes in a cluster: an odd count from 1 up is the usual choice; the suites use 3 and 5. */
export const NODES = intParam(1, 9, 3);

export const clusterWrite = defineFamily({
  name: 'ClusterWrite',
  summary: 'one client put through a 3- or 5-node cluster, one process per node (or transport=local), each its own layout and data dir (etcd; Intel)',
  nameOrder: ['layout', 'nodes', 'vs', 'clients', 'batch', 'batchwait', 'rate', 'arrival', ...CLUSTER_NAME_ORDER],
  params: { nodes: NODES, vs: VALUE_SIZE, clients: CLIENTS, ...GROUP_COMMIT_PARAMS, ...OPEN_LOOP_PARAMS, ...CLUSTER_PARAMS },
  bytesPerOp: (p) => p.vs,
  async open(ctx) {
    const target = await openCluster(ctx, { nodes: ctx.params.nodes, truncation: DEFAULT_TRUNCATION, store: groupCommit(ctx.params) });
    return clusterWriteInstance(target, ctx.params, (seq) => seqKey(KEY_PREFIX, seq), undefined, ctx.seed);
  },
});
