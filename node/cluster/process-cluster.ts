import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readLines } from './json-lines.ts';
import type { Binding } from '../../engines/layouts/index.ts';
import { OutcomeUnknownError, ProposalDroppedError, type PutOutcome } from '../client-errors.ts';
import type { ClusterFile } from './cluster-file.ts';
import type { FromNode, NodeCounters, NodeSpec, NodeStatus, ToNode } from './node-protocol.ts';
import { SessionPool } from './session-pool.ts';
import { nodeWorkerFile } from './worker-bundle.ts';

/** An error a node process answered with; `fate` says whether the write may still apply. */
export class NodeReplyError extends Error {
  override readonly name = 'NodeReplyError';
  constructor(readonly fate: 'failed' | 'unknown', message: string, readonly notLeader = false) {
    super(message);
  }
}

/** Omit<T, 'req'> for each member of a union. */
type WithoutReq<T> = T extends unknown ? Omit<T, 'req'> : never;


export interface ProcessClusterOptions {
  readonly nodes: number;
  readonly layout: string;
  readonly dir: string;
  readonly binding?: Binding;
  /** Where every node listens (default 127.0.0.1); `place` may say otherwise per node. */
  readonly host?: string;
  /** Separate raft engines go to `<raftDir>/n<id>` (default `<dir>/n<id>/raft`). */
  readonly raftDir?: string;
  /** Log truncation of every node (default keep 20, every 50). */
  readonly truncation?: { keep: number; every: number } | null;
  /** More of each node's spec: memory budget, group commit, an emulated slow log (see NodeSpec). */
  readonly spec?: (id: number) => Partial<Pick<NodeSpec, 'budget' | 'tickMs' | 'seed' | 'maxBatch' | 'batchWaitUs' | 'syncDelayUs' | 'net'>>;
}

interface Node {
  /** Sends a control message (IPC to a child; a JSON line to a remote node's control port). */
  send(m: ToNode): void;
  /** A child whose node closed with `keep`: detaches it and keeps it for the next cluster (false: cannot). */
  release?(): boolean;
  /** Ends the node (a child: SIGKILL) or, for a remote node, only our connection to it. */
  kill(): void;
  /** Resolves when the child exited or the connection closed. */
  readonly gone: Promise<void>;
  host: string;
  port: number;
  replies: Map<number, (m: FromNode & { op: 'reply' }) => void>;
}

/**
 * Node processes whose node closed, kept for the next cluster in this process. A fresh process runs a
 * cluster's code slower for its first few thousand ops, while V8's optimizing compiler works on it; a
 * benchmark replicate is a few hundred ops, and every replicate used to start its nodes anew. ClusterWrite
 * wal 1 KiB clients=1, p50 of 300-op blocks on one cluster: 4.3, 3.9, 3.5, 2.7, 2.4 ms, then 1.9-2.1 ms
 * from the eighth block (the development VM, 2 vCPUs). Kept processes hold no reference on this process's
 * event loop, and exit with it (process-node.ts exits on `disconnect`).
 */
const idle: ChildProcess[] = [];
/** Node processes kept at most (a 5-node cluster's, and room for a second cluster's). */
const MAX_IDLE = 8;

/** A kept node process still alive, or undefined. */
function takeIdle(): ChildProcess | undefined {
  for (let c = idle.pop(); c; c = idle.pop()) {
    if (c.connected && c.exitCode === null && c.signalCode === null) {
      c.ref();
      (c.channel as { ref?: () => void } | null | undefined)?.ref?.();
      return c;
    }
  }
  return undefined;
}

/** Kill every kept node process (they would exit with this process anyway). */
export function dropIdleNodeProcesses(): void {
  for (const c of idle.splice(0)) c.kill('SIGKILL');
}

/**
 * A raft cluster of separate processes on this machine: each node is a child process with its own
 * layout and data directory; raft messages go over TCP on 127.0.0.1; the parent is the client.
 */
