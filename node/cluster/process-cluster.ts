import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Binding } from '../../engines/layouts/index.ts';
import type { FromNode, NodeSpec, NodeStatus, ToNode } from './node-protocol.ts';

/** Omit<T, 'req'> for each member of a union. */
type WithoutReq<T> = T extends unknown ? Omit<T, 'req'> : never;

const WORKER = path.join(import.meta.dirname, 'process-node.ts');

interface Node {
  child: ChildProcess;
  host: string;
  port: number;
  replies: Map<number, (m: FromNode & { op: 'reply' }) => void>;
}

/**
 * A raft cluster of separate processes on this machine: each node is a child process with its own
 * layout and data directory; raft messages go over TCP on 127.0.0.1; the parent is the client.
 */
export class ProcessCluster {
  readonly #nodes = new Map<number, Node>();
  #req = 0;

  private constructor(
    readonly size: number,
    readonly layout: string,
    readonly dir: string,
    readonly binding: Binding,
    readonly host: string,
  ) {}

  static async open(opts: { nodes: number; layout: string; dir: string; binding?: Binding; host?: string }): Promise<ProcessCluster> {
    const c = new ProcessCluster(opts.nodes, opts.layout, opts.dir, opts.binding ?? 'rocksdb', opts.host ?? '127.0.0.1');
    for (let id = 1; id <= opts.nodes; id++) await c.start(id);
    return c;
  }

  get ids(): number[] {
    return [...this.#nodes.keys()];
  }

  address(id: number): { host: string; port: number } | undefined {
    const n = this.#nodes.get(id);
    return n ? { host: n.host, port: n.port } : undefined;
  }

  /** Starts node `id` (again) on its data directory and tells every node where everyone listens. */
  async start(id: number): Promise<void> {
    const spec: NodeSpec = {
      id,
      peers: Array.from({ length: this.size }, (_, i) => i + 1),
      layout: this.layout,
      dir: path.join(this.dir, `n${id}`),
      binding: this.binding,
      truncation: { keep: 20, every: 50 },
      host: this.host,
    };
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, RAFTBENCH_NODE_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const node: Node = { child, host: '', port: 0, replies: new Map() };
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`node ${id} exited with ${code} before listening`)));
      child.on('message', (m: FromNode) => {
        if (m.op === 'listening') {
          node.host = m.host;
          node.port = m.port;
          resolve();
        } else if (m.op === 'reply') {
          node.replies.get(m.req)?.(m);
          node.replies.delete(m.req);
        }
      });
    });
    child.removeAllListeners('exit');
    child.on('exit', () => {
      for (const r of node.replies.values()) r({ op: 'reply', req: -1, ok: false, error: `node ${id} exited` });
      node.replies.clear();
      if (this.#nodes.get(id) === node) this.#nodes.delete(id);
    });
    this.#nodes.set(id, node);
    for (const [other, n] of this.#nodes) {
      for (const [peer, p] of this.#nodes) if (peer !== other) n.child.send({ op: 'peer', id: peer, host: p.host, port: p.port } satisfies ToNode);
    }
  }

  /** SIGKILL: the process dies wherever it is. */
  kill(id: number): void {
    const n = this.#nodes.get(id);
    if (!n) return;
    this.#nodes.delete(id);
    n.child.kill('SIGKILL');
  }

  async #call(id: number, body: WithoutReq<Extract<ToNode, { req: number }>>): Promise<FromNode & { op: 'reply' }> {
    const n = this.#nodes.get(id);
    if (!n) throw new Error(`node ${id} is not running`);
    const req = ++this.#req;
    return new Promise((resolve) => {
      n.replies.set(req, resolve);
      n.child.send({ ...body, req } as ToNode);
    });
  }

  async status(id: number): Promise<NodeStatus | null> {
    const r = await this.#call(id, { op: 'status' });
    return r.ok ? (r.status ?? null) : null;
  }

  async leader(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const id of this.ids) if ((await this.status(id).catch(() => null))?.leader) return id;
      if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** A client put to the leader, retried when leadership moves. */
  async put(key: Buffer, value: Buffer, attempts = 100): Promise<void> {
    let last = '';
    for (let i = 0; i < attempts; i++) {
      const id = await this.leader();
      const r = await this.#call(id, { op: 'put', key: key.toString('base64'), value: value.toString('base64') }).catch((e: unknown) => ({ ok: false as const, error: String(e) }));
      if (r.ok) return;
      last = r.error;
      await sleep(10);
    }
    throw new Error(`put failed after ${attempts} attempts: ${last}`);
  }

  async get(id: number, key: Buffer, linearizable = false): Promise<Buffer | null> {
    const r = await this.#call(id, { op: 'get', key: key.toString('base64'), linearizable });
    if (!r.ok) throw new Error(r.error);
    return r.value ? Buffer.from(r.value, 'base64') : null;
  }

  async close(): Promise<void> {
    for (const id of this.ids) {
      const n = this.#nodes.get(id)!;
      const exited = new Promise((resolve) => n.child.once('exit', resolve));
      await Promise.race([this.#call(id, { op: 'close' }), sleep(5000)]);
      await Promise.race([exited, sleep(5000)]);
      n.child.kill('SIGKILL');
    }
  }
}
