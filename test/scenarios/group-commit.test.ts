import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_COMMIT_PARAMS, groupCommit } from '../../scenarios/group-commit.ts';
import { parseParams } from '../../scenarios/params.ts';
import { replicaWrite } from '../../scenarios/replica-write.ts';
import { clusterWrite } from '../../scenarios/cluster-write.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import { makePlan } from '../../harness/runner/plan.ts';
import { UserError } from '../../errors/user-error.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import type { Family } from '../../scenarios/family.ts';

test('batch (1, auto, N) and batchwait (µs) parse as typed params; absent ones keep the Store defaults', () => {
  const gc = (raw: Record<string, string>) => groupCommit(parseParams('ReplicaWrite', GROUP_COMMIT_PARAMS, raw));
  assert.deepEqual(gc({}), {});
  assert.deepEqual(gc({ batch: 'auto' }), {});
  assert.deepEqual(gc({ batch: '1' }), { maxBatch: 1 });
  assert.deepEqual(gc({ batch: '64', batchwait: '200' }), { maxBatch: 64, batchWaitUs: 200 });
  for (const bad of [{ batch: '0' }, { batch: 'x' }, { batch: '1.5' }, { batchwait: '-1' }, { batchwait: '' }] as Record<string, string>[]) {
    assert.throws(() => gc(bad), UserError, JSON.stringify(bad));
  }
});

test('the plan puts the user axes on the families that take them; names without them are unchanged', () => {
  const plain = makePlan({ suite: 'smoke', scenarios: ['ReplicaWrite'], layouts: ['wal'] });
  assert.ok(plain.groups.every((g) => !g[0]!.name.includes('batch')));
  const p = makePlan({ suite: 'smoke', scenarios: ['ReplicaWrite', 'BatchCommit'], layouts: ['wal'], axes: { batch: ['1', 'auto'], batchwait: ['0'] } });
  const names = p.groups.flatMap((g) => g.map((c) => c.name));
  assert.ok(names.includes('ReplicaWrite/layout=wal/vs=1024/clients=16/batch=1/batchwait=0'), names.join('\n'));
  assert.ok(names.includes('ReplicaWrite/layout=wal/vs=1024/clients=16/batch=auto/batchwait=0'));
  assert.ok(names.filter((n) => n.startsWith('BatchCommit')).every((n) => !n.includes('batch=')));
  assert.throws(() => makePlan({ suite: 'smoke', scenarios: ['BatchCommit'], axes: { batch: ['1'] } }), UserError);
});

async function syncsPerOp(family: Family, raw: Record<string, string>): Promise<number> {
  const params = parseParams(family.name, family.params, { vs: '1024', ...raw });
  const { dir, cleanup } = await tmpDir('gc-');
  try {
    const inst = await family.open({ params, layout: findLayout('wal'), layoutOptions: { dir, binding: 'rocksdb', budget: { memtableBytes: 4 << 20, cacheBytes: 1 << 20 } }, seed: 1 });
    try {
      await inst.collect?.('before'); // as the runner does: node processes report counters untimed
      const n = await inst.run(64, { record() {}, amend() {} }, () => false);
      assert.equal(n, 64);
      await inst.collect?.('after');
      return inst.extra!().leaderLogSyncsPerOp!;
    } finally {
      await inst.close();
    }
  } finally {
    await cleanup();
  }
}

test('batch=1 turns group commit off (one leader sync per op); auto groups concurrent clients', async () => {
  const off = await syncsPerOp(replicaWrite, { clients: '16', batch: '1' });
  const on = await syncsPerOp(replicaWrite, { clients: '16', batch: 'auto' });
  assert.ok(off >= 0.99, `batch=1: ${off} leader syncs per op`);
  assert.ok(on < 0.5, `auto: ${on} leader syncs per op`);
  for (const transport of ['tcp', 'local']) {
    const cluster = await syncsPerOp(clusterWrite, { nodes: '3', clients: '16', batch: '1', transport });
    assert.ok(cluster >= 0.99, `ClusterWrite transport=${transport} batch=1: ${cluster} leader syncs per op`);
  }
});
