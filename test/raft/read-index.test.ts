import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cluster } from './fixture.ts';

describe('ReadIndex', () => {
  it('concurrent reads share one heartbeat round and all get the commit index', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'a');
    c.stabilize();
    const before = c.sent.length;
    for (const ctx of ['r1', 'r2', 'r3']) assert.deepEqual(c.get(1).node.readIndex(ctx), { ok: true });
    c.stabilize();
    const hbs = c.sent.slice(before).filter((m) => m.type === 'MsgHeartbeat');
    assert.equal(hbs.length, 2, 'one heartbeat per follower');
    assert.equal(new Set(hbs.map((m) => m.context)).size, 1);
    assert.deepEqual(c.get(1).readStates, [
      { index: 2, requestCtx: 'r1' },
      { index: 2, requestCtx: 'r2' },
      { index: 2, requestCtx: 'r3' },
    ]);
    assert.equal(c.get(1).node.pendingReadCount(), 0);
  });

  it('reads arriving after the round went out start a new round', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.get(1).node.readIndex('r1');
    c.processReady(1); // round 1's heartbeats leave; not yet delivered
    c.get(1).node.readIndex('r2');
    c.get(1).node.readIndex('r3');
    c.stabilize();
    const rounds = new Set(c.sent.filter((m) => m.type === 'MsgHeartbeat' && m.context).map((m) => m.context));
    assert.equal(rounds.size, 2);
    assert.deepEqual(c.get(1).readStates.map((r) => r.requestCtx), ['r1', 'r2', 'r3']);
  });

  it('a follower forwards the read to the leader and gets the index back', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'a');
    c.stabilize();
    c.get(2).node.readIndex('f1');
    c.stabilize();
    assert.deepEqual(c.get(2).readStates, [{ index: 2, requestCtx: 'f1' }]);
  });

  it('waits until the new leader commits an entry of its term', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.drop = (m) => m.type === 'MsgAppResp';
    c.elect(2);
    assert.equal(c.get(2).node.status().softState.role, 'leader');
    c.get(2).node.readIndex('early');
    c.stabilize();
    assert.deepEqual(c.get(2).readStates, []);
    assert.equal(c.get(2).node.pendingReadCount(), 1);
    c.heal();
    c.tickAll(2);
    assert.deepEqual(c.get(2).readStates.map((r) => r.requestCtx), ['early']);
    assert.equal(c.get(2).readStates[0]!.index, c.get(2).node.status().hardState.commit);
  });

  it('a deposed leader cut off from the quorum never answers a read', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.isolate(1);
    c.elect(2);
    c.propose(2, 'new');
    c.stabilize();
    c.get(1).node.readIndex('stale');
    c.stabilize();
    c.tickAll(3);
    assert.deepEqual(c.get(1).readStates, []);
  });

  it('a single node answers at once', () => {
    const c = new Cluster(1);
    c.elect(1);
    c.get(1).node.readIndex('x');
    c.stabilize();
    assert.deepEqual(c.get(1).readStates, [{ index: 1, requestCtx: 'x' }]);
  });

  it('without a known leader the read is refused', () => {
    const c = new Cluster(3);
    assert.deepEqual(c.get(1).node.readIndex('x'), { ok: false, reason: 'no-leader' });
  });
});
