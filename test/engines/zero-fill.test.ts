/**
 * Space that small writes later overwrite is zero-filled in small writes (engines/zero-fill.ts): a large
 * write leaves large page-cache folios, and every later 1 KiB write+fdatasync into them costs ~25 µs more.
 * Checked by counting the writes, on real files: the WAL's segments, the floor `calibrate` measures.
 */
import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { calibrate } from '../../harness/calibrate/calibrate.ts';
import { NodeFs, type WalFile } from '../../engines/wal/fs.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { ZERO_FILL_CHUNK, zeroFillSync } from '../../engines/zero-fill.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

/** Write syscalls this thread has made (`/proc/thread-self/io`). */
function threadWrites(): number {
  const m = /^syscw: (\d+)$/m.exec(readFileSync('/proc/thread-self/io', 'utf8'));
  assert.ok(m, 'no syscw in /proc/thread-self/io');
  return Number(m[1]);
}

test('zeroFillSync writes zeros over [from, to) in ZERO_FILL_CHUNK writes at most', async () => {
  const { dir, cleanup } = await tmpDir('rb-zero-');
  try {
    const file = path.join(dir, 'f');
    const fd = openSync(file, 'w+');
    const to = 1 << 20;
    const before = threadWrites();
    zeroFillSync(fd, to, 100);
    const writes = threadWrites() - before;
    assert.equal(fstatSync(fd).size, to);
    closeSync(fd);
    assert.ok(readFileSync(file).every((b) => b === 0));
    assert.ok(writes >= Math.ceil((to - 100) / ZERO_FILL_CHUNK), `${writes} writes for ${to - 100} bytes`);
    assert.ok(ZERO_FILL_CHUNK <= 64 << 10, 'a chunk over 64 KiB leaves folios that slow small writes');
  } finally {
    await cleanup();
  }
});

test('the WAL zero-fills a segment in ZERO_FILL_CHUNK writes, on the real file system', async () => {
  const { dir, cleanup } = await tmpDir('rb-zero-wal-');
  try {
    const sizes: number[] = [];
    const real = new NodeFs('inline');
    // The real file system, watched: every write's length is recorded, nothing is changed.
    const fs = Object.assign(Object.create(real) as NodeFs, {
      async open(p: string, o: { create: boolean }): Promise<WalFile> {
        const f = await real.open(p, o);
        return Object.assign(Object.create(f) as WalFile, {
          write: (d: Uint8Array, pos: number) => {
            sizes.push(d.byteLength);
            return f.write(d, pos);
          },
          // The synchronous path (io: 'inline'), which an awaited zero-fill takes.
          now: f.now && {
            ...f.now,
            writeAppend: (d: Uint8Array, pos: number) => {
              sizes.push(d.byteLength);
              f.now!.writeAppend(d, pos);
            },
          },
        });
      },
    });
    const segmentBytes = 1 << 20;
    const e = await WalEngine.open(dir, { fs, segmentBytes, io: 'inline' });
    await e.write([{ type: 'put', key: Buffer.from('k'), value: Buffer.alloc(1024, 1) }], { sync: true });
    await e.close();
    const zeroFill = sizes.reduce((a, b) => a + b, 0);
    assert.ok(zeroFill >= segmentBytes, `zero-filled ${zeroFill} of ${segmentBytes} bytes`);
    assert.ok(Math.max(...sizes) <= ZERO_FILL_CHUNK, `largest write ${Math.max(...sizes)} bytes`);
    const [segment] = (await real.list(dir)).filter((n) => n.endsWith('.wal'));
    const fd = openSync(path.join(dir, segment!), 'r');
    assert.equal(fstatSync(fd).size, segmentBytes);
    closeSync(fd);
  } finally {
    await cleanup();
  }
});

test('calibrate pre-writes its floor file in ZERO_FILL_CHUNK writes', async () => {
  const { dir, cleanup } = await tmpDir('rb-zero-cal-');
  try {
    const before = threadWrites();
    await calibrate(dir, { sizes: [4096], ops: 10 });
    const writes = threadWrites() - before;
    // The region is at least 16 MiB; the timed and appending writes add a few dozen more.
    assert.ok(writes >= (16 << 20) / ZERO_FILL_CHUNK, `${writes} writes`);
  } finally {
    await cleanup();
  }
});
