/**
 * The WAL's one-step durable append on the real file system (`NodeFs`, both `io` modes): a synced append
 * is one `writeDurable` when nothing unsynced is outstanding, and `write` then `datasync` when something
 * is (O_DSYNC covers only the range written), and what was written replays after reopening.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeFs, type WalFile, type WalFs, type WalIo } from '../../engines/wal/fs.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

type Calls = { write: number; datasync: number; writeDurable: number };

/** NodeFs with every file's calls counted. */
function counting(io: WalIo, calls: Calls): WalFs {
  const fs = new NodeFs(io);
  return Object.assign(Object.create(fs) as WalFs, {
    async open(p: string, o: { create: boolean }): Promise<WalFile> {
      const f = await fs.open(p, o);
      return {
        write: (d, pos) => (calls.write++, f.write(d, pos)),
        datasync: () => (calls.datasync++, f.datasync()),
        writeDurable: (d, pos) => (calls.writeDurable++, f.writeDurable!(d, pos)),
        probe: () => f.probe!(),
        truncate: (n) => f.truncate(n),
        close: () => f.close(),
      };
    },
  });
}

for (const io of ['pool', 'inline'] as const) {
  test(`wal io=${io}: a synced append is one durable write unless an unsynced one is outstanding`, async () => {
    const { dir, cleanup } = await tmpDir();
    try {
      const calls: Calls = { write: 0, datasync: 0, writeDurable: 0 };
      const e = await WalEngine.open(dir, { fs: counting(io, calls), segmentBytes: 1 << 16, prepareAhead: false });
      const base = { ...calls };
      const key = (i: number) => Buffer.from(`k${i}`);
      await e.write([{ type: 'put', key: key(1), value: Buffer.alloc(1024, 1) }], { sync: true });
      assert.deepEqual({ w: calls.write - base.write, s: calls.datasync - base.datasync, d: calls.writeDurable - base.writeDurable }, { w: 0, s: 0, d: 1 });
      await e.write([{ type: 'put', key: key(2), value: Buffer.alloc(1024, 2) }], { sync: false });
      await e.write([{ type: 'put', key: key(3), value: Buffer.alloc(1024, 3) }], { sync: true });
      // The unsynced write is outside the range a durable write covers: the synced one falls back to fdatasync.
      assert.deepEqual({ w: calls.write - base.write, s: calls.datasync - base.datasync, d: calls.writeDurable - base.writeDurable }, { w: 2, s: 1, d: 1 });
      await e.write([{ type: 'put', key: key(4), value: Buffer.alloc(1024, 4) }], { sync: true });
      assert.equal(calls.writeDurable - base.writeDurable, 2);
      assert.ok((e.stats().fdatasyncs ?? 0) >= 3);
      await e.probe();
      await e.close();
      const again = await WalEngine.open(dir, { io });
      for (let i = 1; i <= 4; i++) assert.deepEqual(Buffer.from((await again.get(key(i)))!), Buffer.alloc(1024, i));
      await again.close();
    } finally {
      await cleanup();
    }
  });

  test(`wal io=${io}: appends across a segment rollover replay whole`, async () => {
    const { dir, cleanup } = await tmpDir();
    try {
      const e = await WalEngine.open(dir, { io, segmentBytes: 8192 });
      for (let i = 0; i < 40; i++) await e.write([{ type: 'put', key: Buffer.from(`k${i}`), value: Buffer.alloc(1000, i) }], { sync: true });
      assert.ok(e.segmentNames().length > 1);
      await e.close();
      const again = await WalEngine.open(dir, { io, segmentBytes: 8192 });
      for (let i = 0; i < 40; i++) assert.deepEqual(Buffer.from((await again.get(Buffer.from(`k${i}`)))!), Buffer.alloc(1000, i));
      await again.close();
    } finally {
      await cleanup();
    }
  });
}

// A replica appends unsynced records whenever only its commit index moved (HardState). With io 'inline'
// those appends and the sync after them must stay on the calling thread too: through libuv's pool each
// cost a round trip, which made the wal layout 12% slower than shared in clusters with twice the cpu wait.
test("inline appends and their syncs run on the calling thread; the pool's do not", async () => {
  const { dir, cleanup } = await tmpDir('wal-append-thread-');
  try {
    const { readFileSync } = await import('node:fs');
    // A request handed to libuv's pool is an active FSReq until its callback runs on this thread, which
    // cannot happen before the synchronous check right after the call.
    const poolRequests = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('FSReq')).length;
    const data = Buffer.from('unsynced HardState record');
    for (const io of ['inline', 'pool'] as const) {
      const file = `${dir}/${io}`;
      const f = await new NodeFs(io).open(file, { create: true });
      const before = poolRequests();
      const written = f.writeAppend!(data, 0);
      const afterWrite = poolRequests();
      await written;
      const synced = f.datasyncAppend!();
      const afterSync = poolRequests();
      await synced;
      await f.close();
      if (io === 'inline') {
        assert.equal(afterWrite, before, 'inline: the append went to the pool');
        assert.equal(afterSync, before, 'inline: the sync went to the pool');
      } else {
        assert.ok(afterWrite > before && afterSync > before, 'pool: the check sees pool requests');
      }
      assert.ok(readFileSync(file).includes(data), `${io}: bytes in the file`);
    }
  } finally {
    await cleanup();
  }
});

// Fault injection on the synchronous path (io 'inline'): the real file system, with the next sync failing
// as a dying disk's would. After a failed fdatasync the page cache's state is unknown (fsyncgate), so the
// log must refuse every later write rather than carry on.
for (const which of ['writeDurable', 'datasyncAppend'] as const) {
  test(`wal io=inline: a ${which} that fails rejects the write, and the log refuses writes from then on`, async () => {
    const { dir, cleanup } = await tmpDir('wal-sync-fail-');
    try {
      let failNext = false;
      const real = new NodeFs('inline');
      const fs: WalFs = Object.assign(Object.create(real) as WalFs, {
        async open(p: string, o: { create: boolean }): Promise<WalFile> {
          const f = await real.open(p, o);
          const now = f.now!;
          const maybeFail = () => {
            if (failNext) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          };
          return Object.assign(Object.create(f) as WalFile, {
            now: {
              writeDurable: (d: Uint8Array, pos: number) => (which === 'writeDurable' && maybeFail(), now.writeDurable(d, pos)),
              writeAppend: (d: Uint8Array, pos: number) => now.writeAppend(d, pos),
              datasyncAppend: () => (which === 'datasyncAppend' && maybeFail(), now.datasyncAppend()),
            },
          });
        },
      });
      const e = await WalEngine.open(dir, { fs, segmentBytes: 1 << 16, prepareAhead: false });
      const put = (i: number, sync: boolean) => e.write([{ type: 'put', key: Buffer.from(`k${i}`), value: Buffer.alloc(100, i) }], { sync });
      await put(1, true);
      // A durable write (nothing outstanding) goes through writeDurable; after an unsynced one, a synced
      // write is an append then datasyncAppend.
      if (which === 'datasyncAppend') await put(2, false);
      failNext = true;
      await assert.rejects(put(3, true), /EIO/);
      failNext = false;
      await assert.rejects(put(4, true), /refuses writes/);
      await assert.rejects(put(5, false), /refuses writes/);
      await e.close();
    } finally {
      await cleanup();
    }
  });
}
