import { fsInfo, MEMORY_FILESYSTEMS } from '../../engines/fs-info.ts';
import { tmpfsRoot } from '../../scenarios/adr.ts';
import type { Plan } from './plan.ts';
import { warning, type Warning } from '../../analysis/warning.ts';

/**
 * Warnings for cases that place the raft log on a non-durable directory by parameter (`raftmedia=tmpfs`,
 * the ADR scenario), known before anything runs so that even an interrupted run carries them. `--dir` and
 * `--raft-dir` on a memory filesystem are warned about by `bench` itself.
 */
export function placementWarnings(plan: Plan): Warning[] {
  const names = plan.groups.flat().filter((c) => c.params.raftmedia === 'tmpfs').map((c) => c.name);
  if (names.length === 0) return [];
  const root = tmpfsRoot();
  const type = fsInfo(root).type;
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
  const what = MEMORY_FILESYSTEMS.has(type) ? `on ${type}: not durable` : `expected a memory filesystem, found ${type}`;
  return [
    warning('raftmedia-tmpfs', 'severe', `raftmedia=tmpfs: ${names.length} benchmark${names.length === 1 ? '' : 's'} keep the raft log in ${root} (${what}; ` +
      `synced raft writes there cost no device time; a stand-in for persistent memory, see docs/placement.md): ${shown}`),
  ];
}
