/**
 * One node of a process cluster: a Store over a real layout, talking raft to its peers over TCP on
 * 127.0.0.1, and taking client requests from its parent over IPC. Started by ProcessCluster with fork().
 */
import { findLayout } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET, splitBudget } from '../../engines/memory-budget.ts';
import { TcpTransport } from '../transport/tcp-transport.ts';
import { NotLeaderError, fateOf } from '../client-errors.ts';
import { Store } from '../store.ts';
import type { FromNode, NodeSpec, ToNode } from './node-protocol.ts';

function reply(m: FromNode): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.RAFTBENCH_NODE_SPEC ?? 'null') as NodeSpec | null;
  if (!spec || !process.send) throw new Error('process-node: started without RAFTBENCH_NODE_SPEC or an IPC channel');
  const layout = await findLayout(spec.layout).open({ dir: spec.dir, binding: spec.binding, budget: splitBudget(DEFAULT_BUDGET, 4) });
  let store: Store | null = null;
  const transport = await TcpTransport.listen({
    id: spec.id,
    host: spec.host,
    deliver: (m) => store?.step(m),
    onPeerState: (peer, state) => {
      if (state === 'down') store?.reportUnreachable(1, peer);
    },
  });
  store = await Store.open({ id: spec.id, peers: spec.peers, groups: [1], layout, send: (msgs) => transport.send(msgs), truncation: spec.truncation });
  const s = store;
  process.on('message', (raw: ToNode) => {
    void handle(raw).catch((err: unknown) => {
      if ('req' in raw) {
        const fate = raw.op === 'put' ? fateOf(err) : 'failed';
        reply({ op: 'reply', req: raw.req, ok: false, error: String(err instanceof Error ? err.message : err), fate, ...(err instanceof NotLeaderError ? { notLeader: true, leader: err.leader } : {}) });
      }
    });
  });
  async function handle(m: ToNode): Promise<void> {
    switch (m.op) {
      case 'peer':
        transport.addPeer(m.id, { host: m.host, port: m.port });
        return;
      case 'put':
        await s.put(1, Buffer.from(m.key, 'base64'), Buffer.from(m.value, 'base64'), { session: { client: m.client, seq: m.seq }, timeoutMs: m.timeoutMs });
        reply({ op: 'reply', req: m.req, ok: true });
        return;
      case 'get': {
        const v = m.linearizable ? await s.get(1, Buffer.from(m.key, 'base64')) : await s.getLocal(1, Buffer.from(m.key, 'base64'));
        reply({ op: 'reply', req: m.req, ok: true, value: v ? Buffer.from(v).toString('base64') : null });
        return;
      }
      case 'status':
        reply({ op: 'reply', req: m.req, ok: true, status: { leader: s.isLeader(1), lead: s.leaderOf(1), applied: s.appliedIndex(1) } });
        return;
      case 'close':
        await s.close();
        await transport.close();
        reply({ op: 'reply', req: m.req, ok: true });
        process.disconnect();
        return;
    }
  }
  reply({ op: 'listening', host: transport.address.host, port: transport.address.port });
  process.on('disconnect', () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`process-node: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
