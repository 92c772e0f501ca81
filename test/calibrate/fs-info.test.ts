import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fsInfo, mountFor, parseMountInfo } from '../../engines/fs-info.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';

const SAMPLE = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
  '25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683656k',
  '30 25 0:27 / /dev/shm rw,relatime - tmpfs shm2 rw',
  '40 27 259:1 / /mnt/my\\040disk rw,noatime shared:7 master:2 - xfs /dev/nvme0n1p1 rw',
  '41 27 259:2 / /mnt/my rw - btrfs /dev/sdb1 rw',
  'garbage line',
  '',
].join('\n');

test('parseMountInfo reads type, device and unescaped mount point, skipping bad lines', () => {
  const m = parseMountInfo(SAMPLE);
  assert.equal(m.length, 6);
  assert.deepEqual(m[1], { mountPoint: '/', type: 'ext4', device: '/dev/vda' });
  assert.deepEqual(m[4], { mountPoint: '/mnt/my disk', type: 'xfs', device: '/dev/nvme0n1p1' });
});

test('mountFor picks the longest mount point on a path boundary, the last of stacked mounts', () => {
  const m = parseMountInfo(SAMPLE);
  assert.equal(mountFor(m, '/work/main')?.type, 'ext4');
  assert.equal(mountFor(m, '/')?.type, 'ext4');
  assert.equal(mountFor(m, '/dev/shm/x/y')?.device, 'shm2');
  assert.equal(mountFor(m, '/dev/shmem')?.type, 'ext4');
  assert.equal(mountFor(m, '/mnt/my disk/data')?.type, 'xfs');
  assert.equal(mountFor(m, '/mnt/my')?.type, 'btrfs');
  assert.equal(mountFor(m, '/mnt/myx')?.type, 'ext4');
  assert.equal(mountFor([], '/x'), undefined);
});

test('fsInfo of / and of a nested path, existing or not yet created', { skip: process.platform !== 'linux' }, async () => {
  const root = fsInfo('/');
  assert.equal(root.mountPoint, '/');
  assert.notEqual(root.type, 'unknown');
  assert.ok(root.device.length > 0);
  const { dir, cleanup } = await tmpDir('fsinfo-');
  try {
    const nested = path.join(dir, 'a', 'b');
    await mkdir(nested, { recursive: true });
    const info = fsInfo(nested);
    assert.ok(info.type.length > 0 && info.type !== 'unknown');
    assert.ok(path.resolve(dir).startsWith(info.mountPoint));
    // Not created yet: the filesystem it would land on.
    assert.deepEqual(fsInfo(path.join(nested, 'missing', 'deeper')), info);
    // A symlink is followed to where it points.
    await symlink('/dev/shm', path.join(dir, 'link'));
    assert.deepEqual(fsInfo(path.join(dir, 'link')), fsInfo('/dev/shm'));
  } finally {
    await cleanup();
  }
});

test('fsInfo says unknown when mountinfo cannot be read', () => {
  assert.deepEqual(fsInfo('/', '/nonexistent/mountinfo'), { type: 'unknown', device: 'unknown', mountPoint: '/' });
});
