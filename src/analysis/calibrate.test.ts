import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate, calibrateMedian } from './calibrate.js';
import { simulateBlockStm } from './simulate.js';

const input = { costMs: new Array(100).fill(0.02), deps: Array.from({ length: 100 }, () => []) };

test('calibrate: the overhead per task and the serial time of a 1-thread run', () => {
  // 2 ms of executions, 100 validations at 5% (0.1 ms), 200 tasks × 1 µs, 3 ms outside the loop.
  const busy = 2 + 0.1 + 0.2;
  const c = calibrate(input, { threads: 1, ms: busy + 3, workerBusyMs: busy + 0.5, workerWaitMs: 0.5, executions: 100, validations: 100 });
  assert.ok(Math.abs(c.taskOverheadMs - 0.001) < 1e-12, String(c.taskOverheadMs));
  assert.ok(Math.abs(c.serialMs - 3) < 1e-12);
  // The simulation with that overhead gives back the loop time.
  const sim = simulateBlockStm(input, 1, { taskOverheadMs: c.taskOverheadMs });
  assert.ok(Math.abs(sim.makespanMs - busy) < 1e-9, `${sim.makespanMs} vs ${busy}`);
});

test('calibrate: never negative; calibrateMedian keeps the median of each constant', () => {
  const c = calibrate(input, { threads: 1, ms: 1, workerBusyMs: 1, workerWaitMs: 0, executions: 100, validations: 100 });
  assert.equal(c.taskOverheadMs, 0);
  assert.equal(c.serialMs, 0);
  const runs = [5, 3, 40].map((serial) => ({ threads: 1, ms: 2.3 + serial, workerBusyMs: 2.3, workerWaitMs: 0, executions: 100, validations: 100 }));
  const m = calibrateMedian(input, runs);
  assert.ok(Math.abs(m.serialMs - 5) < 1e-9);
  assert.throws(() => calibrateMedian(input, []), RangeError);
});
