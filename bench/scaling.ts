/**
 * Parallel runs for the benchmark reports, and what the scaling model
 * (src/analysis/) predicts from them: the parallel executor timed the way
 * bench/run.ts times an engine (warm-up, a full garbage collection before
 * each timed run, the median of several), then profiled runs of the same
 * block (per-transaction times and dependencies), replayed through the
 * scheduler with 4-32 virtual threads.
 */
import { calibrate, calibrateMedian, type Calibration, type MeasuredRun } from '../src/analysis/calibrate.js';
import { fromProfile, fromProfiles, idealSpeedup, PREDICT_THREADS, simulateBlockStm, type ScalingInput, type SimOptions, type SimResult } from '../src/analysis/scaling.js';
import { ParallelExecutor, type BlockProfile, type ParallelBlockResult, type ParallelRunStats } from '../src/exec/parallel/executor.js';
import { loadPreState, stateProbe } from './engines/multilane.js';
import type { Workload } from './workloads/types.js';
import { collectGarbage } from '../src/gc.js';

/** Warm-up as bench/run.ts's for parallel engines: untimed runs until both bounds are met (V8 must optimize the workers' EVM). */
const WARMUP_MIN_RUNS = 40;
const WARMUP_MIN_MS = 1500;
const WARMUP_MAX_RUNS = 80;
/** Profiled runs merged per block (fromProfiles: each transaction at its fastest). */
export const PROFILE_RUNS = 5;

export interface ParallelMeasurement {
  threads: number;
  /** Median wall time of `execute` over the timed runs. */
  ms: number;
  cpuMs: number;
  /** The median run's counters. */
  stats: ParallelRunStats;
  /** Problems the workload's check found in the parallel result (empty: as intended). */
  problems: string[];
}


/**
 * One run of the block from a fresh pre-state. The executor's shared copy
 * of the pre-state is built before the timed span (a node keeps it across
 * blocks), like the sequential engine's MemoryState. Parallel is forced:
 * these runs study Block-STM itself, where the executor's adaptive policy
 * (policy.ts) would run blocks it finds faster sequentially on the main thread.
 */
async function runOnce(ex: ParallelExecutor, w: Workload, profile: boolean, timed: boolean, warmRun = false) {
  const warm = warmRun ? loadPreState(w) : undefined;
  const state = loadPreState(w);
  ex.loadPreState(warm ?? state);
  if (timed) await collectGarbage();
  if (warm !== undefined) {
    // As the bench's warm runs (EngineRunOptions.warmRun): the same block right before, untimed.
    await ex.execute(warm, w.txs, w.env, { senders: w.senders, forceParallel: true });
    ex.loadPreState(state);
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result: ParallelBlockResult = await ex.execute(state, w.txs, w.env, { senders: w.senders, profile, forceParallel: true });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, result, state };
}

/** Warms the executor's workers up on this block. */
export async function warmUp(ex: ParallelExecutor, w: Workload): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < WARMUP_MAX_RUNS; i++) {
    await runOnce(ex, w, false, false);
    if (i + 1 >= WARMUP_MIN_RUNS && performance.now() - start >= WARMUP_MIN_MS) return;
  }
}

/** Timed runs (after `warmUp`); the median by wall time is reported, its outcome checked. */
export async function measureParallel(ex: ParallelExecutor, w: Workload, threads: number, runs: number, cold = false): Promise<ParallelMeasurement> {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await runOnce(ex, w, false, true, !cold));
  all.sort((a, b) => a.ms - b.ms);
  const mid = all[(all.length - 1) >> 1];
  const problems = await w.check(stateProbe(mid.state), mid.result.receipts);
  return { threads, ms: mid.ms, cpuMs: mid.cpuMs, stats: mid.result.stats, problems };
}

export interface ProfiledRuns {
  threads: number;
  input: ScalingInput;
  /** Each profiled run, as the calibration sees it. */
  runs: MeasuredRun[];
  /** Each run's profile, as recorded. */
  profiles: BlockProfile[];
  /** The last run's counters. */
  stats: ParallelRunStats;
}

/**
 * `runs` profiled runs (after `warmUp`), merged. A run the executor redid
 * sequentially (a fallback) has no profile and is retried; after `runs`
 * such fallbacks the reason is thrown.
 */
