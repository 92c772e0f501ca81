import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { message, type Message, type NodeId } from '../../raft/index.ts';
import { CODEC_VERSION, encodeFrame } from '../../node/transport/codec.ts';
import { TcpTransport, type TcpTransportOptions } from '../../node/transport/tcp-transport.ts';
import { assertSameMessage, bytes } from './fixture.ts';

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

/** Everything a test opens, closed at the end even when the test fails. */
const open = new Set<TcpTransport>();
after(async () => {
  await Promise.all([...open].map((t) => t.close()));
});

async function node(id: NodeId, opts: Partial<TcpTransportOptions> = {}) {
  const got: Message[] = [];
  const t = await TcpTransport.listen({ id, deliver: (m) => got.push(m), backoffMs: [10, 100], ...opts });
  open.add(t);
  return { t, got };
}

/** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const app = (from: NodeId, to: NodeId, seq: number, size = 0): Message =>
  message({ type: 'MsgApp', group: seq % 5, from, to, term: 1, index: seq, entries: size ? [{ term: 1, index: seq + 1, type: 'normal', data: bytes(size, seq) }] : [] });

describe('TcpTransport', { timeout: 15000 }, () => {
  it('binds 127.0.0.1 by default, on a free port', async () => {
    const { t } = await node(1);
    assert.equal(t.address.host, '127.0.0.1');
    assert.ok(t.address.port > 0);
    await t.close();
  });

  it('two nodes exchange thousands of messages in order both ways, including a 4 MiB snapshot', async () => {
    const a = await node(1);
    const b = await node(2);
    a.t.addPeer(2, b.t.address);
    b.t.addPeer(1, a.t.address);
    const N = 5000;
    const SNAP_AT = 2500;
    const snap = message({
      type: 'MsgSnap',
      group: 3,
      from: 1,
      to: 2,
      term: 2,
      index: SNAP_AT,
      snapshot: { metadata: { index: 1 << 20, term: 2 }, data: bytes(4 * 1024 * 1024, 77) },
    });
    const sentAB: Message[] = [];
    for (let i = 0; i < N; i += 250) {
      const batch: Message[] = [];
      for (let k = i; k < i + 250; k++) batch.push(k === SNAP_AT ? snap : app(1, 2, k, k % 10 === 0 ? 1024 : 0));
      sentAB.push(...batch);
      a.t.send(batch);
      b.t.send(Array.from({ length: 150 }, (_, k) => app(2, 1, (i / 250) * 150 + k, 64)));
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('all messages', () => b.got.length === N && a.got.length === (N / 250) * 150, 10000);
    assert.deepEqual(b.got.map((m) => m.index), sentAB.map((m) => m.index));
    assert.deepEqual(a.got.map((m) => m.index), Array.from({ length: a.got.length }, (_, i) => i));
    for (let i = 0; i < N; i += 97) assertSameMessage(b.got[i]!, sentAB[i]!);
    assertSameMessage(b.got[SNAP_AT]!, snap);
    const sa = a.t.stats();
    assert.equal(sa.sent, N);
    assert.equal(sa.framesWritten, N);
    assert.equal(sa.connects, 1, 'one outbound connection per peer');
    assert.equal(sa.droppedOverflow + sa.droppedPeerDown + sa.droppedUnknownPeer, 0);
    assert.equal(b.t.stats().received, N);
    assert.equal(b.t.stats().bytesReceived, sa.bytesWritten);
    await Promise.all([a.t.close(), b.t.close()]);
  });

  it('a peer that restarts on the same port gets messages again after reconnect', async () => {
    const a = await node(1);
    const b = await node(2);
    const port = b.t.address.port;
    const states: string[] = [];
    a.t.addPeer(2, b.t.address);
    const a2 = await node(3, { onPeerState: (id, s) => states.push(`${id}:${s}`) });
    a2.t.addPeer(2, b.t.address);
    a.t.send([app(1, 2, 0)]);
    a2.t.send([message({ type: 'MsgHeartbeat', from: 3, to: 2, term: 1 })]);
    await waitFor('first messages', () => b.got.length === 2);

    await b.t.close();
    // Sends while b is gone are lost (or dropped in backoff); none of them may throw.
    for (let i = 1; i <= 20; i++) {
      a.t.send([app(1, 2, i)]);
      await sleep(2);
    }
    const b2 = await node(2, { port });
    assert.equal(b2.t.address.port, port);
    let seq = 100;
    await waitFor('a message after the restart', () => {
      a.t.send([app(1, 2, seq++)]);
      return b2.got.length > 0;
    });
    const seen = b2.got.map((m) => m.index);
    assert.ok(seen.some((x) => x >= 100), `messages sent after the restart arrive: ${seen.join(',')}`);
    assert.deepEqual(seen, [...seen].sort((x, y) => x - y), 'in order');
    assert.ok(a.t.stats().connects >= 2);
    assert.equal(a.t.peerState(2), 'connected');

    // The other sender saw the outage through onPeerState once it tried to send.
    a2.t.send([message({ type: 'MsgHeartbeat', from: 3, to: 2, term: 1 })]);
    await waitFor('a2 notices', () => states.includes('2:down'));
    await waitFor('a2 reconnects', () => {
      a2.t.send([message({ type: 'MsgHeartbeat', from: 3, to: 2, term: 1 })]);
      return b2.got.some((m) => m.from === 3);
    });
    assert.deepEqual(states.slice(0, 3), ['2:up', '2:down', '2:up']);
    await Promise.all([a.t.close(), a2.t.close(), b2.t.close()]);
  });

  it('a peer that is down drops messages and never crashes the sender', async () => {
    const a = await node(1);
    a.t.addPeer(2, { host: '127.0.0.1', port: await freePort() });
    for (let i = 0; i < 100; i++) {
      a.t.send([app(1, 2, i, 100)]);
      await sleep(1);
    }
    await waitFor('a failed connect', () => a.t.stats().connectFailures >= 2);
    const s = a.t.stats();
    assert.equal(s.connects, 0);
    assert.ok(s.droppedPeerDown > 0);
    assert.equal(s.framesWritten, 0);
    assert.ok(['backoff', 'idle', 'connecting'].includes(a.t.peerState(2)!));
    await a.t.close();
  });

  it('messages to an unknown peer are dropped and counted', async () => {
    const a = await node(1);
    a.t.send([app(1, 9, 0)]);
    assert.equal(a.t.stats().droppedUnknownPeer, 1);
    assert.throws(() => a.t.send([app(2, 9, 0)]), /sent a message from 2/);
    await a.t.close();
  });

  it('bounds the queue per peer by dropping the oldest frames', async () => {
    const a = await node(1, { maxQueueBytes: 64 * 1024 });
    const b = await node(2);
    a.t.addPeer(2, b.t.address);
    // One turn: the connection cannot be up yet, so everything queues.
    a.t.send(Array.from({ length: 1000 }, (_, i) => app(1, 2, i, 1024)));
    const dropped = a.t.stats().droppedOverflow;
    assert.ok(dropped > 900, `dropped ${dropped}`);
    await waitFor('the tail', () => b.got.length === 1000 - dropped);
    assert.deepEqual(b.got.map((m) => m.index), Array.from({ length: 1000 - dropped }, (_, i) => dropped + i));
    await Promise.all([a.t.close(), b.t.close()]);
  });

  it('closes connections that speak garbage or misroute, and keeps serving others', async () => {
    const b = await node(2);
    const raw = net.connect(b.t.address);
    raw.on('error', () => {});
    await new Promise((r) => raw.once('connect', r));
    raw.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => raw.once('close', r));
    assert.equal(b.t.stats().protocolErrors, 1);

    // A well-formed hello (see tcp-transport.ts), then a message addressed to node 3.
    const hello = Buffer.alloc(4 + 13);
    hello.writeUInt32BE(13, 0);
    hello.write('RBTP', 4, 'latin1');
    hello.writeUInt8(CODEC_VERSION, 8);
    hello.writeBigUInt64BE(1n, 9);
    const misrouted = net.connect(b.t.address);
    misrouted.on('error', () => {});
    await new Promise((r) => misrouted.once('connect', r));
    misrouted.write(Buffer.concat([hello, encodeFrame(app(1, 3, 0))]));
    await new Promise((r) => misrouted.once('close', r));
    assert.equal(b.t.stats().protocolErrors, 2);
    assert.equal(b.got.length, 0);

    const a = await node(1);
    a.t.addPeer(2, b.t.address);
    a.t.send([app(1, 2, 1)]);
    await waitFor('a good message', () => b.got.length === 1);
    await Promise.all([a.t.close(), b.t.close()]);
  });

  it('close is idempotent, releases the port, and send after close is a no-op', async () => {
    const a = await node(1);
    const { port } = a.t.address;
    await Promise.all([a.t.close(), a.t.close()]);
    a.t.send([app(1, 2, 0)]);
    assert.equal(a.t.stats().sent, 0);
    const again = await node(1, { port });
    assert.equal(again.t.address.port, port);
    await again.t.close();
  });
});
