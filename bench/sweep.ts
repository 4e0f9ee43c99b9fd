/**
 * Sweeps: one table and one chart over a family of blocks, each measured
 * sequentially and in parallel on this machine and predicted for 4-32
 * threads by the scaling model (bench/scaling.ts, src/analysis/).
 *
 * - `contention`: `contention-K` for K in 2 … 10,000, the Block-STM paper's
 *   contention sweep (speedup against K, log-scale x);
 * - `workloads`: the named workloads (grouped bars per workload).
 *
 * Per block: the sequential executor (warm-up, median of `runs`); a probe
 * of the cores this machine gives `threads` busy threads right now
 * (cpu-probe.ts); the parallel executor at `threads` (warm-up, median of
 * `runs`, then profiled runs, replayed through the model as its check);
 * then profiled runs on a 1-thread parallel executor, which calibrate the
 * model (per-task overhead, serial time) and give each transaction's cost
 * undisturbed by other threads sharing this machine's two cores: the
 * predictions for 4-32 threads come from those. See docs/scaling.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { barChart, lineChart } from '../src/analysis/svg-chart.js';
import { PREDICT_THREADS } from '../src/analysis/scaling.js';
import { ParallelExecutor } from '../src/exec/parallel/executor.js';
import { MultilaneEngine } from './engines/multilane.js';
import { probeParallelism } from './cpu-probe.js';
import { collectGarbage } from '../src/gc.js';
import { measureParallel, profileParallel, replayRuns, round3, roundAll, summarizeScaling, warmUp, type ScalingSummary } from './scaling.js';
import { DEFAULT_WORKLOADS, makeWorkload } from './workloads/index.js';
import type { Workload } from './workloads/types.js';
import { DEFAULT_CHARTS, DEFAULT_KS, SWEEP_KINDS, SWEEP_USAGE, type SweepKind } from './sweep-flags.js';

export { DEFAULT_CHARTS, DEFAULT_KS, SWEEP_KINDS, SWEEP_USAGE, type SweepKind } from './sweep-flags.js';

export interface SweepOptions {
  kind: SweepKind;
  /** contention: the Ks (default DEFAULT_KS). */
  ks?: number[];
  /** workloads: the names (default: the bench's default workloads but contention-K). */
  workloads?: string[];
  /** Threads of the measured parallel runs (default 2). */
  threads?: number;
  txs?: number;
  seed?: number;
  pools?: number;
  /** Timed runs per configuration, median reported (default 5). */
  runs?: number;
  /** Time blocks right after the GC pause instead of after an untimed run (BenchOptions.cold). */
  cold?: boolean;
  /** Where the SVG goes (default DEFAULT_CHARTS[kind]); null: no chart. */
  chart?: string | null;
  log?: (line: string) => void;
  onRow?: (row: SweepRow) => void;
}

export interface SweepRow {
  workload: string;
  k?: number;
  threads: number;
  txs: number;
  gas: number;
  seqMs: number;
  parMs: number;
  /** seqMs ÷ parMs; undefined when the executor fell back to sequential. */
  speedup?: number;
  reexecutions: number;
  validationAborts: number;
  dependencyAborts: number;
  /** Checks of the sequential and the parallel outcome (empty: as intended). */
  problems: string[];
  /**
   * The workers' loop time (busiest worker, minus its waits) at 1 thread ÷ at
   * `threads`: the measured scaling of the scheduling itself, without the
   * serial part around it (comparable with the model's `scaling`).
   */
  loopScaling?: number;
  /** The model (undefined when no parallel profile could be taken). */
  scaling?: ScalingSummary;
  /** The check: the profiled `threads`-thread runs replayed through the scheduler, next to what they measured. */
  replay?: ReturnType<typeof replayRuns>;
  /** Effective parallelism of `threads` threads, probed right before the timed parallel runs. */
  parallelism?: number;
}

const DEFAULT_RUNS = 5;
const SEQ_WARMUP_MIN_RUNS = 5;
const SEQ_WARMUP_MIN_MS = 1500;

async function measureSequential(engine: MultilaneEngine, w: Workload, runs: number, cold: boolean) {
  const start = performance.now();
  for (let i = 0; i < 40; i++) {
    await engine.run(w);
    if (i + 1 >= SEQ_WARMUP_MIN_RUNS && performance.now() - start >= SEQ_WARMUP_MIN_MS) break;
  }
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await engine.run(w, { beforeTimed: collectGarbage, warmRun: !cold }));
  results.sort((a, b) => a.ms - b.ms);
  const mid = results[(results.length - 1) >> 1];
  return { ms: mid.ms, gas: Number(mid.gasUsed), problems: await w.check(mid.probe, mid.receipts) };
}

