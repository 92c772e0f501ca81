/**
 * Results files written before warnings became values (version 1: `warnings: string[]`) still read,
 * compare, report and gate: the reader migrates them once, classifying the sentences version 1 wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadBenchInput, readResults } from '../../harness/results/read.ts';
import { RESULTS_VERSION } from '../../analysis/results-schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { batchCommit } from '../report/fixture.ts';

const V1_WARNINGS = [
  '--dir /mnt/ram is on tmpfs: not durable; synced writes there cost no device time',
  'machine busy at start: load average 3.1 on 2 CPUs; expect noise',
  'incomplete run: interrupted by SIGINT; only finished runs are included',
  'a sentence no version-1 bench wrote',
];

/** A version-1 results file as `bench` wrote it before version 2: same shape, prose warnings. */
function v1(): Record<string, unknown> {
  return { ...batchCommit(), version: 1, complete: false, incompleteReason: 'interrupted by SIGINT', warnings: V1_WARNINGS };
}

async function withFiles(fn: (oldFile: string, newFile: string, dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tmpDir('results-v1-');
  try {
    const oldFile = path.join(dir, 'v1.json');
    const newFile = path.join(dir, 'v2.json');
    writeFileSync(oldFile, JSON.stringify(v1()));
    writeFileSync(newFile, JSON.stringify(batchCommit()));
    await fn(oldFile, newFile, dir);
  } finally {
    await cleanup();
  }
}

test('a version-1 results file reads as the current version, its prose warnings classified once', async () => {
  await withFiles(async (oldFile) => {
    const r = await readResults(oldFile);
    assert.equal(r.version, RESULTS_VERSION);
    assert.deepEqual(r.warnings.map((w) => [w.code, w.severity]), [
      ['data-dir-not-durable', 'severe'],
      ['machine-busy', 'warning'],
      ['incomplete-run', 'severe'],
      ['legacy', 'warning'],
    ]);
    assert.deepEqual(r.warnings.map((w) => w.text), V1_WARNINGS);

    // The run's warnings travel with its records, labelled, and the incomplete run is not said twice.
    const set = await loadBenchInput(oldFile);
    assert.equal(set.runWarnings?.length, V1_WARNINGS.length);
    assert.ok(set.runWarnings?.every((w) => w.source === oldFile));
    assert.equal(set.runWarnings?.filter((w) => w.code === 'incomplete-run').length, 1);
  });
});

test('compare, report and gate accept a version-1 file and show its warnings', async () => {
  await withFiles(async (oldFile, newFile, dir) => {
    const cmp = runCli(['compare', oldFile, newFile]);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout, /BatchCommit/);
    for (const w of V1_WARNINGS) assert.ok(cmp.stderr.includes(`raftbench: warning: ${oldFile}: ${w}\n`), cmp.stderr);
    assert.equal(cmp.stderr.match(/incomplete run/g)?.length, 1, cmp.stderr);

    const html = path.join(dir, 'r.html');
    const rep = runCli(['report', oldFile, '-o', html]);
    assert.equal(rep.code, 0, rep.stderr);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /<section class="warnings severe" id="warnings">/);
    for (const w of V1_WARNINGS) assert.ok(page.includes(w.replace(/&/g, '&amp;')), w);
    // severe ones are emphasised, the rest not
    assert.ok(page.includes(`<strong>${V1_WARNINGS[0]}</strong>`));
    assert.ok(!page.includes(`<strong>${V1_WARNINGS[3]}</strong>`));

    const gate = runCli(['gate', '--baseline', oldFile, '--current', newFile, '--allow-incomplete']);
    assert.ok(gate.code === 0 || gate.code === 1, `exit ${gate.code}: ${gate.stderr}`);
    assert.ok(gate.stdout.includes(`baseline ${oldFile}: ${V1_WARNINGS[0]}`), gate.stdout);
  });
});
