import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANE_DONE, LANE_MAIN, LANE_RUNNING, worthClaiming } from './ordered-lane.js';
import { GAS_UNIT, Scheduler, schedulerWords } from './scheduler.js';

/** A scheduler whose transactions have these gas limits (all free). */
function withGas(limits: number[]): Scheduler {
  const s = new Scheduler(new SharedArrayBuffer(4 * schedulerWords(limits.length)), limits.length);
  s.reset(limits.length);
  limits.forEach((gas, i) => s.setGas(i, Math.ceil(gas / GAS_UNIT)));
  return s;
}

test('ordered mode: a worker claims a small transaction anywhere, a long one only if the main thread has more to run before it', () => {
  // 0: the main thread is on it; 1: 50k gas; 2: 3M gas; 3: 100k gas.
  let s = withGas([100_000, 50_000, 3_000_000, 100_000]);
  assert.equal(worthClaiming(s, 3, 0), true, 'a 100k-gas transaction is always worth it');
  assert.equal(worthClaiming(s, 2, 0), false, '150k gas of main-thread work before a 3M-gas transaction: the worker would still be running it');

  s = withGas([8_000_000, 50_000, 3_000_000]);
  assert.equal(worthClaiming(s, 2, 0), true, 'the main thread has 8M gas to run first');

  // Transactions a worker holds or has done cost the main thread next to nothing: not counted.
  for (const held of [LANE_RUNNING, LANE_DONE]) {
    s = withGas([100_000, 8_000_000, 3_000_000]);
    Atomics.store(s.a, s.statusIndex(1), held);
    assert.equal(worthClaiming(s, 2, 0), false);
  }
  s = withGas([100_000, 8_000_000, 3_000_000]);
  Atomics.store(s.a, s.statusIndex(1), LANE_MAIN);
  assert.equal(worthClaiming(s, 2, 0), true, 'the main thread runs 1 itself');
});
