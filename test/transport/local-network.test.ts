import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { SeededRandom, encodedLength, message, type Message, type NodeId } from '../../raft/index.ts';
import { LocalNetwork, type LocalNetworkOptions } from '../../node/transport/local-network.ts';
import type { Transport } from '../../node/transport/transport.ts';

/** Resolves when the network has nothing in flight (bounded, so a bug fails instead of hanging). */
async function settle(net: LocalNetwork, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (net.inFlight > 0 || (await turn(), net.inFlight > 0)) {
    if (performance.now() > deadline) throw new Error(`network did not settle: ${net.inFlight} in flight`);
    await sleep(1);
  }
}
const turn = () => new Promise<void>((r) => setImmediate(r));

const msg = (from: NodeId, to: NodeId, seq: number, group = 0): Message =>
  message({ type: 'MsgApp', from, to, group, term: 1, index: seq });

/** A cluster of nodes 1..n on one network, recording what each receives. */
function cluster(n: number, opts: LocalNetworkOptions = {}) {
  const net = new LocalNetwork(opts);
  const got = new Map<NodeId, Message[]>();
  const t = new Map<NodeId, Transport>();
  for (let id = 1; id <= n; id++) {
    got.set(id, []);
    t.set(id, net.join(id, (m) => got.get(id)!.push(m)));
  }
  return { net, got: (id: NodeId) => got.get(id)!, t: (id: NodeId) => t.get(id)! };
}

