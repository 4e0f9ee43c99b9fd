import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANE_DONE, LANE_FREE, LANE_MAIN, LANE_RUNNING, mainHoldsEarlier, nearCommit, worthClaiming } from './ordered-lane.js';
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

test('ordered mode: near the commit point counts the gas to go, not only the transactions', () => {
  // Five 100k-gas transactions: 3 is within 12 of the commit point at 0.
  let s = withGas([100_000, 100_000, 100_000, 100_000, 100_000]);
  assert.equal(nearCommit(s, 0, 3, 12), true);
  assert.equal(nearCommit(s, 0, 3, 3), false, 'three transactions to go, lead 3');
  // The calling thread is on a 30M-gas transaction: 3 is far from its turn, in gas.
  s = withGas([30_000_000, 100_000, 100_000, 100_000]);
  assert.equal(nearCommit(s, 0, 3, 12), false);
  assert.equal(nearCommit(s, 1, 3, 12), true, 'once it is committed');
});

test('ordered mode: affinity passes over a call to a contended target while an earlier one is the main thread\'s', () => {
  const s = withGas([100_000, 100_000, 100_000, 100_000, 100_000, 100_000]);
  // 0, 2 and 4 call target 1; 1, 3 and 5 call nothing contended (5: target 2).
  [1, 0, 1, 0, 1, 2].forEach((id, i) => s.setAffinity(i, id));
  assert.equal(mainHoldsEarlier(s, 4, 0), true, '0 and 2 are free: the main thread will run them first');
  Atomics.store(s.a, s.statusIndex(2), LANE_RUNNING);
  assert.equal(mainHoldsEarlier(s, 4, 0), true, '0 is still free');
  Atomics.store(s.a, s.statusIndex(0), LANE_MAIN);
  assert.equal(mainHoldsEarlier(s, 4, 0), true, '0 is running on the main thread');
  assert.equal(mainHoldsEarlier(s, 4, 1), false, '0 is committed and 2 is a worker\'s: 4 reads 2\'s writes forwarded');
  Atomics.store(s.a, s.statusIndex(2), LANE_DONE);
  assert.equal(mainHoldsEarlier(s, 4, 1), false);
  Atomics.store(s.a, s.statusIndex(2), LANE_FREE);
  assert.equal(mainHoldsEarlier(s, 4, 1), true);
  assert.equal(mainHoldsEarlier(s, 5, 0), false, 'nothing earlier calls target 2');
});
