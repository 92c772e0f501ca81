import { MemoryStorage, type HardState } from '../raft/index.ts';
import type { Layout } from '../engines/layouts/index.ts';
import {
  EMPTY_APPLIED,
  appliedKey,
  clientOf,
  decodeApplied,
  decodeSession,
  decodeEntry,
  decodeHardState,
  hardStateKey,
  logRange,
  sessionRange,
  type AppliedState,
  type SessionRecord,
} from './keys.ts';

/**
 * A data directory whose raft log and state machine do not fit together: committed entries exist in
 * neither (the RFC's truncation edge case), or the stored indexes contradict each other.
 */
export class RecoveryError extends Error {
  override readonly name = 'RecoveryError';
}

export interface RecoveredGroup {
  /** The persisted log, HardState and truncation point, ready for a RawNode. */
  readonly storage: MemoryStorage;
  readonly hardState: HardState;
  readonly applied: AppliedState;
  /** First log index held by the raft engine (truncIndex + 1 when the log is empty). */
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** Client sessions of the state machine (state engine, written with each application). */
  readonly sessions: Map<number, SessionRecord>;
}

/**
 * Reads one group's state back from a layout's engines and checks it:
 * - the log must continue the state machine: its first entry is at most truncIndex + 1 (else the entries
 *   between were truncated from the log but never durably applied: lost);
 * - the log has no holes;
 * - applied >= truncIndex (they are written together).
 * A HardState commit below the applied index (its unsynced update was lost, the applications were not)
 * is raised to the applied index: applied entries were committed.
 */
export async function recoverGroup(layout: Layout, group: number): Promise<RecoveredGroup> {
  const hsRaw = await layout.raft.get(hardStateKey(group));
  const apRaw = await layout.state.get(appliedKey(group));
  let hardState: HardState = hsRaw ? decodeHardState(hsRaw) : { term: 0, vote: 0, commit: 0 };
  const applied = apRaw ? decodeApplied(apRaw) : EMPTY_APPLIED;
  const { start, end } = logRange(group);
  const rows = await layout.raft.scan({ gte: start, lt: end });
  const entries = rows.map(([k, v]) => decodeEntry(v)).filter((e) => e.index > applied.truncIndex);

  if (applied.applied < applied.truncIndex) {
    throw new RecoveryError(`group ${group}: applied index ${applied.applied} is below the truncated index ${applied.truncIndex}`);
  }
  const first = entries[0];
  if (first && first.index > applied.truncIndex + 1) {
    throw new RecoveryError(
      `group ${group}: raft log starts at ${first.index} but the state machine is truncated at ${applied.truncIndex} and applied ` +
        `to ${applied.applied}: entries ${applied.truncIndex + 1}..${first.index - 1} are in neither engine (lost)`,
    );
  }
  for (let i = 1; i < entries.length; i++) {
    if (entries[i]!.index !== entries[i - 1]!.index + 1) {
      throw new RecoveryError(`group ${group}: raft log has a hole after index ${entries[i - 1]!.index}`);
    }
  }
  const lastIndex = entries.length > 0 ? entries[entries.length - 1]!.index : applied.truncIndex;
  if (applied.applied > lastIndex && applied.applied > applied.truncIndex) {
    // Applied entries beyond the log: the log lost synced entries, which a correct engine never does.
    throw new RecoveryError(`group ${group}: applied index ${applied.applied} is beyond the last log index ${lastIndex}`);
  }
  if (hardState.commit < applied.applied) hardState = { ...hardState, commit: applied.applied };
  if (hardState.commit > lastIndex) hardState = { ...hardState, commit: lastIndex };

  const storage = new MemoryStorage();
  if (applied.truncIndex > 0) {
    storage.applySnapshot({ metadata: { index: applied.truncIndex, term: applied.truncTerm }, data: new Uint8Array(0) });
  }
  storage.append(entries);
  storage.setHardState(hardState);
  const sr = sessionRange(group);
  const sessions = new Map((await layout.state.scan({ gte: sr.start, lt: sr.end })).map(([k, v]) => [clientOf(k), decodeSession(v)] as const));
  return { storage, hardState, applied, firstIndex: applied.truncIndex + 1, lastIndex, sessions };
}
