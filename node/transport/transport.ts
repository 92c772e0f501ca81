import type { Message, NodeId } from '../../raft/index.ts';

/**
 * How raft messages leave a node. One `Transport` belongs to one node (one `NodeId`) and carries the
 * messages of every raft group on that node: `group` is passed through untouched, `to` picks the peer.
 *
 * Rules every implementation keeps:
 * - Fire-and-forget: `send` never blocks, never awaits and never throws for network reasons. There is no
 *   delivery guarantee; raft tolerates loss, duplication and reordering, and retries on its own.
 * - Order: messages from one node to one peer arrive in the order they were sent, unless a configured
 *   fault (reorder, duplicate) or a reconnect in between says otherwise. A lost message is just lost;
 *   nothing after it waits for it.
 * - No re-entrance: a node's `Deliver` is never called from inside its own `send`; delivery always
 *   happens on a later turn of the event loop.
 * - Ownership: the transport does not mutate messages given to `send`; a delivered message (and its
 *   entries' data) belongs to the receiver.
 * - `send` after `close` drops silently.
 */
export interface Transport {
  /** Queues `msgs` for their peers (`m.to`). Each message's `from` must be this transport's node. */
  send(msgs: readonly Message[]): void;
  /** Stops sending and receiving and releases sockets and timers. Resolves once everything is released. */
  close(): Promise<void>;
}

/**
 * Called with each message that arrives for a node, on its own turn of the event loop (never inside
 * the node's `send`). It must not throw: a throw is a bug in the receiver and is reported as such.
 */
export type Deliver = (m: Message) => void;

export type { NodeId };
