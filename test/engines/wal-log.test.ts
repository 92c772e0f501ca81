/**
 * The WAL's own tests: format, crc, segment rollover, truncation across segments, recovery from torn and
 * corrupt tails, and power loss on the fault-injecting file system.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { crc32c } from '../../engines/wal/crc32c.ts';
import { FaultFs } from '../../engines/testing/fault-fs.ts';
import {
  RecordType,
  decodeFrame,
  decodeBatch,
  encodeBatch,
  encodeFrames,
  frameBytes,
  parseSegmentName,
  segmentName,
} from '../../engines/wal/format.ts';
import { WalEngine, type WalEngineOptions } from '../../engines/wal/wal-engine.ts';
import { WalGroupsEngine } from '../../engines/wal/wal-groups-engine.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const DIR = '/wal';
const SEG = 4096;
const b = (s: string) => Buffer.from(s);
const str = (u: Uint8Array | undefined) => (u === undefined ? undefined : Buffer.from(u).toString());
const logKey = (i: number) => b(`log/${String(i).padStart(8, '0')}`);
const val = (i: number, n = 200) => Buffer.alloc(n, i % 251);

function open(fs: FaultFs, opts: WalEngineOptions = {}): Promise<WalEngine> {
  return WalEngine.open(DIR, { fs, segmentBytes: SEG, ...opts });
}

/** Offsets of the frames in a segment's bytes. */
function frames(buf: Uint8Array): Array<{ off: number; type: number; next: number }> {
  const out: Array<{ off: number; type: number; next: number }> = [];
  let off = 0;
  for (;;) {
    const fr = decodeFrame(buf, off);
    if (fr.kind !== 'record') return out;
    out.push({ off, type: fr.record.type, next: fr.next });
    off = fr.next;
  }
}

test('crc32c: the standard check value and chaining like Go crc32.Update', () => {
  assert.equal(crc32c(0, b('123456789')), 0xe3069283);
  assert.equal(crc32c(0, new Uint8Array(0)), 0);
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
  for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    assert.equal(crc32c(crc32c(0, data.subarray(0, cut)), data.subarray(cut)), crc32c(0, data));
  }
});

test('format: frames and batches are the same bytes when their memory starts dirty (no stale byte reaches the log)', (t) => {
  const records = [1, 2, 3, 13, 1000].map((n, i) => ({ type: RecordType.ENTRY, data: encodeBatch(i, [{ type: 'put', key: b('k' + i), value: Buffer.alloc(n, i + 1) }]) }));
  const clean = encodeFrames(records, 7).bytes;
  const batchClean = Buffer.from(records[0]!.data);
  // Fault injection: every unzeroed allocation comes back full of 0xee, as recycled memory may.
  const slow = Buffer.allocUnsafeSlow;
  const fast = Buffer.allocUnsafe;
  Buffer.allocUnsafeSlow = (n: number) => slow(n).fill(0xee);
  Buffer.allocUnsafe = (n: number) => fast(n).fill(0xee);
  t.after(() => {
    Buffer.allocUnsafeSlow = slow;
    Buffer.allocUnsafe = fast;
  });
  assert.deepEqual(encodeFrames(records, 7).bytes, clean);
  assert.deepEqual(Buffer.from(encodeBatch(0, [{ type: 'put', key: b('k0'), value: Buffer.alloc(1, 1) }])), batchClean);
  assert.ok(clean.includes(0) && !clean.includes(0xee));
});

test('format: a batch keeps its index exactly up to 2^53 - 1', () => {
  for (const index of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER]) {
    const data = encodeBatch(index, [{ type: 'put', key: b('k'), value: b('v') }]);
    assert.equal(decodeBatch(data)!.index, index);
    assert.equal(Buffer.from(data).readBigUInt64LE(0), BigInt(index), 'u64 little-endian on disk');
  }
});