export async function profileParallel(ex: ParallelExecutor, w: Workload, threads: number, runs = PROFILE_RUNS): Promise<ProfiledRuns> {
  const profiles: BlockProfile[] = [];
  const measured: MeasuredRun[] = [];
  let last: ParallelRunStats | undefined;
  let fallbacks = 0;
  while (profiles.length < runs) {
    const r = await runOnce(ex, w, true, true);
    if (r.result.profile === undefined) {
      if (++fallbacks >= runs) throw new Error(`${w.name}: the parallel executor ran the block sequentially (${r.result.stats.reason ?? 'no reason given'})`);
      continue;
    }
    profiles.push(r.result.profile);
    const st = r.result.stats;
    measured.push({ threads, ms: r.ms, workerBusyMs: st.workerBusyMs, workerWaitMs: st.workerWaitMs, executions: st.executions, validations: st.validations });
    last = st;
  }
  return { threads, input: fromProfiles(profiles, { senders: w.senders }), runs: measured, profiles, stats: last! };
}

/** What the model says about one block. */
export interface ScalingSummary {
  /** Work ÷ critical path of the dependency DAG (unbounded threads; over Σ per-transaction costs). */
  ideal: number;
  criticalPathMs: number;
  workMs: number;
  /** Critical path transactions ÷ block transactions. */
  criticalPathTxs: number;
  calibration: Calibration;
  /** Per thread count: predicted speedup over the sequential executor (like a measured speedup). */
  predicted: Record<number, number>;
  /** Per thread count: Σ costs ÷ simulated makespan (the scheduling's own scaling, comparable with `ideal`). */
  scaling: Record<number, number>;
  /** Per thread count: the best any scheduler could do with these costs, over the sequential executor: seqMs ÷ (serial + max(work ÷ N, critical path)). */
  bound: Record<number, number>;
  predictedMs: Record<number, number>;
  sims: Record<number, SimResult>;
}

/**
 * The ideal speedup and predictions at `threads` (default 4, 8, 16, 32),
 * calibrated on `profiled` (its costs and its measured run).
 */
export function summarizeScaling(profiled: ProfiledRuns, seqMs: number, threads: readonly number[] = PREDICT_THREADS, sim: SimOptions = {}): ScalingSummary {
  const input = profiled.input;
  const ideal = idealSpeedup(input);
  const cal = calibrateMedian(input, profiled.runs, sim);
  const s: ScalingSummary = {
    ideal: ideal.speedup,
    criticalPathMs: ideal.criticalPathMs,
    workMs: ideal.workMs,
    criticalPathTxs: ideal.path.length,
    calibration: cal,
    predicted: {},
    scaling: {},
    bound: {},
    predictedMs: {},
    sims: {},
  };
  for (const t of threads) {
    const r = simulateBlockStm(input, t, { ...sim, taskOverheadMs: cal.taskOverheadMs });
    const ms = cal.serialMs + r.makespanMs;
    s.sims[t] = r;
    s.predictedMs[t] = ms;
    s.predicted[t] = seqMs / ms;
    s.scaling[t] = r.speedup;
    s.bound[t] = seqMs / (cal.serialMs + Math.max(ideal.workMs / t, ideal.criticalPathMs));
  }
  return s;
}

/** Rounds for JSON: 3 significant decimals. */
export function round3(v: number): number {
  return Number(v.toFixed(3));
}

/** A Record<threads, number> with rounded values, for JSON. */
export function roundAll(r: Record<number, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, round3(v)]));
}

/** What `addScaling` sets on a bench row (bench/run.ts BenchRow has these fields). */
export interface ScalingFields {
  engine: string;
  threads: number;
  ms: number;
  /** Predicted speedup over the sequential executor at 4, 8, 16 and 32 threads. */
  predicted?: Record<number, number>;
  /** Work ÷ critical path of the block's dependency graph. */
  ideal?: number;
}

/**
 * For `multilane bench --threads N`: profiles the workload's block on a
 * 1-thread parallel executor (as the sweeps do: calibration and undisturbed
 * costs) and sets `predicted` and `ideal` on our parallel row, or on our
 * sequential row while the runner has no parallel one. Speedups are over
 * our sequential row's time.
 */
