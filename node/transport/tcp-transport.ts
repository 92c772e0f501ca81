import net from 'node:net';
import { decodeMessage, type Message, type NodeId } from '../../raft/index.ts';
import { CODEC_VERSION, DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, FrameDecoder, encodeFrame } from './codec.ts';
import type { Deliver, Transport } from './transport.ts';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface TcpTransportOptions {
  /** This node; every message given to `send` must come `from` it, every message received must be `to` it. */
  readonly id: NodeId;
  /** Address to listen on. Default 127.0.0.1: nothing is reachable from outside unless asked for. */
  readonly host?: string;
  /** Default 0: any free port (read it from `address`). */
  readonly port?: number;
  readonly deliver: Deliver;
  /** Bytes of frames queued per peer (waiting for a connection or for the socket); beyond it the oldest are dropped. Default 64 MiB. */
  readonly maxQueueBytes?: number;
  /** Frames move from the queue into a socket only while the socket buffers less than this. Default 4 MiB. */
  readonly socketBufferBytes?: number;
  /** Reconnect backoff: first wait and cap in ms, doubling in between. Default [20, 1000]. */
  readonly backoffMs?: readonly [number, number];
  /** A connect attempt that takes longer fails. Default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** Frames announcing more are a protocol error (the connection is closed). Default 512 MiB. */
  readonly maxFrameBytes?: number;
  /** Called when `deliver` throws. Default: rethrow on the next tick (an uncaught exception). */
  readonly onDeliverError?: (err: unknown, m: Message) => void;
  /** Told when the outbound connection to a peer comes up or goes down (e.g. to call `reportUnreachable`). */
  readonly onPeerState?: (id: NodeId, state: 'up' | 'down') => void;
}

/** `backoff`: the last connect attempt failed and messages are dropped until the next one. */
export type PeerState = 'idle' | 'connecting' | 'connected' | 'backoff';

export interface TcpTransportStats {
  /** Messages given to `send` (after close: not counted). */
  readonly sent: number;
  readonly framesWritten: number;
  /** Frame bytes handed to sockets, headers included. */
  readonly bytesWritten: number;
  readonly droppedUnknownPeer: number;
  /** Dropped because the peer was unreachable (in backoff, or queued when its connection failed). */
  readonly droppedPeerDown: number;
  /** Oldest frames dropped to keep a peer's queue under `maxQueueBytes`. */
  readonly droppedOverflow: number;
  readonly received: number;
  /** Frame bytes received, headers included. */
  readonly bytesReceived: number;
  readonly connects: number;
  readonly connectFailures: number;
  /** Inbound connections closed for a bad hello, a bad frame or a message not addressed to this node. */
  readonly protocolErrors: number;
}

/**
 * Every connection starts with a hello frame: `"RBTP"` | codec version u8 | sender id u64 BE. It rejects
 * strangers early (a random first 4 bytes is most likely an oversized frame) and names the peer.
 */
const HELLO_MAGIC = Buffer.from('RBTP', 'latin1');
const HELLO_BYTES = HELLO_MAGIC.byteLength + 1 + 8;

function helloFrame(id: NodeId): Buffer {
  const b = Buffer.alloc(FRAME_HEADER_BYTES + HELLO_BYTES);
  b.writeUInt32BE(HELLO_BYTES, 0);
  HELLO_MAGIC.copy(b, FRAME_HEADER_BYTES);
  b.writeUInt8(CODEC_VERSION, FRAME_HEADER_BYTES + 4);
  b.writeBigUInt64BE(BigInt(id), FRAME_HEADER_BYTES + 5);
  return b;
}

function parseHello(body: Uint8Array): NodeId | undefined {
  if (body.byteLength !== HELLO_BYTES) return undefined;
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!b.subarray(0, 4).equals(HELLO_MAGIC) || b.readUInt8(4) !== CODEC_VERSION) return undefined;
  const id = Number(b.readBigUInt64BE(5));
  return Number.isSafeInteger(id) ? id : undefined;
}

