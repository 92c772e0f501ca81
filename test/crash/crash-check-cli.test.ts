import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

interface Row {
  layout: string;
  nodes: number;
  crash: string;
  sync: string;
  kills: number;
  survived: number;
  acked: number;
  truncations: number;
  violations: number;
}

/** The table rows of crash-check's output. */
function rows(stdout: string): Row[] {
  const out: Row[] = [];
  for (const line of stdout.split('\n')) {
    const c = line.trim().split(/\s+/);
    if (c.length !== 11 || c[0] === 'layout') continue;
    out.push({
      layout: c[0]!, nodes: Number(c[1]), crash: c[2]!, sync: c[3]!, kills: Number(c[4]), survived: Number(c[5]!.split('/')[0]),
      acked: Number(c[6]), truncations: Number(c[8]), violations: Number(c[10]),
    });
  }
  return out;
}

function row(all: Row[], layout: string, nodes: number, sync = 'on'): Row {
  const r = all.find((x) => x.layout === layout && x.nodes === nodes && x.sync === sync);
  assert.ok(r, `no row for ${layout} nodes=${nodes} sync=${sync}`);
  return r;
}

test('crash-check (SIGKILL): single-node shared and wal, and a 3-node dedicated cluster, survive every kill with truncations under way', async () => {
  const { dir, cleanup } = await tmpDir('cc-kill-');
  try {
    const single = runCli(['crash-check', '--layout', 'shared,wal', '--kills', '2', '--seed', '7', '--dir', path.join(dir, 'a')]);
    assert.equal(single.code, 0, single.stdout + single.stderr);
    const cluster = runCli(['crash-check', '--layout', 'dedicated', '--nodes', '3', '--kills', '1', '--seed', '7', '--dir', path.join(dir, 'b')]);
    assert.equal(cluster.code, 0, cluster.stdout + cluster.stderr);
    const all = [...rows(single.stdout), ...rows(cluster.stdout)];
    for (const [layout, nodes, kills] of [['shared', 1, 2], ['wal', 1, 2], ['dedicated', 3, 1]] as const) {
      const r = row(all, layout, nodes);
      assert.equal(r.crash, 'sigkill');
      assert.equal(r.kills, kills, `${layout}: kills`);
      assert.equal(r.survived, kills, `${layout}: survived every kill`);
      assert.equal(r.violations, 0);
      assert.ok(r.acked > 0, `${layout}: writes were acknowledged`);
      assert.ok(r.truncations > 0, `${layout}: the log was truncated under load`);
    }
    assert.ok(!existsSync(path.join(dir, 'a', 'shared-n1-sigkill-sync-on')), 'case data removed after a clean run');
  } finally {
    await cleanup();
  }
});

test('crash-check --power-loss: the RFC truncation edge case is found on dedicated and wal with the sync off, never with it on; exit 1', async () => {
  const { dir, cleanup } = await tmpDir('cc-pl-');
  try {
    const r = runCli(['crash-check', '--power-loss', '--layout', 'dedicated,wal', '--truncation-sync', 'both', '--kills', '2', '--seed', '3', '--dir', dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const all = rows(r.stdout);
    for (const layout of ['dedicated', 'wal']) {
      const on = row(all, layout, 1, 'on');
      assert.equal(on.crash, 'power-loss');
      assert.equal(on.violations, 0, `${layout} with the sync: ${r.stdout}`);
      assert.equal(on.survived, 2);
      const off = row(all, layout, 1, 'off');
      assert.ok(off.violations > 0, `${layout} without the sync must lose entries`);
      assert.equal(off.survived, 0);
      assert.match(r.stdout, new RegExp(`${layout} nodes=1 power-loss trunc-sync=off: after kill 1: node 1: recovery: .*entries 1\\.\\.\\d+ are in neither engine`));
    }
    assert.match(r.stdout, /^data kept in /m);
  } finally {
    await cleanup();
  }
});

test('crash-check bad input: one line naming the value, exit 2', async () => {
  const { dir, cleanup } = await tmpDir('cc-bad-');
  try {
    const cases: Array<[string[], RegExp]> = [
      [['--layout', 'memory'], /layout "memory" keeps nothing across a restart; valid: shared, dedicated/],
      [['--layout', 'bogus'], /unknown layout "bogus"; valid: shared/],
      [['--nodes', '2'], /--nodes "2" is not 1 or 3/],
      [['--kills', '0'], /--kills "0" is not an integer >= 1/],
      [['--truncation-sync', 'maybe'], /unknown --truncation-sync value "maybe"; valid: on, off, both/],
      [['--frob'], /unknown flag --frob/],
    ];
    for (const [args, re] of cases) {
      const r = runCli(['crash-check', ...args, '--dir', dir]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, re);
    }
  } finally {
    await cleanup();
  }
});
