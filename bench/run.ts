/**
 * The benchmark runner: builds each workload's block once, runs it on every
 * engine asked for (warm-up runs, then the timed runs, each from a fresh
 * pre-state), checks each engine's outcome against the workload's intent,
 * and reports rows as a table or JSON lines (shared/guide/workloads.md,
 * "Reporting"). Engines load lazily: @ethereumjs/vm is a dev dependency.
 */
import { loadavg } from 'node:os';
import type { ParallelStrategy } from '../src/exec/parallel/options.js';
import { ParallelEngine, type ParallelEngineResult } from './engines/parallel.js';
import type { Engine, EngineResult } from './engines/types.js';
import { collectGarbage } from '../src/gc.js';
import { makeWorkload } from './workloads/index.js';
import type { Workload } from './workloads/types.js';

export const ENGINE_NAMES = ['multilane', 'ethereumjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** @ethereumjs/vm runs ~100-350 tx/s here: by default it runs the first 1,000 transactions of a block. */
export const DEFAULT_ETHEREUMJS_MAX_TXS = 1000;
/** Transactions of a capped engine's warm-up run. */
const CAPPED_WARMUP_TXS = 100;

export interface BenchOptions {
  workloads: string[];
  engines: EngineName[];
  txs?: number;
  gigagas?: boolean;
  seed?: number;
  pools?: number;
  /** Threads for the parallel executor's rows (> 1: each workload also runs in parallel; bench/engines/parallel.ts). */
  threads?: number;
  /** The parallel rows' strategy (default: the executor's: ordered on two threads, Block-STM on more). */
  strategy?: ParallelStrategy;
  /** Cap on the transactions @ethereumjs/vm runs per block (0: no cap). */
  ethereumjsMaxTxs?: number;
  /** Timed runs per engine and workload; the median (by ms) is reported. Default: 3, 1 for a capped engine. */
  runs?: number;
  /** Check each engine's outcome (default true). */
  check?: boolean;
  /**
   * Time each block right after the forced GC and its pause (an idle
   * machine: the first block after idling runs slower), instead of right
   * after an untimed run of the same block (default; see EngineRunOptions.warmRun).
   */
  cold?: boolean;
  /** Called with each row as soon as it is measured. */
  onRow?: (row: BenchRow) => void;
  /** Progress and notes (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface BenchRow {
  workload: string;
  engine: string;
  threads: number;
  /** Transactions executed and timed. */
  txs: number;
  /** Transactions in the block (more than `txs` when the engine was capped). */
  blockTxs: number;
  gas: number;
  ms: number;
  /** Process CPU time over the timed span (see EngineResult.cpuMs). */
  cpuMs: number;
  txPerSec: number;
  mgasPerSec: number;
  /** Sender recovery, timed apart from execution. */
  recoverMs: number;
  /** This engine's tx/s over @ethereumjs/vm's on the same block, when both ran. */
  ratio?: number;
  /** Problems the workload's check found (empty: as intended; undefined: not checked). */
  problems?: string[];
  /** Parallel rows: speedup over our sequential row (its ms ÷ this ms), re-executions and aborts of the median run. */
  speedup?: number;
  reexecutions?: number;
  aborts?: number;
  /** Parallel rows: how the median run ran (`parallel`, or `sequential: <why>`), and how many timed runs ran in parallel. */
  mode?: string;
  parallelRuns?: number;
  runs?: number;
  /** With --threads N > 1: predicted speedup over our sequential run at 4-32 threads, and the block's ideal (bench/scaling.ts). */
  predicted?: Record<number, number>;
  ideal?: number;
  /** The forced parallel row: the median ratio of sequential and parallel runs taken in pairs (see pairedSpeedup). */
  pairedSpeedup?: number;
  /** Parallel rows: the co-run bound for this many threads, measured in the same run (bench/corun.ts). */
  corunBound?: number;
}

async function loadEngine(name: EngineName): Promise<Engine> {
  if (name === 'multilane') return new (await import('./engines/multilane.js')).MultilaneEngine();
  return new (await import('./engines/ethereumjs.js')).EthereumJsEngine();
}

function engineCap(name: EngineName, opts: BenchOptions): number | undefined {
  if (name !== 'ethereumjs') return undefined;
  const cap = opts.ethereumjsMaxTxs ?? DEFAULT_ETHEREUMJS_MAX_TXS;
  return cap > 0 ? cap : undefined;
}

function toRow(w: Workload, r: EngineResult, threads: number): BenchRow {
  const gas = Number(r.gasUsed);
  return {
    workload: w.name,
    engine: r.engine,
    threads,
    txs: r.txs,
    blockTxs: w.txs.length,
    gas,
    ms: r.ms,
    cpuMs: r.cpuMs,
    txPerSec: (r.txs * 1000) / r.ms,
    mgasPerSec: gas / 1000 / r.ms,
    recoverMs: r.recoverMs,
  };
}

/** Timed runs when not given: a 30M-gas block runs in ~10-60 ms on our EVM, where one run is noisy. */
const DEFAULT_RUNS = 5;
/**
 * Warm-up: untimed runs until both bounds are met (or WARMUP_MAX_RUNS).
 * V8 needs several runs of a 30M-gas block before the interpreter's hot
 * functions reach optimized code: erc20 on our EVM measured 6k, 6k, 23k,
 * 15k, 17k, 13k, 27k, then 35-60k tx/s in its first runs (docs/benchmarks.md),
 * so one warm-up run reported a third of the steady rate.
 */
const WARMUP_MIN_RUNS = 5;
const WARMUP_MIN_MS = 1500;
const WARMUP_MAX_RUNS = 40;
/**
 * The parallel executor's code warms up slower: each thread sees a share of
 * the transactions, and the workers' isolates compile on their own. erc20
 * on 2 threads measured a median of 7.3 ms over runs 10-30 and 5.7 ms over
 * runs 20-60 (back to back, the same block).
 */
const PARALLEL_WARMUP_MIN_RUNS = 40;
const PARALLEL_WARMUP_MAX_RUNS = 80;
/** Transactions that count as enough warm-up whatever the number of runs (a 1-gigagas block is one run). */
const WARMUP_ENOUGH_TXS = 10_000;


/** Untimed runs from a fresh pre-state each, until V8 has had time to optimize the engine's hot code. */
async function warmUp(engine: Engine, w: Workload, maxTxs: number | undefined): Promise<void> {
  const start = performance.now();
  const parallel = engine instanceof ParallelEngine;
  const minRuns = parallel ? PARALLEL_WARMUP_MIN_RUNS : WARMUP_MIN_RUNS;
  let txs = 0;
  for (let i = 0; i < (parallel ? PARALLEL_WARMUP_MAX_RUNS : WARMUP_MAX_RUNS); i++) {
    txs += (await engine.run(w, { maxTxs })).txs;
    const enough = i + 1 >= minRuns || txs >= (parallel ? 4 : 1) * WARMUP_ENOUGH_TXS;
    if (enough && performance.now() - start >= WARMUP_MIN_MS) return;
  }
}

/** Runs one workload on one engine: warm-up, timed runs (the median kept), check. */
async function measure(engine: Engine, w: Workload, cap: number | undefined, opts: BenchOptions): Promise<BenchRow> {
  const warmup = cap === undefined ? undefined : Math.min(cap, CAPPED_WARMUP_TXS);
  await warmUp(engine, w, warmup);
  const runs = opts.runs ?? (cap === undefined ? DEFAULT_RUNS : 1);
  const results: EngineResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await engine.run(w, { maxTxs: cap, beforeTimed: collectGarbage, warmRun: opts.cold !== true }));
  results.sort((a, b) => a.ms - b.ms);
  const result = results[(results.length - 1) >> 1];
  const row = toRow(w, result, engine instanceof ParallelEngine ? engine.threads : 1);
  if (opts.check !== false) row.problems = await w.check(result.probe, result.receipts);
  if (engine instanceof ParallelEngine) addParallelStats(row, result as ParallelEngineResult, results as ParallelEngineResult[]);
  return row;
}

