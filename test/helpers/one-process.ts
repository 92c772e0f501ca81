/**
 * Runs several test files in this one process: `make unit` passes this file to `node --test` with the
 * list in RAFTBENCH_ONE_PROCESS_TESTS (space-separated paths from the repository root). Node 20 starts a
 * process per test file, about 0.8 s of CPU for Node and tsx before a test runs; for files of small
 * in-process tests that start-up is most of their cost. Their tests run here one after another, in the
 * order given, as they would in their own process; each file still runs alone with `node --test FILE`.
 */
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cli.ts';

const files = (process.env['RAFTBENCH_ONE_PROCESS_TESTS'] ?? '').split(/\s+/).filter((f) => f !== '');
if (files.length === 0) {
  test('one-process: RAFTBENCH_ONE_PROCESS_TESTS names the test files to run', () => {
    throw new Error('RAFTBENCH_ONE_PROCESS_TESTS is empty: nothing would run (see the unit target of the Makefile)');
  });
}
for (const file of files) {
  try {
    await import(pathToFileURL(path.resolve(REPO_ROOT, file)).href);
  } catch (err) {
    // One file that does not load fails as a test of its own; the other files still run.
    test(`one-process: ${file} loads`, () => {
      throw err;
    });
  }
}
