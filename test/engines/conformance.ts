/**
 * The engine conformance suite: every Engine adapter must pass it. Call `engineConformance` from a
 * `*.test.ts` file with a factory that opens the engine in a given directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../engines/engine.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { deviceCheckUnavailable, flushesForSyncedWrites } from './device-sync-check.ts';

export interface ConformanceOptions {
  /** Whether the engine keeps data across close and reopen of the same directory. */
  readonly persistent: boolean;
  /** Whether the engine supports ordered scans over arbitrary keys (a pure log store may not). */
  readonly arbitraryKeys?: boolean;
}

const b = (s: string) => Buffer.from(s);
const str = (u: Uint8Array | undefined) => (u === undefined ? undefined : Buffer.from(u).toString());

export function engineConformance(name: string, open: (dir: string) => Promise<Engine>, opts: ConformanceOptions): void {
  async function withEngine(fn: (e: Engine, dir: string) => Promise<void>): Promise<void> {
    const { dir, cleanup } = await tmpDir(`${name}-`);
    const e = await open(dir);
    try {
      await fn(e, dir);
    } finally {
      await e.close().catch(() => {});
      await cleanup();
    }
  }

  test(`${name}: put/get round trip, overwrite, delete, missing key`, () =>
    withEngine(async (e) => {
      await e.write([{ type: 'put', key: b('a'), value: b('1') }], { sync: false });
      assert.equal(str(await e.get(b('a'))), '1');
      await e.write([{ type: 'put', key: b('a'), value: b('2') }], { sync: true });
      assert.equal(str(await e.get(b('a'))), '2');
      await e.write([{ type: 'del', key: b('a') }], { sync: false });
      assert.equal(await e.get(b('a')), undefined);
      assert.equal(await e.get(b('never')), undefined);
      const big = Buffer.alloc(300_000, 7);
      await e.write([{ type: 'put', key: b('big'), value: big }], { sync: true });
      assert.deepEqual(Buffer.from((await e.get(b('big')))!), big);
    }));

  test(`${name}: the engine keeps its own copy: changing the caller's buffers, or what get and scan returned, changes nothing`, () =>
    withEngine(async (e) => {
      const key = b('k1');
      const value = b('value-1');
      await e.write([{ type: 'put', key, value }], { sync: false });
      key.fill(0x7a);
      value.fill(0x7a);
      const got = await e.get(b('k1'));
      assert.equal(str(got), 'value-1');
      got!.fill(0x7a);
      const [[k, v]] = (await e.scan({})) as [[Uint8Array, Uint8Array]];
      assert.equal(str(k), 'k1');
      assert.equal(str(v), 'value-1');
      k.fill(0x7a);
      v.fill(0x7a);
      assert.equal(str(await e.get(b('k1'))), 'value-1');
      assert.deepEqual((await e.scan({})).map(([x, y]) => [str(x), str(y)]), [['k1', 'value-1']]);
    }));

  test(`${name}: a write after close rejects, and the process lives on`, async () => {
    const { dir, cleanup } = await tmpDir(`${name}-closed-`);
    try {
      const e = await open(dir);
      await e.write([{ type: 'put', key: b('a'), value: b('1') }], { sync: true });
      await e.close();
      await assert.rejects(e.write([{ type: 'put', key: b('b'), value: b('2') }], { sync: false }));
    } finally {
      await cleanup();
    }
  });

  test(`${name}: a batch is atomic (a bad op applies nothing)`, () =>
    withEngine(async (e) => {
      await e.write(
        [
          { type: 'put', key: b('x1'), value: b('1') },
          { type: 'put', key: b('x2'), value: b('2') },
          { type: 'del', key: b('x0') },
        ],
        { sync: false },
      );
      assert.equal(str(await e.get(b('x1'))), '1');
      assert.equal(str(await e.get(b('x2'))), '2');
      const bad = [
        { type: 'put', key: b('y1'), value: b('1') },
        { type: 'put', key: undefined, value: b('2') },
      ] as unknown as Parameters<Engine['write']>[0];
      await assert.rejects(e.write(bad, { sync: false }));
      assert.equal(await e.get(b('y1')), undefined);
    }));

  test(`${name}: scan returns keys in unsigned byte order with bounds, limit, reverse`, () =>
    withEngine(async (e) => {
      const keys = [[0x00], [0x01, 0x00], [0x01], [0x7f], [0x80], [0xfe, 0x01], [0x10, 0x20, 0x30]].map((k) => Buffer.from(k));
      await e.write(keys.map((key, i) => ({ type: 'put' as const, key, value: b(String(i)) })), { sync: false });
      const sorted = [...keys].sort(Buffer.compare).map((k) => k.toString('hex'));
      const all = (await e.scan({})).map(([k]) => Buffer.from(k).toString('hex'));
      assert.deepEqual(all, sorted);
      const mid = (await e.scan({ gte: Buffer.from([0x01]), lt: Buffer.from([0x80]) })).map(([k]) => Buffer.from(k).toString('hex'));
      assert.deepEqual(mid, ['01', '0100', '102030', '7f']);
      const rev = (await e.scan({ reverse: true, limit: 2 })).map(([k]) => Buffer.from(k).toString('hex'));
      assert.deepEqual(rev, ['fe01', '80']);
      const lim = await e.scan({ gte: Buffer.from([0x01]), limit: 1 });
      assert.equal(lim.length, 1);
      assert.equal(str(lim[0]![1]), String(keys.findIndex((k) => k.equals(Buffer.from([0x01])))));
    }));

  test(`${name}: range delete removes exactly [start, end)`, () =>
    withEngine(async (e) => {
      const key = (i: number) => Buffer.from(`k${String(i).padStart(4, '0')}`);
      await e.write(
        Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: key(i), value: b(String(i)) })),
        { sync: false },
      );
      await e.write([{ type: 'delRange', start: key(10), end: key(40) }, { type: 'put', key: b('z'), value: b('z') }], { sync: true });
      const left = (await e.scan({ gte: b('k'), lt: b('l') })).map(([k]) => Buffer.from(k).toString());
      assert.equal(left.length, 20);
      assert.equal(left[9], 'k0009');
      assert.equal(left[10], 'k0040');
      assert.equal(str(await e.get(b('z'))), 'z');
      assert.equal(e.counters().rangeDeletes, 1);
    }));

  test(`${name}: counters count batches, payload bytes and syncs`, () =>
    withEngine(async (e) => {
      const before = e.counters();
      await e.write([{ type: 'put', key: b('ab'), value: b('cde') }], { sync: false });
      await e.write([{ type: 'put', key: b('f'), value: b('g') }, { type: 'del', key: b('h') }], { sync: true });
      await e.sync();
      const after = e.counters();
      assert.equal(after.batches - before.batches, 2);
      assert.equal(after.bytes - before.bytes, 5 + 2 + 1);
      assert.equal(after.syncs - before.syncs, 2);
    }));

  if (opts.persistent) {
    // What reached the device, not the flag: a durable engine's N synced writes complete >= N device flushes.
    const SYNCED = 60;
    test(`${name}: ${SYNCED} synced writes complete at least ${SYNCED} device flushes`, async (t) => {
      const { dir, cleanup } = await tmpDir(`${name}-flush-`);
      try {
        const why = deviceCheckUnavailable(dir);
        if (why) return t.skip(why);
        const e = await open(dir);
        try {
          const flushes = await flushesForSyncedWrites(e, dir, SYNCED);
          assert.ok(flushes >= SYNCED, `${SYNCED} synced writes completed only ${flushes} device flushes: synced writes do not reach the device`);
          const observed = e.stats?.().durableSyncs;
          if (observed !== undefined) assert.ok(observed >= SYNCED, `the engine counts only ${observed} syncs of its own for ${SYNCED} synced writes`);
        } finally {
          await e.close().catch(() => {});
        }
      } finally {
        await cleanup();
      }
    });
  }

  if (opts.persistent) {
    test(`${name}: reopen keeps synced data`, async () => {
      const { dir, cleanup } = await tmpDir(`${name}-reopen-`);
      try {
        const e = await open(dir);
        await e.write([{ type: 'put', key: b('p1'), value: b('v1') }], { sync: false });
        await e.write([{ type: 'put', key: b('p2'), value: b('v2') }], { sync: true });
        await e.write([{ type: 'del', key: b('p1') }], { sync: true });
        await e.close();
        const again = await open(dir);
        assert.equal(await again.get(b('p1')), undefined);
        assert.equal(str(await again.get(b('p2'))), 'v2');
        assert.deepEqual(again.counters().batches, 0);
        await again.close();
      } finally {
        await cleanup();
      }
    });
  }
}