export class ProcessCluster {
  readonly #nodes = new Map<number, Node>();
  readonly #sessions = new SessionPool();
  #req = 0;
  #campaigned = false;
  #remote = false;
  /** The node that last answered as leader; puts go there first, without a status round. */
  #leader: number | null = null;

  private constructor(
    readonly size: number,
    readonly layout: string,
    readonly dir: string,
    readonly binding: Binding,
    readonly host: string,
    readonly options: ProcessClusterOptions,
  ) {}

  static async open(opts: ProcessClusterOptions): Promise<ProcessCluster> {
    const c = new ProcessCluster(opts.nodes, opts.layout, opts.dir, opts.binding ?? 'rocksdb', opts.host ?? '127.0.0.1', opts);
    try {
      // All nodes start at once (each process's start-up is mostly CPU, and independent), then learn
      // where the others listen.
      const ids = Array.from({ length: opts.nodes }, (_, i) => i + 1);
      const started = await Promise.allSettled(ids.map((id) => c.#spawn(id)));
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      c.#announce();
    } catch (err) {
      await c.close().catch(() => undefined); // the start error is the one to report
      throw err;
    }
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
    await this.#spawn(id);
    this.#announce();
  }

  /** Tells every node where every other node listens. */
  #announce(): void {
    for (const [other, n] of this.#nodes) {
      for (const [peer, p] of this.#nodes) if (peer !== other) n.send({ op: 'peer', id: peer, host: p.host, port: p.port } satisfies ToNode);
    }
  }

  /** Starts node `id`'s process and waits until it listens. */
  async #spawn(id: number): Promise<void> {
    const spec: NodeSpec = {
      id,
      peers: Array.from({ length: this.size }, (_, i) => i + 1),
      layout: this.layout,
      dir: path.join(this.dir, `n${id}`),
      ...(this.options.raftDir ? { raftDir: path.join(this.options.raftDir, `n${id}`) } : {}),
      binding: this.binding,
      truncation: this.options.truncation === undefined ? { keep: 20, every: 50 } : this.options.truncation,
      host: this.host,
      ...this.options.spec?.(id),
    };
    const worker = await nodeWorkerFile();
    const child = takeIdle() ?? fork(worker, [], { execArgv: ['--enable-source-maps'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let onExit: () => void = () => undefined;
    const onMessage = (m: FromNode) => {
      if (m.op === 'listening') {
        node.host = m.host;
        node.port = m.port;
        listening?.();
      } else if (m.op === 'reply') {
        node.replies.get(m.req)?.(m);
        node.replies.delete(m.req);
      }
    };
    const node: Node = {
      send: (m) => child.send(m),
      kill: () => child.kill('SIGKILL'),
      gone: new Promise((resolve) => child.once('exit', (onExit = () => resolve()))),
      release: () => {
        // Checked first: a child not kept is killed next, and `gone` must still see it exit.
        if (!child.connected || idle.length >= MAX_IDLE) return false;
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.unref();
        (child.channel as { unref?: () => void } | null | undefined)?.unref?.();
        idle.push(child);
        return true;
      },
      host: '',
      port: 0,
      replies: new Map(),
    };
    let listening: (() => void) | undefined;
    let early: ((code: number | null) => void) | undefined;
    await new Promise<void>((resolve, reject) => {
      listening = resolve;
      early = (code) => reject(new Error(`node ${id} exited with ${code} before listening`));
      child.once('exit', early);
      child.on('message', onMessage);
      child.send({ op: 'start', spec } satisfies ToNode);
    });
    child.off('exit', early!);
    this.#watch(id, node);
    this.#nodes.set(id, node);
  }

  /** When a node goes, its open requests are answered `unknown`: a write it took may have reached the log. */
  #watch(id: number, node: Node): void {
    void node.gone.then(() => {
      for (const r of node.replies.values()) r({ op: 'reply', req: -1, ok: false, error: `node ${id} exited`, fate: 'unknown' });
      node.replies.clear();
      if (this.#nodes.get(id) === node) this.#nodes.delete(id);
    });
  }

  /**
   * A client of running nodes (`raftbench node`, placed by a cluster file): connects to every node's
   * control port. `close` only disconnects; the nodes keep running, and `start`/`kill` do not apply.
   */
  static async connect(file: ClusterFile, timeoutMs = 10_000): Promise<ProcessCluster> {
    const first = file.nodes[0]!;
    const c = new ProcessCluster(file.nodes.length, first.layout, first.dir, file.binding, first.host, { nodes: file.nodes.length, layout: first.layout, dir: first.dir });
    c.#remote = true;
    try {
      for (const n of file.nodes) {
        const socket = await connectControl(n.control, timeoutMs).catch((err: unknown) => {
          throw new Error(`node ${n.id}: no answer on its control address ${n.control.host}:${n.control.port} (${err instanceof Error ? err.message : String(err)})`);
        });
        const node: Node = {
          send: (m) => socket.write(JSON.stringify(m) + '\n'),
          kill: () => socket.destroy(),
          gone: new Promise((resolve) => socket.once('close', () => resolve())),
          host: n.host,
          port: n.port,
          replies: new Map(),
        };
        readLines(socket, (line) => {
          const m = JSON.parse(line) as FromNode;
          if (m.op !== 'reply') return;
          node.replies.get(m.req)?.(m);
          node.replies.delete(m.req);
        });
        c.#nodes.set(n.id, node);
        c.#watch(n.id, node);
      }
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  /** Whether this cluster only connects to nodes it did not start (`connect`). */
  get remote(): boolean {
    return this.#remote;
  }

  /** SIGKILL: the process dies wherever it is. */
  kill(id: number): void {
    const n = this.#nodes.get(id);
    if (!n) return;
    this.#nodes.delete(id);
    n.kill();
  }

  /**
   * One request to node `id`. Throws (nothing was sent) when the node is not running. With `timeoutMs`,
   * a node that does not answer in time (stopped, hung) is answered for with an `unknown` reply.
   */
  async #call(id: number, body: WithoutReq<Extract<ToNode, { req: number }>>, timeoutMs?: number): Promise<FromNode & { op: 'reply' }> {
    const n = this.#nodes.get(id);
    if (!n) throw new Error(`node ${id} is not running`);
    const req = ++this.#req;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      n.replies.set(req, (m) => {
        if (timer) clearTimeout(timer);
        resolve(m);
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          n.replies.delete(req);
          resolve({ op: 'reply', req, ok: false, error: `node ${id} did not answer within ${timeoutMs} ms`, fate: 'unknown' });
        }, timeoutMs);
      }
      n.send({ ...body, req } as ToNode);
    });
  }