test('format: length word, padding bit and pad size in the top byte, chained crcs', () => {
  // data 3 bytes -> record 8 bytes -> no padding
  const a = encodeFrames([{ type: RecordType.ENTRY, data: b('abc') }], 0);
  assert.equal(a.bytes.length, 16);
  assert.equal(a.bytes.readUInt32LE(0), 8);
  assert.equal(a.bytes.readUInt32LE(4), 0);
  assert.equal(a.bytes[8], RecordType.ENTRY);
  assert.equal(a.bytes.readUInt32LE(9), crc32c(0, b('abc')));
  // data 1 byte -> record 6 bytes -> 2 pad bytes, top byte 0x82
  const c = encodeFrames([{ type: RecordType.ENTRY, data: b('x') }], a.crc);
  assert.equal(c.bytes.length, 16);
  assert.equal(c.bytes.readUInt32LE(0), 6);
  assert.equal(c.bytes[7], 0x82);
  assert.equal(c.bytes.readUInt32LE(9), crc32c(a.crc, b('x')));
  assert.equal(frameBytes(1), 16);
  // A CRC record carries the chain value and does not advance it.
  const r = encodeFrames([{ type: RecordType.CRC, data: new Uint8Array(0) }], 1234);
  assert.equal(r.bytes.readUInt32LE(9), 1234);
  assert.equal(r.crc, 1234);
  const fr = decodeFrame(c.bytes, 0);
  assert.equal(fr.kind, 'record');
  assert.equal(decodeFrame(Buffer.alloc(16), 0).kind, 'end');
  const torn = Buffer.from(a.bytes.subarray(0, 12));
  assert.equal(decodeFrame(torn, 0).kind, 'bad');
});

test('segment names are fixed-width hex and sort in log order', () => {
  const names = [segmentName(10, 500), segmentName(2, 40), segmentName(0, 0), segmentName(255, 9000)];
  assert.equal(segmentName(1, 0x1f), '0000000000000001-000000000000001f.wal');
  assert.deepEqual([...names].sort(), [segmentName(0, 0), segmentName(2, 40), segmentName(10, 500), segmentName(255, 9000)]);
  assert.deepEqual(parseSegmentName(segmentName(3, 77)), { seq: 3, index: 77 });
  assert.equal(parseSegmentName('next.wal.tmp'), null);
});

test('rollover: preallocated segments, each opening with a CRC and a METADATA record, replayed on reopen', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  for (let i = 0; i < 60; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: i % 5 === 0 });
  const names = e.segmentNames();
  assert.ok(names.length >= 3, `rolled over: ${names.length} segments`);
  assert.deepEqual([...names].sort(), names);
  for (const name of names) {
    const buf = fs.peek(path.join(DIR, name));
    assert.equal(buf.length, SEG, 'preallocated to the full segment size');
    const fr = frames(buf);
    assert.equal(fr[0]!.type, RecordType.CRC);
    assert.equal(fr[1]!.type, RecordType.METADATA);
  }
  // Each segment's name carries the index of its first entry.
  const idx = names.map((n) => parseSegmentName(n)!.index);
  assert.equal(idx[0], 0);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
  await e.close();
  const again = await open(fs);
  assert.equal(again.recovery.cut, null);
  assert.equal(again.recovery.segments, names.length);
  for (let i = 0; i < 60; i++) assert.deepEqual(Buffer.from((await again.get(logKey(i)))!), val(i));
  await again.close();
});

test('the next segment is zero-filled only once the active one is half full, not at open', async () => {
  const fs = new FaultFs();
  const e = await open(fs, { segmentBytes: 8 * SEG });
  const prealloc = () => e.stats().preallocatedBytes!;
  assert.equal(prealloc(), 8 * SEG, 'open fills the first segment only');
  assert.deepEqual(await fs.list(DIR), e.segmentNames(), 'no spare file at open');
  let i = 0;
  // Each record is a little over 200 bytes: 60 of them stay under half of 32 KiB.
  for (; i < 60; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: false });
  assert.equal(prealloc(), 8 * SEG, 'under half full: still no spare');
  for (; i < 90; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: false });
  for (let tries = 0; prealloc() < 16 * SEG && tries < 200; tries++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(prealloc(), 16 * SEG, 'past half full: the spare is filled in the background');
  await e.close();
});

test('truncation: deleting the log prefix drops whole segments, no copying; reopen agrees', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  const hs = b('hardstate');
  let truncated = 0;
  for (let i = 0; i < 200; i++) {
    await e.write([{ type: 'put', key: logKey(i), value: val(i) }, { type: 'put', key: hs, value: b(`term=1 commit=${i}`) }], { sync: true });
    if (i % 20 === 19) {
      truncated = i - 10;
      await e.write([{ type: 'delRange', start: logKey(0), end: logKey(truncated) }], { sync: false });
    }
  }
  const st = e.stats();
  assert.ok(st.segmentsRemoved! > 5, `segments removed: ${st.segmentsRemoved}`);
  assert.equal(st.carriedForwardBytes, 0, 'raft-style truncation needs no carrying forward');
  const first = parseSegmentName(e.segmentNames()[0]!)!;
  assert.ok(first.seq > 0);
  assert.deepEqual((await fs.list(DIR)).filter((n) => n.endsWith('.wal')).sort(), e.segmentNames());
  await e.close();
  const again = await open(fs);
  assert.equal(again.recovery.cut, null);
  assert.equal(await again.get(logKey(truncated - 1)), undefined);
  assert.deepEqual(Buffer.from((await again.get(logKey(truncated)))!), val(truncated));
  assert.deepEqual(Buffer.from((await again.get(logKey(199)))!), val(199));
  assert.equal(str(await again.get(hs)), 'term=1 commit=199');
  assert.equal((await again.scan({ gte: b('log/'), lt: b('log0') })).length, 200 - truncated);
  await again.close();
});

