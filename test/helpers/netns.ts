import { spawnSync } from 'node:child_process';

const ip = (...args: string[]) => spawnSync('ip', args, { encoding: 'utf8' });

/** Three "hosts": network namespaces joined by a bridge in this namespace. */
export interface Hosts {
  /** The namespace of host i (1-based). */
  ns(i: number): string;
  /** The address of host i. */
  addr(i: number): string;
  /** Cuts host i off the bridge (its link goes down: packets to and from it are lost) or joins it again. */
  setLinked(i: number, up: boolean): void;
  remove(): void;
}

/**
 * Makes three namespaces `rb<tag>n1..3` with addresses 10.77.<subnet>.1-3 on a bridge `rbbr<tag>`
 * (10.77.<subnet>.254 here); null when this machine does not allow it (not root, no `ip`, no bridges).
 */
export function makeHosts(tag: string, subnet: number): Hosts | null {
  const bridge = `rbbr${tag}`;
  const names = [1, 2, 3].map((i) => `rb${tag}n${i}`);
  const veth = (i: number) => `rb${tag}v${i}`;
  const remove = () => {
    for (const n of names) ip('netns', 'del', n);
    ip('link', 'del', bridge);
  };
  const steps: string[][] = [
    ['link', 'add', bridge, 'type', 'bridge'],
    ['addr', 'add', `10.77.${subnet}.254/24`, 'dev', bridge],
    ['link', 'set', bridge, 'up'],
  ];
  names.forEach((n, k) => {
    const i = k + 1;
    steps.push(
      ['netns', 'add', n],
      ['link', 'add', veth(i), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n],
      ['link', 'set', veth(i), 'master', bridge],
      ['link', 'set', veth(i), 'up'],
      ['-n', n, 'addr', 'add', `10.77.${subnet}.${i}/24`, 'dev', 'eth0'],
      ['-n', n, 'link', 'set', 'eth0', 'up'],
      ['-n', n, 'link', 'set', 'lo', 'up'],
    );
  });
  for (const s of steps) {
    if (ip(...s).status !== 0) {
      remove();
      return null;
    }
  }
  return {
    ns: (i) => names[i - 1]!,
    addr: (i) => `10.77.${subnet}.${i}`,
    setLinked(i, up) {
      const r = ip('link', 'set', veth(i), up ? 'up' : 'down');
      if (r.status !== 0) throw new Error(`ip link set ${veth(i)}: ${r.stderr.trim()}`);
    },
    remove,
  };
}
