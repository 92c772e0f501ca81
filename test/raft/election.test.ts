import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cluster } from './fixture.ts';

describe('leader election', () => {
  it('a single node elects itself after the election timeout and commits its noop', () => {
    const c = new Cluster(1);
    c.tickAll(25); // randomized timeout is in [10, 20)
    const s = c.get(1).node.status();
    assert.equal(s.softState.role, 'leader');
    assert.equal(s.hardState.term, 1);
    assert.equal(s.hardState.vote, 1);
    assert.equal(s.hardState.commit, 1);
    assert.equal(c.get(1).appliedIndex, 1);
  });

  it('three nodes elect exactly one leader by ticking, all agree on it', () => {
    const c = new Cluster(3, {}, 7);
    c.tickAll(30);
    const leaders = c.leaders();
    assert.equal(leaders.length, 1);
    const lead = leaders[0]!;
    for (const id of c.ids) {
      const s = c.get(id).node.status();
      assert.equal(s.softState.lead, lead);
      assert.equal(s.hardState.term, c.get(lead).node.status().hardState.term);
    }
  });

  it('election timeouts are deterministic for a seed', () => {
    const run = (seed: number): string => {
      const c = new Cluster(5, {}, seed);
      c.tickAll(40);
      return `${c.leaders().join(',')}@${c.get(1).node.status().hardState.term}`;
    };
    assert.equal(run(42), run(42));
  });

  it('a candidate with a stale log is not elected', () => {
    const c = new Cluster(3, { preVote: false });
    c.elect(1);
    c.isolate(3);
    c.propose(1, 'a');
    c.stabilize();
    c.heal();
    // Node 3 missed entry 2: nodes 1 and 2 refuse their votes.
    c.get(3).node.campaign();
    c.stabilize();
    assert.notEqual(c.get(3).node.status().softState.role, 'leader');
    c.elect(2);
    assert.deepEqual(c.leaders(), [2]);
  });

  it('each node votes at most once per term', () => {
    const c = new Cluster(3, { preVote: false });
    // 1 and 2 campaign in the same term; 3 votes for whoever asks first.
    c.get(1).node.campaign();
    c.get(2).node.campaign();
    c.stabilize();
    const leaders = c.leaders();
    assert.ok(leaders.length <= 1, `leaders ${leaders}`);
    const votesIn1 = c.sent.filter((m) => m.type === 'MsgVoteResp' && !m.reject && m.from === 3 && m.term === 1);
    assert.ok(votesIn1.length <= 1);
  });

  it('pre-vote: a partitioned node does not raise its term and does not disrupt the leader on rejoin', () => {
    const c = new Cluster(3, { preVote: true });
    c.elect(1);
    const term = c.get(1).node.status().hardState.term;
    c.isolate(3);
    c.tickAll(100);
    assert.equal(c.get(3).node.status().hardState.term, term);
    c.heal();
    c.tickAll(5);
    assert.deepEqual(c.leaders(), [1]);
    assert.equal(c.get(1).node.status().hardState.term, term);
  });

  it('without pre-vote a rejoining partitioned node forces a new term', () => {
    const c = new Cluster(3, { preVote: false });
    c.elect(1);
    const term = c.get(1).node.status().hardState.term;
    c.isolate(3);
    c.tickAll(100);
    assert.ok(c.get(3).node.status().hardState.term > term);
    c.heal();
    c.tickAll(40);
    assert.ok(c.get(1).node.status().hardState.term > term);
  });

  it('check-quorum: an isolated leader steps down; followers in lease ignore vote requests', () => {
    const c = new Cluster(3, { checkQuorum: true });
    c.elect(1);
    c.isolate(1);
    c.tickAll(25);
    assert.notEqual(c.get(1).node.status().softState.role, 'leader');
    // Meanwhile 2 or 3 took over.
    const others = c.leaders();
    assert.equal(others.length, 1);
    assert.notEqual(others[0], 1);
  });

  it('a stale leader learns the new term from a follower and steps down', () => {
    const c = new Cluster(3, { preVote: true });
    c.elect(1);
    c.isolate(1);
    c.elect(2);
    assert.equal(c.get(1).node.status().softState.role, 'leader'); // still thinks so
    c.heal();
    c.tickAll(2);
    assert.deepEqual(c.leaders(), [2]);
    assert.equal(c.get(1).node.status().softState.lead, 2);
  });

  it('a restarted node keeps its term and vote', () => {
    const c = new Cluster(3);
    c.elect(1);
    const hs = c.get(2).node.status().hardState;
    c.restart(2);
    const after = c.get(2).node.status();
    assert.equal(after.hardState.term, hs.term);
    assert.equal(after.hardState.vote, hs.vote);
    assert.equal(after.softState.role, 'follower');
  });
});
