/**
 * Replaying real mainnet blocks: each block once as the reference (the
 * sequential executor, reads recorded, results checked against the header),
 * then `runs` timed runs sequentially and, after one untimed run of its own
 * (as the reference run is the sequential mode's), `runs` on the parallel
 * executor, alternating (sequential run i, then parallel run i: a slow phase
 * of this shared machine then weighs on both, and the paired speedup is the
 * median of their ratios), every run on a fresh clone of the pre-state. Before each timed
 * run two young-generation collections move that clone out of the young
 * generation (src/gc.ts, as the benchmark does): otherwise the timed run
 * pays for copying the pre-state, a node's long-lived state. Reported times
 * are medians; every parallel run must equal the reference exactly.
 *
 * @example
 * const executor = await ParallelExecutor.create({ threads: 2 });
 * const report = await replayBlock('../shared/fixtures/mainnet/19933612', { runs: 3, executor });
 * await executor.close();
 * console.log(report.ok, report.seqMs, report.parMs);
 */
import { basename } from 'node:path';
import type { BlockProfile, ParallelExecutor } from '../exec/parallel/executor.js';
import { median } from '../analysis/median.js';
import { fromProfiles } from '../analysis/profile.js';
import { criticalPath, simulate } from '../exec/parallel/model.js';
import { collectGarbage } from '../gc.js';
import { Fork, forkName } from '../primitives/fork.js';
import { AbsentReadRecorder, describeMissing, type AbsentRead } from './absent-reads.js';
import { checkHeader, compareRuns, PRE_BYZANTIUM_NOTE } from './check.js';
import { loadReplayBlock, ReplayInputError, type ReplayBlock } from './fixture.js';
import { prepareBlock, runParallel, runSequential, type BlockRun } from './run.js';

/** Profiled runs per block with `profile` (merged: mergedProfile). */
const PROFILE_RUNS = 3;

export interface ReplayOptions {
  /** Timed runs per mode; the median is reported (default 3). */
  runs?: number;
  /** The parallel executor to compare with; none: sequential only. */
  executor?: ParallelExecutor;
  /** Run every block in parallel, even those the executor would run sequentially. */
  forceParallel?: boolean;
  /** One more parallel run, profiled: the block's dependency structure (BlockReport.scaling). */
  profile?: boolean;
}

/**
 * What bounds a block's parallel speedup, from a profiled run: the final
 * executions' times and the lower transactions each read from. Times are
 * taken as measured (not clamped as the scaling model does for synthetic
 * workloads): on mainnet one long transaction is a property of the block.
 */
export interface BlockScaling {
  /** Sum of the transactions' execution times, ms. */
  workMs: number;
  /** Longest chain of dependent transactions, ms. */
  criticalPathMs: number;
  /** workMs / criticalPathMs. */
  ideal: number;
  /** Two ideal threads, each starting the lowest transaction whose dependencies are done (no overhead): makespan, ms, and speedup. */
  twoThreadsMs: number;
  twoThreads: number;
  /** The longest transaction's index and its share of workMs. */
  topTx: number;
  topTxShare: number;
}

export interface BlockReport {
  dir: string;
  number: bigint;
  /** Undefined when the block could not be loaded. */
  fork?: Fork;
  txs: number;
  gasUsed: bigint;
  ok: boolean;
  /** Median ms of the timed sequential runs (execution only). */
  seqMs?: number;
  /** Median ms of the parallel runs. */
  parMs?: number;
  /** seqMs / parMs. */
  speedup?: number;
  /**
   * The timed runs, in order: with a parallel executor the sequential and
   * parallel runs alternate (run i of each back to back), so that a slow
   * phase of the machine weighs on both; `pairedSpeedup` is the median of
   * seqRuns[i] / parRuns[i].
   */
  seqRuns?: number[];
  parRuns?: number[];
  pairedSpeedup?: number;
  loadMs?: number;
  recoverMs?: number;
  /** False before Byzantium (see note). */
  receiptsChecked: boolean;
  note?: string;
  /** What went wrong, when not ok. */
  mismatch?: string;
  /** A failed block's reads of accounts pre_state.json does not list. */
  absentReads?: AbsentRead[];
  /** How the executor ran the block (its own choice unless forced), and what it redid. */
  parallelMode?: 'parallel' | 'sequential';
  reexecutions?: number;
  /** With `profile`: what bounds the block's speedup. */
  scaling?: BlockScaling;
}


/** A block number from a directory named by one (for blocks that do not load); -1n otherwise. */
function numberFromDir(dir: string): bigint {
  const name = basename(dir);
  return /^\d+$/.test(name) ? BigInt(name) : -1n;
}

/** Loads and replays one block directory; never throws for bad input (it becomes the report's mismatch). */
export async function replayBlock(dir: string, options: ReplayOptions = {}): Promise<BlockReport> {
  let rb: ReplayBlock;
  try {
    rb = loadReplayBlock(dir);
  } catch (e) {
    if (!(e instanceof ReplayInputError)) throw e;
    return { dir, number: numberFromDir(dir), txs: 0, gasUsed: 0n, ok: false, receiptsChecked: false, mismatch: e.message };
  }
  return replayLoaded(rb, options);
}

