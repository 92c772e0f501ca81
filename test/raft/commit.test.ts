import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../raft/index.ts';
import { Cluster } from './fixture.ts';

/**
 * Figure 8 of the Raft paper: an entry from an earlier term that is stored on a majority can still be
 * overwritten, so a leader must not commit it by counting replicas; it becomes committed only
 * indirectly, when an entry of the leader's own term is committed after it.
 */
describe('commit rule (Raft Figure 8)', () => {
  const up = (c: Cluster, ...ids: number[]) => {
    const on = new Set(ids);
    return (m: Message) => !on.has(m.from) || !on.has(m.to);
  };

  /** Builds the state of Figure 8 (c). Returns the cluster and the contested index. */
  function figure8c(): { c: Cluster; i: number; t1: number } {
    // One entry per MsgApp so that we can hand out entries one at a time.
    const c = new Cluster(5, { preVote: false, maxSizePerMsg: 1 });
    c.elect(1);
    const t1 = c.get(1).node.status().hardState.term;
    // (a) S1 leads; its entry A at index i reaches S2 only.
    c.drop = up(c, 1, 2);
    const i = c.propose(1, 'A');
    c.stabilize();
    assert.equal(c.get(2).node.termAt(i), t1);
    assert.equal(c.get(3).node.termAt(i), undefined);
    // (b) S1 is gone; S5 is elected by S3, S4, S5 and writes its noop at index i, which reaches nobody.
    c.drop = (m) => up(c, 3, 4, 5)(m) || (m.from === 5 && (m.type === 'MsgApp' || m.type === 'MsgHeartbeat'));
    c.elect(5);
    assert.deepEqual(c.leaders().filter((id) => id !== 1), [5]);
    assert.ok(c.get(5).node.termAt(i)! > t1);
    // (c) S5 is gone; S1 is back and elected (it may take two campaigns to catch up on the term). It sends
    // its old entry A to S3, but nothing of its own term reaches anyone.
    // (Appends of the new-term entry are dropped only where they would be accepted, so that S3 still
    // rejects and is probed down to A.)
    const wouldAccept = (m: Message) => c.get(m.to).node.termAt(m.index) === m.logTerm;
    c.drop = (m) =>
      up(c, 1, 2, 3, 4)(m) || (m.from === 1 && m.type === 'MsgApp' && m.entries.some((e) => e.index > i) && wouldAccept(m));
    c.restart(1); // S1 crashed and comes back as a follower
    c.elect(1);
    if (c.get(1).node.status().softState.role !== 'leader') c.elect(1);
    assert.equal(c.get(1).node.status().softState.role, 'leader');
    c.tickAll(2); // heartbeats trigger the probes
    for (const id of [1, 2, 3]) assert.equal(c.get(id).node.termAt(i), t1, `S${id} holds A`);
    return { c, i, t1 };
  }

  it('does not commit an old-term entry stored on a majority (c), and a later leader may overwrite it (d)', () => {
    const { c, i } = figure8c();
    // A is on S1, S2, S3, a majority of five, but is from an older term: not committed.
    for (const id of c.ids) {
      assert.ok(c.get(id).node.status().hardState.commit < i, `S${id} commit ${c.get(id).node.status().hardState.commit}`);
      assert.equal(c.get(id).applied.has(i), false);
    }
    // (d) S1 is gone; S5 (last term newer than A's) wins with S2, S3, S4 and overwrites A.
    c.drop = up(c, 2, 3, 4, 5);
    c.restart(5);
    c.elect(5);
    if (c.get(5).node.status().softState.role !== 'leader') c.elect(5);
    assert.equal(c.get(5).node.status().softState.role, 'leader');
    const t5 = c.get(5).node.termAt(i)!;
    for (const id of [2, 3, 4, 5]) {
      assert.equal(c.get(id).node.termAt(i), t5);
      assert.ok(c.get(id).node.status().hardState.commit >= i);
      assert.equal(c.get(id).applied.get(i), undefined, 'index i holds S5\'s noop, not A');
    }
  });

  it('commits the old entry indirectly once an entry of the current term is on a majority (e)', () => {
    const { c, i } = figure8c();
    // (e) S1's own-term entry reaches S2 and S3 too: everything up to it commits, A included.
    c.drop = up(c, 1, 2, 3, 4);
    c.tickAll(2);
    for (const id of [1, 2, 3, 4]) {
      assert.ok(c.get(id).node.status().hardState.commit > i);
      assert.equal(c.get(id).applied.get(i), 'A');
    }
    // S5 can no longer win: its log is behind a majority.
    c.drop = up(c, 2, 3, 4, 5);
    c.restart(5);
    for (let k = 0; k < 3; k++) c.elect(5);
    assert.notEqual(c.get(5).node.status().softState.role, 'leader');
  });
});
