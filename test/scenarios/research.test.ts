import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { SUITES } from '../../scenarios/index.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { fsInfo, MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';
import { tmpfsRoot } from '../../scenarios/adr.ts';
import type { BenchmarkResult, ResultsFile } from '../../analysis/results-schema.ts';

const NEW_FAMILIES = ['MultiRange', 'Truncation', 'Reads', 'ADR'] as const;

/** Runs `bench --suite smoke` for some scenarios and layouts on a fresh dir; returns the results file. */
async function smoke(scenario: string, layouts: readonly string[], extra: readonly string[] = []): Promise<ResultsFile> {
  const { dir, cleanup } = await tmpDir(`research-${scenario}-`);
  try {
    const out = path.join(dir, 'out');
    const args = ['bench', '--suite', 'smoke', '--scenario', scenario, '--layout', layouts.join(','), '--out', out, '--dir', path.join(dir, 'data'), '--no-report', '--no-calibrate', '--quiet', '--count', '1', ...extra];
    const r = runCli(args);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    assert.equal(results.complete, true);
    const expected = makePlan({ suite: 'smoke', scenarios: [scenario], layouts }).groups.flat().map((c) => c.name).sort();
    assert.deepEqual(results.benchmarks.map((b) => b.name).sort(), expected);
    for (const b of results.benchmarks) {
      assert.equal(b.runs.length, 1, b.name);
      assert.ok(b.runs[0]!.nsPerOp > 0, b.name);
    }
    return results;
  } finally {
    await cleanup();
  }
}

function find(results: ResultsFile, name: string): BenchmarkResult {
  const b = results.benchmarks.find((x) => x.name === name);
  assert.ok(b, `${name} in ${results.benchmarks.map((x) => x.name).join(', ')}`);
  return b;
}

function extra(results: ResultsFile, name: string, key: string): number {
  const v = find(results, name).runs[0]!.extra[key];
  assert.equal(typeof v, 'number', `${name} extra.${key}`);
  return v as number;
}

test('smoke covers every new family on every layout its entries name; rfc and full hold them at real sizes', () => {
  const plan = makePlan({ suite: 'smoke' });
  const names = plan.groups.flat().map((c) => c.name);
  for (const f of NEW_FAMILIES) assert.ok(names.some((n) => n.startsWith(`${f}/`)), `smoke has ${f}`);
  for (const l of ['shared', 'dedicated', 'wal', 'wal-per-group']) assert.ok(names.includes(`MultiRange/layout=${l}/groups=100/vs=1024/clients=16`), l);
  assert.ok(names.includes('ADR/layout=dedicated/raftmedia=tmpfs/nodes=3/vs=1024/clients=16'));
  assert.ok(names.includes('Reads/layout=dedicated/read=linearizable/load=writes/vs=1024/readers=16'));
  assert.ok(names.includes('Truncation/layout=lmdb/trunc=eager/rule=nosync/vs=1024/clients=1'));
  for (const suite of ['rfc', 'full']) {
    const all = makePlan({ suite }).groups.flat().map((c) => c.name);
    for (const f of NEW_FAMILIES) assert.ok(all.some((n) => n.startsWith(`${f}/`)), `${suite} has ${f}`);
    assert.ok(all.includes('MultiRange/layout=wal-per-group/groups=1000/vs=1024/clients=64'), suite);
    assert.ok(all.includes('Truncation/layout=dedicated/trunc=tight/rule=nosync/vs=1024/clients=16'), suite);
  }
  assert.ok(SUITES.some((s) => s.name === 'full'));
});

test('MultiRange: groups=100 writes land in all 100 groups, on one shared log and on one log per group', async () => {
  const r = await smoke('MultiRange', ['dedicated', 'wal', 'wal-per-group'], ['--ops', '200']);
  for (const l of ['dedicated', 'wal', 'wal-per-group']) {
    assert.equal(extra(r, `MultiRange/layout=${l}/groups=100/vs=1024/clients=16`, 'groupsWritten'), 100, l);
    assert.equal(extra(r, `MultiRange/layout=${l}/groups=1/vs=1024/clients=16`, 'groupsWritten'), 1, l);
    assert.ok(extra(r, `MultiRange/layout=${l}/groups=100/vs=1024/clients=16`, 'openMs') > 0, l);
    // 16 clients over 100 groups: group commit across groups puts several groups' appends in one sync
    assert.ok(extra(r, `MultiRange/layout=${l}/groups=100/vs=1024/clients=16`, 'opsPerLeaderSync') > 1, l);
  }
  // engine-reported bytes: the WAL's own record counter, RocksDB's WAL file growth
  assert.ok(extra(r, 'MultiRange/layout=wal/groups=100/vs=1024/clients=16', 'walRecordBytesPerOp') > 1024);
  assert.ok(extra(r, 'MultiRange/layout=wal-per-group/groups=100/vs=1024/clients=16', 'walRecordBytesPerOp') > 1024);
  assert.ok(extra(r, 'MultiRange/layout=dedicated/groups=100/vs=1024/clients=16', 'rocksdbWalBytesPerOp') > 1024);
});