/** One outbound link: the only connection this node opens to `id`. */
class Peer {
  state: PeerState = 'idle';
  socket: net.Socket | undefined;
  /** Frames not yet handed to the socket; `head` is the next one. */
  queue: (Buffer | undefined)[] = [];
  head = 0;
  queuedBytes = 0;
  flushScheduled = false;
  backoffMs: number;
  timer: NodeJS.Timeout | undefined;
  /** A send arrived during backoff: reconnect when it ends (otherwise stay idle: connections are lazy). */
  wanted = false;
  /** Whether `onPeerState(id, 'down')` has been told since the last 'up' (tell it once per outage). */
  reportedDown = false;

  constructor(
    readonly id: NodeId,
    public addr: PeerAddress,
    initialBackoffMs: number,
  ) {
    this.backoffMs = initialBackoffMs;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  shift(): Buffer {
    const f = this.queue[this.head]!;
    this.queue[this.head++] = undefined;
    this.queuedBytes -= f.byteLength;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return f;
  }

  /** Drops every queued frame; returns how many. */
  clear(): number {
    const n = this.queued;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    return n;
  }
}

type MutableStats = { -readonly [K in keyof TcpTransportStats]: TcpTransportStats[K] };

/**
 * Raft messages over TCP, one process per node. Each node listens (127.0.0.1 by default) and opens at
 * most one outbound connection per peer, lazily on the first message to it; each direction of a pair
 * has its own connection, so a message's only path to its peer is one ordered stream: messages to a
 * peer arrive in send order, except across a reconnect, where what was in flight is lost.
 *
 * Frames are written with Nagle off, corked so that everything sent in one turn of the event loop
 * leaves in as few segments as possible. While a peer cannot be reached its messages are dropped, never
 * buffered without bound: raft resends what matters. Socket errors (ECONNREFUSED, ECONNRESET, EPIPE,
 * timeouts) only ever move a peer into backoff; they never throw and never crash the process.
 */
export class TcpTransport implements Transport {
  readonly id: NodeId;
  readonly #opts: Required<Omit<TcpTransportOptions, 'onPeerState' | 'host' | 'port'>> & Pick<TcpTransportOptions, 'onPeerState'>;
  readonly #server: net.Server;
  readonly #peers = new Map<NodeId, Peer>();
  readonly #inbound = new Set<net.Socket>();
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #stats: MutableStats = {
    sent: 0,
    framesWritten: 0,
    bytesWritten: 0,
    droppedUnknownPeer: 0,
    droppedPeerDown: 0,
    droppedOverflow: 0,
    received: 0,
    bytesReceived: 0,
    connects: 0,
    connectFailures: 0,
    protocolErrors: 0,
  };

