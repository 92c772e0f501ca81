/**
 * One node of a process cluster, started by ProcessCluster with fork() (or through `ip netns exec`):
 * `startNode` with the spec from RAFTBENCH_NODE_SPEC, taking client requests from its parent over IPC.
 * It exits when the parent goes away, so no node outlives the bench that started it.
 */
import type { FromNode, NodeSpec, ToNode } from './node-protocol.ts';
import { startNode } from './node-runtime.ts';

function reply(m: FromNode): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.RAFTBENCH_NODE_SPEC ?? 'null') as NodeSpec | null;
  if (!spec || !process.send) throw new Error('process-node: started without RAFTBENCH_NODE_SPEC or an IPC channel');
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides when nodes stop (it finishes its
  // current op first), and a node whose parent is gone exits on `disconnect` above.
  process.on('SIGINT', () => undefined);
  const node = await startNode(spec);
  process.on('message', (m: ToNode) => {
    void node.handle(m).then((r) => {
      if (r) reply(r);
      if (m.op === 'close') process.disconnect();
    });
  });
  reply({ op: 'listening', host: node.address.host, port: node.address.port });
}

main().catch((err: unknown) => {
  process.stderr.write(`process-node: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
