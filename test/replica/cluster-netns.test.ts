/**
 * A cluster file placing three nodes on three "hosts": three network namespaces joined by a bridge, each
 * with its own address (10.77.<k>.1..3), a `raftbench node` in each, and `bench --cluster` driving them
 * from this namespace. What a run over three machines exercises, short of the machines: nodes bind the
 * non-loopback addresses the file names (and only those), reach each other across the bridge, and the
 * bench gathers every node's counters into its results. Needs root and `ip`; skipped otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResultsFile } from '../../analysis/results-schema.ts';
import { runCli, startCli, untilListening } from '../helpers/cli.ts';
import { makeHosts } from '../helpers/netns.ts';
import { listening } from '../helpers/sockets.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** 10.77.s.h as /proc/net/tcp writes it (little-endian hex). */
const hexAddr = (s: number, h: number) => [h, s, 77, 10].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');

test('a cluster file over three hosts (network namespaces): nodes bind the addresses it names, bench --cluster drives them and gathers their counters', { skip: process.getuid?.() === 0 ? false : 'needs root for ip netns' }, async (t) => {
  // Names unique to this process and file: the other netns test may run at the same time (make unit runs
  // two files at once), and makeHosts removes what it finds under its names when a step fails.
  const tag = `c${process.pid}`;
  const subnet = 100 + (process.pid % 100);
  const hosts = makeHosts(tag, subnet);
  if (!hosts) {
    t.skip('ip netns / bridges are not available here');
    return;
  }
  const { dir, cleanup } = await tmpDir('netns-');
  const file = path.join(dir, 'cluster.json');
  writeFileSync(file, JSON.stringify({ layout: 'wal', nodes: [1, 2, 3].map((i) => ({ id: i, addr: `10.77.${subnet}.${i}:7001`, control: `10.77.${subnet}.${i}:7100`, dir: `n${i}` })) }));
  const nodes = [1, 2, 3].map((i) => startCli(['node', '--cluster', file, '--id', String(i)], { netns: hosts.ns(i) }));
  try {
    await untilListening(nodes);
    nodes.forEach((n, i) => {
      const addrs = listening(n.pid!);
      assert.deepEqual(addrs.sort(), [`${hexAddr(subnet, i + 1)}:1B59`, `${hexAddr(subnet, i + 1)}:1BBC`], `node ${i + 1} listens on its address only (raft 7001, control 7100)`);
    });
    const out = path.join(dir, 'out');
    const r = runCli(['bench', '--suite', 'smoke', '--scenario', 'ClusterWrite', '--cluster', file, '--count', '1', '--ops', '40', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    const run = results.benchmarks.find((b) => b.family === 'ClusterWrite')!.runs[0]!;
    assert.equal(run.ops, 40);
    // Every node's engines synced: the leader's and two followers' log appends (grouped: 16 clients), each
    // counted where it ran and gathered into the bench's results.
    const leader = run.extra.leaderLogSyncsPerOp!;
    const cluster = run.extra.clusterLogSyncsPerOp!;
    assert.ok(leader > 0, `leader log syncs/op ${leader}`);
    assert.ok(cluster >= 2.5 * leader, `cluster log syncs/op ${cluster} against the leader's ${leader}`);
    assert.ok(run.observed?.engineSyncsPerOp != null && run.observed.engineSyncsPerOp >= 0.9 * cluster, `engine syncs/op ${run.observed?.engineSyncsPerOp}`);
  } finally {
    for (const n of nodes) n.kill('SIGTERM');
    await Promise.all(nodes.map((n) => Promise.race([n.done, sleep(10_000)])));
    for (const n of nodes) if (n.exitCode === null) n.kill('SIGKILL');
    hosts.remove();
    await cleanup();
  }
});
