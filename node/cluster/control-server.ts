import net from 'node:net';
import type { FromNode, ToNode } from './node-protocol.ts';
import type { RunningNode } from './node-runtime.ts';
import { readLines } from './json-lines.ts';

/**
 * A node's client port for `raftbench node`: the control messages of node-protocol.ts as JSON, one per
 * line, in both directions; replies carry the request's `req` (they may come out of order). Anyone who
 * can connect can write to the node, so it listens where the cluster file says (127.0.0.1 by default).
 */
export async function serveControl(node: RunningNode, host: string, port: number): Promise<{ address: { host: string; port: number }; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    readLines(s, (line) => {
      if (s.destroyed) return;
      let m: ToNode;
      try {
        m = JSON.parse(line) as ToNode;
      } catch {
        s.destroy(); // not a client of ours
        return;
      }
      void node.handle(m).then((r: FromNode | null) => {
        if (r && !s.destroyed) s.write(JSON.stringify(r) + '\n');
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as net.AddressInfo;
  return {
    address: { host: a.address, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
