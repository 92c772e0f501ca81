import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMigrateCrashCheck } from '../../crash/migrate-check.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('migrate SIGKILLed at random points leaves the store on exactly one layout with every acknowledged write', async () => {
  const { dir, cleanup } = await tmpDir('migrate-kill-');
  try {
    const lines: string[] = [];
    const [row] = await runMigrateCrashCheck({ dir, targets: ['dedicated'], kills: 3, seed: 7, groups: 4, writes: 400, bulk: { groups: 4, entries: 4000, valueBytes: 512 }, onProgress: (l) => lines.push(l) });
    assert.ok(row);
    assert.deepEqual(row.violations, [], lines.join('\n'));
    assert.equal(row.kills, 3);
    assert.equal(row.onOld + row.onNew, 3);
    assert.equal(row.lost, 0);
    assert.equal(row.checked, 400 * 5);
  } finally {
    await cleanup();
  }
});
