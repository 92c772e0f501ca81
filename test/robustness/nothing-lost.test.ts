import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NODE_ARGS, REPO_ROOT, runCli, startCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { readResults } from '../../harness/results/read.ts';
import type { ResultsFile } from '../../analysis/results-schema.ts';

// Issue 16, items 1, 2, 3, 5, 6: results and locks.

const TINY = ['--suite', 'smoke', '--scenario', 'BatchCommit', '--layout', 'memory', '--sizes', '1k', '--ops', '50', '--count', '1', '--no-calibrate', '--no-report', '--quiet'];
/** Long enough to be stopped part-way: many short runs. */
const LONG = ['--suite', 'quick', '--layout', 'memory', '--sizes', '1k', '--ops', '40', '--count', '200', '--no-calibrate', '--no-report', '--quiet'];

async function waitForRuns(file: string, n = 1): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    assert.ok(Date.now() < deadline, `no run in ${file} within 90 s`);
    try {
      const r = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
      if (r.benchmarks.reduce((k, b) => k + b.runs.length, 0) >= n) return;
    } catch {
      // not there yet, or being replaced
    }
    await sleep(100);
  }
}

test('item 1: two benches with the same --out started together: one runs, the other is refused; the out dir holds the one that ran', async () => {
  const { dir, cleanup } = await tmpDir('claim-');
  try {
    const out = path.join(dir, 'out');
    const a = startCli(['bench', ...TINY, '--out', out, '--dir', path.join(dir, 'da')]);
    const b = startCli(['bench', ...TINY, '--out', out, '--dir', path.join(dir, 'db')]);
    const codes = await Promise.all([a.done, b.done]);
    assert.deepEqual([...codes].sort(), [0, 2], `${a.output().stderr}\n${b.output().stderr}`);
    const loser = codes[0] === 2 ? a : b;
    assert.match(loser.output().stderr, /already holds results/);
    const winnerDir = codes[0] === 0 ? 'da' : 'db';
    const r = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
    assert.equal(r.config.dataDir, path.join(dir, winnerDir));
    assert.equal(r.complete, true);
  } finally {
    await cleanup();
  }
});

test('item 2: a lock naming a live pid that is not its owner (a reused pid) does not block', async () => {
  const { dir, cleanup } = await tmpDir('lock-reuse-');
  try {
    const data = path.join(dir, 'data');
    mkdirSync(data, { recursive: true });
    // This test process is alive but is no raftbench: a lock naming it (as a bare pid, the old format;
    // or with a start time it does not have) was left by a process whose pid was reused.
    for (const [i, text] of [`${process.pid}\n`, `${process.pid} 1 20200101-000000-quick\n`].entries()) {
      writeFileSync(path.join(data, '.raftbench.lock'), text);
      const r = runCli(['bench', ...TINY, '--out', path.join(dir, `out${i}`), '--dir', data]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(path.join(data, '.raftbench.lock')), 'released');
    }
  } finally {
    await cleanup();
  }
});

