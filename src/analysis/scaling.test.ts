import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromProfile, fromProfiles, idealSpeedup, idealSpeedupAt, predictScaling, prevSameSender, simulateBlockStm, type ScalingInput } from './scaling.js';

/** n transactions of equal cost and no dependencies. */
function independent(n: number, cost = 1): ScalingInput {
  return { costMs: new Array(n).fill(cost), deps: Array.from({ length: n }, () => []) };
}

/** Each transaction reads what the previous one wrote. */
function chain(n: number, cost = 1): ScalingInput {
  return { costMs: new Array(n).fill(cost), deps: Array.from({ length: n }, (_, j) => (j === 0 ? [] : [j - 1])) };
}

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);

test('ideal speedup: independent transactions scale with their number', () => {
  const r = idealSpeedup(independent(100, 2));
  assert.equal(r.workMs, 200);
  assert.equal(r.criticalPathMs, 2);
  assert.equal(r.speedup, 100);
  assert.equal(r.path.length, 1);
  assert.equal(idealSpeedupAt(r, 8), 8);
});

test('ideal speedup: a chain does not scale, and its path is the whole chain', () => {
  const r = idealSpeedup(chain(50));
  assert.equal(r.speedup, 1);
  assert.deepEqual(r.path, Array.from({ length: 50 }, (_, i) => i));
  assert.equal(idealSpeedupAt(r, 32), 1);
});

test('ideal speedup: a diamond follows its heavier branch', () => {
  // 0 → {1 (cost 5), 2 (cost 1)} → 3
  const r = idealSpeedup({ costMs: [1, 5, 1, 1], deps: [[], [0], [0], [1, 2]] });
  assert.equal(r.workMs, 8);
  assert.equal(r.criticalPathMs, 7);
  assert.deepEqual(r.path, [0, 1, 3]);
  assert.equal(r.speedup, 8 / 7);
});

test('ideal speedup: known dependencies (same sender) count as edges', () => {
  const r = idealSpeedup({ costMs: [1, 1, 1], deps: [[], [], []], knownDeps: [-1, 0, 1] });
  assert.equal(r.criticalPathMs, 3);
  assert.equal(r.speedup, 1);
});

test('ideal speedup rejects a dependency on a later transaction', () => {
  assert.throws(() => idealSpeedup({ costMs: [1, 1], deps: [[1], []] }), RangeError);
});

test('simulation: one thread takes the sum of the costs plus validations, and never aborts', () => {
  const r = simulateBlockStm(chain(20), 1, { validationFraction: 0.1, taskOverheadMs: 0 });
  assert.equal(r.executions, 20);
  assert.equal(r.reexecutions, 0);
  assert.equal(r.validationAborts, 0);
  assert.equal(r.dependencyAborts, 0);
  // Each transaction is validated at least once (0.1 ms each); lowered validation counters add re-validations.
  assert.ok(r.validations >= 20, `validations ${r.validations}`);
  close(r.makespanMs, 20 + 0.1 * r.validations, 1e-9, 'makespan');
});

test('simulation: independent transactions scale close to the thread count', () => {
  for (const threads of [2, 4, 8, 16]) {
    const r = simulateBlockStm(independent(1000), threads, { validationFraction: 0.02 });
    assert.equal(r.reexecutions, 0);
    assert.equal(r.executions, 1000);
    // Validation (2% per validation, some transactions validated twice) is the only loss.
    assert.ok(r.speedup > threads * 0.9 && r.speedup <= threads, `threads ${threads}: speedup ${r.speedup}`);
  }
});

test('simulation: a chain stays near 1x and re-executes what ran too early', () => {
  const r = simulateBlockStm(chain(200), 8);
  assert.ok(r.speedup <= 1.05, `speedup ${r.speedup}`);
  assert.ok(r.speedup > 0.5, `speedup ${r.speedup}`);
  assert.ok(r.reexecutions + r.dependencyAborts > 0, 'speculative executions of a chain must conflict');
});

test('simulation: a chain whose dependencies are known in advance parks instead of aborting', () => {
  const r = simulateBlockStm({ ...chain(100), knownDeps: Array.from({ length: 100 }, (_, j) => j - 1) }, 4);
  assert.equal(r.reexecutions, 0);
  assert.equal(r.validationAborts, 0);
  assert.ok(r.knownDependencyWaits > 0);
  assert.ok(r.speedup > 0.9 && r.speedup <= 1.0001, `speedup ${r.speedup}`);
});

test('simulation: diamonds (0 → 1,2 → 3) repeated give the ideal 4/3 with enough threads, never more', () => {
  const costMs: number[] = [];
  const deps: number[][] = [];
  for (let d = 0; d < 50; d++) {
    const b = 4 * d;
    costMs.push(1, 1, 1, 1);
    deps.push(d === 0 ? [] : [b - 1], [b], [b], [b + 1, b + 2]);
  }
  const input = { costMs, deps };
  const ideal = idealSpeedup(input);
  close(ideal.speedup, 4 / 3, 1e-12, 'ideal');
  const r = simulateBlockStm(input, 4, { validationFraction: 0, readFraction: 0 });
  assert.ok(r.speedup <= ideal.speedup + 1e-9, `speedup ${r.speedup} above the ideal ${ideal.speedup}`);
  assert.ok(r.speedup > 1, `speedup ${r.speedup}`);
});

