import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage, RawNode, RaftInvariantError, SeededRandom } from '../../raft/index.ts';
import { Cluster, enc } from './fixture.ts';

describe('log replication', () => {
  it('replicates proposals to every node and applies them in order', () => {
    const c = new Cluster(3);
    c.elect(1);
    const idx = ['a', 'b', 'c'].map((d) => c.propose(1, d));
    c.stabilize();
    assert.deepEqual(idx, [2, 3, 4]);
    for (const id of c.ids) {
      assert.deepEqual([...c.get(id).applied], [[2, 'a'], [3, 'b'], [4, 'c']]);
      assert.equal(c.get(id).node.status().hardState.commit, 4);
    }
  });

  it('rejects proposals on a follower, naming the leader', () => {
    const c = new Cluster(3);
    c.elect(1);
    const r = c.get(2).node.propose(enc('x'));
    assert.deepEqual(r, { ok: false, reason: 'not-leader', leader: 1 });
  });

  it('a new leader overwrites a follower\'s uncommitted conflicting entries', () => {
    const c = new Cluster(3, { preVote: false });
    c.elect(1);
    c.isolate(1);
    c.propose(1, 'lost'); // only on 1
    c.stabilize();
    c.elect(2);
    c.propose(2, 'kept');
    c.stabilize();
    c.heal();
    c.tickAll(3);
    for (const id of c.ids) {
      assert.deepEqual([...c.get(id).applied.values()], ['kept']);
      assert.deepEqual(
        c.logOf(id).map((e) => `${e.index}/${e.term}`),
        c.logOf(2).map((e) => `${e.index}/${e.term}`),
      );
    }
  });

  it('splits messages: a leader\'s MsgApp may go before persisting, a follower\'s ack only after', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'x');
    const rd = c.get(1).node.ready();
    assert.equal(rd.entries.length, 1);
    assert.equal(rd.mustSync, true);
    assert.ok(rd.messages.length === 2 && rd.messages.every((m) => m.type === 'MsgApp'));
    assert.equal(rd.messagesAfterPersist.length, 0);
    // Not committed yet: the followers have not acknowledged.
    assert.equal(rd.committedEntries.length, 0);
    assert.throws(() => c.get(1).node.ready(), RaftInvariantError);
    assert.equal(c.get(1).node.hasReady(), false);
    c.get(1).storage.append(rd.entries);
    c.get(1).node.advance();
    c.get(2).node.step(rd.messages.find((m) => m.to === 2)!);
    const frd = c.get(2).node.ready();
    assert.equal(frd.messages.length, 0);
    assert.deepEqual(frd.messagesAfterPersist.map((m) => m.type), ['MsgAppResp']);
    assert.equal(frd.mustSync, true);
  });

  it('a commit-only HardState change does not require a sync', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'x');
    c.stabilize();
    // Followers learn the commit index from the next heartbeat or append.
    const last = c.get(2).readies.at(-1)!;
    assert.ok(last.hardState);
    assert.equal(last.entries.length, 0);
    assert.equal(last.mustSync, false);
  });

  it('flow control: at most maxInflightMsgs unacknowledged appends of at most maxSizePerMsg', () => {
    const c = new Cluster(3, { maxInflightMsgs: 2, maxSizePerMsg: 100 });
    c.elect(1);
    // Hold back every append response of node 2 and see how far the leader goes.
    c.drop = (m) => m.type === 'MsgAppResp' && m.from === 2;
    for (let i = 0; i < 20; i++) c.propose(1, 'y'.repeat(60));
    c.stabilize();
    const toTwo = c.sent.filter((m) => m.type === 'MsgApp' && m.to === 2 && m.entries.length > 0 && m.entries[0]!.index > 1);
    assert.equal(toTwo.length, 2);
    for (const m of toTwo) assert.equal(m.entries.length, 1); // 84 bytes each with overhead: one per message
    // Node 3 acknowledges, so replication to it streams on and the entries commit.
    assert.equal(c.get(1).node.status().hardState.commit, 21);
    c.heal();
    c.tickAll(30);
    assert.equal(c.get(2).appliedIndex, 21);
  });

  it('a lost append to a replicating follower is recovered by heartbeats', () => {
    const c = new Cluster(3);
    c.elect(1);
    let dropped = 0;
    c.drop = (m) => m.type === 'MsgApp' && m.to === 3 && m.entries.length > 0 && dropped++ === 0;
    c.propose(1, 'a');
    c.propose(1, 'b');
    c.stabilize();
    assert.equal(dropped > 0, true);
    c.tickAll(3);
    assert.deepEqual([...c.get(3).applied.values()], ['a', 'b']);
  });

  it('restart: resumes from HardState, log and applied index without re-applying', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.propose(1, 'a');
    c.propose(1, 'b');
    c.stabilize();
    const before = c.get(2).node.status();
    const tn = c.restart(2);
    const after = tn.node.status();
    assert.deepEqual(after.hardState, before.hardState);
    assert.equal(after.applied, before.applied);
    assert.equal(after.lastIndex, before.lastIndex);
    c.stabilize();
    assert.ok(tn.readies.every((r) => r.committedEntries.length === 0));
    c.propose(1, 'c');
    c.stabilize();
    assert.deepEqual([...tn.applied.values()], ['a', 'b', 'c']);
  });

  it('restart with an older applied index re-applies committed entries past it', () => {
    const storage = new MemoryStorage();
    const n = new RawNode({ id: 1, peers: [1], storage, randomInt: new SeededRandom(1).randomInt });
    n.campaign();
    for (const d of ['a', 'b']) n.propose(enc(d));
    for (;;) {
      if (!n.hasReady()) break;
      const rd = n.ready();
      storage.append(rd.entries);
      if (rd.hardState) storage.setHardState(rd.hardState);
      n.advance();
    }
    assert.equal(storage.initialState().hardState.commit, 3);
    const n2 = new RawNode({ id: 1, peers: [1], storage, applied: 1, randomInt: new SeededRandom(1).randomInt });
    const rd = n2.ready();
    assert.deepEqual(rd.committedEntries.map((e) => e.index), [2, 3]);
    assert.equal(rd.entries.length, 0);
    assert.equal(rd.hardState, undefined);
  });

  it('keeps several raft groups apart by group id', () => {
    const mk = (group: number) =>
      new RawNode({ id: 1, group, peers: [1, 2], storage: new MemoryStorage(), randomInt: new SeededRandom(group).randomInt });
    const a = mk(7);
    const b = mk(8);
    a.campaign();
    const vote = a.ready().messagesAfterPersist[0]!;
    assert.equal(vote.group, 7);
    assert.throws(() => b.step({ ...vote, to: 1, from: 2 }), RaftInvariantError);
  });
});
