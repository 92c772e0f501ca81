/**
 * Family parameters are parsed and checked for the whole plan before anything opens: a bad value ends
 * `bench` in one line naming the parameter, the value and what is valid (a UserError, exit 2), with no
 * data directory made and no layout opened, even when it sits behind cases that are fine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { command as bench } from '../../cli/commands/bench.ts';
import { userErrorLine } from '../../cli/exit-codes.ts';
import { makePlan, type Catalog } from '../../harness/runner/plan.ts';
import { FAMILIES, SUITES, type Family, type Suite } from '../../scenarios/index.ts';
import { defineFamily } from '../../scenarios/family.ts';
import { enumParam, ParamError, VALUE_SIZE } from '../../scenarios/params.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** A family that counts how often it was opened (and would open its layout). */
function spyFamily(): { family: Family; opened: () => number } {
  let opened = 0;
  const family = defineFamily({
    name: 'Spy',
    summary: 'counts opens',
    nameOrder: ['layout', 'mode', 'vs'],
    params: { mode: enumParam(['a', 'b']), vs: VALUE_SIZE },
    bytesPerOp: (p) => p.vs,
    async open() {
      opened++;
      throw new Error('Spy: a case was opened');
    },
  });
  return { family, opened: () => opened };
}

function catalogWith(order: string, spy: Family): Catalog {
  const suite: Suite = {
    name: 'bad', summary: 'a fine case, then a bad one', count: 1, targetRunMs: 1, minOps: 1, maxOps: 1, warmupOps: 1, firstUseWarmupMs: 0,
    entries: [
      { family: 'Spy', sizes: [1024], axes: { mode: ['a'] }, layouts: ['memory'] },
      { family: 'BatchCommit', sizes: [1024], axes: { order: ['interleaved', order] }, layouts: ['memory', 'shared'] },
    ],
  };
  return { suites: [...SUITES, suite], families: [...FAMILIES, spy] };
}

test('makePlan checks every case: BatchCommit order=sideways is a ParamError naming parameter, value and valid values', () => {
  const { family, opened } = spyFamily();
  assert.throws(
    () => makePlan({ suite: 'bad' }, catalogWith('sideways', family)),
    (err: unknown) => {
      assert.ok(err instanceof ParamError, String(err));
      assert.equal(err.message, 'BatchCommit: bad parameter order=sideways; valid: interleaved, sequential');
      return true;
    },
  );
  assert.equal(opened(), 0);
  // The same suite with a good value plans, typed.
  const plan = makePlan({ suite: 'bad' }, catalogWith('sequential', family));
  const seq = plan.groups.flat().find((c) => c.params.order === 'sequential');
  assert.deepEqual(seq?.typed, { order: 'sequential', vs: 1024 });
});

test('bench with a bad parameter value stops in one line before any directory is made or layout opened (exit 2)', async () => {
  const { dir, cleanup } = await tmpDir('plan-params-');
  try {
    const { family, opened } = spyFamily();
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'out');
    const err = await bench.run(['--suite', 'bad', '--dir', data, '--out', out, '--no-calibrate', '--no-report', '--quiet'], { catalog: catalogWith('sideways', family) }).then(
      (code) => assert.fail(`bench returned ${code}`),
      (e: unknown) => e,
    );
    const line = userErrorLine(err); // non-null: a user error, which the CLI ends with exit 2
    assert.equal(line, 'BatchCommit: bad parameter order=sideways; valid: interleaved, sequential');
    assert.ok(!line.includes('\n'));
    assert.equal(opened(), 0, 'no case opened');
    assert.equal(existsSync(data), false, 'no data directory (no scratch, no layout)');
    assert.equal(existsSync(out), false, 'no results directory');
  } finally {
    await cleanup();
  }
});

test('every named suite plans: its parameters all parse', () => {
  for (const s of SUITES) assert.ok(makePlan({ suite: s.name }).groups.length > 0, s.name);
});
