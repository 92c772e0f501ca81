/**
 * The same history check as cluster-linearizability.test.ts, on the real thing: three `raftbench node`
 * processes, each in its own network namespace (its own address on a bridge), raft over TCP, the wal
 * layout on disk, the bench's client (`ProcessCluster.connect`, sessions and retries) putting and reading
 * (ReadIndex on the leader) three keys while a seeded nemesis cuts the leader, or any one node, off the
 * bridge for a while (its link down: packets to and from it are lost, connections stall). Needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { layoutNames } from '../../engines/layouts/index.ts';
import { readClusterFile } from '../../node/cluster/cluster-file.ts';
import { ProcessCluster } from '../../node/cluster/process-cluster.ts';
import { SeededRandom } from '../../raft/index.ts';
import { startCli, untilListening } from '../helpers/cli.ts';
import { makeHosts } from '../helpers/netns.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { checkLinearizable, HistoryRecorder } from './checker.ts';

test('node processes in network namespaces under partitions: the history of puts and ReadIndex reads is linearizable', { skip: process.getuid?.() === 0 ? false : 'needs root for ip netns' }, async (t) => {
  // Names unique to this process and file (see cluster-netns.test.ts); subnets 200-249 here, 100-199 there.
  const tag = `l${process.pid}`;
  const hosts = makeHosts(tag, 200 + (process.pid % 50));
  if (!hosts) {
    t.skip('ip netns / bridges are not available here');
    return;
  }
  const { dir, cleanup } = await tmpDir('lin-netns-');
  const file = path.join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ layout: 'wal', nodes: [1, 2, 3].map((i) => ({ id: i, addr: `${hosts.addr(i)}:7001`, control: `${hosts.addr(i)}:7100`, dir: `n${i}` })) }));
  const nodes = [1, 2, 3].map((i) => startCli(['node', '--cluster', file, '--id', String(i)], { netns: hosts.ns(i) }));
  let cluster: ProcessCluster | null = null;
  try {
    await untilListening(nodes);
    const c = (cluster = await ProcessCluster.connect(readClusterFile(file, layoutNames())));
    await c.leader();
    const rng = new SeededRandom(7);
    const h = new HistoryRecorder();
    const keys = ['k0', 'k1', 'k2'];
    const events: string[] = [];
    let stopping = false;
    let puts = 0;
    let unknown = 0;
    let gets = 0;
    const client = async (id: number) => {
      const r = rng.fork();
      for (let i = 0; !stopping; i++) {
        const key = keys[r.int(keys.length)]!;
        if (r.chance(0.5)) {
          const value = `c${id}-${i}`;
          const call = h.call();
          const out = await c.putOutcome(Buffer.from(key), Buffer.from(value), { timeoutMs: 1500 });
          if (out.status === 'failed') continue;
          h.put(id, key, value, call, out.status);
          puts++;
          if (out.status === 'unknown') unknown++;
        } else {
          const call = h.call();
          try {
            const v = await c.read(Buffer.from(key), true, 1000);
            h.get(id, key, v === null ? null : v.toString(), call);
            gets++;
          } catch {
            await sleep(5); // no leader reachable in time: a failed read shows nothing
          }
        }
      }
    };
    const nemesis = async () => {
      const r = rng.fork();
      while (!stopping) {
        await sleep(300 + r.int(300));
        if (stopping) break;
        const leader = c.knownLeader;
        const victim = r.chance(0.5) && leader !== null ? leader : 1 + r.int(3);
        events.push(`${victim === leader ? 'isolate leader' : 'cut'} ${victim}`);
        hosts.setLinked(victim, false);
        await sleep(300 + r.int(500));
        hosts.setLinked(victim, true);
      }
    };
    const clients = Array.from({ length: 6 }, (_, k) => client(k + 1));
    const nem = nemesis();
    await sleep(8000);
    stopping = true;
    await nem;
    await Promise.all(clients);
    const result = checkLinearizable(h.ops);
    const where = `${puts} puts (${unknown} unknown), ${gets} reads; faults: ${events.join(', ')}`;
    t.diagnostic(where);
    assert.ok(result.ok, `not linearizable, ${where}\n${JSON.stringify(result.detail)}`);
    assert.ok(puts > 30 && gets > 30, `too little load, ${where}`);
    assert.ok(events.length >= 3, `too few faults, ${where}`);
  } finally {
    await cluster?.close();
    for (const n of nodes) n.kill('SIGKILL');
    await Promise.all(nodes.map((n) => Promise.race([n.done, sleep(5000)])));
    hosts.remove();
    await cleanup();
  }
});
