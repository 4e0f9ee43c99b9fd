/**
 * Fitting the scaling model's two machine constants to a measured run of
 * the parallel executor:
 *
 * - `taskOverheadMs`: what a worker spends per task beyond the timed
 *   executions and the modelled validations (taking the task, decoding the
 *   transaction, recording outcomes, the table commit after the block),
 *   spread over its tasks;
 * - `serialMs`: the part of the block's wall time outside the workers'
 *   loop (encoding, posting the job, folding receipts on the main thread),
 *   which no thread count shortens.
 *
 * From a 1-thread run both are exact by construction (the prediction at 1
 * thread then equals the measurement); the prediction at 2 threads is the
 * check. From a run with more threads the busiest worker's time stands for
 * every worker's.
 */
import type { ScalingInput } from './profile.js';
import { DEFAULT_SIM, type SimOptions } from './simulate.js';

/** What the executor measured for one run (fields of ParallelRunStats, plus the wall time). */
export interface MeasuredRun {
  threads: number;
  /** Wall time of the whole `execute` call. */
  ms: number;
  /** The busiest worker's time in the block, and the part it spent waiting. */
  workerBusyMs: number;
  workerWaitMs: number;
  executions: number;
  validations: number;
}

export interface Calibration {
  taskOverheadMs: number;
  serialMs: number;
  /** The run it was fitted to. */
  threads: number;
}

/** Fits the per-task overhead and the serial time of `run` for blocks like `input`. */
export function calibrate(input: ScalingInput, run: MeasuredRun, sim: SimOptions = {}): Calibration {
  const o = { ...DEFAULT_SIM, ...sim };
  const n = input.costMs.length;
  let work = 0;
  for (const c of input.costMs) work += c;
  const meanCost = n > 0 ? work / n : 0;
  const loopMs = Math.max(0, run.workerBusyMs - run.workerWaitMs);
  const workerMs = run.threads * loopMs;
  const execMs = n > 0 ? (work * run.executions) / n : 0;
  const validateMs = run.validations * (o.validationFraction * meanCost + o.validationMs);
  const tasks = run.executions + run.validations;
  return {
    taskOverheadMs: tasks > 0 ? Math.max(0, (workerMs - execMs - validateMs) / tasks) : 0,
    serialMs: Math.max(0, run.ms - loopMs),
    threads: run.threads,
  };
}

/**
 * Calibrates on each run and keeps the median of each constant: on a shared
 * machine a run can lose a time slice anywhere, and one such run should
 * not set the serial time of every prediction.
 */
export function calibrateMedian(input: ScalingInput, runs: readonly MeasuredRun[], sim: SimOptions = {}): Calibration {
  if (runs.length === 0) throw new RangeError('calibrateMedian needs at least one run');
  const cals = runs.map((r) => calibrate(input, r, sim));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[(xs.length - 1) >> 1];
  return { taskOverheadMs: median(cals.map((c) => c.taskOverheadMs)), serialMs: median(cals.map((c) => c.serialMs)), threads: runs[0].threads };
}