test('truncation: a key written once is carried forward so its old segment can go', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  await e.write([{ type: 'put', key: b('pinned'), value: b('once') }], { sync: true });
  for (let i = 0; i < 150; i++) {
    await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: true });
    if (i % 10 === 9) await e.write([{ type: 'delRange', start: logKey(0), end: logKey(i - 2) }], { sync: false });
  }
  const st = e.stats();
  assert.ok(st.segmentsRemoved! > 3);
  assert.ok(st.carriedForwardBytes! > 0);
  assert.ok(st.segments! <= 4, `bounded: ${st.segments} segments`);
  await e.close();
  const again = await open(fs);
  assert.equal(again.recovery.cut, null);
  assert.equal(str(await again.get(b('pinned'))), 'once');
  assert.equal((await again.scan({ gte: b('log/'), lt: b('log0') })).length, 3);
  await again.close();
});

test('power loss: unsynced batches are lost, synced ones survive; a process crash loses nothing', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  await e.write([{ type: 'put', key: b('a'), value: b('1') }], { sync: true });
  await e.write([{ type: 'put', key: b('b'), value: b('2') }], { sync: false });
  // Process crash: the page cache survives; reopen without closing.
  const crashed = await open(fs);
  assert.equal(str(await crashed.get(b('b'))), '2');
  await crashed.write([{ type: 'put', key: b('c'), value: b('3') }], { sync: false });
  fs.powerLoss();
  const again = await open(fs);
  assert.equal(str(await again.get(b('a'))), '1');
  assert.equal(await again.get(b('b')), undefined, 'unsynced batch lost');
  assert.equal(await again.get(b('c')), undefined, 'unsynced batch lost');
  assert.equal(again.recovery.cut, null);
  await again.write([{ type: 'put', key: b('d'), value: b('4') }], { sync: true });
  fs.powerLoss();
  const third = await open(fs);
  assert.equal(str(await third.get(b('d'))), '4');
  assert.equal(str(await third.get(b('a'))), '1');
  await third.close();
});

test('power loss: a synced batch also makes unsynced batches in earlier segments durable', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  for (let i = 0; i < 40; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: false });
  assert.ok(e.segmentNames().length > 1);
  await e.write([{ type: 'put', key: b('last'), value: b('x') }], { sync: true });
  fs.powerLoss();
  const again = await open(fs);
  for (let i = 0; i < 40; i++) assert.ok(await again.get(logKey(i)), `entry ${i}`);
  assert.equal(str(await again.get(b('last'))), 'x');
  await again.close();
});

test('torn tail: a half-written batch is cut back, reported, and never half-applied', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  await e.write([{ type: 'put', key: b('k1'), value: b('v1') }], { sync: true });
  const big = [
    { type: 'put' as const, key: b('t1'), value: Buffer.alloc(1000, 1) },
    { type: 'put' as const, key: b('t2'), value: Buffer.alloc(1000, 2) },
  ];
  await e.write(big, { sync: false });
  fs.powerLoss({ keepUnsyncedBytes: 1200 }); // the length word and part of the record reach the disk
  const again = await open(fs);
  const cut = again.recovery.cut;
  assert.ok(cut, 'cut reported');
  assert.match(cut.reason, /torn|crc/);
  assert.ok(cut.discardedBytes > 0);
  assert.equal(str(await again.get(b('k1'))), 'v1');
  assert.equal(await again.get(b('t1')), undefined);
  assert.equal(await again.get(b('t2')), undefined);
  // Appends continue at the cut; the next open is clean.
  await again.write([{ type: 'put', key: b('k2'), value: b('v2') }], { sync: true });
  await again.close();
  const third = await open(fs);
  assert.equal(third.recovery.cut, null);
  assert.equal(str(await third.get(b('k2'))), 'v2');
  await third.close();
});

