import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../errors/user-error.ts';

/**
 * A cluster file places the nodes of one raft cluster, on one host or several:
 *
 * ```json
 * { "layout": "wal", "binding": "rocksdb",
 *   "nodes": [
 *     { "id": 1, "addr": "10.0.0.1:7001", "dir": "/data/raftbench", "layout": "dedicated" },
 *     { "id": 2, "addr": "10.0.0.2:7001", "dir": "/data/raftbench" },
 *     { "id": 3, "addr": "10.0.0.3:7001", "dir": "/data/raftbench", "control": "10.0.0.3:7100" } ] }
 * ```
 *
 * `addr` is where the node listens for raft and where its peers reach it; `control` (default: the port
 * after `addr`'s) is where it takes client requests (the bench). A node listens on exactly these
 * addresses: only a file that names another host than 127.0.0.1 makes anything reachable from outside.
 */
export interface ClusterFileNode {
  readonly id: number;
  readonly host: string;
  readonly port: number;
  readonly control: { readonly host: string; readonly port: number };
  readonly dir: string;
  readonly layout: string;
  readonly raftDir?: string;
}

export interface ClusterFile {
  readonly path: string;
  readonly binding: 'rocksdb' | 'rocksdb9';
  readonly nodes: readonly ClusterFileNode[];
}

/** `host:port`, `[v6]:port`, or a bare port on 127.0.0.1. */
export function parseAddress(text: string, what: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UserError(`${what}: bad address "${text}"; expected host:port or a port (127.0.0.1)`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

export function readClusterFile(file: string, validLayouts: readonly string[]): ClusterFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cluster file ${file}: ${e.code ?? e.message}`);
  }
  const bad = (why: string) => new UserError(`cluster file ${file}: ${why}`);
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { nodes?: unknown }).nodes)) throw bad('expected an object with a "nodes" array');
  const top = raw as { nodes: unknown[]; layout?: unknown; binding?: unknown };
  const binding = top.binding ?? 'rocksdb';
  if (binding !== 'rocksdb' && binding !== 'rocksdb9') throw bad(`binding "${String(binding)}"; valid: rocksdb, rocksdb9`);
  const nodes = top.nodes.map((n, i): ClusterFileNode => {
    if (typeof n !== 'object' || n === null) throw bad(`nodes[${i}] is not an object`);
    const o = n as Record<string, unknown>;
    if (!Number.isSafeInteger(o.id) || (o.id as number) < 1) throw bad(`nodes[${i}].id must be a positive integer`);
    if (typeof o.addr !== 'string') throw bad(`nodes[${i}].addr must be "host:port"`);
    if (typeof o.dir !== 'string' || o.dir === '') throw bad(`nodes[${i}].dir must be a directory`);
    const layout = o.layout ?? top.layout ?? 'wal';
    if (typeof layout !== 'string' || !validLayouts.includes(layout)) throw bad(`nodes[${i}].layout "${String(layout)}"; valid: ${validLayouts.join(', ')}`);
    const addr = parseAddress(o.addr, `cluster file ${file}: nodes[${i}].addr`);
    if (addr.port === 0) throw bad(`nodes[${i}].addr needs a port: peers must know where to reach it`);
    const control = typeof o.control === 'string' ? parseAddress(o.control, `cluster file ${file}: nodes[${i}].control`) : { host: addr.host, port: addr.port + 1 };
    return {
      id: o.id as number,
      host: addr.host,
      port: addr.port,
      control,
      dir: path.resolve(path.dirname(file), o.dir),
      layout,
      ...(typeof o.raftDir === 'string' ? { raftDir: path.resolve(path.dirname(file), o.raftDir) } : {}),
    };
  });
  if (nodes.length === 0) throw bad('no nodes');
  const ids = new Set(nodes.map((n) => n.id));
  if (ids.size !== nodes.length) throw bad('node ids repeat');
  return { path: file, binding, nodes };
}
