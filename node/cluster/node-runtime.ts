import { engineStatsSnapshot } from '../../engines/observed-stats.ts';
import { procCpu, processWriteBytes } from '../proc-stats.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { TcpTransport } from '../transport/tcp-transport.ts';
import { conditioned, NO_CONDITIONS } from '../transport/conditioned.ts';
import { NotLeaderError, fateOf } from '../client-errors.ts';
import { Store } from '../store.ts';
import type { FromNode, NodeSpec, ToNode } from './node-protocol.ts';

type Reply = FromNode & { op: 'reply' };

/** A running node: a Store over a real layout, raft over TCP, answering control requests. */
export interface RunningNode {
  /** The raft listen address (the port is the bound one when the spec asked for 0). */
  readonly address: { readonly host: string; readonly port: number };
  /** Handles one control message; resolves with its reply (null for `peer`, which has none). */
  handle(m: ToNode): Promise<Reply | null>;
  /** Closes the store and the transport; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the node `spec` describes: its layout in its data directory, a TCP transport listening on
 * `spec.host:spec.port` (127.0.0.1 unless the spec says otherwise), and its Store. Shared by the child
 * process of a ProcessCluster (control over IPC) and `raftbench node` (control over TCP).
 */
export async function startNode(spec: NodeSpec): Promise<RunningNode> {
  const layout = await findLayout(spec.layout).open({
    dir: spec.dir,
    ...(spec.raftDir ? { raftDir: spec.raftDir } : {}),
    binding: spec.binding,
    budget: spec.budget ?? splitBudget(DEFAULT_BUDGET, 4),
  });
  let store: Store | null = null;
  let transport: TcpTransport;
  try {
    transport = await TcpTransport.listen({
      id: spec.id,
      host: spec.host,
      ...(spec.port ? { port: spec.port } : {}),
      deliver: (m) => store?.step(m),
      onPeerState: (peer, state) => {
        if (state === 'down') store?.reportUnreachable(1, peer);
      },
    });
  } catch (err) {
    await layout.close().catch(() => undefined);
    throw err;
  }
  const out = conditioned(transport, spec.net ?? NO_CONDITIONS, (spec.seed ?? 1) * 7907 + spec.id);
  for (const p of spec.peerAddrs ?? []) if (p.id !== spec.id) transport.addPeer(p.id, { host: p.host, port: p.port });
  try {
    store = await Store.open({
      id: spec.id,
      peers: spec.peers,
      groups: [1],
      layout,
      send: (msgs) => out.send(msgs),
      truncation: spec.truncation,
      ...(spec.tickMs ? { tickMs: spec.tickMs } : {}),
      ...(spec.seed ? { seed: spec.seed } : {}),
      ...(spec.maxBatch ? { maxBatch: spec.maxBatch } : {}),
      ...(spec.batchWaitUs ? { batchWaitUs: spec.batchWaitUs } : {}),
      ...(spec.syncDelayUs ? { syncDelayUs: spec.syncDelayUs } : {}),
    });
  } catch (err) {
    await out.close();
    await layout.close().catch(() => undefined);
    throw err;
  }
  const s = store;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await s.close();
      await out.close();
    })());

  async function run(m: ToNode): Promise<Reply | null> {
    switch (m.op) {
      case 'peer':
        transport.addPeer(m.id, { host: m.host, port: m.port });
        return null;
      case 'put':
        await s.put(1, Buffer.from(m.key, 'base64'), Buffer.from(m.value, 'base64'), { session: { client: m.client, seq: m.seq }, timeoutMs: m.timeoutMs });
        return { op: 'reply', req: m.req, ok: true };
      case 'get': {
        const v = m.linearizable ? await s.get(1, Buffer.from(m.key, 'base64')) : await s.getLocal(1, Buffer.from(m.key, 'base64'));
        return { op: 'reply', req: m.req, ok: true, value: v ? Buffer.from(v).toString('base64') : null };
      }
      case 'status':
        return { op: 'reply', req: m.req, ok: true, status: { leader: s.isLeader(1), lead: s.leaderOf(1), applied: s.appliedIndex(1), term: s.term(1) } };
      case 'campaign':
        s.campaign(1);
        return { op: 'reply', req: m.req, ok: true };
      case 'counters': {
        const one = s.layout.raft === s.layout.state;
        const cpu = procCpu();
        return {
          op: 'reply',
          req: m.req,
          ok: true,
          counters: {
            store: { ...s.stats },
            raft: s.layout.raft.counters(),
            state: one ? null : s.layout.state.counters(),
            ioWriteBytes: processWriteBytes(),
            schedWaitNs: cpu?.waitNs ?? null,
            cpuNs: cpu?.cpuNs ?? null,
            minorFaults: cpu?.minorFaults ?? null,
            messagesSent: transport.stats().sent,
            engineStats: engineStatsSnapshot(one ? [s.layout.raft] : [s.layout.raft, s.layout.state]),
          },
        };
      }
      case 'close':
        await close();
        return { op: 'reply', req: m.req, ok: true };
      case 'start':
        // Only a process-node without a running node takes `start` (process-node.ts).
        throw new Error('start: this node is already running');
    }
  }

  return {
    address: transport.address,
    close,
    async handle(m) {
      try {
        return await run(m);
      } catch (err) {
        if (!('req' in m)) return null;
        const fate = m.op === 'put' ? fateOf(err) : 'failed';
        return { op: 'reply', req: m.req, ok: false, error: String(err instanceof Error ? err.message : err), fate, ...(err instanceof NotLeaderError ? { notLeader: true, leader: err.leader } : {}) };
      }
    },
  };
}