function addParallelStats(row: BenchRow, median: ParallelEngineResult, all: ParallelEngineResult[]): void {
  const s = median.stats;
  row.reexecutions = s.reexecutions;
  row.aborts = s.validationAborts + s.dependencyAborts;
  row.mode = s.mode === 'parallel' ? 'parallel' : `sequential: ${s.reason ?? ''}`;
  row.parallelRuns = all.filter((r) => r.stats.mode === 'parallel').length;
  row.runs = all.length;
}

/**
 * Our parallel rows for a workload (`--threads` N > 1, after our sequential
 * row): Block-STM forced on every block, and the executor's adaptive
 * defaults when they ran differently (some block sequentially).
 */
async function measureParallel(w: Workload, seq: BenchRow, seqEngine: Engine, opts: BenchOptions, engines: ParallelEngine[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of engines) {
    const row = await measure(engine, w, undefined, opts);
    row.speedup = Number((seq.ms / row.ms).toFixed(3));
    if (engine.mode === 'forced') row.pairedSpeedup = await pairedSpeedup(seqEngine, engine, w, opts);
    if (engine.mode === 'adaptive' && row.parallelRuns === row.runs) continue; // the same as forced
    rows.push(row);
  }
  for (const engine of engines) await engine.close();
  return rows;
}