describe('LocalNetwork', () => {
  it('delivers asynchronously, in send order, with group and fields untouched', async () => {
    const c = cluster(3);
    const batch = [msg(1, 2, 1, 7), msg(1, 3, 2, 8), msg(1, 2, 3, 9)];
    c.t(1).send(batch);
    assert.equal(c.got(2).length, 0, 'nothing delivered inside send');
    await settle(c.net);
    assert.deepEqual(c.got(2), [batch[0], batch[2]]);
    assert.deepEqual(c.got(3), [batch[1]]);
    const { bytes, bytesDelivered, ...counts } = c.net.stats();
    assert.deepEqual(counts, { sent: 3, delivered: 3, dropped: 0, duplicated: 0, reordered: 0 });
    assert.equal(bytes, batch.reduce((n, m) => n + encodedLength(m), 0));
    assert.equal(bytesDelivered, bytes);
  });

  it('never re-enters a node from inside its own send', async () => {
    const net = new LocalNetwork();
    let inSend = false;
    let reentered = false;
    let count = 0;
    const t1: Transport = net.join(1, (m) => {
      if (inSend) reentered = true;
      if (++count < 100) {
        inSend = true;
        t1.send([msg(1, 2, m.index + 1)]);
        inSend = false;
      }
    });
    const t2 = net.join(2, (m) => t2.send([msg(2, 1, m.index + 1)]));
    t1.send([msg(1, 2, 0)]);
    await settle(net);
    assert.equal(reentered, false);
    assert.equal(count, 100);
  });

  it('rejects a message whose from is not the sender, and a second join of an id', () => {
    const net = new LocalNetwork();
    const t = net.join(1, () => {});
    assert.throws(() => t.send([msg(2, 1, 0)]), /sent a message from 2/);
    assert.throws(() => net.join(1, () => {}), /already joined/);
  });

  it('needs a seeded randomInt for faults', () => {
    assert.throws(() => new LocalNetwork({ drop: 0.1 }), /randomInt/);
    assert.throws(() => new LocalNetwork({ delayMs: [1, 5] }), /randomInt/);
    assert.throws(() => new LocalNetwork({ drop: 1.5, randomInt: () => 0 }), RangeError);
  });

  /** Node 1 sends `n` numbered messages to node 2, `perTurn` per turn; returns what node 2 saw. */
  async function run(opts: LocalNetworkOptions, n = 10000, perTurn = 100) {
    const c = cluster(2, opts);
    for (let i = 0; i < n; i += perTurn) {
      c.t(1).send(Array.from({ length: Math.min(perTurn, n - i) }, (_, k) => msg(1, 2, i + k)));
      await turn();
    }
    await settle(c.net);
    return { seq: c.got(2).map((m) => m.index), stats: c.net.stats() };
  }

  const near = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < expected * 0.2, `${what}: ${actual}, expected about ${expected}`);

  it('drop, duplicate and reorder happen at their rates and replay exactly from the seed', async () => {
    const opts = (seed: number): LocalNetworkOptions => ({
      randomInt: new SeededRandom(seed).randomInt,
      drop: 0.1,
      duplicate: 0.05,
      reorder: 0.1,
    });
    const a = await run(opts(42));
    const b = await run(opts(42));
    const other = await run(opts(43));
    assert.deepEqual(a.seq, b.seq, 'same seed, same delivered sequence');
    assert.deepEqual(a.stats, b.stats);
    assert.notDeepEqual(a.seq, other.seq, 'another seed, another sequence');

    const s = a.stats;
    assert.equal(s.sent, 10000);
    near(s.dropped, 1000, 'dropped');
    near(s.duplicated, 450, 'duplicated'); // 5% of the 90% that survive the drop
    near(s.reordered, 945, 'reordered'); // 10% of the copies
    assert.equal(s.delivered, s.sent - s.dropped + s.duplicated);
    assert.equal(a.seq.length, s.delivered);
    const unique = new Set(a.seq);
    assert.equal(unique.size, s.sent - s.dropped);
    assert.equal(a.seq.length - unique.size, s.duplicated);
    // Each held-back message arrives after some later-numbered one.
    let overtaken = 0;
    let max = -1;
    for (const x of a.seq) {
      if (x < max) overtaken++;
      max = Math.max(max, x);
    }
    near(overtaken, s.reordered, 'overtaken messages');
  });

  it('with no faults, order is exactly send order', async () => {
    const { seq, stats } = await run({}, 2000, 7);
    assert.deepEqual(seq, Array.from({ length: 2000 }, (_, i) => i));
    assert.equal(stats.dropped, 0);
  });

  it('partition splits the cluster, heal joins it again; unnamed nodes form their own side', async () => {
    const c = cluster(5);
    c.net.partition([[1, 2], [3]]);
    const all = (from: NodeId, seq: number) =>
      c.t(from).send([1, 2, 3, 4, 5].filter((to) => to !== from).map((to) => msg(from, to, seq)));
    for (let id = 1; id <= 5; id++) all(id, 1);
    await settle(c.net);
    const senders = (id: NodeId) => c.got(id).map((m) => m.from).sort();
    assert.deepEqual(senders(1), [2]);
    assert.deepEqual(senders(2), [1]);
    assert.deepEqual(senders(3), []);
    assert.deepEqual(senders(4), [5]);
    assert.deepEqual(senders(5), [4]);
    assert.equal(c.net.stats().dropped, 20 - 4);

    c.net.heal();
    for (let id = 1; id <= 5; id++) all(id, 2);
    await settle(c.net);
    for (let id = 1; id <= 5; id++) assert.equal(c.got(id).filter((m) => m.index === 2).length, 4);
  });

  it('a message in flight when the partition starts is lost', async () => {
    const c = cluster(2);
    c.t(1).send([msg(1, 2, 1)]);
    c.net.partition([[1], [2]]);
    await settle(c.net);
    assert.equal(c.got(2).length, 0);
    assert.equal(c.net.stats().dropped, 1);
  });

  it('isolate cuts one node off both ways until heal', async () => {
    const c = cluster(3);
    c.net.isolate(3);
    c.t(1).send([msg(1, 2, 1), msg(1, 3, 1)]);
    c.t(3).send([msg(3, 1, 1), msg(3, 2, 1)]);
    await settle(c.net);
    assert.equal(c.got(2).length, 1);
    assert.equal(c.got(3).length, 0);
    assert.equal(c.got(1).length, 0);
    c.net.heal();
    c.t(3).send([msg(3, 1, 2)]);
    await settle(c.net);
    assert.equal(c.got(1).length, 1);
  });

  it('setDown drops messages to and from a crashed node; a restarted node joins again', async () => {
    const c = cluster(3);
    c.net.setDown(2, true);
    c.t(1).send([msg(1, 2, 1), msg(1, 3, 1)]);
    c.t(2).send([msg(2, 3, 1)]);
    await settle(c.net);
    assert.equal(c.got(2).length, 0);
    assert.deepEqual(c.got(3).map((m) => m.from), [1]);
    c.net.setDown(2, false);

    // Restart: close the old transport, join with a fresh deliver.
    await c.t(2).close();
    c.t(1).send([msg(1, 2, 2)]);
    await settle(c.net);
    const after: Message[] = [];
    const t2 = c.net.join(2, (m) => after.push(m));
    c.t(1).send([msg(1, 2, 3)]);
    t2.send([msg(2, 3, 3)]);
    await settle(c.net);
    assert.deepEqual(after.map((m) => m.index), [3]);
    assert.equal(c.got(2).length, 0);
    assert.deepEqual(c.got(3).map((m) => m.index), [1, 3]);
  });

  it('a fixed delay holds messages back at least that long, in order', async () => {
    const c = cluster(2, { delayMs: 30 });
    const start = performance.now();
    c.t(1).send([msg(1, 2, 1), msg(1, 2, 2)]);
    await sleep(10);
    assert.equal(c.got(2).length, 0);
    await settle(c.net);
    assert.ok(performance.now() - start >= 28);
    assert.deepEqual(c.got(2).map((m) => m.index), [1, 2]);
  });

  it('a delay range keeps each link in order; reorder with a delay lets later messages overtake', async () => {
    const inOrder = await run({ randomInt: new SeededRandom(1).randomInt, delayMs: [0, 5] }, 500, 10);
    assert.deepEqual(inOrder.seq, Array.from({ length: 500 }, (_, i) => i));
    const shuffled = await run({ randomInt: new SeededRandom(1).randomInt, delayMs: [0, 5], reorder: 0.2 }, 500, 10);
    assert.equal(shuffled.seq.length, 500);
    assert.notDeepEqual(shuffled.seq, inOrder.seq);
    assert.deepEqual([...shuffled.seq].sort((a, b) => a - b), inOrder.seq);
  });

  it('close drops what is in flight and cancels timers', async () => {
    const c = cluster(2, { delayMs: 1000 });
    c.t(1).send([msg(1, 2, 1)]);
    assert.equal(c.net.inFlight, 1);
    c.net.close();
    assert.equal(c.net.inFlight, 0);
    assert.equal(c.net.stats().dropped, 1);
  });
});