function blockNames(o: SweepOptions): { name: string; k?: number }[] {
  if (o.kind === 'contention') return (o.ks ?? DEFAULT_KS).map((k) => ({ name: `contention-${k}`, k }));
  // contention-K has its own sweep.
  return (o.workloads ?? DEFAULT_WORKLOADS.filter((n) => !n.startsWith('contention-'))).map((name) => ({ name }));
}

/** Runs the sweep; writes the chart unless `chart` is null; returns the rows. */
export async function runSweep(o: SweepOptions): Promise<SweepRow[]> {
  const log = o.log ?? (() => {});
  const threads = o.threads ?? 2;
  const runs = o.runs ?? DEFAULT_RUNS;
  const predictAt = [...new Set([threads, ...PREDICT_THREADS])].sort((a, b) => a - b);
  const seq = new MultilaneEngine();
  // Block-STM on every thread count: the sweep is the Block-STM paper's, and its predictions come from Block-STM's model.
  const par = await ParallelExecutor.create({ threads, strategy: 'block-stm' });
  const one = threads === 1 ? par : await ParallelExecutor.create({ threads: 1, strategy: 'block-stm' });
  const load0 = loadavg()[0];
  const rows: SweepRow[] = [];
  try {
    for (const { name, k } of blockNames(o)) {
      const w = makeWorkload(name, { txs: o.txs, seed: o.seed, pools: o.pools });
      log(`${name}: ${w.txs.length} txs`);
      const s = await measureSequential(seq, w, runs, o.cold === true);
      await warmUp(par, w);
      // Other processes come and go: probe the cores right before the timed parallel runs.
      const parallelism = await probeParallelism(threads);
      const p = await measureParallel(par, w, threads, runs, o.cold === true);
      log(`${name}: ${threads} threads had ${parallelism.toFixed(2)} cores' worth (cpu-probe.ts)`);
      const profiledT = one === par ? undefined : await profileParallel(par, w, threads);
      if (one !== par) await warmUp(one, w);
      const profiled = await profileParallel(one, w, 1);
      const row: SweepRow = {
        workload: name, k, threads, txs: w.txs.length, gas: s.gas, seqMs: s.ms, parMs: p.ms,
        speedup: p.stats.mode === 'parallel' ? s.ms / p.ms : undefined,
        reexecutions: p.stats.reexecutions, validationAborts: p.stats.validationAborts, dependencyAborts: p.stats.dependencyAborts,
        problems: [...s.problems.map((x) => `sequential: ${x}`), ...p.problems.map((x) => `parallel: ${x}`)],
        scaling: summarizeScaling(profiled, s.ms, predictAt),
        loopScaling: medianLoop(profiled.runs) / Math.max(1e-9, p.stats.workerBusyMs - p.stats.workerWaitMs),
        replay: replayRuns(profiledT ?? profiled, w.senders, profiled),
        parallelism,
      };
      rows.push(row);
      o.onRow?.(row);
    }
  } finally {
    await par.close();
    if (one !== par) await one.close();
  }
  const load1 = loadavg()[0];
  log(`load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end`);
  if (o.chart !== null && rows.length > 0) {
    const path = o.chart ?? DEFAULT_CHARTS[o.kind];
    const cores = rows.map((r) => r.parallelism ?? threads);
    const note = `measured: ${threads} threads got ${Math.min(...cores).toFixed(1)}-${Math.max(...cores).toFixed(1)} cores (probed), load avg ${Math.max(load0, load1).toFixed(1)}; predicted: profile replayed through the scheduler, free cores`;
    const svg = o.kind === 'contention' ? contentionChart(rows, threads, note) : workloadChart(rows, threads, note);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, svg);
    log(`chart written to ${path}`);
    if (o.kind === 'contention') {
      const second = path.replace(/(\.svg)?$/, '-scaling.svg');
      writeFileSync(second, contentionScalingChart(rows, threads, note));
      log(`chart written to ${second}`);
    }
  }
  return rows;
}

const CHART_THREADS = [8, 16, 32];

/** Speedup against K: measured, predicted 8/16/32, and the best possible at 32 threads. */
export function contentionChart(rows: readonly SweepRow[], threads: number, note: string): string {
  const ks = rows.map((r) => r.k ?? Number.NaN);
  const pts = (f: (r: SweepRow) => number | undefined) => rows.map((r) => ({ x: r.k ?? Number.NaN, y: f(r) ?? Number.NaN }));
  return lineChart({
    title: `Speedup over sequential against contention (contention-K, ${rows[0].txs.toLocaleString('en-US')} transfers)`,
    subtitle: note,
    x: { label: 'K: accounts the transfers are drawn from (log scale)', log: true, ticks: ks },
    y: { label: 'speedup over the sequential executor' },
    series: [
      { name: `measured, ${threads} threads`, points: pts((r) => r.speedup) },
      ...CHART_THREADS.map((t) => ({ name: `predicted, ${t} threads`, points: pts((r) => r.scaling?.predicted[t]), dash: '6 4' })),
      { name: 'best possible, 32 threads', points: pts((r) => r.scaling?.bound[32]), dash: '2 3', marker: 'none' as const },
    ],
    hlines: [{ y: 1, label: 'sequential (1x)' }],
  });
}

