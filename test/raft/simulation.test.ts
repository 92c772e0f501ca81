import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Simulation, SimFailure } from './sim.ts';

/**
 * Seeded simulations of 3 and 5 nodes under drops, reordering, duplication, partitions and
 * crash/restart. A failure prints its seed; rerun one with
 *   RAFT_SIM_SEED=<n> [RAFT_SIM_NODES=3|5] [RAFT_SIM_STEPS=<k>] [RAFT_SIM_TRACE=1] node --import tsx --test test/raft/simulation.test.ts
 * or sweep more seeds with RAFT_SIM_SEEDS=<count> RAFT_SIM_FIRST_SEED=<n>.
 */
const envSeed = process.env['RAFT_SIM_SEED'];
const envNodes = process.env['RAFT_SIM_NODES'];
const steps = Number(process.env['RAFT_SIM_STEPS'] ?? 4000);
const trace = process.env['RAFT_SIM_TRACE'] === '1';

function runSeed(seed: number, nodes: number) {
  try {
    return new Simulation({ seed, nodes, steps, trace }).run();
  } catch (e) {
    if (e instanceof SimFailure) console.error(e.message);
    else console.error(`raft simulation crashed: seed=${seed} nodes=${nodes}; replay: RAFT_SIM_SEED=${seed} RAFT_SIM_NODES=${nodes}`);
    throw e;
  }
}

const seedCount = Number(process.env['RAFT_SIM_SEEDS'] ?? 100);
const firstSeed = Number(process.env['RAFT_SIM_FIRST_SEED'] ?? 1000);
const seeds = envSeed !== undefined ? [Number(envSeed)] : Array.from({ length: seedCount }, (_, i) => firstSeed + i);
const sizes = envNodes !== undefined ? [Number(envNodes)] : [3, 5];

describe('raft simulation', () => {
  for (const nodes of sizes) {
    it(`${nodes} nodes, ${seeds.length} seed(s) x ${steps} steps: safety holds and every acknowledged write survives`, () => {
      let acked = 0;
      let crashes = 0;
      let snaps = 0;
      let reads = 0;
      let leaders = 0;
      for (const seed of seeds) {
        const r = runSeed(seed, nodes);
        acked += r.acked;
        crashes += r.crashes;
        snaps += r.snapshotsSent;
        reads += r.reads;
        leaders += r.leadersElected;
      }
      console.log(`${nodes} nodes: acked=${acked} crashes=${crashes} snapshots=${snaps} reads=${reads} leaders=${leaders}`);
      // The faults must actually have been exercised.
      if (envSeed === undefined) {
        assert.ok(acked > seeds.length * 10, `acked ${acked}`);
        assert.ok(crashes > 0 && leaders > seeds.length && reads > 0);
      }
    });
  }

  it('a seed replays exactly', () => {
    const a = new Simulation({ seed: 77, nodes: 3, steps: 1500 }).run();
    const b = new Simulation({ seed: 77, nodes: 3, steps: 1500 }).run();
    assert.deepEqual(a, b);
  });
});