test('item 2: of many starters that find the same stale lock, exactly one takes it', async () => {
  const { dir, cleanup } = await tmpDir('lock-race-');
  try {
    const lockTs = path.join(REPO_ROOT, 'harness', 'runner', 'lock.ts');
    // Each child loads the lock code, says it is ready, and waits on stdin for the moment to try; then all
    // try the lock at that same moment, hold it for 1.5 s, and say whether they got it.
    const script = `
      import { lockDataDir } from ${JSON.stringify(lockTs)};
      process.stdout.write('ready\\n');
      let line = '';
      for await (const chunk of process.stdin) line += chunk;
      const at = Number(line);
      while (Date.now() < at) {}
      try { const un = lockDataDir(${JSON.stringify(dir)}); console.log('got'); setTimeout(un, 1500); }
      catch (e) { console.log('busy', e.message); }`;
    for (let round = 0; round < 3; round++) {
      writeFileSync(path.join(dir, '.raftbench.lock'), round === 0 ? '' : '999999999 1 dead-run\n'); // empty (old writer) or a dead pid
      const children = Array.from({ length: 6 }, () => {
        const c = spawn(process.execPath, [...NODE_ARGS, '--input-type=module', '-e', script], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
        let s = '';
        const ready = new Promise<void>((resolve, reject) => {
          c.stdout.on('data', (d: Buffer) => {
            s += d.toString();
            if (s.startsWith('ready\n')) resolve();
          });
          c.on('close', (code) => reject(new Error(`a starter exited (${code}) before it was ready: ${s}`)));
        });
        const out = new Promise<string>((resolve) => c.on('close', () => resolve(s.replace(/^ready\n/, '').trim())));
        return { c, ready, out };
      });
      try {
        await Promise.all(children.map((k) => k.ready));
      } catch (err) {
        for (const k of children) k.c.kill('SIGKILL');
        throw err;
      }
      // Everyone is loaded and waiting: the moment is just ahead, so each one spins until it.
      const at = Date.now() + 100;
      for (const k of children) k.c.stdin.end(`${at}\n`);
      const outs = await Promise.all(children.map((k) => k.out));
      assert.equal(outs.filter((o) => o === 'got').length, 1, outs.join('\n'));
      assert.ok(outs.filter((o) => o !== 'got').every((o) => /in use by another raftbench|keep taking it/.test(o)), outs.join('\n'));
    }
  } finally {
    await cleanup();
  }
});

test('item 3: report never overwrites its input or a file that is not a raftbench report; bench never overwrites files it did not write', async () => {
  const { dir, cleanup } = await tmpDir('noclobber-');
  try {
    const res = path.join(dir, 'r');
    assert.equal(runCli(['bench', ...TINY, '--out', res, '--dir', path.join(dir, 'data')]).code, 0);
    const json = path.join(res, 'results.json');
    const before = readFileSync(json, 'utf8');
    for (const o of [json, path.join(res, 'bench.txt')]) {
      const r = runCli(['report', res, '-o', o]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /overwrite|not a raftbench report/);
    }
    const viaFile = runCli(['report', json, '-o', json]);
    assert.equal(viaFile.code, 2, viaFile.stderr);
    assert.equal(readFileSync(json, 'utf8'), before);
    const mine = path.join(dir, 'notes.html');
    writeFileSync(mine, '<p>my notes</p>');
    assert.equal(runCli(['report', res, '-o', mine]).code, 2);
    assert.equal(readFileSync(mine, 'utf8'), '<p>my notes</p>');
    // A report raftbench wrote may be written again.
    const rep = path.join(dir, 'rep.html');
    assert.equal(runCli(['report', res, '-o', rep]).code, 0);
    assert.equal(runCli(['report', res, '-o', rep]).code, 0);

    for (const f of ['bench.txt', 'report.html']) {
      const d = path.join(dir, `foreign-${f}`);
      mkdirSync(d);
      writeFileSync(path.join(d, f), 'not raftbench\n');
      const r = runCli(['bench', ...TINY.filter((a) => a !== '--no-report'), '--out', d, '--dir', path.join(dir, 'data')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`already holds a ${f.replace('.', '\\.')}`));
      assert.equal(readFileSync(path.join(d, f), 'utf8'), 'not raftbench\n');
      assert.ok(!existsSync(path.join(d, 'results.json')));
    }
  } finally {
    await cleanup();
  }
});

test('item 5: after SIGKILL, the next bench removes the scratch left behind, and a reader marks the results as killed', async () => {
  const { dir, cleanup } = await tmpDir('killed-');
  try {
    const data = path.join(dir, 'data');
    const out = path.join(dir, 'killed');
    const c = startCli(['bench', ...LONG, '--out', out, '--dir', data]);
    await waitForRuns(path.join(out, 'results.json'));
    c.kill('SIGKILL');
    await c.done;
    const left = readdirSync(data).filter((n) => n !== '.raftbench.lock');
    assert.ok(left.length > 0, 'the killed run left its scratch directory');

    const r = await readResults(out);
    assert.equal(r.complete, false);
    assert.match(r.incompleteReason ?? '', /^killed/);
    assert.ok(r.warnings.some((w) => w.code === 'incomplete-run' && /killed/.test(w.text)));

    const next = runCli(['bench', ...TINY, '--out', path.join(dir, 'next'), '--dir', data]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(readdirSync(data), [], 'stale scratch and lock gone');
  } finally {
    await cleanup();
  }
});

test('item 5: a results file of a run that is still going stays "running"', async () => {
  const { dir, cleanup } = await tmpDir('live-');
  const c = startCli(['bench', ...LONG, '--out', path.join(dir, 'out'), '--dir', path.join(dir, 'data')]);
  try {
    await waitForRuns(path.join(dir, 'out', 'results.json'));
    assert.equal((await readResults(path.join(dir, 'out'))).incompleteReason, 'running');
  } finally {
    c.kill('SIGINT');
    await c.done;
    await cleanup();
  }
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`item 6: ${sig} to the documented \`npm run -s raftbench -- bench\` stops the bench as Ctrl-C does`, async () => {
    const { dir, cleanup } = await tmpDir('npm-sig-');
    const data = path.join(dir, 'data');
    try {
      const out = path.join(dir, 'out');
      const npm = spawn('npm', ['run', '-s', 'raftbench', '--', 'bench', ...LONG, '--out', out, '--dir', data], { cwd: REPO_ROOT, stdio: 'ignore' });
      const done = new Promise<void>((resolve) => npm.on('close', () => resolve()));
      await waitForRuns(path.join(out, 'results.json'));
      npm.kill(sig);
      await done;
      // The bench itself: stopped, results marked, lock released.
      const deadline = Date.now() + 20_000;
      while (existsSync(path.join(data, '.raftbench.lock')) && Date.now() < deadline) await sleep(100);
      assert.ok(!existsSync(path.join(data, '.raftbench.lock')), 'the bench still runs, orphaned, holding the lock');
      const r = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as ResultsFile;
      assert.equal(r.incompleteReason, `interrupted by ${sig}`);
    } finally {
      // An orphan from a failed run of this test: stop it by the pid its lock names.
      try {
        const pid = Number(readFileSync(path.join(data, '.raftbench.lock'), 'utf8').split(' ')[0]);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // none
      }
      await cleanup();
    }
  });
}