/** Replays a loaded block. */
export async function replayLoaded(rb: ReplayBlock, options: ReplayOptions = {}): Promise<BlockReport> {
  const report: BlockReport = {
    dir: rb.dir,
    number: rb.number,
    fork: rb.fork,
    txs: rb.block.transactions.length,
    gasUsed: rb.block.header.gasUsed,
    ok: false,
    loadMs: rb.loadMs,
    recoverMs: rb.recoverMs,
    receiptsChecked: rb.fork >= Fork.Byzantium,
  };
  if (!report.receiptsChecked) report.note = PRE_BYZANTIUM_NOTE;
  const reference = referenceRun(rb, report);
  if (reference === undefined) return report;

  const runs = Math.max(1, options.runs ?? 3);
  const seq: number[] = [];
  const sequentialRun = async (): Promise<boolean> => {
    const state = rb.pre.clone();
    const env = prepareBlock(rb, state);
    // The fresh copy of the pre-state out of the young generation first (collectGarbage), as the benchmark does.
    await collectGarbage();
    const run = runSequential(rb, state, env);
    if (!agrees(report, 'a repeated sequential run', reference, run)) return false;
    seq.push(run.ms);
    return true;
  };
  report.seqRuns = seq;
  const executor = options.executor;
  if (executor === undefined) {
    for (let i = 0; i < runs; i++) if (!(await sequentialRun())) return report;
    summarizeTimes(report);
  } else {
    const par = await parallelRuns(rb, reference, runs, options, report, sequentialRun);
    if (par === undefined) return report;
    summarizeTimes(report);
    if (options.profile && !(await profileRun(rb, reference, executor, report, par.snapshot))) return report;
  }
  report.ok = true;
  return report;
}

/** The medians of the timed runs, and with parallel runs the speedup and the paired speedup. */
function summarizeTimes(report: BlockReport): void {
  const seq = report.seqRuns!;
  report.seqMs = median(seq);
  const par = report.parRuns;
  if (par === undefined) return;
  report.parMs = median(par);
  report.speedup = report.seqMs / report.parMs;
  report.pairedSpeedup = median(par.map((p, i) => seq[i] / p));
}

/** The recorded, header-checked sequential run; undefined (with the report's mismatch set) when it fails. */
function referenceRun(rb: ReplayBlock, report: BlockReport): BlockRun | undefined {
  const state = rb.pre.clone();
  const env = prepareBlock(rb, state);
  const recorder = new AbsentReadRecorder(state, rb.preAddresses);
  let problems: string[];
  let run: BlockRun | undefined;
  try {
    run = runSequential(rb, state, env, recorder);
    problems = checkHeader(rb, run);
  } catch (e) {
    problems = [`execution failed: ${(e as Error).message}`];
  }
  if (problems.length === 0) return run;
  const absent = recorder.reads();
  // An account the pre-state lacks is the likeliest cause: name it first.
  const missing = describeMissing(absent, rb.block.transactions, rb.senders);
  report.mismatch = missing === undefined ? problems.join('; ') : `${missing}. Result: ${problems.join('; ')}`;
  if (absent.length > 0) report.absentReads = absent;
  return undefined;
}

/** Records a difference between two runs as the report's mismatch; true when they agree. */
function agrees(report: BlockReport, what: string, want: BlockRun, got: BlockRun): boolean {
  const d = compareRuns(want, got);
  if (d === undefined) return true;
  report.mismatch = `${what} differs from the sequential reference: ${d}`;
  return false;
}

/**
 * The parallel runs, each timed one after a timed sequential run
 * (`sequentialRun`), into report.parRuns; the executor's shared pre-state
 * snapshot for further runs, or undefined when a run failed or disagreed
 * (the report's mismatch says which).
 */
async function parallelRuns(
  rb: ReplayBlock,
  reference: BlockRun,
  runs: number,
  options: ReplayOptions,
  report: BlockReport,
  sequentialRun: () => Promise<boolean>,
): Promise<{ snapshot: unknown } | undefined> {
  const par: number[] = [];
  report.parRuns = par;
  // Run 0 is untimed: the sequential mode's first run over this block (its
  // code analysis, its cold pages) is the reference run; this is the
  // parallel mode's, on every thread. It is checked like the others.
  let snapshot: unknown;
  for (let i = -1; i < runs; i++) {
    if (i >= 0 && !(await sequentialRun())) return undefined;
    const state = rb.pre.clone();
    const env = prepareBlock(rb, state);
    // The executor's copy of the pre-state is built once per block (the first run), then put back.
    if (snapshot === undefined) {
      options.executor!.loadPreState(state);
      snapshot = options.executor!.snapshotPreState();
    }
    let run: BlockRun;
    try {
      await collectGarbage();
      run = await runParallel(rb, state, env, options.executor!, { forceParallel: options.forceParallel, snapshot });
    } catch (e) {
      report.mismatch = `parallel run failed: ${(e as Error).message}`;
      return undefined;
    }
    if (!agrees(report, `parallel run ${i + 2}`, reference, run)) return undefined;
    if (i < 0) continue;
    par.push(run.ms);
    report.parallelMode = run.stats?.mode;
    report.reexecutions = Math.max(report.reexecutions ?? 0, run.stats?.reexecutions ?? 0);
  }
  return { snapshot };
}