export async function addScaling(w: Workload, rows: ScalingFields[], log: (line: string) => void = () => {}): Promise<void> {
  const seqRow = rows.find((r) => r.engine === 'multilane' && r.threads === 1);
  if (seqRow === undefined) return;
  const target = rows.find((r) => r !== seqRow && r.engine.startsWith('multilane') && r.threads > 1) ?? seqRow;
  // The model replays Block-STM's scheduler, so it is calibrated on Block-STM.
  const ex = await ParallelExecutor.create({ threads: 1, strategy: 'block-stm' });
  try {
    await warmUp(ex, w);
    const s = summarizeScaling(await profileParallel(ex, w, 1), seqRow.ms);
    target.predicted = s.predicted;
    target.ideal = s.ideal;
    log(`${w.name}: ideal ${s.ideal.toFixed(1)}x (critical path ${s.criticalPathMs.toFixed(2)} of ${s.workMs.toFixed(1)} ms); per-task overhead ${(s.calibration.taskOverheadMs * 1000).toFixed(1)} µs, serial ${s.calibration.serialMs.toFixed(1)} ms`);
  } catch (e) {
    log(`${w.name}: no scaling prediction: ${(e as Error).message}`);
  } finally {
    await ex.close();
  }
}

/** The second table of `multilane bench --threads N`: the model's predictions per workload. */
export function formatScalingTable(rows: readonly (ScalingFields & { workload: string; speedup?: number; pairedSpeedup?: number; corunBound?: number })[]): string {
  const scaled = rows.filter((r) => r.predicted !== undefined);
  const header = ['workload', 'engine', 'threads', 'speedup', 'paired', 'co-run bound', ...PREDICT_THREADS.map((t) => `pred ${t}`), 'ideal'];
  const x = (v: number | undefined, d = 2) => (v === undefined ? '-' : `${v.toFixed(d)}x`);
  const body = scaled.map((r) => [
    r.workload, r.engine, String(r.threads), x(r.speedup), x(r.pairedSpeedup), x(r.corunBound), ...PREDICT_THREADS.map((t) => x(r.predicted?.[t])), x(r.ideal, 1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    'pred N: predicted speedup over our sequential executor at N threads (the block profiled on a 1-thread parallel',
    'executor and replayed through the Block-STM scheduler with N virtual threads; docs/scaling.md).',
    'ideal: total work ÷ critical path of the block\'s dependency graph.',
    'paired: the median ratio of sequential and parallel runs taken back to back in pairs (the rows\' medians are seconds apart).',
    'co-run bound: the sequential block on every thread at once, against one thread alone (threads × alone ÷ together):',
    'what a perfect parallel executor could reach on this machine at the time of the run (bench/corun.ts).',
  ].join('\n');
}

/**
 * The check of the scheduling model against measured runs: each profiled
 * run of the T-thread executor replayed through the scheduler with T
 * virtual threads, from that run's own per-transaction times (a stall
 * inside a transaction stays where it happened) and its own calibration.
 * Returns the medians of predicted and measured wall time and
 * re-executions over the same runs, and how much the transactions' costs
 * grew over the 1-thread profile (`costGrowth`: Σ costs at T ÷ at 1).
 */
export function replayRuns(profiled: ProfiledRuns, senders: readonly bigint[], oneThread: ProfiledRuns, sim: SimOptions = {}) {
  const predictedMs: number[] = [];
  const predictedRe: number[] = [];
  const overheads: number[] = [];
  const serials: number[] = [];
  profiled.profiles.forEach((p, i) => {
    const input = fromProfile(p, { senders });
    const cal = calibrate(input, profiled.runs[i], sim);
    const r = simulateBlockStm(input, profiled.threads, { ...sim, taskOverheadMs: cal.taskOverheadMs });
    predictedMs.push(cal.serialMs + r.makespanMs);
    predictedRe.push(r.reexecutions);
    overheads.push(cal.taskOverheadMs * 1000);
    serials.push(cal.serialMs);
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    predictedMs: median(predictedMs),
    measuredMs: median(profiled.runs.map((r) => r.ms)),
    predictedReexecutions: median(predictedRe),
    measuredReexecutions: median(profiled.runs.map((r) => r.executions - profiled.input.costMs.length)),
    costGrowth: sum(profiled.input.costMs) / Math.max(1e-12, sum(oneThread.input.costMs)),
    /** The T-thread runs' own calibration (medians), to set beside the 1-thread one the predictions use. */
    taskOverheadUs: median(overheads),
    serialMs: median(serials),
  };
}