/**
 * Block-STM's own scaling against K, the serial part around the workers
 * left out: the workers' loop time at 1 thread over at N threads, measured
 * and predicted, with min(32, work ÷ critical path).
 */
export function contentionScalingChart(rows: readonly SweepRow[], threads: number, note: string): string {
  const pts = (f: (r: SweepRow) => number | undefined) => rows.map((r) => ({ x: r.k ?? Number.NaN, y: f(r) ?? Number.NaN }));
  return lineChart({
    title: 'Block-STM scheduling scaling against contention (serial part excluded)',
    subtitle: note,
    x: { label: 'K: accounts the transfers are drawn from (log scale)', log: true, ticks: rows.map((r) => r.k ?? Number.NaN) },
    y: { label: 'workers\' time at 1 thread ÷ at N threads' },
    series: [
      { name: `measured, ${threads} threads`, points: pts((r) => r.loopScaling) },
      ...CHART_THREADS.map((t) => ({ name: `predicted, ${t} threads`, points: pts((r) => r.scaling?.scaling[t]), dash: '6 4' })),
      { name: 'ideal, 32 threads', points: pts((r) => (r.scaling === undefined ? undefined : Math.min(32, r.scaling.ideal))), dash: '2 3', marker: 'none' as const },
    ],
    hlines: [{ y: 1, label: 'no scaling (1x)' }],
  });
}

function medianLoop(runs: readonly { workerBusyMs: number; workerWaitMs: number }[]): number {
  const xs = runs.map((r) => r.workerBusyMs - r.workerWaitMs).sort((a, b) => a - b);
  return xs[(xs.length - 1) >> 1];
}

/** Per workload: measured and predicted speedups as bars, the best possible at 32 threads as a level. */
export function workloadChart(rows: readonly SweepRow[], threads: number, note: string): string {
  return barChart({
    title: 'Parallel speedup per workload: measured and predicted',
    subtitle: note,
    categories: rows.map((r) => r.workload),
    series: [
      { name: `measured, ${threads} threads`, values: rows.map((r) => r.speedup) },
      ...CHART_THREADS.map((t) => ({ name: `predicted, ${t} threads`, values: rows.map((r) => r.scaling?.predicted[t]) })),
    ],
    levels: [{ name: 'best possible, 32 threads', values: rows.map((r) => r.scaling?.bound[32]) }],
    y: { label: 'speedup over the sequential executor' },
    hlines: [{ y: 1, label: 'sequential (1x)' }],
  });
}

