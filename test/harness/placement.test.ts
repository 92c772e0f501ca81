/**
 * Placement: which CPUs take the disk's completion interrupts, read from /proc/interrupts, and pinning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { blockDeviceOf } from '../../harness/counters/diskstats.ts';
import { allowedCpus, diskIrqCpus, parseInterrupts, pinArgs } from '../../harness/placement.ts';

const SAMPLE = `           CPU0       CPU1
  1:          9          0   IO-APIC   1-edge      i8042
 35:          0          1  PCI-MSIX-0000:00:02.0   0-edge      virtio1-config
 36:         12   21295289  PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0
NMI:          0          0   Non-maskable interrupts
`;

test('parseInterrupts: per-CPU counts and the name of each numbered line; named lines are skipped', () => {
  const t = parseInterrupts(SAMPLE);
  assert.deepEqual([...t.keys()], [1, 35, 36]);
  assert.deepEqual(t.get(36), { perCpu: [12, 21295289], name: 'virtio1-req.0' });
  assert.equal(t.get(35)!.name, 'virtio1-config');
});

/** The MSI interrupt numbers of the disk under the working directory, or null where /sys lists none. */
function diskMsiIrqs(): number[] | null {
  const dev = blockDeviceOf('.');
  if (!dev) return null;
  let at = realpathSync(`/sys/block/${dev.disk}/device`);
  for (let i = 0; i < 4; i++, at = `${at}/..`) {
    try {
      return readdirSync(`${at}/msi_irqs`).map(Number);
    } catch {
      // one level up
    }
  }
  return null;
}

test('diskIrqCpus: the CPUs that took at least a tenth of the disk interrupts, busiest first; config lines do not count', (t) => {
  const irqs = diskMsiIrqs();
  if (!irqs || irqs.length === 0) return t.skip('this disk lists no MSI interrupts in /sys');
  const queue = irqs[irqs.length - 1]!;
  const config = irqs.length > 1 ? irqs[0]! : null;
  const head = '           CPU0       CPU1       CPU2\n';
  const text = (q: string) => head + (config === null ? '' : ` ${config}:  1000000 0 0 PCI-MSI x-config\n`) + ` ${queue}:  ${q} PCI-MSI x-req.0\n`;
  const one = diskIrqCpus('.', text('10 900 50'))!;
  assert.deepEqual(one.cpus, [1], 'CPU 1 took 900 of 960; CPU 2 took under a tenth');
  assert.equal(one.irqs.some((x) => /config/.test(x.name)), false, 'the config line does not count, busy as it is');
  assert.deepEqual(diskIrqCpus('.', text('400 100 500'))!.cpus, [2, 0, 1], 'spread: busiest first');
  assert.equal(diskIrqCpus('.', text('0 0 0')), null, 'no interrupt fired yet: cannot tell');
});

test('pinArgs wraps a command in taskset; pinning a child leaves it only the CPU given', () => {
  assert.deepEqual(pinArgs(null, 'fio', ['--x']), ['fio', ['--x']]);
  assert.deepEqual(pinArgs(1, 'fio', ['--x']), ['taskset', ['-c', '1', 'fio', '--x']]);
  const [cmd, args] = pinArgs(0, 'sh', ['-c', 'grep Cpus_allowed_list /proc/self/status']);
  assert.match(execFileSync(cmd, args, { encoding: 'utf8' }), /Cpus_allowed_list:\s*0\s*$/m);
  assert.ok(allowedCpus(), 'this process can read where it may run');
});
