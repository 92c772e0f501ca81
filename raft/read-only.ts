import type { NodeId } from './types.ts';

/** A linearizable read waiting for a ReadIndex round; `from` is the node that asked (the leader itself or a follower). */
export interface ReadRequest {
  readonly from: NodeId;
  readonly ctx: string;
}

/**
 * One ReadIndex round: a heartbeat broadcast that confirms the leader is still the leader. Every request
 * that joined the round is answered with the round's index once a quorum acknowledged it.
 */
interface Round {
  readonly id: string;
  /** Commit index when the last request joined; never below the commit index seen by any request in it. */
  index: number;
  readonly requests: ReadRequest[];
  readonly acks: Set<NodeId>;
}

/**
 * The leader's pending ReadIndex rounds (etcd's readOnly with etcd 3.1's batching built in).
 *
 * Batching: a request joins the round that is still *open*, that is whose heartbeats have not been
 * handed to the driver yet (`close()` is called when `ready()` takes the messages). Any number of
 * reads arriving between two Ready cycles therefore share one heartbeat round.
 *
 * Why that is safe: a joining request raises the round's index to the current commit index, and the
 * heartbeats leave only after the last request joined, so a quorum's acknowledgement proves that this
 * node was still leader after every request in the round arrived. An acknowledged round also releases
 * every older round (their heartbeats went out earlier, so the same proof covers them).
 */
export class ReadOnly {
  readonly #rounds: Round[] = [];
  #open: Round | undefined;
  #seq = 0;
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /**
   * Adds a request at commit index `committed`. Returns the id of a newly opened round (the caller
   * broadcasts heartbeats carrying it), or undefined when the request joined the open round.
   */
  add(req: ReadRequest, committed: number, self: NodeId): string | undefined {
    if (this.#open) {
      this.#open.requests.push(req);
      this.#open.index = Math.max(this.#open.index, committed);
      return undefined;
    }
    const round: Round = { id: `${this.#prefix}.${++this.#seq}`, index: committed, requests: [req], acks: new Set([self]) };
    this.#rounds.push(round);
    this.#open = round;
    return round.id;
  }

  /** The round's heartbeats are on their way: later requests open a new round. */
  close(): void {
    this.#open = undefined;
  }

  /**
   * Records `from`'s acknowledgement of round `id`. When the round reaches `quorum` acks, returns the
   * answered requests of it and of every older round, each with its index; otherwise [].
   */
  ack(from: NodeId, id: string, quorum: number): Array<{ req: ReadRequest; index: number }> {
    const pos = this.#rounds.findIndex((r) => r.id === id);
    if (pos < 0) return [];
    const round = this.#rounds[pos]!;
    round.acks.add(from);
    if (round.acks.size < quorum) return [];
    const done = this.#rounds.splice(0, pos + 1);
    if (this.#open && done.includes(this.#open)) this.#open = undefined;
    const out: Array<{ req: ReadRequest; index: number }> = [];
    for (const r of done) for (const req of r.requests) out.push({ req, index: r.index });
    return out;
  }

  /** The newest round, re-sent with every periodic heartbeat so a lost heartbeat does not stall reads. */
  lastRoundId(): string | undefined {
    return this.#rounds[this.#rounds.length - 1]?.id;
  }

  pendingCount(): number {
    let n = 0;
    for (const r of this.#rounds) n += r.requests.length;
    return n;
  }

  roundCount(): number {
    return this.#rounds.length;
  }
}
