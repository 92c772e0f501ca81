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
