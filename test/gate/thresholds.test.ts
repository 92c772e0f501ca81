import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { globToRegExp, parseThreshold, parseThresholdConfig, readThresholdConfig, thresholdFor } from '../../analysis/gate/thresholds.ts';
import { UserError } from '../../errors/user-error.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

test('thresholds parse as percentages', () => {
  assert.equal(parseThreshold('5%'), 0.05);
  assert.equal(parseThreshold('5'), 0.05);
  assert.equal(parseThreshold('12.5%'), 0.125);
  assert.equal(parseThreshold('0%'), 0);
  for (const bad of ['', 'abc', '-5%', '5%%', '1e3', '2000%', 'five']) assert.equal(parseThreshold(bad), undefined, bad);
});

test('globs: * spans slashes, ? is one character, the rest is literal', () => {
  const g = globToRegExp('BatchCommit/*vs=1048576*');
  assert.ok(g.test('BatchCommit/layout=shared/order=interleaved/vs=1048576'));
  assert.ok(g.test('BatchCommit/layout=dedicated/vs=1048576-4'));
  assert.ok(!g.test('BatchCommit/layout=shared/order=interleaved/vs=1024'));
  assert.ok(!g.test('XBatchCommit/vs=1048576'));
  assert.ok(globToRegExp('Batch?ommit/*').test('BatchCommit/a'));
  assert.ok(!globToRegExp('a.b').test('axb'));
  assert.ok(globToRegExp('x(1)+[y]').test('x(1)+[y]'));
});

test('first matching rule wins; metric-specific rules; default otherwise', () => {
  const t = parseThresholdConfig({
    thresholds: [
      { match: '*', metric: 'p99-ns', threshold: '20%' },
      { match: 'BatchCommit/*vs=1048576*', threshold: '10%' },
      { match: 'BatchCommit/*', threshold: '7%' },
    ],
    default: '3%',
  }, 'cfg');
  assert.deepEqual(thresholdFor(t, 'BatchCommit/layout=shared/vs=1048576', 'ns/op'), { threshold: 0.1, rule: 'BatchCommit/*vs=1048576*' });
  assert.deepEqual(thresholdFor(t, 'BatchCommit/layout=shared/vs=1048576', 'p99-ns'), { threshold: 0.2, rule: '*' });
  assert.deepEqual(thresholdFor(t, 'BatchCommit/layout=shared/vs=1024', 'ns/op'), { threshold: 0.07, rule: 'BatchCommit/*' });
  assert.deepEqual(thresholdFor(t, 'ReplicaWrite/vs=1024', 'ns/op'), { threshold: 0.03, rule: null });
  assert.equal(parseThresholdConfig({}, 'cfg', 0.05).fallback, 0.05);
});

test('bad config: one line naming the file and the problem', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [[], /not a JSON object/],
    [{ thresholds: {} }, /"thresholds" is not a list/],
    [{ thresholds: [{ match: 'x', threshold: 'lots' }] }, /thresholds\[0\]: "threshold" "lots" is not a percentage/],
    [{ thresholds: [{ threshold: '5%' }] }, /thresholds\[0\]: "match" must be a non-empty glob/],
    [{ thresholds: [{ match: 'x', threshold: '5%', glob: 1 }] }, /thresholds\[0\]: unknown key "glob"/],
    [{ default: '-1%' }, /"default" "-1%" is not a percentage/],
    [{ defaults: '5%' }, /unknown key "defaults"/],
  ];
  for (const [v, re] of cases) {
    assert.throws(() => parseThresholdConfig(v, '--config c.json'), (e: unknown) => e instanceof UserError && re.test(e.message) && !e.message.includes('\n'));
  }
  const { dir, cleanup } = await tmpDir('gate-cfg-');
  try {
    const f = path.join(dir, 'bad.json');
    await writeFile(f, '{"thresholds": [');
    await assert.rejects(readThresholdConfig(f), /--config .*bad\.json: invalid JSON/);
    await assert.rejects(readThresholdConfig(path.join(dir, 'none.json')), /no such file/);
  } finally {
    await cleanup();
  }
});