/** Sequential and parallel runs alternated for the paired speedup. */
const PAIRS = 7;

/**
 * The speedup from runs taken in pairs, one sequential and one parallel
 * back to back, the median of the pairs' ratios. This machine's speed moves
 * in phases of seconds to minutes (docs/benchmarks.md); the rows' medians
 * are taken seconds apart, a pair's two runs milliseconds apart.
 */
async function pairedSpeedup(seqEngine: Engine, engine: ParallelEngine, w: Workload, opts: BenchOptions): Promise<number> {
  const ratios: number[] = [];
  const run = (e: Engine) => e.run(w, { beforeTimed: collectGarbage, warmRun: opts.cold !== true });
  for (let i = 0; i < PAIRS; i++) {
    const s = await run(seqEngine);
    const p = await run(engine);
    ratios.push(s.ms / p.ms);
  }
  ratios.sort((a, b) => a - b);
  return ratios[ratios.length >> 1];
}

/** Runs every workload on every engine; returns the rows (ratios filled in). */
export async function runBench(opts: BenchOptions): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const threads = opts.threads ?? 1;
  const parallel = threads > 1 && opts.engines.includes('multilane') ? [new ParallelEngine(threads, 'forced', opts.strategy), new ParallelEngine(threads, 'adaptive', opts.strategy)] : [];
  for (const p of parallel) log(`engine ${p.name}: ${p.describe()}`);
  const engines: [EngineName, Engine][] = [];
  for (const name of opts.engines) {
    const engine = await loadEngine(name);
    log(`engine ${name}: ${engine.describe()}`);
    engines.push([name, engine]);
  }
  const rows: BenchRow[] = [];
  for (const name of opts.workloads) {
    const t0 = performance.now();
    const w = makeWorkload(name, { txs: opts.txs, gigagas: opts.gigagas, seed: opts.seed, pools: opts.pools });
    log(`${name}: ${w.txs.length} txs, ${w.pre.size} accounts in the pre-state, built in ${(performance.now() - t0).toFixed(0)} ms`);
    const mine: BenchRow[] = [];
    for (const [engineName, engine] of engines) {
      const row = await measure(engine, w, engineCap(engineName, opts), opts);
      mine.push(row);
      if (engineName === 'multilane' && parallel.length > 0) mine.push(...(await measureParallel(w, row, engine, opts, parallel)));
    }
    if (parallel.length > 0 && !opts.gigagas) await addCorunBound(name, opts, threads, mine, log);
    if ((opts.threads ?? 1) > 1) await (await import('./scaling.js')).addScaling(w, mine, log);
    const ref = mine.find((r) => r.engine === 'ethereumjs');
    for (const row of mine) {
      if (ref !== undefined) row.ratio = row.txPerSec / ref.txPerSec;
      opts.onRow?.(row);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * The co-run bound (bench/corun.ts) beside the parallel rows: on a machine
 * whose threads are not independent cores, no speedup can pass it.
 */
/** A co-run bound below this share of the thread count means the machine is busy with something else. */
const LOADED_BOUND_SHARE = 0.7;

async function addCorunBound(name: string, opts: BenchOptions, threads: number, rows: BenchRow[], log: (line: string) => void): Promise<void> {
  const { corunBound } = await import('./corun.js');
  const c = await corunBound(name, { txs: opts.txs, seed: opts.seed, pools: opts.pools }, threads);
  log(`${name}: co-run bound ${c.bound.toFixed(2)}x (the sequential block ${c.aloneMs.toFixed(1)} ms alone, ${c.togetherMs.toFixed(1)} ms on ${threads} threads at once)`);
  if (c.bound < LOADED_BOUND_SHARE * threads) {
    const [load] = loadavg();
    log(`${name}: warning: the machine gives ${threads} threads only ${c.bound.toFixed(2)}x of one (load average ${load.toFixed(2)}): another process may hold a core, or one vCPU runs slower than the other (docs/benchmarks.md); parallel figures of this run say little`);
  }
  for (const r of rows) if (r.speedup !== undefined) r.corunBound = c.bound;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The table of shared/guide/workloads.md, with footnotes for capped runs and failed checks. */
export function formatTable(rows: BenchRow[]): string {
  const header = ['workload', 'engine', 'threads', 'txs', 'gas', 'ms', 'cpu ms', 'tx/s', 'Mgas/s', 'recover ms', 'vs seq', 're-exec', 'vs ethereumjs', 'check'];
  const body = rows.map((r) => [
    r.workload,
    r.engine,
    String(r.threads),
    r.txs < r.blockTxs ? `${fmt(r.txs)}*` : fmt(r.txs),
    fmt(r.gas),
    fmt(r.ms, 1),
    fmt(r.cpuMs, 1),
    fmt(r.txPerSec),
    fmt(r.mgasPerSec, 2),
    fmt(r.recoverMs, 1),
    r.speedup === undefined ? '' : `${r.speedup.toFixed(2)}x${r.parallelRuns !== undefined && r.parallelRuns < (r.runs ?? 0) ? '†' : ''}`,
    r.reexecutions === undefined ? '' : fmt(r.reexecutions),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.problems === undefined ? '-' : r.problems.length === 0 ? 'ok' : `FAILED (${r.problems.length})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (rows.some((r) => r.speedup !== undefined)) {
    out.push('', 'vs seq: our sequential row\'s ms over this row\'s (same block, same run); re-exec: re-executions in the median run.');
  }
  for (const r of rows) {
    if (r.parallelRuns !== undefined && r.parallelRuns < (r.runs ?? 0)) {
      out.push(`† ${r.workload} on ${r.engine}: ${r.parallelRuns} of ${r.runs} timed runs in parallel; the median run: ${r.mode}`);
    }
  }
  const capped = rows.filter((r) => r.txs < r.blockTxs);
  if (capped.length > 0) {
    out.push('', '* ran only the first N transactions of the block (--ethereumjs-max-txs); its rates are measured on that prefix and the ratio compares rates.');
  }
  for (const r of rows) {
    if (r.problems !== undefined && r.problems.length > 0) {
      out.push('', `${r.workload} on ${r.engine}: the check failed:`, ...r.problems.map((p) => `  ${p}`));
    }
  }
  return out.join('\n');
}

/** One JSON object per row, the fields of shared/guide/workloads.md first. */
export function toJson(r: BenchRow): string {
  return JSON.stringify({
    workload: r.workload,
    engine: r.engine,
    threads: r.threads,
    txs: r.txs,
    gas: r.gas,
    ms: Number(r.ms.toFixed(3)),
    cpuMs: Number(r.cpuMs.toFixed(3)),
    txPerSec: Number(r.txPerSec.toFixed(1)),
    mgasPerSec: Number(r.mgasPerSec.toFixed(3)),
    recoverMs: Number(r.recoverMs.toFixed(3)),
    blockTxs: r.blockTxs,
    ...(r.ratio === undefined ? {} : { ratioVsEthereumjs: Number(r.ratio.toFixed(3)) }),
    ...(r.speedup === undefined ? {} : { speedup: r.speedup, reexecutions: r.reexecutions, aborts: r.aborts, mode: r.mode, parallelRuns: r.parallelRuns, runs: r.runs }),
    ...(r.pairedSpeedup === undefined ? {} : { pairedSpeedup: Number(r.pairedSpeedup.toFixed(3)) }),
    ...(r.corunBound === undefined ? {} : { corunBound: Number(r.corunBound.toFixed(3)) }),
    ...(r.predicted === undefined
      ? {}
      : { predicted: Object.fromEntries(Object.entries(r.predicted).map(([t, v]) => [t, Number(v.toFixed(3))])), ideal: Number((r.ideal ?? 0).toFixed(3)) }),
    ok: r.problems === undefined ? null : r.problems.length === 0,
    ...(r.problems !== undefined && r.problems.length > 0 ? { problems: r.problems } : {}),
  });
}
