import { encodedLength, type Message, type NodeId } from '../../raft/index.ts';
import type { Deliver, Transport } from './transport.ts';

export interface LocalNetworkOptions {
  /**
   * Uniform integer in [0, n), seeded (e.g. `new SeededRandom(seed).randomInt`). Required when any
   * fault (drop, duplicate, reorder, a delay range) is on, so that every run replays from its seed.
   */
  readonly randomInt?: (n: number) => number;
  /** Delivery delay in ms: a fixed value or a uniform [min, max] range. Default 0. */
  readonly delayMs?: number | readonly [number, number];
  /** Probability in [0, 1] that a message is lost. */
  readonly drop?: number;
  /** Probability in [0, 1] that a message is delivered twice. */
  readonly duplicate?: number;
  /**
   * Probability in [0, 1] that a message is held back and overtaken: with no delay it is delivered
   * one round late, after the messages sent in its own turn and the next; with a delay it gets up to
   * one extra max delay (at least 1 ms) on its own timer, outside its link's FIFO.
   */
  readonly reorder?: number;
  /** Called when a `Deliver` throws. Default: rethrow on the next tick (an uncaught exception). */
  readonly onDeliverError?: (err: unknown, m: Message) => void;
}

export interface LocalNetworkStats {
  /** Messages handed to `send` (duplicates not counted). */
  readonly sent: number;
  readonly delivered: number;
  /** Lost by the drop fault, a partition, a down or absent node (at send or at delivery time). */
  readonly dropped: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** Encoded (wire) size of the messages handed to `send`, as the TCP transport would write them. */
  readonly bytes: number;
  /** Encoded size of the delivered messages. */
  readonly bytesDelivered: number;
}

interface InFlight {
  readonly m: Message;
  readonly size: number;
}

