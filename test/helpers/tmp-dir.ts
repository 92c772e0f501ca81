import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * A fresh directory on the real disk under `test-output/tmp` (not /tmp, which may be tmpfs), removed by
 * the returned cleanup. RAFTBENCH_TEST_DIR moves the base elsewhere.
 */
export async function tmpDir(prefix = 'rb-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const base = process.env.RAFTBENCH_TEST_DIR ?? path.join(process.cwd(), 'test-output', 'tmp');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
