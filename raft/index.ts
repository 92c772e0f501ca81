/**
 * raftbench's consensus core: the Raft algorithm only, in the style of etcd-raft. Pure and synchronous:
 * no I/O, no timers, no clocks, no ambient randomness. Time advances by `RawNode.tick()`, randomness
 * comes from `Config.randomInt`, and all input/output goes through `step()` and `ready()`/`advance()`.
 *
 * Quick tour:
 * - `RawNode` (raw-node.ts): one replica of one group. `tick`, `step`, `propose`, `readIndex`,
 *   `hasReady`/`ready`/`advance`, `reportUnreachable`, `reportSnapshot`, `status`.
 * - `Ready` (raw-node.ts): what to persist, send and apply, and the exact persist-before-send rule.
 * - `Storage` / `MemoryStorage` (storage.ts): the log as persisted; the driver's in-memory cache of it.
 * - `Config` (raft.ts): ids, timeouts, flow control, pre-vote, check-quorum, the PRNG.
 * - Types (types.ts): Entry, HardState, Snapshot, Message, ReadState, SoftState.
 * - `SeededRandom` (random.ts): a replayable PRNG for `Config.randomInt` and simulations.
 * - `encodeMessage`/`decodeMessage`/`encodedLength`, `encodeEntry`/`decodeEntry`,
 *   `encodeHardState`/`decodeHardState`, `encodeSnapshot`/`decodeSnapshot`, `CodecError` (codec.ts):
 *   every binary format of raft data, for transports (which add their own framing) and engines.
 */
export type { Config, ProposeResult, ReadIndexResult } from './raft.ts';
export { RawNode, isEarlySendable, type Ready, type Status } from './raw-node.ts';
export { MemoryStorage, limitSize, type Storage } from './storage.ts';
export {
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrSnapshotTemporarilyUnavailable,
  ErrUnavailable,
  RaftError,
  RaftInvariantError,
} from './errors.ts';
export type { ProgressState } from './progress.ts';
export { SeededRandom } from './random.ts';
export {
  CodecError,
  MESSAGE_TYPES,
  MESSAGE_VERSION,
  decodeEntry,
  decodeHardState,
  decodeMessage,
  decodeSnapshot,
  encodeEntry,
  encodeHardState,
  encodeMessage,
  encodeSnapshot,
  encodedLength,
} from './codec.ts';
export {
  EMPTY_HARD_STATE,
  EMPTY_SNAPSHOT,
  NONE,
  entrySize,
  hardStateEqual,
  isEmptyHardState,
  isEmptySnapshot,
  message,
  type Entry,
  type EntryType,
  type GroupId,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type ReadState,
  type Role,
  type Snapshot,
  type SnapshotMetadata,
  type SoftState,
} from './types.ts';
