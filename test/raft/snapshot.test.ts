import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, MemoryStorage, type Entry } from '../../raft/index.ts';
import { Cluster, enc } from './fixture.ts';

const ent = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: enc(`${index}`) });

describe('MemoryStorage', () => {
  it('answers entries, terms and bounds with sentinel errors', () => {
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1), ent(3, 2)]);
    assert.equal(s.firstIndex(), 1);
    assert.equal(s.lastIndex(), 3);
    assert.equal(s.term(0), 0);
    assert.equal(s.term(3), 2);
    assert.throws(() => s.term(4), (e) => e === ErrUnavailable);
    assert.deepEqual(s.entries(1, 3, Infinity).map((e) => e.index), [1, 2]);
    assert.deepEqual(s.entries(1, 4, 1).map((e) => e.index), [1], 'at least one entry even over the limit');
    assert.throws(() => s.entries(1, 5, Infinity), (e) => e === ErrUnavailable);
  });

  it('compacts, snapshots and truncates conflicting suffixes', () => {
    const s = new MemoryStorage();
    s.append([ent(1, 1), ent(2, 1), ent(3, 2), ent(4, 2)]);
    s.createSnapshot(2, enc('sm@2'));
    s.compact(2);
    assert.equal(s.firstIndex(), 3);
    assert.equal(s.term(2), 1, 'the compaction point keeps its term');
    assert.throws(() => s.term(1), (e) => e === ErrCompacted);
    assert.throws(() => s.entries(2, 4, Infinity), (e) => e === ErrCompacted);
    assert.throws(() => s.compact(2), (e) => e === ErrCompacted);
    s.append([ent(4, 3), ent(5, 3)]);
    assert.deepEqual(s.entries(3, 6, Infinity).map((e) => `${e.index}/${e.term}`), ['3/2', '4/3', '5/3']);
    assert.throws(() => s.applySnapshot({ metadata: { index: 1, term: 1 }, data: enc('') }), (e) => e === ErrSnapOutOfDate);
    s.applySnapshot({ metadata: { index: 10, term: 4 }, data: enc('sm@10') });
    assert.equal(s.firstIndex(), 11);
    assert.equal(s.lastIndex(), 10);
    assert.equal(s.term(10), 4);
  });
});

describe('compaction and snapshot catch-up', () => {
  it('a follower behind the compacted log catches up from a snapshot, then by appends', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.isolate(3);
    for (let k = 0; k < 50; k++) c.propose(1, `v${k}`);
    c.stabilize();
    for (const id of [1, 2]) c.compact(id);
    assert.equal(c.get(1).node.status().firstIndex, 52);
    c.heal();
    c.tickAll(3);
    const snaps = c.sent.filter((m) => m.type === 'MsgSnap' && m.to === 3);
    assert.equal(snaps.length, 1);
    assert.equal(snaps[0]!.snapshot!.metadata.index, 51);
    assert.equal(c.get(3).appliedIndex, 51);
    assert.deepEqual(c.get(3).applied, c.get(1).applied);
    assert.equal(c.get(3).storage.firstIndex(), 52);
    c.propose(1, 'after');
    c.stabilize();
    assert.equal(c.get(3).applied.get(52), 'after');
    assert.equal(c.get(1).node.status().progress!.get(3)!.state, 'replicate');
  });

  it('a lost snapshot is retried after the transport reports the failure', () => {
    const c = new Cluster(3);
    c.elect(1);
    c.isolate(3);
    for (let k = 0; k < 10; k++) c.propose(1, `v${k}`);
    c.stabilize();
    c.compact(1);
    let lost = 0;
    c.drop = (m) => m.type === 'MsgSnap' && lost++ === 0;
    c.tickAll(5);
    assert.equal(lost > 1, true);
    assert.equal(c.get(3).appliedIndex, 11);
    assert.deepEqual(c.get(3).applied, c.get(1).applied);
  });

  it('a restarted follower resumes from its snapshot', () => {
    const c = new Cluster(3);
    c.elect(1);
    for (let k = 0; k < 5; k++) c.propose(1, `v${k}`);
    c.stabilize();
    c.compact(2);
    const tn = c.restart(2);
    assert.equal(tn.node.status().firstIndex, 7);
    c.propose(1, 'x');
    c.stabilize();
    assert.equal(tn.applied.get(7), 'x');
  });
});
