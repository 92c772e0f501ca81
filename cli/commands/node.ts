import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { bool, flagHelp, int, parseFlags, str, type FlagSpecs } from '../args.ts';
import type { Command } from '../command.ts';
import { invalidChoice, UserError } from '../../errors/user-error.ts';
import { BINDINGS, layoutNames, type Binding } from '../../engines/layouts/index.ts';
import { DEFAULT_BUDGET } from '../../engines/memory-budget.ts';
import { parseAddress, readClusterFile } from '../../node/cluster/cluster-file.ts';
import { serveControl } from '../../node/cluster/control-server.ts';
import type { NodeSpec } from '../../node/cluster/node-protocol.ts';
import { startNode } from '../../node/cluster/node-runtime.ts';

const FLAGS: FlagSpecs = {
  cluster: { type: 'string', help: 'cluster file (JSON: nodes with id, addr, dir, optional layout); takes the node --id names' },
  id: { type: 'string', help: 'this node\'s id (1, 2, ...)' },
  listen: { type: 'string', help: 'raft address host:port, or a port on 127.0.0.1 (default 127.0.0.1:7001)' },
  control: { type: 'string', help: 'client address host:port (default: the raft port + 1, same host)' },
  peers: { type: 'string', help: 'the others, id=host:port comma-separated (without --cluster)' },
  dir: { type: 'string', help: 'data directory (default results/.node/n<id>)' },
  'raft-dir': { type: 'string', help: 'where a separate raft engine lives (default <dir>/raft)' },
  layout: { type: 'string', help: `layout (default wal): ${layoutNames().join(', ')}` },
  binding: { type: 'string', help: `RocksDB binding: ${BINDINGS.join(' or ')} (default rocksdb)` },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const USAGE = 'node --cluster FILE --id N | node --id N [--listen HOST:PORT] [--control HOST:PORT] --peers ID=HOST:PORT,.. [--dir D] [--layout L] [--binding B]';

/**
 * One raft node as its own process, until SIGINT or SIGTERM. It listens for raft and for clients on
 * 127.0.0.1 unless its flags or the cluster file name another address. `bench --cluster FILE` drives
 * a cluster of them.
 */
export const command: Command = {
  name: 'node',
  summary: 'run one raft node as its own process (raft over TCP; a cluster file places nodes on several hosts)',
  usage: USAGE,
  async run(args) {
    const p = parseFlags('node', args, FLAGS);
    if (bool(p, 'help')) {
      process.stdout.write(`usage: raftbench ${USAGE}\n\n${flagHelp(FLAGS)}\n`);
      return 0;
    }
    if (p.positionals.length > 0) throw new UserError(`node: unexpected argument "${p.positionals[0]}"; usage: ${USAGE}`);
    const id = int(p, 'node', 'id');
    if (id === undefined) throw new UserError('node: --id is required');
    const { spec, control } = nodeSpec(p, id);
    mkdirSync(spec.dir, { recursive: true });
    const node = await startNode(spec);
    let stop: (why: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // A client's `close` closes the node: nothing is left to serve.
    const served = {
      ...node,
      handle: async (m: Parameters<typeof node.handle>[0]) => {
        const r = await node.handle(m);
        if (m.op === 'close') setImmediate(() => stop('closed by a client'));
        return r;
      },
    };
    const server = await serveControl(served, control.host, control.port).catch(async (err: unknown) => {
      await node.close();
      const e = err as NodeJS.ErrnoException;
      throw new UserError(`node: cannot listen for clients on ${control.host}:${control.port}: ${e.code ?? e.message}`);
    });
    process.stdout.write(`node ${id}: raft on ${node.address.host}:${node.address.port}, clients on ${server.address.host}:${server.address.port}, layout ${spec.layout}, data ${spec.dir}\n`);
    const why = await stopped;
    await server.close();
    await node.close();
    process.stderr.write(`node ${id}: stopped (${why})\n`);
    return 0;
  },
};

function nodeSpec(p: ReturnType<typeof parseFlags>, id: number): { spec: NodeSpec; control: { host: string; port: number } } {
  const file = str(p, 'cluster');
  if (file) {
    for (const f of ['listen', 'control', 'peers', 'dir', 'raft-dir', 'layout', 'binding']) {
      if (str(p, f) !== undefined) throw new UserError(`node: --${f} and --cluster together; the cluster file says where node ${id} listens and keeps its data`);
    }
    const c = readClusterFile(path.resolve(file), layoutNames());
    const me = c.nodes.find((n) => n.id === id);
    if (!me) throw new UserError(`node: --id ${id} is not in ${file} (ids: ${c.nodes.map((n) => n.id).join(', ')})`);
    return {
      control: me.control,
      spec: {
        id,
        peers: c.nodes.map((n) => n.id),
        layout: me.layout,
        dir: me.dir,
        ...(me.raftDir ? { raftDir: me.raftDir } : {}),
        binding: c.binding,
        truncation: { keep: 50, every: 500 },
        host: me.host,
        port: me.port,
        peerAddrs: c.nodes.map((n) => ({ id: n.id, host: n.host, port: n.port })),
        budget: DEFAULT_BUDGET,
      },
    };
  }
  const listen = parseAddress(str(p, 'listen') ?? '127.0.0.1:7001', 'node: --listen');
  const control = str(p, 'control') ? parseAddress(str(p, 'control')!, 'node: --control') : { host: listen.host, port: listen.port === 0 ? 0 : listen.port + 1 };
  const peers = (str(p, 'peers') ?? '').split(',').filter((s) => s.trim() !== '').map((s) => {
    const m = /^(\d+)=(.+)$/.exec(s.trim());
    if (!m) throw new UserError(`node: bad --peers entry "${s}"; expected id=host:port`);
    return { id: Number(m[1]), ...parseAddress(m[2]!, `node: --peers ${m[1]}`) };
  });
  if (peers.some((x) => x.id === id)) throw new UserError(`node: --peers names this node (${id})`);
  const layout = str(p, 'layout') ?? 'wal';
  if (!layoutNames().includes(layout)) throw invalidChoice('layout', layout, layoutNames());
  const binding = (str(p, 'binding') ?? 'rocksdb') as Binding;
  if (!BINDINGS.includes(binding)) throw invalidChoice('binding', binding, BINDINGS);
  const dir = path.resolve(str(p, 'dir') ?? path.join('results', '.node', `n${id}`));
  return {
    control,
    spec: {
      id,
      peers: [id, ...peers.map((x) => x.id)].sort((a, b) => a - b),
      layout,
      dir,
      ...(str(p, 'raft-dir') ? { raftDir: path.resolve(str(p, 'raft-dir')!) } : {}),
      binding,
      truncation: { keep: 50, every: 500 },
      host: listen.host,
      port: listen.port,
      peerAddrs: peers,
      budget: DEFAULT_BUDGET,
    },
  };
}
