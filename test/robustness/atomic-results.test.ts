import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

/**
 * Another process reads `file` in a tight loop until `stop` exists, parsing every read; prints
 * `{reads, bad, versions, firstBad}` where versions counts distinct run totals seen.
 */
const READER = `
const fs = require('node:fs');
const [file, stop] = process.argv.slice(1);
let reads = 0, bad = 0, firstBad = null;
const versions = new Set();
while (!fs.existsSync(stop)) {
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { if (e.code === 'ENOENT') continue; throw e; }
  reads++;
  try {
    const r = JSON.parse(text);
    if (r.schema !== 'raftbench/results' || !Array.isArray(r.benchmarks)) throw new Error('not results');
    versions.add(r.benchmarks.reduce((n, b) => n + b.runs.length, 0));
  } catch (e) { bad++; if (!firstBad) firstBad = text.length + ' bytes: ' + String(e).slice(0, 120); }
}
process.stdout.write(JSON.stringify({ reads, bad, versions: versions.size, firstBad }));
`;

test('results.json is replaced atomically: a process reading it in a tight loop during a bench always parses a whole file', async () => {
  const { dir, cleanup } = await tmpDir('atomic-');
  try {
    const out = path.join(dir, 'out');
    const file = path.join(out, 'results.json');
    const stop = path.join(dir, 'stop');
    const reader = spawn(process.execPath, ['-e', READER, file, stop], { stdio: ['ignore', 'pipe', 'pipe'] });
    let readerOut = '';
    reader.stdout.on('data', (d: Buffer) => (readerOut += d.toString()));
    const readerDone = new Promise<number | null>((r) => reader.on('close', r));

    // Many short runs, each followed by a rewrite of results.json and bench.txt.
    const bench = startCli(['bench', '--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory,shared', '--sizes', '1k,64k', '--count', '15', '--ops', '8', '--out', out, '--dir', path.join(dir, 'data'), '--no-calibrate', '--no-report', '--quiet']);
    const code = await bench.done;
    writeFileSync(stop, '');
    assert.equal(await readerDone, 0);
    assert.equal(code, 0, bench.output().stderr);

    const seen = JSON.parse(readerOut) as { reads: number; bad: number; versions: number; firstBad: string | null };
    assert.equal(seen.bad, 0, `a reader saw a partial results.json: ${seen.firstBad}`);
    assert.ok(seen.reads > 100, `the reader read ${seen.reads} times`);
    assert.ok(seen.versions >= 10, `the reader saw ${seen.versions} successive versions (the file was rewritten under it)`);
    const final = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
    assert.equal(final.complete, true);
    assert.equal(final.benchmarks.reduce((n, b) => n + b.runs.length, 0), 4 * 2 * 15);
    assert.deepEqual(readdirSync(out).filter((n) => n.includes('.tmp')), [], 'no temporary files left behind');
  } finally {
    await cleanup();
  }
});
