import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPath, estimateScaling, simulate } from './model.js';

const profile = (execMs: number[], deps: number[][]) => ({ execMs, totalMs: execMs, executions: execMs.map(() => 1), deps });

test('independent transactions: the critical path is the longest one, threads divide the work', () => {
  const p = profile([1, 1, 1, 1], [[], [], [], []]);
  assert.equal(criticalPath(p), 1);
  assert.equal(simulate(p, 1), 4);
  assert.equal(simulate(p, 2), 2);
  assert.equal(simulate(p, 4), 1);
  const e = estimateScaling(p, [2, 4]);
  assert.equal(e.idealSpeedup, 4);
  assert.deepEqual(e.simulated, { 2: 2, 4: 4 });
});

test('a chain gains nothing; a chain beside independent work overlaps it', () => {
  const chain = profile([1, 1, 1], [[], [0], [1]]);
  assert.equal(criticalPath(chain), 3);
  assert.equal(estimateScaling(chain, [8]).simulated[8], 1);
  const mixed = profile([2, 1, 1, 2], [[], [], [1], [0]]);
  assert.equal(criticalPath(mixed), 4);
  assert.equal(simulate(mixed, 2), 4);
});

test('a thread does not wait behind a dependency while later transactions are ready', () => {
  // tx1 needs tx0 (long); tx2 and tx3 are independent: the second thread runs them meanwhile.
  const p = profile([4, 1, 2, 2], [[], [0], [], []]);
  assert.equal(criticalPath(p), 5);
  assert.equal(simulate(p, 2), 5);
  // In index order with waiting, tx1 would hold the second thread from 0 to 5 and tx2, tx3 follow: 7.
  const work = 9;
  assert.ok(work / simulate(p, 2) <= Math.min(2, work / criticalPath(p)));
});

test('the schedule never beats the critical path nor the threads, on random blocks', () => {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let round = 0; round < 50; round++) {
    const n = 1 + Math.floor(rand() * 40);
    const execMs = Array.from({ length: n }, () => 0.1 + rand() * 5);
    const deps = execMs.map((_, j) => Array.from({ length: j }, (_, d) => d).filter(() => rand() < 0.08));
    const p = profile(execMs, deps);
    const work = execMs.reduce((a, b) => a + b, 0);
    for (const threads of [1, 2, 3, 8]) {
      const m = simulate(p, threads);
      assert.ok(m >= criticalPath(p) - 1e-9, 'not shorter than the critical path');
      assert.ok(m >= work / threads - 1e-9, 'not shorter than the work over the threads');
      if (threads === 1) assert.ok(Math.abs(m - work) < 1e-9, 'one thread runs everything in turn');
    }
  }
});
