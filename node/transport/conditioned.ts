import { SeededRandom, type Message, type MessageType } from '../../raft/index.ts';
import type { Transport } from './transport.ts';

/** Network conditions a benchmark sets on every node's outgoing raft messages. */
export interface NetConditions {
  /** Added round trip of every raft exchange, in ms (0: none). */
  readonly rttMs: number;
  /** Probability in [0, 1) that a message is lost (a whole message, not a packet: see below). */
  readonly loss: number;
}

export const NO_CONDITIONS: NetConditions = { rttMs: 0, loss: 0 };

/** Messages that answer another; they leave at once, so one exchange costs the round trip once. */
const RESPONSES: ReadonlySet<MessageType> = new Set(['MsgAppResp', 'MsgVoteResp', 'MsgPreVoteResp', 'MsgHeartbeatResp', 'MsgReadIndexResp']);

export function isResponse(t: MessageType): boolean {
  return RESPONSES.has(t);
}

/**
 * Round-trip delay and message loss, emulated in the sending node (this kernel has no netem; see
 * docs/cluster.md). Every raft exchange is a request and its response, so requests (MsgApp, MsgHeartbeat,
 * MsgVote, ...) are held `rttMs` and responses leave at once: an exchange costs the round trip however it
 * splits between the two ways, with timers of 1 ms granularity rather than sub-millisecond one-way
 * halves. Requests keep their order among themselves; a response may overtake a held request (raft
 * tolerates reordering). Loss drops whole messages, as a link that loses a frame would: over real TCP a
 * lost packet is retransmitted instead, so `loss` here is harsher on raft's retries and milder on latency.
 * The same wrapper runs over TCP and over the in-process network, so both transports see one condition.
 */
export function conditioned(inner: Transport, cond: NetConditions, seed: number): Transport {
  if (cond.rttMs <= 0 && cond.loss <= 0) return inner;
  const rng = new SeededRandom(seed);
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  return {
    send(msgs: readonly Message[]): void {
      if (closed) return;
      const now: Message[] = [];
      const later: Message[] = [];
      for (const m of msgs) {
        if (cond.loss > 0 && rng.next() < cond.loss) continue;
        (cond.rttMs > 0 && !isResponse(m.type) ? later : now).push(m);
      }
      if (now.length > 0) inner.send(now);
      if (later.length > 0) {
        // Timers of one duration fire in the order they were set, so held requests keep their order.
        const t = setTimeout(() => {
          timers.delete(t);
          if (!closed) inner.send(later);
        }, cond.rttMs);
        timers.add(t);
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await inner.close();
    },
  };
}
