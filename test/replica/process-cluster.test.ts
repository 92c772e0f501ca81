import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessCluster } from '../../node/cluster/process-cluster.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const key = (i: number) => Buffer.from(`k${String(i).padStart(5, '0')}`);

test('a 3-process cluster over TCP on 127.0.0.1: writes survive SIGKILL of the leader, the killed node restarts and catches up', { timeout: 120_000 }, async () => {
  const { dir, cleanup } = await tmpDir('proc-cluster-');
  const cluster = await ProcessCluster.open({ nodes: 3, layout: 'dedicated', dir });
  try {
    for (const id of cluster.ids) assert.equal(cluster.address(id)!.host, '127.0.0.1');
    const acked: number[] = [];
    for (let i = 0; i < 60; i++) {
      await cluster.put(key(i), Buffer.from(`v${i}`));
      acked.push(i);
    }
    const first = await cluster.leader();
    cluster.kill(first);
    for (let i = 60; i < 120; i++) {
      await cluster.put(key(i), Buffer.from(`v${i}`));
      acked.push(i);
    }
    const second = await cluster.leader();
    assert.notEqual(second, first);
    await cluster.start(first);
    const target = (await cluster.status(second))!.applied;
    const deadline = Date.now() + 30_000;
    while (((await cluster.status(first))?.applied ?? 0) < target) {
      assert.ok(Date.now() < deadline, 'restarted node did not catch up');
      await sleep(50);
    }
    for (const id of cluster.ids) {
      for (const i of acked) assert.equal((await cluster.get(id, key(i)))?.toString(), `v${i}`, `node ${id} key ${i}`);
    }
    assert.equal((await cluster.get(second, key(119), true))?.toString(), 'v119');
  } finally {
    await cluster.close();
    await cleanup();
  }
});