test('torn tail: garbage after the last record (a lost length word) is zeroed and reported', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  await e.write([{ type: 'put', key: b('k1'), value: b('v1') }], { sync: true });
  await e.close();
  const name = path.join(DIR, e.segmentNames()[0]!);
  const end = frames(fs.peek(name)).at(-1)!.next;
  const f = await fs.open(name, { create: false });
  await f.write(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9]), end); // zero length word, data bytes landed
  await f.datasync();
  const again = await open(fs);
  assert.ok(again.recovery.cut);
  assert.match(again.recovery.cut.reason, /torn tail/);
  assert.equal(again.recovery.cut.offset, end);
  assert.equal(str(await again.get(b('k1'))), 'v1');
  await again.close();
  assert.ok(fs.peek(name).subarray(end).every((x) => x === 0));
});

test('bad crc in the middle: cut back to the last valid record, later segments removed, reported', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  for (let i = 0; i < 60; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: true });
  const names = e.segmentNames();
  assert.ok(names.length >= 4);
  await e.close();
  // Flip a bit inside the third entry record of the second segment.
  const victim = path.join(DIR, names[1]!);
  const fr = frames(fs.peek(victim));
  const target = fr[4]!; // CRC, METADATA, then entries
  fs.flipBit(victim, target.off + 40, 3);
  const again = await open(fs);
  const cut = again.recovery.cut;
  assert.ok(cut);
  assert.equal(cut.segment, names[1]);
  assert.equal(cut.offset, target.off);
  assert.match(cut.reason, /crc mismatch/);
  assert.deepEqual(cut.removedSegments, names.slice(2));
  assert.deepEqual(again.segmentNames(), names.slice(0, 2));
  // Everything before the bad record is there; nothing after it.
  const firstInSeg = parseSegmentName(names[1]!)!.index;
  for (let i = 0; i < firstInSeg + 2; i++) assert.ok(await again.get(logKey(i)), `entry ${i} kept`);
  for (let i = firstInSeg + 2; i < 60; i++) assert.equal(await again.get(logKey(i)), undefined, `entry ${i} cut`);
  // The log goes on from there, and the chain stays valid.
  await again.write([{ type: 'put', key: b('after'), value: b('ok') }], { sync: true });
  await again.close();
  const third = await open(fs);
  assert.equal(third.recovery.cut, null);
  assert.equal(str(await third.get(b('after'))), 'ok');
  await third.close();
});

test('a missing segment in the middle breaks the crc chain and is reported', async () => {
  const fs = new FaultFs();
  const e = await open(fs);
  for (let i = 0; i < 60; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i) }], { sync: true });
  const names = e.segmentNames();
  await e.close();
  await fs.remove(path.join(DIR, names[2]!));
  const again = await open(fs);
  assert.ok(again.recovery.cut);
  assert.equal(again.recovery.cut.segment, names[3]);
  assert.deepEqual(again.segmentNames(), names.slice(0, 2));
  await again.close();
});

test('a failed fdatasync makes the log refuse further writes', async () => {
  const fs = new FaultFs();
  const e = await open(fs, { prepareAhead: false });
  await e.write([{ type: 'put', key: b('a'), value: b('1') }], { sync: true });
  fs.failNext('datasync');
  await assert.rejects(e.write([{ type: 'put', key: b('b'), value: b('2') }], { sync: true }), /EIO/);
  await assert.rejects(e.write([{ type: 'put', key: b('c'), value: b('3') }], { sync: true }), /refuses writes/);
  await e.close();
});

