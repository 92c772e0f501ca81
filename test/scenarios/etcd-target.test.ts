import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { clusterWrite } from '../../scenarios/cluster-write.ts';
import { reads } from '../../scenarios/reads.ts';
import { parseParams } from '../../scenarios/params.ts';
import { findLayout } from '../../engines/layouts/index.ts';
import type { Family } from '../../scenarios/family.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const haveEtcd = spawnSync('etcd', ['--version']).status === 0;

async function runCase(family: Family, raw: Record<string, string>, ops: number) {
  const params = parseParams(family.name, family.params, { vs: '1024', ...raw });
  const { dir, cleanup } = await tmpDir('etcd-');
  try {
    const inst = await family.open({ params, layout: findLayout('wal'), layoutOptions: { dir, binding: 'rocksdb', budget: { memtableBytes: 4 << 20, cacheBytes: 1 << 20 } }, seed: 1 });
    try {
      await inst.collect?.('before');
      assert.equal(await inst.run(ops, { record() {}, amend() {} }, () => false), ops);
      await inst.collect?.('after');
      return { extra: inst.extra!(), remoteSyncs: inst.remoteSyncs?.() ?? 0 };
    } finally {
      await inst.close();
    }
  } finally {
    await cleanup();
  }
}

test('transport=etcd drives the same load on an etcd 3.4 cluster and reads its WAL fsyncs from /metrics', { skip: haveEtcd ? false : 'no etcd binary (apt-get install etcd-server)' }, async () => {
  const w = await runCase(clusterWrite, { nodes: '3', clients: '1', transport: 'etcd' }, 30);
  assert.equal(w.extra.etcd, 1);
  // One client: etcd's leader fsyncs its WAL once per write at least.
  assert.ok(w.extra.leaderLogSyncsPerOp! >= 0.9, `leader WAL fsyncs/op ${w.extra.leaderLogSyncsPerOp}`);
  assert.ok(w.extra.raftBytesPerOp! >= 3 * 1024, `WAL bytes/op over the cluster ${w.extra.raftBytesPerOp}`);
  assert.ok(w.remoteSyncs >= 30 * 2.5, `syncs ${w.remoteSyncs}`);
  const r = await runCase(reads, { read: 'linearizable', readers: '4', transport: 'etcd' }, 40);
  assert.equal(r.extra.etcd, 1);
  assert.equal(r.extra.writesPerRead, 0);
});
