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
