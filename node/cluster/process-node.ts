/**
 * One node of a process cluster, started by ProcessCluster with fork(): `startNode` with the spec the
 * parent sends (`start`), taking client requests from its parent over IPC. A `close` with `keep` closes
 * the node and leaves the process waiting for its next `start`: the parent keeps such processes between
 * clusters, so a cluster's nodes run code V8 has already compiled (process-cluster.ts). It exits when
 * the parent goes away, so no node outlives the bench that started it.
 */
import type { FromNode, NodeSpec, ToNode } from './node-protocol.ts';
import { startNode, type RunningNode } from './node-runtime.ts';

function reply(m: FromNode): void {
  process.send?.(m);
}

let node: RunningNode | null = null;

async function start(spec: NodeSpec): Promise<void> {
  node = await startNode(spec);
  reply({ op: 'listening', host: node.address.host, port: node.address.port });
}

function fail(err: unknown): never {
  process.stderr.write(`process-node: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}

function main(): void {
  if (!process.send) throw new Error('process-node: started without an IPC channel');
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides when nodes stop (it finishes its
  // current op first), and a node whose parent is gone exits on `disconnect` above.
  process.on('SIGINT', () => undefined);
  process.on('message', (m: ToNode) => {
    if (m.op === 'start') {
      if (node) fail(new Error('process-node: start while a node runs'));
      start(m.spec).catch(fail);
      return;
    }
    const n = node;
    if (!n) {
      if ('req' in m) reply({ op: 'reply', req: m.req, ok: false, error: 'no node is running in this process', fate: 'failed' });
      return;
    }
    void n.handle(m).then((r) => {
      if (m.op === 'close') {
        if (node === n) node = null;
        if (!m.keep) {
          if (r) reply(r);
          process.disconnect();
          return;
        }
      }
      if (r) reply(r);
    });
  });
}

try {
  main();
} catch (err) {
  fail(err);
}