/**
 * Profiled parallel runs (forced parallel, each checked like the others):
 * report.scaling. One run's per-transaction times carry its accidents — a
 * collection or a slow moment of this VM inside one transaction made it 76%
 * of its block in one run and 41% in another — so PROFILE_RUNS are merged
 * as the benchmark merges them (fromProfiles: each transaction at its
 * fastest, scaled to the median run's total).
 */
async function profileRun(rb: ReplayBlock, reference: BlockRun, executor: ParallelExecutor, report: BlockReport, snapshot: unknown): Promise<boolean> {
  const profiles: BlockProfile[] = [];
  for (let k = 0; k < PROFILE_RUNS; k++) {
    const state = rb.pre.clone();
    let run: BlockRun;
    try {
      run = await runParallel(rb, state, prepareBlock(rb, state), executor, { forceParallel: true, profile: true, snapshot });
    } catch (e) {
      report.mismatch = `profiled parallel run failed: ${(e as Error).message}`;
      return false;
    }
    if (!agrees(report, 'the profiled parallel run', reference, run)) return false;
    if (run.profile !== undefined && run.profile.execMs.length > 0) profiles.push(run.profile);
  }
  if (profiles.length > 0) report.scaling = blockScaling(mergedProfile(profiles));
  return true;
}

/** Profiled runs merged into one profile (fromProfiles' costs, the first run's dependencies). */
export function mergedProfile(profiles: readonly BlockProfile[]): BlockProfile {
  const { costMs } = fromProfiles(profiles);
  return { ...profiles[0], execMs: [...costMs] };
}

export function blockScaling(p: BlockProfile): BlockScaling {
  const workMs = p.execMs.reduce((a, b) => a + b, 0);
  const criticalPathMs = criticalPath(p);
  let topTx = 0;
  for (let i = 1; i < p.execMs.length; i++) if (p.execMs[i] > p.execMs[topTx]) topTx = i;
  const two = simulate(p, 2);
  return {
    workMs,
    criticalPathMs,
    ideal: criticalPathMs > 0 ? workMs / criticalPathMs : 1,
    twoThreadsMs: two,
    twoThreads: two > 0 ? workMs / two : 1,
    topTx,
    topTxShare: workMs > 0 ? p.execMs[topTx] / workMs : 0,
  };
}

/** Totals over blocks: gas, summed median times, Mgas/s and the speedup of the sums. */
export interface ReplayTotals {
  blocks: number;
  ok: number;
  txs: number;
  gasUsed: bigint;
  seqMs: number;
  parMs?: number;
  speedup?: number;
  seqMgasPerSec: number;
  parMgasPerSec?: number;
  /** The median over run indexes i of Σ seqRuns[i] / Σ parRuns[i] (the blocks' pairs taken together). */
  pairedSpeedup?: number;
}

/** Totals over the blocks that replayed (`ok`); `blocks` counts them all. */
export function replayTotals(reports: readonly BlockReport[]): ReplayTotals {
  const done = reports.filter((r) => r.ok);
  const t: ReplayTotals = { blocks: reports.length, ok: done.length, txs: 0, gasUsed: 0n, seqMs: 0, seqMgasPerSec: 0 };
  let par = done.length > 0;
  let parMs = 0;
  for (const r of done) {
    t.txs += r.txs;
    t.gasUsed += r.gasUsed;
    t.seqMs += r.seqMs ?? 0;
    if (r.parMs === undefined) par = false;
    else parMs += r.parMs;
  }
  t.seqMgasPerSec = mgasPerSec(t.gasUsed, t.seqMs);
  if (par) {
    t.parMs = parMs;
    t.speedup = t.seqMs / parMs;
    t.parMgasPerSec = mgasPerSec(t.gasUsed, parMs);
    t.pairedSpeedup = pairedTotal(done);
  }
  return t;
}

/** ReplayTotals.pairedSpeedup; undefined unless every block has the same number of paired runs. */
function pairedTotal(reports: readonly BlockReport[]): number | undefined {
  const n = reports[0]?.parRuns?.length ?? 0;
  if (n === 0 || reports.some((r) => r.parRuns?.length !== n || r.seqRuns?.length !== n)) return undefined;
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    let p = 0;
    for (const r of reports) {
      s += r.seqRuns![i];
      p += r.parRuns![i];
    }
    ratios.push(s / p);
  }
  return median(ratios);
}

/** Millions of gas per second. */
export function mgasPerSec(gas: bigint, ms: number): number {
  return ms > 0 ? Number(gas) / 1000 / ms : 0;
}

/** The fork's name, or '?' for a block that did not load. */
export function reportForkName(r: BlockReport): string {
  return r.fork === undefined ? '?' : forkName(r.fork);
}
