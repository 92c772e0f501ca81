import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { procCpu, processWriteBytes } from '../proc-stats.ts';

/** etcd's own counters of one member, from its /metrics (cumulative). */
export interface EtcdCounters {
  readonly walFsyncs: number;
  readonly walBytes: number;
  readonly backendCommits: number;
  readonly peerSentBytes: number;
  /** `write_bytes` of the member's process (/proc/<pid>/io), or null. */
  readonly ioWriteBytes: number | null;
  /** Nanoseconds the member's threads waited for a CPU (/proc/<pid>/task/<tid>/schedstat), or null. */
  readonly schedWaitNs: number | null;
  /** The member process's CPU time and minor page faults (proc-stats.ts), null where unknown. */
  readonly cpuNs: number | null;
  readonly minorFaults: number | null;
}

const withPdeathsig = spawnSync('setpriv', ['--help']).status === 0;

/** Longest a request to a member may take (a put waits for a quorum's fsyncs; 30 s is a stuck cluster). */
const REQUEST_TIMEOUT_MS = 30_000;

interface Member {
  readonly name: string;
  readonly client: string;
  readonly child: ChildProcess;
  id: string;
}

/**
 * A production Raft beside ours: an etcd 3.4 cluster (Debian's `etcd-server`, the `etcd` binary on
 * PATH) started in its own data directories on 127.0.0.1, driven over its v3 JSON gateway. The
 * members are children of this process, killed on close and when this process exits.
 */
export class EtcdCluster {
  #leader: Member | null = null;
  private constructor(readonly members: readonly Member[]) {}

  static async open(opts: { nodes: number; dir: string; binary?: string; timeoutMs?: number }): Promise<EtcdCluster> {
    const ports = await freePorts(opts.nodes * 2);
    const peer = (i: number) => `http://127.0.0.1:${ports[2 * i]}`;
    const client = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`;
    const initial = Array.from({ length: opts.nodes }, (_, i) => `n${i + 1}=${peer(i)}`).join(',');
    const members: Member[] = [];
    // One token for the whole cluster: members with different tokens form different clusters.
    const token = `raftbench-${process.pid}-${Date.now()}`;
    let spawnError: Error | undefined;
    for (let i = 0; i < opts.nodes; i++) {
      const dataDir = path.join(opts.dir, `etcd-n${i + 1}`);
      await mkdir(dataDir, { recursive: true });
      const etcdArgs = [
        '--name', `n${i + 1}`, '--data-dir', dataDir,
        '--listen-peer-urls', peer(i), '--initial-advertise-peer-urls', peer(i),
        '--listen-client-urls', client(i), '--advertise-client-urls', client(i),
        '--initial-cluster', initial, '--initial-cluster-state', 'new', '--initial-cluster-token', token,
        '--logger', 'zap', '--log-level', 'error',
      ];
      // setpriv --pdeathsig: the member dies with this process even when it is SIGKILLed (no exit hook runs then).
      const child = withPdeathsig ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', opts.binary ?? 'etcd', ...etcdArgs], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(opts.binary ?? 'etcd', etcdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.resume();
      child.on('error', (err) => {
        spawnError ??= err;
      });
      members.push({ name: `n${i + 1}`, client: client(i), child, id: '' });
    }
    const c = new EtcdCluster(members);
    process.once('exit', c.#killAll);
    try {
      await sleep(100);
      if (spawnError) throw new Error(`cannot start etcd (${(spawnError as NodeJS.ErrnoException).code ?? spawnError.message}); install Debian's etcd-server`);
      await c.leader(opts.timeoutMs ?? 30_000);
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  readonly #killAll = () => {
    for (const m of this.members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
  };

  async #post(m: Member, api: string, body: unknown): Promise<Record<string, unknown>> {
    // A member that has not joined its cluster holds requests: bound each, so a stuck cluster fails.
    const r = await fetch(`${m.client}/v3/${api}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const json = (await r.json()) as Record<string, unknown>;
    if (!r.ok) throw new Error(`etcd ${m.name} ${api}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** The member that leads, asked of each member's status (etcd 3.4: `/v3/maintenance/status`). */
  async leader(timeoutMs = 10_000): Promise<Member> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const m of this.members) {
        if (m.child.exitCode !== null) throw new Error(`etcd ${m.name} exited with ${m.child.exitCode}`);
        try {
          const s = await this.#post(m, 'maintenance/status', {});
          const header = s.header as { member_id?: string } | undefined;
          if (header?.member_id) m.id = header.member_id;
          if (s.leader && s.leader !== '0' && s.leader === m.id) return (this.#leader = m);
        } catch {
          // not up yet
        }
      }
      if (Date.now() > deadline) throw new Error(`etcd: no leader within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** A put to the leader; resolves once etcd acknowledged it (committed and applied). */
  async put(key: Buffer, value: Buffer): Promise<void> {
    const m = this.#leader ?? (await this.leader());
    await this.#post(m, 'kv/put', { key: key.toString('base64'), value: value.toString('base64') });
  }

  /** A read on the leader: linearizable (etcd's ReadIndex) or serializable (local). */
  async read(key: Buffer, linearizable: boolean): Promise<Buffer | null> {
    const m = this.#leader ?? (await this.leader());
    const r = await this.#post(m, 'kv/range', { key: key.toString('base64'), ...(linearizable ? {} : { serializable: true }) });
    const kvs = r.kvs as Array<{ value?: string }> | undefined;
    return kvs?.[0]?.value !== undefined ? Buffer.from(kvs[0].value, 'base64') : null;
  }

  get leaderIndex(): number {
    return this.#leader ? this.members.indexOf(this.#leader) : -1;
  }

  /** Every member's counters, the leader first. */
  async counters(): Promise<EtcdCounters[]> {
    const lead = this.#leader ?? (await this.leader());
    const out: EtcdCounters[] = [];
    for (const m of [lead, ...this.members.filter((x) => x !== lead)]) {
      const text = await (await fetch(`${m.client}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).text();
      const metric = (name: string) => {
        const line = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
        return line ? Number(line[1]) : 0;
      };
      const cpu = m.child.pid === undefined ? null : procCpu(m.child.pid);
      out.push({
        walFsyncs: metric('etcd_disk_wal_fsync_duration_seconds_count'),
        walBytes: metric('etcd_disk_wal_write_bytes_total'),
        backendCommits: metric('etcd_disk_backend_commit_duration_seconds_count'),
        peerSentBytes: sumMetric(text, 'etcd_network_peer_sent_bytes_total'),
        ioWriteBytes: m.child.pid === undefined ? null : processWriteBytes(m.child.pid),
        schedWaitNs: cpu?.waitNs ?? null,
        cpuNs: cpu?.cpuNs ?? null,
        minorFaults: cpu?.minorFaults ?? null,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    process.off('exit', this.#killAll);
    await Promise.all(
      this.members.map(async (m) => {
        if (m.child.exitCode !== null || m.child.signalCode !== null) return;
        const exited = new Promise((r) => m.child.once('exit', r));
        m.child.kill('SIGTERM');
        // Its data is scratch: a member slow to stop (leadership transfer) is not waited for long.
        await Promise.race([exited, sleep(1000)]);
        if (m.child.exitCode === null && m.child.signalCode === null) {
          m.child.kill('SIGKILL');
          await exited;
        }
      }),
    );
  }
}

function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'gm'))) sum += Number(m[1]);
  return sum;
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
