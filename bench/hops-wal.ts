/**
 * Compares ways to write 1 KiB and make it durable, interleaved round-robin in one process on one
 * pre-written (zero-filled, synced) file, so machine load hits every path alike. Prints p50 and the
 * ratio to the first path. Usage: node --import tsx bench/hops-wal.ts <dir> [rounds] [size]
 */
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const dir = process.argv[2] ?? '.';
const rounds = Number(process.argv[3] ?? 2000);
const size = Number(process.argv[4] ?? 1024);
const FILE_BYTES = 64 << 20;
const file = path.join(dir, `hops-${process.pid}.dat`);
fs.writeFileSync(file, Buffer.alloc(FILE_BYTES));
const fdp = fs.openSync(file, 'r+');
fs.fdatasyncSync(fdp);
const fdDsync = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_DSYNC);
const fh = await open(file, 'r+');
const data = Buffer.alloc(size, 7);
let pos = 0;
const nextPos = () => {
  const p = pos;
  pos = (pos + size) % (FILE_BYTES - size);
  return p;
};
const now = () => Number(process.hrtime.bigint());

// A log-writer thread: writes+syncs with sync calls, told by a message, answers by a message.
const workerSrc = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const fd = fs.openSync(workerData.file, 'r+');
const sab = new Int32Array(workerData.sab);
parentPort.on('message', (m) => {
  if (m.mode === 'msg') { fs.writeSync(fd, m.data, 0, m.data.length, m.pos); fs.fdatasyncSync(fd); parentPort.postMessage(0); }
  else if (m.mode === 'atomics') {
    for (;;) {
      Atomics.wait(sab, 0, 0);
      const pos = Atomics.load(sab, 1);
      if (Atomics.load(sab, 0) === 2) return;
      fs.writeSync(fd, m.buf, 0, m.len, pos); fs.fdatasyncSync(fd);
      Atomics.store(sab, 0, 0); Atomics.store(sab, 2, 1); Atomics.notify(sab, 2);
    }
  }
});`;
const sabBuf = new SharedArrayBuffer(16);
const sab = new Int32Array(sabBuf);
const w1 = new Worker(workerSrc, { eval: true, workerData: { file, sab: sabBuf } });
const w2 = new Worker(workerSrc, { eval: true, workerData: { file, sab: sabBuf } });
const shared = new Uint8Array(new SharedArrayBuffer(size));
shared.set(data);
w2.postMessage({ mode: 'atomics', buf: shared, len: size });

const paths: Record<string, () => Promise<void> | void> = {
  'promises write+datasync (2 pool hops, old)': async () => {
    await fh.write(data, 0, size, nextPos());
    await fh.datasync();
  },
  'fs.write on O_DSYNC fd (1 pool hop)': () =>
    new Promise<void>((res, rej) => fs.write(fdDsync, data, 0, size, nextPos(), (e) => (e ? rej(e) : res()))),
  'writeSync+fdatasyncSync on caller (0 hops)': () => {
    fs.writeSync(fdp, data, 0, size, nextPos());
    fs.fdatasyncSync(fdp);
  },
  'writeSync on O_DSYNC fd on caller (0 hops)': () => {
    fs.writeSync(fdDsync, data, 0, size, nextPos());
  },
  'log-writer thread, postMessage (1 handoff)': () =>
    new Promise<void>((res) => {
      w1.once('message', () => res());
      w1.postMessage({ mode: 'msg', data, pos: nextPos() });
    }),
  'log-writer thread, Atomics + waitAsync (1 handoff)': async () => {
    Atomics.store(sab, 2, 0);
    Atomics.store(sab, 1, nextPos());
    Atomics.store(sab, 0, 1);
    Atomics.notify(sab, 0);
    const r = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync(sab, 2, 0);
    if (r.async) await r.value;
  },
};
const names = Object.keys(paths);
const samples = new Map(names.map((n) => [n, [] as number[]]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < names.length; k++) {
    const n = names[(r + k) % names.length]!;
    const t0 = now();
    await paths[n]!();
    const dt = now() - t0;
    if (r >= 50) samples.get(n)!.push(dt);
  }
}
const p50 = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const base = p50(samples.get(names[0]!)!);
console.log(`${size} B write made durable, ${rounds} rounds interleaved, ${dir}, load ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const n of names) {
  const v = p50(samples.get(n)!);
  console.log(`${n.padEnd(52)} p50 ${(v / 1000).toFixed(1).padStart(7)} us  ${(v / base).toFixed(2)}x`);
}
Atomics.store(sab, 0, 2);
Atomics.notify(sab, 0);
await w1.terminate();
await w2.terminate();
await fh.close();
fs.closeSync(fdp);
fs.closeSync(fdDsync);
fs.rmSync(file);