function fmt(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The sweep's table: measurement, then the model's predictions. */
export function formatSweepTable(rows: readonly SweepRow[]): string {
  const t = rows[0]?.threads ?? 2;
  const header = ['workload', 'txs', 'seq ms', 'par ms', 'cores', 'speedup', 're-exec', 'aborts', 'replay ms', 'cost x', `pred ${t}`, 'pred 8', 'pred 16', 'pred 32', 'ideal', 'check'];
  const body = rows.map((r) => [
    r.workload,
    fmt(r.txs, 0),
    fmt(r.seqMs, 1),
    fmt(r.parMs, 1),
    fmt(r.parallelism, 2),
    r.speedup === undefined ? 'seq' : `${fmt(r.speedup, 2)}x`,
    fmt(r.reexecutions, 0),
    fmt(r.validationAborts + r.dependencyAborts, 0),
    r.replay === undefined ? '-' : `${fmt(r.replay.predictedMs, 1)}/${fmt(r.replay.measuredMs, 1)}`,
    r.replay === undefined ? '-' : fmt(r.replay.costGrowth, 1),
    ...[t, 8, 16, 32].map((n) => (r.scaling === undefined ? '-' : `${fmt(r.scaling.predicted[n], 2)}x`)),
    r.scaling === undefined ? '-' : `${fmt(r.scaling.ideal, 1)}x`,
    r.problems.length === 0 ? 'ok' : `FAILED (${r.problems.length})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  out.push(
    '',
    `cores: what ${t} busy threads got of this machine right before (cpu-probe.ts; ${t} on an idle machine).`,
    `speedup: sequential ms ÷ parallel ms at ${t} threads; aborts: validation aborts + ESTIMATE reads.`,
    `pred N: predicted speedup over the sequential executor at N threads with N free cores;`,
    `replay ms: the profiled ${t}-thread runs replayed through the scheduler from their own costs, predicted/measured (the check);`,
    `cost x: Σ transaction costs in those runs ÷ in the 1-thread runs the predictions use;`,
    'ideal: total work ÷ critical path of the dependency graph (the bound at unlimited threads, over the parallel executor\'s own work).',
  );
  for (const r of rows) if (r.problems.length > 0) out.push('', `${r.workload}: the check failed:`, ...r.problems.map((p) => `  ${p}`));
  return out.join('\n');
}

/** One JSON object per row. */
export function sweepJson(r: SweepRow): string {
  const s = r.scaling;
  return JSON.stringify({
    workload: r.workload,
    ...(r.k === undefined ? {} : { k: r.k }),
    threads: r.threads,
    txs: r.txs,
    gas: r.gas,
    seqMs: round3(r.seqMs),
    parMs: round3(r.parMs),
    speedup: r.speedup === undefined ? null : round3(r.speedup),
    reexecutions: r.reexecutions,
    aborts: r.validationAborts + r.dependencyAborts,
    validationAborts: r.validationAborts,
    dependencyAborts: r.dependencyAborts,
    ...(r.parallelism === undefined ? {} : { parallelism: round3(r.parallelism) }),
    ...(r.loopScaling === undefined ? {} : { loopScaling: round3(r.loopScaling) }),
    ...(r.replay === undefined ? {} : { replay: Object.fromEntries(Object.entries(r.replay).map(([k, v]) => [k, round3(v)])) }),
    ...(s === undefined
      ? {}
      : {
          predicted: roundAll(s.predicted),
          scaling: roundAll(s.scaling),
          bound: roundAll(s.bound),
          ideal: round3(s.ideal),
          criticalPathMs: round3(s.criticalPathMs),
          workMs: round3(s.workMs),
          predictedReexecutions: Object.fromEntries(Object.entries(s.sims).map(([k, v]) => [k, v.reexecutions])),
          calibration: { taskOverheadUs: round3(s.calibration.taskOverheadMs * 1000), serialMs: round3(s.calibration.serialMs) },
        }),
    ok: r.problems.length === 0,
    ...(r.problems.length > 0 ? { problems: r.problems } : {}),
  });
}

/** The flags `multilane bench --sweep KIND` reads (parsed by src/cli/bench.ts). */
export interface SweepFlags {
  sweep: string;
  threads?: string;
  txs?: string;
  seed?: string;
  pools?: string;
  runs?: string;
  chart?: string;
  ks?: string;
  json?: boolean;
  cold?: boolean;
}

function intFlag(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${flag} expects an integer >= ${min}, got '${v}'`);
  return n;
}

/** `multilane bench --sweep KIND [workload...]`: returns the exit code (0 ok, 1 a check failed, 2 bad usage). */
export async function sweepCommand(f: SweepFlags, workloads: string[]): Promise<number> {
  let o: SweepOptions;
  try {
    if (!(SWEEP_KINDS as readonly string[]).includes(f.sweep)) throw new RangeError(`--sweep expects one of ${SWEEP_KINDS.join(', ')}, got '${f.sweep}'`);
    const kind = f.sweep as SweepKind;
    if (kind === 'contention' && workloads.length > 0) throw new RangeError('--sweep contention takes no workload names (use --ks)');
    if (kind === 'workloads' && f.ks !== undefined) throw new RangeError('--ks is for --sweep contention');
    const threads = intFlag('--threads', f.threads, 1) ?? 2;
    if (threads > 64) throw new RangeError('--threads: at most 64');
    o = {
      kind,
      threads,
      ks: f.ks?.split(',').map((k) => intFlag('--ks', k.trim(), 2)!),
      workloads: workloads.length > 0 ? workloads : undefined,
      txs: intFlag('--txs', f.txs, 1),
      seed: intFlag('--seed', f.seed, 0),
      pools: intFlag('--pools', f.pools, 1),
      runs: intFlag('--runs', f.runs, 1),
      cold: f.cold ?? false,
      chart: f.chart === 'none' ? null : f.chart,
    };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    console.error(`${e.message}\n\n${SWEEP_USAGE}`);
    return 2;
  }
  const rows = await runSweep({ ...o, log: (l) => console.error(l), onRow: (r) => f.json && console.log(sweepJson(r)) });
  if (!f.json) console.log(formatSweepTable(rows));
  return rows.some((r) => r.problems.length > 0) ? 1 : 0;
}