test('real files: reopen after many segments; files are preallocated and named in log order', async () => {
  const { dir, cleanup } = await tmpDir('wal-many-');
  try {
    const e = await WalEngine.open(dir, { segmentBytes: SEG });
    for (let i = 0; i < 1500; i++) await e.write([{ type: 'put', key: logKey(i), value: val(i, 100) }], { sync: i % 100 === 0 });
    await e.sync();
    const names = e.segmentNames();
    assert.ok(names.length > 40, `${names.length} segments`);
    await e.close();
    const onDisk = (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort();
    assert.deepEqual(onDisk, names);
    for (const n of onDisk.slice(0, 3)) assert.equal((await stat(path.join(dir, n))).size, SEG);
    assert.ok(!(await readdir(dir)).some((n) => n.endsWith('.tmp')), 'spare removed on close');
    const again = await WalEngine.open(dir, { segmentBytes: SEG });
    assert.equal(again.recovery.cut, null);
    assert.equal(again.recovery.segments, names.length);
    assert.equal(again.recovery.records, 1500);
    const all = await again.scan({});
    assert.equal(all.length, 1500);
    for (let i = 0; i < 1500; i += 97) assert.deepEqual(Buffer.from((await again.get(logKey(i)))!), val(i, 100));
    await again.close();
  } finally {
    await cleanup();
  }
});

test('per-group: keys route by their 8-byte group id to separate logs; each replays on its own', async () => {
  const fs = new FaultFs();
  const gk = (g: number, s: string) => Buffer.concat([Buffer.from(new BigUint64Array([BigInt(g)]).buffer).reverse(), b(s)]);
  const e = await WalGroupsEngine.open(DIR, { fs, segmentBytes: SEG, prepareAhead: false });
  for (let g = 1; g <= 5; g++) {
    await e.write([{ type: 'put', key: gk(g, 'log/1'), value: b(`g${g}`) }, { type: 'put', key: gk(g, 'hs'), value: b('hs') }], { sync: true });
  }
  assert.deepEqual(e.groupNames(), [1, 2, 3, 4, 5].map((g) => `g-${g.toString(16).padStart(16, '0')}`));
  assert.equal(e.stats().groups, 5);
  // Truncating one group touches only its log.
  await e.write([{ type: 'delRange', start: gk(3, 'log/'), end: gk(3, 'log0') }], { sync: true });
  assert.equal(await e.get(gk(3, 'log/1')), undefined);
  assert.equal(str(await e.get(gk(4, 'log/1'))), 'g4');
  assert.equal((await e.scan({ gte: gk(2, ''), lt: gk(5, '') })).length, 5);
  await e.close();
  fs.powerLoss();
  const again = await WalGroupsEngine.open(DIR, { fs, segmentBytes: SEG, prepareAhead: false });
  assert.equal(again.groupNames().length, 5);
  assert.equal(str(await again.get(gk(5, 'log/1'))), 'g5');
  assert.equal((await again.scan({})).length, 9);
  for (const r of (await again.recoveries()).values()) assert.equal(r.cut, null);
  await again.close();
});

test('random crashes: after any power loss the log replays to the state after some batch at or past the last synced one', async () => {
  let seed = 0x2545f491;
  const rnd = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const snapshot = (m: Map<string, string>) => [...m].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(',');
  for (let round = 0; round < 12; round++) {
    const fs = new FaultFs();
    const model = new Map<string, string>();
    let e = await open(fs, { prepareAhead: round % 2 === 0 });
    let states = [snapshot(model)]; // states[j] = after j batches since the last reopen
    let lastSynced = 0;
    let next = 0;
    for (let crash = 0; crash < 3; crash++) {
      const batches = 20 + rnd(60);
      for (let j = 0; j < batches; j++) {
        const ops: Array<Parameters<WalEngine['write']>[0][number]> = [];
        for (let n = 1 + rnd(3); n > 0; n--) {
          const r = rnd(10);
          if (r < 7) {
            const k = `log/${String(next++).padStart(8, '0')}`;
            const v = 'x'.repeat(rnd(300));
            ops.push({ type: 'put', key: b(k), value: b(v) });
            model.set(k, v);
          } else if (r < 8) {
            ops.push({ type: 'put', key: b('hs'), value: b(String(next)) });
            model.set('hs', String(next));
          } else {
            const upto = `log/${String(Math.max(0, next - 5)).padStart(8, '0')}`;
            ops.push({ type: 'delRange', start: b('log/'), end: b(upto) });
            for (const k of [...model.keys()]) if (k.startsWith('log/') && k < upto) model.delete(k);
          }
        }
        const sync = rnd(3) === 0;
        await e.write(ops, { sync });
        states.push(snapshot(model));
        if (sync) lastSynced = states.length - 1;
      }
      fs.powerLoss({ keepUnsyncedBytes: rnd(2) === 0 ? 0 : rnd(3000) }); // all lost, or a torn prefix kept
      e = await open(fs, { prepareAhead: round % 2 === 0 });
      const got = snapshot(new Map((await e.scan({})).map(([k, v]) => [Buffer.from(k).toString(), Buffer.from(v).toString()])));
      const j = states.indexOf(got, lastSynced);
      assert.ok(j >= lastSynced, `round ${round} crash ${crash}: replayed state is no batch boundary at or after the last synced batch`);
      // Continue from what survived.
      model.clear();
      for (const part of got ? got.split(',') : []) {
        const i = part.indexOf('=');
        model.set(part.slice(0, i), part.slice(i + 1));
      }
      states = [got];
      lastSynced = 0;
    }
    await e.close();
  }
});