/** Messages of one (from, to) link waiting on a timer, in delivery order, with their due times. */
interface LinkQueue {
  readonly items: { due: number; f: InFlight }[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * An in-process network for one-process clusters and tests. Every node `join`s with its `Deliver`
 * and gets a `Transport`. Delivery is always asynchronous: with no delay, messages sent during one
 * turn are delivered together on a `setImmediate` in global send order; with a delay, each link
 * (from, to) has a FIFO released by timers, so a delay never reorders a link by itself.
 *
 * Faults are drawn from `randomInt` at send time, in send order, so with delay 0 the delivered
 * sequence is a pure function of the seed and the sends. Partitions and down nodes are checked both
 * when a message is sent and when it would be delivered (a message in flight into a partition is lost).
 */
export class LocalNetwork {
  readonly #randomInt: ((n: number) => number) | undefined;
  readonly #delay: readonly [number, number];
  readonly #drop: number;
  readonly #duplicate: number;
  readonly #reorder: number;
  readonly #onDeliverError: (err: unknown, m: Message) => void;

  readonly #nodes = new Map<NodeId, Deliver>();
  /** Partition group of each node named in `partition`; unnamed nodes share group -1. */
  #groupOf = new Map<NodeId, number>();
  readonly #isolated = new Set<NodeId>();
  readonly #down = new Set<NodeId>();

  #pending: InFlight[] = [];
  #heldBack: InFlight[] = [];
  #deferred: InFlight[] = [];
  #flushScheduled = false;
  readonly #links = new Map<string, LinkQueue>();
  readonly #strays = new Set<NodeJS.Timeout>();

  #sent = 0;
  #delivered = 0;
  #dropped = 0;
  #duplicated = 0;
  #reordered = 0;
  #bytes = 0;
  #bytesDelivered = 0;

  constructor(opts: LocalNetworkOptions = {}) {
    const prob = (name: string, p: number | undefined): number => {
      const v = p ?? 0;
      if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`);
      return v;
    };
    this.#drop = prob('drop', opts.drop);
    this.#duplicate = prob('duplicate', opts.duplicate);
    this.#reorder = prob('reorder', opts.reorder);
    const d = opts.delayMs ?? 0;
    this.#delay = typeof d === 'number' ? [d, d] : [d[0], d[1]];
    if (!(this.#delay[0] >= 0 && this.#delay[1] >= this.#delay[0])) {
      throw new RangeError(`delayMs must be >= 0 or a range [min, max] with 0 <= min <= max, got ${JSON.stringify(d)}`);
    }
    const random = this.#drop > 0 || this.#duplicate > 0 || this.#reorder > 0 || this.#delay[1] > this.#delay[0];
    if (random && opts.randomInt === undefined) {
      throw new TypeError('LocalNetwork: faults and delay ranges need a seeded randomInt so that runs replay');
    }
    this.#randomInt = opts.randomInt;
    this.#onDeliverError =
      opts.onDeliverError ??
      ((err) =>
        process.nextTick(() => {
          throw err;
        }));
  }

  /**
   * Adds node `id`; `deliver` receives its messages. Throws if `id` is already joined. Closing the
   * returned transport removes the node, after which the same id may join again (a restart).
   */
  join(id: NodeId, deliver: Deliver): Transport {
    if (this.#nodes.has(id)) throw new Error(`LocalNetwork: node ${id} has already joined`);
    this.#nodes.set(id, deliver);
    let open = true;
    return {
      send: (msgs) => {
        if (!open) return;
        for (const m of msgs) {
          if (m.from !== id) throw new Error(`LocalNetwork: node ${id} sent a message from ${m.from}`);
          this.#send(m);
        }
      },
      close: async () => {
        if (!open) return;
        open = false;
        if (this.#nodes.get(id) === deliver) this.#nodes.delete(id);
      },
    };
  }

  /**
   * Splits the network: nodes talk only within their group. Nodes named in no group form one more
   * group of their own. Replaces any earlier partition; isolation and down nodes stay as they are.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const g = new Map<NodeId, number>();
    groups.forEach((ids, i) => {
      for (const id of ids) {
        if (g.has(id)) throw new Error(`LocalNetwork.partition: node ${id} is in two groups`);
        g.set(id, i);
      }
    });
    this.#groupOf = g;
  }

  /** Cuts `id` off from every other node until `heal()`. */
  isolate(id: NodeId): void {
    this.#isolated.add(id);
  }

  /** Removes every partition and isolation (down nodes stay down). */
  heal(): void {
    this.#groupOf = new Map();
    this.#isolated.clear();
  }

  /** A crashed node: every message to or from it is lost while `down`. */
  setDown(id: NodeId, down: boolean): void {
    if (down) this.#down.add(id);
    else this.#down.delete(id);
  }

  /** Whether a message from `from` to `to` would get through right now (ignoring random faults). */
  connected(from: NodeId, to: NodeId): boolean {
    if (!this.#nodes.has(to) || this.#down.has(from) || this.#down.has(to)) return false;
    if (from === to) return true;
    if (this.#isolated.has(from) || this.#isolated.has(to)) return false;
    return (this.#groupOf.get(from) ?? -1) === (this.#groupOf.get(to) ?? -1);
  }

  stats(): LocalNetworkStats {
    return {
      sent: this.#sent,
      delivered: this.#delivered,
      dropped: this.#dropped,
      duplicated: this.#duplicated,
      reordered: this.#reordered,
      bytes: this.#bytes,
      bytesDelivered: this.#bytesDelivered,
    };
  }

  /** Messages queued or on a timer, not yet delivered or dropped. */
  get inFlight(): number {
    let n = this.#pending.length + this.#heldBack.length + this.#deferred.length + this.#strays.size;
    for (const q of this.#links.values()) n += q.items.length;
    return n;
  }

  /** Drops everything in flight and cancels every timer. Joined nodes stay joined. */
  close(): void {
    this.#dropped += this.inFlight;
    this.#pending = [];
    this.#heldBack = [];
    this.#deferred = [];
    for (const q of this.#links.values()) if (q.timer !== undefined) clearTimeout(q.timer);
    this.#links.clear();
    for (const t of this.#strays) clearTimeout(t);
    this.#strays.clear();
  }

  #chance(p: number): boolean {
    // 2^30 buckets: fine-grained enough for any probability a test uses, within every randomInt's range.
    return p > 0 && this.#randomInt!(2 ** 30) < p * 2 ** 30;
  }

  #send(m: Message): void {
    const size = encodedLength(m);
    this.#sent++;
    this.#bytes += size;
    if (!this.connected(m.from, m.to) || this.#chance(this.#drop)) {
      this.#dropped++;
      return;
    }
    const f: InFlight = { m, size };
    const copies = this.#chance(this.#duplicate) ? 2 : 1;
    if (copies === 2) this.#duplicated++;
    for (let i = 0; i < copies; i++) {
      const reorder = this.#chance(this.#reorder);
      if (reorder) this.#reordered++;
      if (this.#delay[1] === 0) this.#enqueueNow(f, reorder);
      else this.#enqueueDelayed(f, reorder);
    }
  }

  #drawDelay(): number {
    const [min, max] = this.#delay;
    return min === max ? min : min + this.#randomInt!(max - min + 1);
  }

  #enqueueNow(f: InFlight, reorder: boolean): void {
    (reorder ? this.#heldBack : this.#pending).push(f);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /**
   * Delivers this round's messages, then the ones held back in the round before: a held-back message
   * is overtaken by everything sent after it in its own turn and in the next one.
   */
  #flush(): void {
    this.#flushScheduled = false;
    const round = this.#pending;
    const released = this.#deferred;
    this.#pending = [];
    this.#deferred = this.#heldBack;
    this.#heldBack = [];
    if (this.#deferred.length > 0) this.#scheduleFlush();
    for (const f of round) this.#deliver(f);
    for (const f of released) this.#deliver(f);
  }

  #enqueueDelayed(f: InFlight, reorder: boolean): void {
    const delay = this.#drawDelay();
    if (reorder) {
      // Off the link's FIFO, with extra delay, so later messages on the link can overtake it.
      const extra = 1 + this.#randomInt!(Math.max(1, this.#delay[1]));
      const t = setTimeout(() => {
        this.#strays.delete(t);
        this.#deliver(f);
      }, delay + extra);
      this.#strays.add(t);
      return;
    }
    const key = `${f.m.from}>${f.m.to}`;
    let q = this.#links.get(key);
    if (q === undefined) {
      q = { items: [], timer: undefined };
      this.#links.set(key, q);
    }
    const now = performance.now();
    const last = q.items.at(-1);
    // FIFO per link: never due before the message ahead of it.
    q.items.push({ due: Math.max(now + delay, last?.due ?? 0), f });
    if (q.timer === undefined) this.#arm(key, q);
  }

  #arm(key: string, q: LinkQueue): void {
    const head = q.items[0];
    if (head === undefined) {
      q.timer = undefined;
      this.#links.delete(key);
      return;
    }
    q.timer = setTimeout(
      () => {
        const now = performance.now();
        // Timers may fire a little early relative to performance.now(); allow 1 ms of slack.
        while (q.items.length > 0 && q.items[0]!.due <= now + 1) this.#deliver(q.items.shift()!.f);
        this.#arm(key, q);
      },
      Math.max(0, head.due - performance.now()),
    );
  }

  #deliver(f: InFlight): void {
    const deliver = this.#nodes.get(f.m.to);
    if (deliver === undefined || !this.connected(f.m.from, f.m.to)) {
      this.#dropped++;
      return;
    }
    this.#delivered++;
    this.#bytesDelivered += f.size;
    try {
      deliver(f.m);
    } catch (err) {
      this.#onDeliverError(err, f.m);
    }
  }
}
