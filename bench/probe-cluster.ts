/**
 * One client's put through a 3-node cluster of processes, sequentially: p50 of the put as the client
 * sees it. With STRACE=1 it prints the node pids and waits for a key press, so that
 * `strace -f -tt -p PID...` can be attached to watch where one put's time goes.
 * Usage: node --import tsx bench/probe-cluster.ts <dir> [puts] [layout]
 */
import { rmSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ProcessCluster } from '../node/cluster/process-cluster.ts';

const dir = path.resolve(process.argv[2] ?? '.', `probe-cluster-${process.pid}`);
const puts = Number(process.argv[3] ?? 300);
const layout = process.argv[4] ?? 'wal';
const c = await ProcessCluster.open({ nodes: 3, layout, dir });
await c.leader();
const value = Buffer.alloc(1024, 7);
const now = () => Number(process.hrtime.bigint());
const t: number[] = [];
for (let i = 0; i < puts + 50; i++) {
  const a = now();
  await c.put(Buffer.from(`k${i}`), value);
  if (i >= 50) t.push(now() - a);
}
t.sort((a, b) => a - b);
console.log(`load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; ${layout}, 3 nodes, 1 client, ${puts} puts: p50 ${(t[t.length >> 1]! / 1000).toFixed(0)} us, p10 ${(t[Math.floor(t.length / 10)]! / 1000).toFixed(0)} us, p90 ${(t[Math.floor((t.length * 9) / 10)]! / 1000).toFixed(0)} us`);
if (process.env.STRACE) {
  console.log(`pids: parent ${process.pid}; attach strace now, then press enter`);
  await new Promise((r) => process.stdin.once('data', r));
  for (let i = 0; i < 20; i++) {
    const a = now();
    await c.put(Buffer.from(`s${i}`), value);
    console.log(`put ${i}: ${((now() - a) / 1000).toFixed(0)} us at ${a}`);
  }
}
await c.close();
rmSync(dir, { recursive: true, force: true });