test('Truncation: the state-engine sync rule costs syncs on separate engines only when on', async () => {
  const r = await smoke('Truncation', ['shared', 'dedicated', 'wal', 'lmdb'], ['--ops', '30']);
  for (const l of ['dedicated', 'wal', 'lmdb']) {
    const on = `Truncation/layout=${l}/trunc=eager/rule=sync/vs=1024/clients=1`;
    const off = `Truncation/layout=${l}/trunc=eager/rule=nosync/vs=1024/clients=1`;
    assert.ok(extra(r, on, 'truncations') > 0, on);
    assert.ok(extra(r, on, 'truncationSyncs') > 0, on);
    assert.ok(extra(r, on, 'truncationSyncMs') > 0, on);
    assert.ok(extra(r, on, 'truncationSyncMeanUs') > 0, on);
    assert.ok(extra(r, off, 'truncations') > 0, off);
    assert.equal(extra(r, off, 'truncationSyncs'), 0, off);
    // eager keeps 1 entry and truncates every 2: the log stays short
    assert.ok(extra(r, on, 'logEntries') <= 4, on);
  }
  // shared: the log's sync already covers the state, so truncating never needs an extra sync
  const shared = 'Truncation/layout=shared/trunc=eager/rule=sync/vs=1024/clients=1';
  assert.ok(extra(r, shared, 'truncations') > 0);
  assert.equal(extra(r, shared, 'truncationSyncs'), 0);
});

test('Reads: linearizable reads go through ReadIndex rounds, serializable reads do not; load=writes writes meanwhile', async () => {
  const r = await smoke('Reads', ['dedicated'], ['--ops', '40']);
  const name = (read: string, load: string) => `Reads/layout=dedicated/read=${read}/load=${load}/vs=1024/readers=16`;
  for (const read of ['linearizable', 'serializable']) {
    assert.equal(extra(r, name(read, 'none'), 'writesPerRead'), 0);
    assert.ok(extra(r, name(read, 'writes'), 'writesPerRead') > 0);
  }
  // 16 readers share rounds: far fewer than the 2 messages (heartbeat + response) per follower per read
  const lin = extra(r, name('linearizable', 'none'), 'messagesPerRead');
  assert.ok(lin > 0 && lin < 4, `linearizable messages/read ${lin}`);
});

test('ADR: raftmedia=tmpfs puts every raft log on a memory filesystem and the results carry the warning', async (t) => {
  if (!MEMORY_FILESYSTEMS.has(fsInfo(tmpfsRoot()).type)) {
    t.skip(`${tmpfsRoot()} is not a memory filesystem here`);
    return;
  }
  const r = await smoke('ADR', ['dedicated', 'wal'], ['--ops', '20']);
  for (const l of ['dedicated', 'wal']) {
    assert.equal(extra(r, `ADR/layout=${l}/raftmedia=tmpfs/nodes=3/vs=1024/clients=16`, 'raftOnMemoryFs'), 1, l);
    assert.equal(extra(r, `ADR/layout=${l}/raftmedia=disk/nodes=3/vs=1024/clients=16`, 'raftOnMemoryFs'), 0, l);
  }
  const w = r.warnings.find((x) => x.code === 'raftmedia-tmpfs');
  assert.ok(w, JSON.stringify(r.warnings));
  assert.equal(w.severity, 'severe');
  assert.match(w.text, /not durable/);
  assert.match(w.text, /ADR\/layout=dedicated\/raftmedia=tmpfs/);
  assert.doesNotMatch(w.text, /raftmedia=disk/);
});

test('no tmpfs warning when nothing runs with raftmedia=tmpfs', async () => {
  const r = await smoke('MultiRange', ['dedicated'], ['--ops', '8']);
  assert.ok(!r.warnings.some((w) => w.code === 'raftmedia-tmpfs'), JSON.stringify(r.warnings));
});