// The DAG bound assumes a transaction starts only after its dependencies end:
// true in the simulation when reads happen at the start (readFraction 0). Reads
// later in an execution let it overlap its dependency's end, legitimately.
test('simulation never beats the ideal speedup nor the thread count (random DAGs, reads at the start)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 12; round++) {
    const n = 150;
    const p = [0.001, 0.01, 0.05, 0.3][round % 4];
    const costMs = Array.from({ length: n }, () => 0.5 + rand());
    const deps = Array.from({ length: n }, (_, j) => Array.from({ length: j }, (_, i) => i).filter(() => rand() < p));
    const input = { costMs, deps };
    const ideal = idealSpeedup(input);
    for (const threads of [1, 3, 8]) {
      const r = simulateBlockStm(input, threads, { validationFraction: 0, readFraction: 0 });
      assert.ok(r.speedup <= Math.min(threads, ideal.speedup) + 1e-9, `p ${p} threads ${threads}: ${r.speedup} > ideal ${ideal.speedup}`);
      assert.ok(r.executions >= n);
      assert.ok(r.utilization > 0 && r.utilization <= 1 + 1e-9);
    }
  }
});

test('per-task overhead lengthens the makespan', () => {
  const a = simulateBlockStm(independent(100), 4, { taskOverheadMs: 0 });
  const b = simulateBlockStm(independent(100), 4, { taskOverheadMs: 0.1 });
  assert.ok(b.makespanMs > a.makespanMs + 0.1 * 100 / 4, `${b.makespanMs} vs ${a.makespanMs}`);
});

test('empty block', () => {
  const r = simulateBlockStm({ costMs: [], deps: [] }, 4);
  assert.equal(r.makespanMs, 0);
  assert.equal(r.executions, 0);
  assert.equal(idealSpeedup({ costMs: [], deps: [] }).speedup, 1);
});

test('fromProfile and prevSameSender', () => {
  const profile = { execMs: [1, 2, 3], totalMs: [1, 6, 3], executions: [1, 2, 1], deps: [[], [0], [1]] };
  assert.deepEqual(fromProfile(profile).costMs, [1, 2, 3]);
  assert.deepEqual(fromProfile(profile, { cost: 'mean' }).costMs, [1, 3, 3]);
  assert.deepEqual(prevSameSender([5n, 6n, 5n, 5n, 6n]), [-1, -1, 0, 2, 1]);
  assert.deepEqual(fromProfile(profile, { senders: [1n, 1n, 2n] }).knownDeps, [-1, 0, -1]);
});

test('predictScaling: speedups over a measured sequential time, plus a serial part', () => {
  const rep = predictScaling(independent(64), { threads: [4, 8], seqMs: 32, serialMs: 2, validationFraction: 0 });
  assert.equal(rep.ideal.speedup, 64);
  assert.deepEqual(rep.predictions.map((p) => p.threads), [4, 8]);
  close(rep.predictions[0].ms, 64 / 4 + 2, 1e-9, 'ms at 4');
  close(rep.predictions[1].speedup, 32 / (64 / 8 + 2), 1e-9, 'speedup at 8');
  close(rep.predictions[1].scaling, 8, 1e-9, 'scaling at 8');
});

test('fromProfiles: each transaction at its fastest, the total at the median run', () => {
  const deps = [[], [0], [1]];
  const runs = [
    { execMs: [1, 9, 1], totalMs: [1, 9, 1], executions: [1, 1, 1], deps }, // a pause inside tx 1
    { execMs: [2, 1, 2], totalMs: [2, 1, 2], executions: [1, 1, 1], deps },
    { execMs: [1, 1, 1], totalMs: [1, 1, 1], executions: [1, 1, 1], deps },
  ];
  const input = fromProfiles(runs);
  // Minimums [1, 1, 1] scaled to the median total (5 of 11, 5, 3).
  assert.deepEqual(input.costMs, [5 / 3, 5 / 3, 5 / 3]);
  assert.equal(input.deps, deps);
  assert.throws(() => fromProfiles([]), RangeError);
});

test('preemption: a thread running half the time takes twice as long; aborts grow when workers stall', () => {
  const one = simulateBlockStm(independent(200), 1, { validationFraction: 0 });
  const half = simulateBlockStm(independent(200), 1, { validationFraction: 0, preemption: { share: 0.5, sliceMs: 3 } });
  close(half.makespanMs / one.makespanMs, 2, 0.05, 'slowdown at share 0.5');
  // Transfers among 50 accounts (as contention-50): each transaction depends on the last
  // writer of its two accounts. A worker descheduled mid-task lets the other run ahead
  // on what it has not finished; the taint spreads through the accounts.
  const input = transfers(1500, 50, 0.01);
  const steady = simulateBlockStm(input, 2);
  const stalled = simulateBlockStm(input, 2, { preemption: { share: 0.6, sliceMs: 2 } });
  assert.ok(stalled.reexecutions > 2 * steady.reexecutions + 20, `${stalled.reexecutions} vs ${steady.reexecutions}`);
});

/** n transfers between random pairs of k accounts, each `cost` ms: deps are the last writers of both accounts. */
function transfers(n: number, k: number, cost: number): ScalingInput {
  let seed = 11;
  const rand = (m: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * m);
  const last = new Array<number>(k).fill(-1);
  const deps: number[][] = [];
  for (let j = 0; j < n; j++) {
    const a = rand(k);
    const b = (a + 1 + rand(k - 1)) % k;
    deps.push([...new Set([last[a], last[b]].filter((i) => i !== -1))].sort((x, y) => x - y));
    last[a] = last[b] = j;
  }
  return { costMs: new Array(n).fill(cost), deps };
}