  private constructor(opts: TcpTransportOptions) {
    if (!Number.isSafeInteger(opts.id) || opts.id <= 0) throw new RangeError(`TcpTransport: id must be a positive integer, got ${opts.id}`);
    this.id = opts.id;
    const backoffMs = opts.backoffMs ?? [20, 1000];
    if (!(backoffMs[0] > 0 && backoffMs[1] >= backoffMs[0])) {
      throw new RangeError(`backoffMs must be [initial, max] with 0 < initial <= max, got ${JSON.stringify(backoffMs)}`);
    }
    this.#opts = {
      id: opts.id,
      deliver: opts.deliver,
      maxQueueBytes: opts.maxQueueBytes ?? 64 * 1024 * 1024,
      socketBufferBytes: opts.socketBufferBytes ?? 4 * 1024 * 1024,
      backoffMs,
      connectTimeoutMs: opts.connectTimeoutMs ?? 2000,
      maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onDeliverError:
        opts.onDeliverError ??
        ((err) =>
          process.nextTick(() => {
            throw err;
          })),
      onPeerState: opts.onPeerState,
    };
    this.#server = net.createServer({ noDelay: true }, (s) => this.#accept(s));
  }

  /**
   * Starts listening and resolves once bound (read the port from `address`). Rejects if the address
   * cannot be bound (EADDRINUSE, EACCES): a configuration error, not a network fault.
   */
  static async listen(opts: TcpTransportOptions): Promise<TcpTransport> {
    const t = new TcpTransport(opts);
    const server = t.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After binding, a server error (rare: e.g. EMFILE on accept) must not crash the node.
    server.on('error', () => {});
    return t;
  }

  /** The bound address. */
  get address(): PeerAddress {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('TcpTransport: not listening on TCP');
    return { host: a.address, port: a.port };
  }

  /** Where to reach `id`. Changing a known peer's address drops its connection and queue. */
  addPeer(id: NodeId, addr: PeerAddress): void {
    if (id === this.id) throw new Error(`TcpTransport: node ${id} cannot be its own peer`);
    const p = this.#peers.get(id);
    if (p === undefined) {
      this.#peers.set(id, new Peer(id, { host: addr.host, port: addr.port }, this.#opts.backoffMs[0]));
      return;
    }
    if (p.addr.host === addr.host && p.addr.port === addr.port) return;
    this.#reset(p);
    p.addr = { host: addr.host, port: addr.port };
  }

  /** Forgets `id`: closes its connection and drops what is queued for it. */
  removePeer(id: NodeId): void {
    const p = this.#peers.get(id);
    if (p === undefined) return;
    this.#reset(p);
    this.#peers.delete(id);
  }

  peerState(id: NodeId): PeerState | undefined {
    return this.#peers.get(id)?.state;
  }

  stats(): TcpTransportStats {
    return { ...this.#stats };
  }

  send(msgs: readonly Message[]): void {
    if (this.#closed) return;
    for (const m of msgs) {
      if (m.from !== this.id) throw new Error(`TcpTransport: node ${this.id} sent a message from ${m.from}`);
      this.#stats.sent++;
      const p = this.#peers.get(m.to);
      if (p === undefined) {
        this.#stats.droppedUnknownPeer++;
        continue;
      }
      if (p.state === 'backoff') {
        this.#stats.droppedPeerDown++;
        p.wanted = true;
        continue;
      }
      this.#enqueue(p, encodeFrame(m));
      if (p.state === 'idle') this.#connect(p);
      else if (p.state === 'connected') this.#scheduleFlush(p);
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    const closed: Promise<void>[] = [];
    const whenClosed = (s: net.Socket) => {
      if (!s.closed) closed.push(new Promise((r) => s.once('close', () => r())));
    };
    for (const p of this.#peers.values()) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      p.timer = undefined;
      p.clear();
      const s = p.socket;
      if (s === undefined) continue;
      whenClosed(s);
      // A graceful end lets written frames leave; a peer that never reads must not hold us up.
      if (p.state === 'connected') {
        s.end();
        setTimeout(() => s.destroy(), 500).unref();
      } else s.destroy();
    }
    for (const s of this.#inbound) {
      whenClosed(s);
      s.destroy();
    }
    const server = new Promise<void>((r) => this.#server.close(() => r()));
    await Promise.all([server, ...closed]);
  }

  // ---- outbound ----

  #enqueue(p: Peer, frame: Buffer): void {
    const limit = this.#opts.maxQueueBytes;
    if (frame.byteLength > limit) {
      this.#stats.droppedOverflow++;
      return;
    }
    while (p.queued > 0 && p.queuedBytes + frame.byteLength > limit) {
      p.shift();
      this.#stats.droppedOverflow++;
    }
    p.queue.push(frame);
    p.queuedBytes += frame.byteLength;
  }

  #scheduleFlush(p: Peer): void {
    if (p.flushScheduled) return;
    p.flushScheduled = true;
    // After the current turn's sends, so that they go out in one corked batch.
    process.nextTick(() => {
      p.flushScheduled = false;
      this.#flush(p);
    });
  }

  #flush(p: Peer): void {
    const s = p.socket;
    if (p.state !== 'connected' || s === undefined || p.queued === 0) return;
    const cap = this.#opts.socketBufferBytes;
    if (s.writableLength >= cap) return; // 'drain' calls again
    s.cork();
    while (p.queued > 0 && s.writableLength < cap) {
      const f = p.shift();
      s.write(f);
      this.#stats.framesWritten++;
      this.#stats.bytesWritten += f.byteLength;
    }
    s.uncork();
  }

  #connect(p: Peer): void {
    p.state = 'connecting';
    p.wanted = false;
    const s = net.connect({ host: p.addr.host, port: p.addr.port, noDelay: true });
    p.socket = s;
    const timeout = setTimeout(() => s.destroy(), this.#opts.connectTimeoutMs);
    timeout.unref();
    let connected = false;
    s.on('error', () => {}); // always followed by 'close', which does the work
    s.once('connect', () => {
      clearTimeout(timeout);
      if (p.socket !== s) return;
      connected = true;
      s.setNoDelay(true);
      p.state = 'connected';
      p.backoffMs = this.#opts.backoffMs[0];
      this.#stats.connects++;
      s.write(helloFrame(this.id));
      p.reportedDown = false;
      this.#opts.onPeerState?.(p.id, 'up');
      this.#flush(p);
    });
    s.on('drain', () => this.#flush(p));
    // The peer never writes on this connection; reading lets us see its FIN (a restart) at once.
    s.on('data', () => {});
    s.once('close', () => {
      clearTimeout(timeout);
      if (p.socket !== s) return;
      p.socket = undefined;
      if (!connected) this.#stats.connectFailures++;
      this.#down(p);
    });
  }

  /** The connection failed or broke: drop what is queued and wait before the next attempt. */
  #down(p: Peer): void {
    this.#stats.droppedPeerDown += p.clear();
    if (this.#closed) {
      p.state = 'idle';
      return;
    }
    p.state = 'backoff';
    const wait = p.backoffMs;
    p.backoffMs = Math.min(p.backoffMs * 2, this.#opts.backoffMs[1]);
    p.timer = setTimeout(() => {
      p.timer = undefined;
      p.state = 'idle';
      if (p.wanted && !this.#closed) this.#connect(p);
    }, wait);
    p.timer.unref();
    if (!p.reportedDown) {
      p.reportedDown = true;
      this.#opts.onPeerState?.(p.id, 'down');
    }
  }

  /** Back to idle with nothing queued (address change, removal). */
  #reset(p: Peer): void {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    const s = p.socket;
    p.socket = undefined; // its 'close' is now ignored
    s?.destroy();
    this.#stats.droppedPeerDown += p.clear();
    p.state = 'idle';
    p.backoffMs = this.#opts.backoffMs[0];
  }

  // ---- inbound ----

  #accept(s: net.Socket): void {
    if (this.#closed) {
      s.destroy();
      return;
    }
    s.setNoDelay(true);
    this.#inbound.add(s);
    s.on('error', () => {});
    s.once('close', () => this.#inbound.delete(s));
    const decoder = new FrameDecoder(this.#opts.maxFrameBytes);
    let hello = false;
    const fail = () => {
      this.#stats.protocolErrors++;
      s.destroy();
    };
    s.on('data', (chunk: Buffer) => {
      if (s.destroyed) return;
      let bodies: Uint8Array[];
      try {
        bodies = decoder.push(chunk);
      } catch {
        fail();
        return;
      }
      for (const body of bodies) {
        if (!hello) {
          if (parseHello(body) === undefined) return fail();
          hello = true;
          continue;
        }
        let m: Message;
        try {
          m = decodeMessage(body);
        } catch {
          return fail();
        }
        if (m.to !== this.id) return fail();
        this.#stats.received++;
        this.#stats.bytesReceived += FRAME_HEADER_BYTES + body.byteLength;
        if (this.#closed) return;
        try {
          this.#opts.deliver(m);
        } catch (err) {
          this.#opts.onDeliverError(err, m);
        }
        // deliver may have closed us or destroyed the socket through close()
        if (s.destroyed) return;
      }
    });
  }
}
