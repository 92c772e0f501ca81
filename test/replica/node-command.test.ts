import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { layoutNames } from '../../engines/layouts/index.ts';
import { readClusterFile } from '../../node/cluster/cluster-file.ts';
import { ProcessCluster } from '../../node/cluster/process-cluster.ts';
import { runCli, startCli, untilListening } from '../helpers/cli.ts';
import { listening } from '../helpers/sockets.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** Free TCP ports on 127.0.0.1 (bound and released; a race with another process is possible but rare). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

test('raftbench node: three processes by flags form a cluster, listen on 127.0.0.1 only, serve a cluster-file client, stop on SIGTERM', async () => {
  const { dir, cleanup } = await tmpDir('node-');
  const ports = await freePorts(6); // raft and control for each node
  const raft = (i: number) => ports[2 * (i - 1)]!;
  const control = (i: number) => ports[2 * (i - 1) + 1]!;
  const nodes = [1, 2, 3].map((i) => {
    const peers = [1, 2, 3].filter((j) => j !== i).map((j) => `${j}=127.0.0.1:${raft(j)}`).join(',');
    // --listen and --control as bare ports: the host is the default.
    return startCli(['node', '--id', String(i), '--listen', String(raft(i)), '--control', String(control(i)), '--peers', peers, '--dir', path.join(dir, `n${i}`), '--layout', 'wal']);
  });
  let cluster: ProcessCluster | null = null;
  try {
    await untilListening(nodes, 20_000);
    for (const n of nodes) {
      const addrs = listening(n.pid!);
      assert.equal(addrs.length, 2, `raft and control sockets: ${addrs.join(' ')}`);
      for (const a of addrs) assert.match(a, /^0100007F:/, `listens beyond 127.0.0.1: ${a}`);
    }
    const file = path.join(dir, 'cluster.json');
    writeFileSync(file, JSON.stringify({ layout: 'wal', nodes: [1, 2, 3].map((i) => ({ id: i, addr: `127.0.0.1:${raft(i)}`, control: `127.0.0.1:${control(i)}`, dir: `n${i}` })) }));
    cluster = await ProcessCluster.connect(readClusterFile(file, layoutNames()));
    for (let i = 0; i < 20; i++) await cluster.put(Buffer.from(`k${i}`), Buffer.from(`v${i}`));
    assert.equal((await cluster.read(Buffer.from('k19'), true))?.toString(), 'v19');
    const c = await cluster.counters((await cluster.leader()));
    assert.ok(c!.store.logSyncs >= 20, `leader log syncs ${c!.store.logSyncs}`);
    await cluster.close(); // disconnects only: the nodes keep running
    cluster = null;
    await sleep(200);
    assert.ok(nodes.every((n) => n.exitCode === null), 'nodes outlive a client');
  } finally {
    await cluster?.close();
    for (const n of nodes) n.kill('SIGTERM');
    const codes = await Promise.all(nodes.map((n) => Promise.race([n.done, sleep(10_000).then(() => 'hung')])));
    for (const n of nodes) if (n.exitCode === null) n.kill('SIGKILL');
    await cleanup();
    assert.deepEqual(codes, [0, 0, 0], 'SIGTERM stops a node cleanly');
  }
});

test('raftbench node: a bad flag or cluster file is one line and exit 2', () => {
  const r = runCli(['node', '--id', '1', '--listen', 'nowhere']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /bad address "nowhere"/);
  const f = runCli(['node', '--id', '4', '--cluster', '/nonexistent/cluster.json']);
  assert.equal(f.code, 2, f.stderr);
  assert.match(f.stderr, /cluster file .*ENOENT/);
});