  async status(id: number): Promise<NodeStatus | null> {
    const r = await this.#call(id, { op: 'status' }, 5000);
    return r.ok ? (r.status ?? null) : null;
  }

  /** A node's cumulative counters (store and engines), or null when it does not answer. */
  async counters(id: number): Promise<NodeCounters | null> {
    const r = await this.#call(id, { op: 'counters' }, 5000);
    return r.ok ? (r.counters ?? null) : null;
  }

  async leader(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    if (!this.#campaigned && this.ids.length > 0) {
      // Speed up the first election: any node may campaign; raft still decides.
      this.#campaigned = true;
      await this.#call(this.ids[0]!, { op: 'campaign' }, 5000).catch(() => undefined);
    }
    for (;;) {
      for (const id of this.ids) if ((await this.status(id).catch(() => null))?.leader) return (this.#leader = id);
      if (Date.now() > deadline) throw new Error(`no leader within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** A client put: resolves once committed, else throws an error whose `fate` says whether it may still apply. */
  async put(key: Buffer, value: Buffer, opts: { timeoutMs?: number } = {}): Promise<void> {
    const o = await this.putOutcome(key, value, opts);
    if (o.status !== 'committed') throw o.error;
  }

  /**
   * A client put to the leader, retried when leadership moves or an attempt fails, until it commits or
   * the time runs out (default 30 s). Every attempt carries the same session, so the write applies at
   * most once; the outcome is `failed` only when no attempt may still apply.
   */
  async putOutcome(key: Buffer, value: Buffer, opts: { timeoutMs?: number } = {}): Promise<PutOutcome> {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const { session, release } = this.#sessions.acquire();
    let unknown: Error | null = null;
    let last: Error = new ProposalDroppedError('timeout', 'failed', 'put timed out before any attempt');
    try {
      while (Date.now() < deadline) {
        let id: number;
        try {
          id = this.#leader !== null && this.#nodes.has(this.#leader) ? this.#leader : await this.leader(Math.max(1, deadline - Date.now()));
        } catch (err) {
          last = err instanceof Error ? err : new Error(String(err));
          break;
        }
        const left = Math.max(1, deadline - Date.now());
        const body = { op: 'put' as const, key: key.toString('base64'), value: value.toString('base64'), client: session.client, seq: session.seq, timeoutMs: left };
        let r: FromNode & { op: 'reply' };
        try {
          // A little longer than the node's own deadline, so that the node's answer normally comes first.
          r = await this.#call(id, body, left + 1000);
        } catch (err) {
          last = err instanceof Error ? err : new Error(String(err)); // not running: nothing was sent
          if (this.#leader === id) this.#leader = null;
          await sleep(10);
          continue;
        }
        if (r.ok) return { status: 'committed' };
        if (this.#leader === id) this.#leader = null;
        last = new NodeReplyError(r.fate, r.error, r.notLeader ?? false);
        if (r.fate === 'unknown') unknown = last;
        await sleep(10);
      }
    } finally {
      release();
    }
    if (unknown) return { status: 'unknown', error: new OutcomeUnknownError(`put gave up; an attempt may still apply (${unknown.message})`, { cause: unknown }) };
    return { status: 'failed', error: last };
  }

  /** The node that last answered as leader (null before the first `leader()`). */
  get knownLeader(): number | null {
    return this.#leader;
  }

  /** A read on the leader, retried on another node when leadership moved (up to `timeoutMs`). */
  async read(key: Buffer, linearizable: boolean, timeoutMs = 10_000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const id = this.#leader !== null && this.#nodes.has(this.#leader) ? this.#leader : await this.leader(Math.max(1, deadline - Date.now()));
      const r = await this.#call(id, { op: 'get', key: key.toString('base64'), linearizable }, Math.max(1, deadline - Date.now()));
      if (r.ok) return r.value ? Buffer.from(r.value, 'base64') : null;
      if (this.#leader === id) this.#leader = null;
      if (!r.notLeader || Date.now() > deadline) throw new NodeReplyError('failed', r.error, r.notLeader ?? false);
      await sleep(2);
    }
  }

  async get(id: number, key: Buffer, linearizable = false): Promise<Buffer | null> {
    const r = await this.#call(id, { op: 'get', key: key.toString('base64'), linearizable });
    if (!r.ok) throw new Error(r.error);
    return r.value ? Buffer.from(r.value, 'base64') : null;
  }

  /**
   * Closes every node at once (one by one, 5 nodes took 0.3 s of every replicate). A node process whose
   * node closed cleanly is kept for the next cluster; any other is killed.
   */
  async close(): Promise<void> {
    await Promise.all(
      this.ids.map(async (id) => {
        const n = this.#nodes.get(id)!;
        if (!this.#remote) {
          // The node closes its engines and its process stays, for the next cluster (`idle`).
          const r = await Promise.race([this.#call(id, { op: 'close', keep: true }).catch(() => undefined), sleep(5000, undefined, { ref: false })]);
          if (r?.ok && n.release?.()) {
            this.#nodes.delete(id);
            return;
          }
        }
        n.kill();
        await Promise.race([n.gone, sleep(5000, undefined, { ref: false })]);
      }),
    );
  }
}

function connectControl(addr: { host: string; port: number }, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: addr.host, port: addr.port, noDelay: true });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.on('error', () => s.destroy());
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

