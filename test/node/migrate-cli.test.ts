import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('raftbench migrate: fills, migrates with progress and times, and refuses a wrong --from in one line', async () => {
  const { dir, cleanup } = await tmpDir('migrate-cli-');
  try {
    const d = path.join(dir, 'store');
    const ok = runCli(['migrate', '--from', 'shared', '--to', 'wal', '--dir', d, '--fill-groups', '3', '--fill-entries', '50']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /shared -> wal .*3 groups, 153 rows/);
    assert.match(ok.stdout, /offline for \d+\.\d+ s: read .* copy\+sync .* verify/);
    assert.match(ok.stderr, /migrate copy: 3\/3 groups \(100%\)/);
    assert.equal(JSON.parse(readFileSync(path.join(d, 'LAYOUT'), 'utf8')).layout, 'wal');

    const wrong = runCli(['migrate', '--from', 'shared', '--to', 'dedicated', '--dir', d]);
    assert.equal(wrong.code, 2);
    const line = wrong.stderr.trim().split('\n').filter((l) => l.startsWith('raftbench:'));
    assert.equal(line.length, 1);
    assert.match(line[0]!, /is in layout "wal".*not --from shared/);
    assert.ok(!wrong.stderr.includes('    at '), 'no stack trace');
  } finally {
    await cleanup();
  }
});
