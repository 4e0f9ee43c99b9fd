/**
 * `multilane replay <block-dir>...`: re-executes real mainnet blocks
 * sequentially and on the parallel executor, checks them against their
 * headers and against each other, and prints a table of timings. Thin:
 * flags in, src/replay does the work.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ParallelExecutor } from '../exec/parallel/executor.js';
import { barChart, PALETTE } from '../analysis/svg-chart.js';
import { Fork } from '../primitives/fork.js';
import { findBlockDirs, ReplayInputError } from '../replay/fixture.js';
import { replayCorunBound } from '../replay/corun.js';
import { mgasPerSec, replayBlock, replayTotals, reportForkName, type BlockReport, type ReplayTotals } from '../replay/replay.js';
import { EXIT_FAILED, EXIT_OK, intFlag, STDIO, UsageError, withUsage, type Io } from './usage.js';

export const REPLAY_USAGE = `usage: multilane replay <block-dir>... [options]

Re-executes mainnet blocks given as directories of block.json, pre_state.json,
bytecodes.json and block_hashes.json (.json or .json.gz), or a directory of
such directories (e.g. ../shared/fixtures/mainnet), or such a directory's
INDEX.json (which stands for the blocks it lists, so mainnet/* works; a block
beside an index must match its entry: number, transactions, gas, fork).
Each block runs once as
the reference (sequential; gas used, logs bloom and, from Byzantium, the
receipts root checked against the header), then --runs times sequentially and
once untimed plus --runs times on the parallel executor (alternating with the
sequential runs), which must agree exactly with the reference (receipts and
state changes). Times are medians of execution alone; 'paired' is the median
ratio of the sequential and parallel runs taken back to back (the total's,
of the blocks' runs summed per pair):
loading and sender recovery are reported apart. Exits 1 if a block fails.

options:
  --threads N        parallel executor threads (default: ${availableParallelism()}, the cores)
  --sequential       no parallel runs
  --force-parallel   run every block in parallel, even those the executor would
                     run sequentially (too few transactions)
  --runs N           timed runs per mode; the median is reported (default 3)
  --profile          three more parallel runs per block, profiled (each transaction
                     at its fastest over them): adds what bounds its speedup
                     (ideal: work / critical path; 2 ideal: two overhead-free
                     threads, each starting the lowest transaction whose
                     dependencies are done; top tx: the longest transaction's
                     share of the work)
  --corun            after the table, measure the co-run bound: the post-merge
                     blocks (all, if none is) replayed sequentially on one thread
                     alone and beside a second replay of them; 2 x alone / beside
                     is what two threads can reach on this machine now (with
                     --profile, also times the blocks' two-thread ideal)
  --chart FILE       write an SVG bar chart of each block's speedup (the post-merge
                     blocks and their total when the run has both kinds), with the
                     two-thread ideal (--profile) and that ideal on this machine
                     (--profile --corun) as levels
  --json             print one JSON object on stdout:
                     {blocks: [{number, fork, txs, ok, gasUsed, seqMs, parMs, speedup, pairedSpeedup, mismatch?}], ok,
                      total: {blocks, ok, txs, gasUsed, seqMs, parMs, speedup, pairedSpeedup, seqMgasPerSec,
                      parMgasPerSec}, postMerge?: (the same)}
  --no-progress      no progress line on stderr
  -h, --help         this text`;

export async function replayCommand(argv: string[], io: Io = STDIO): Promise<number> {
  return withUsage('replay', io, () => run(argv, io));
}

interface Flags {
  paths: string[];
  threads?: number;
  forceParallel: boolean;
  runs: number;
  profile: boolean;
  corun: boolean;
  chart?: string;
  json: boolean;
  progress: boolean;
}

function parseFlags(argv: string[]): Flags | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      threads: { type: 'string' },
      sequential: { type: 'boolean' },
      'force-parallel': { type: 'boolean' },
      runs: { type: 'string' },
      profile: { type: 'boolean' },
      corun: { type: 'boolean' },
      chart: { type: 'string' },
      json: { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (positionals.length === 0) throw new UsageError('give at least one block directory');
  if (values.sequential && (values.threads !== undefined || values['force-parallel'])) {
    throw new UsageError('--sequential runs no parallel executor: drop --threads / --force-parallel');
  }
  if (values.sequential && values.profile) {
    throw new UsageError('--profile profiles a parallel run: drop --sequential');
  }
  if (values.sequential && values.chart !== undefined) {
    throw new UsageError('--chart draws the parallel speedups: drop --sequential');
  }
  if (values.chart === '') throw new UsageError('--chart needs a file name');
  return {
    paths: positionals,
    threads: values.sequential ? undefined : (intFlag('--threads', values.threads, 1) ?? availableParallelism()),
    forceParallel: values['force-parallel'] ?? false,
    runs: intFlag('--runs', values.runs, 1) ?? 3,
    profile: values.profile ?? false,
    corun: values.corun ?? false,
    chart: values.chart,
    json: values.json ?? false,
    progress: !values['no-progress'],
  };
}

async function run(argv: string[], io: Io): Promise<number> {
  const flags = parseFlags(argv);
  if (flags === undefined) {
    io.out(`${REPLAY_USAGE}\n`);
    return EXIT_OK;
  }
  let dirs: string[];
  try {
    dirs = findBlockDirs(flags.paths);
  } catch (e) {
    if (e instanceof ReplayInputError) throw new UsageError(e.message);
    throw e;
  }
  const started = performance.now();
  const executor = flags.threads === undefined ? undefined : await ParallelExecutor.create({ threads: flags.threads });
  const reports: BlockReport[] = [];
  try {
    for (const [i, dir] of dirs.entries()) {
      if (flags.progress) progress(i, dirs.length, dir, started);
      reports.push(await replayBlock(dir, { runs: flags.runs, executor, forceParallel: flags.forceParallel, profile: flags.profile }));
    }
  } finally {
    if (flags.progress) clearProgress();
    await executor?.close();
  }
  const ok = reports.every((r) => r.ok);
  const corun = flags.corun && ok ? await corunOf(reports) : undefined;
  if (flags.chart !== undefined) {
    writeFileSync(flags.chart, speedupChart(reports, flags, corun?.bound));
    if (!flags.json) io.err(`replay: chart written to ${flags.chart}\n`);
  }
  if (flags.json) {
    const postMerge = reports.filter((r) => r.fork !== undefined && r.fork >= Fork.Paris);
    const totals = { total: totalsJson(replayTotals(reports)), ...(postMerge.length > 0 ? { postMerge: totalsJson(replayTotals(postMerge)) } : {}) };
    io.out(`${JSON.stringify({ blocks: reports.map(blockJson), ok, ...totals, ...(corun === undefined ? {} : { corun: corun.json }) })}\n`);
  }
  else io.out(`${table(reports, flags)}\n${corun === undefined ? '' : `${corun.text}\n`}${footer(reports, (performance.now() - started) / 1000)}\n`);
  return ok ? EXIT_OK : EXIT_FAILED;
}

/** The co-run bound of the post-merge blocks (all blocks if none is), as text and JSON. */
async function corunOf(reports: readonly BlockReport[]): Promise<{ text: string; json: object; bound: number }> {
  const { set, postMergeOnly } = focusBlocks(reports);
  const which = `${postMergeOnly ? 'post-merge ' : ''}block${set.length === 1 ? '' : 's'}`;
  const c = await replayCorunBound(set.map((r) => r.dir));
  const lines = [
    `co-run bound (${c.blocks} ${which}, replayed sequentially, ${c.rounds} rounds): alone ${c.aloneMs.toFixed(1)} ms, beside a second replay ${c.togetherMs.toFixed(1)} ms: ${c.bound.toFixed(2)}x for two threads on this machine now`,
  ];
  const two = scalingTotals(set)?.twoThreads;
  let withIdeal: number | undefined;
  if (two !== undefined) {
    withIdeal = (two * c.bound) / 2;
    lines.push(`with the same blocks' two-thread ideal (${two.toFixed(2)}x): ${withIdeal.toFixed(2)}x for two overhead-free threads here`);
  }
  const json = { blocks: c.blocks, aloneMs: round(c.aloneMs, 2), togetherMs: round(c.togetherMs, 2), bound: round(c.bound, 3), ...(withIdeal === undefined ? {} : { twoThreadBound: round(withIdeal, 3) }) };
  return { text: lines.join('\n'), json, bound: c.bound };
}

/**
 * The chart: each block's measured speedup (the post-merge blocks and their
 * total when the run has both kinds, else every block and the total), the
 * two-thread ideal of --profile and, with --corun, that ideal times the
 * co-run bound over 2 (two overhead-free threads on this machine).
 */
function speedupChart(reports: readonly BlockReport[], flags: Flags, corunBound: number | undefined): string {
  const focus = focusBlocks(reports);
  // A block without transactions has no speedup to speak of (0.0 ms either way).
  const set = focus.set.filter((r) => r.ok && r.txs > 0);
  const categories = [...set.map((r) => String(r.number)), focus.postMergeOnly ? 'post-merge' : 'total'];
  const speedups = [...set.map((r) => r.speedup), replayTotals(set).speedup];
  const ideal = [...set.map((r) => r.scaling?.twoThreads), scalingTotals(set)?.twoThreads];
  const levels: { name: string; values: (number | undefined)[]; color: string }[] = [];
  if (ideal.some((v) => v !== undefined)) {
    levels.push({ name: 'two ideal threads', values: ideal, color: PALETTE[7] });
    if (corunBound !== undefined) {
      levels.push({ name: 'two ideal threads, this machine (co-run)', values: ideal.map((v) => (v === undefined ? undefined : (v * corunBound) / 2)), color: PALETTE[5] });
    }
  }
  // The axis spans the levels too (their tops would otherwise be cut to arrows).
  let top = 1;
  for (const v of [...speedups, ...levels.flatMap((l) => l.values)]) if (v !== undefined && Number.isFinite(v) && v > top) top = v;
  const threads = flags.threads ?? 1;
  return barChart({
    title: `Mainnet blocks: speedup on ${threads} thread${threads === 1 ? '' : 's'} over the sequential executor`,
    subtitle: `median of ${flags.runs} run${flags.runs === 1 ? '' : 's'} per mode${flags.forceParallel ? ', every block in parallel' : ''}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    categories,
    series: [{ name: `measured, ${threads} thread${threads === 1 ? '' : 's'}`, values: speedups }],
    levels,
    y: { label: 'speedup over sequential', min: 0, max: Math.ceil(top * 4) / 4 },
    hlines: [{ y: 1, label: 'sequential (1x)' }],
    // Room for an eight-digit block number under each group.
    width: Math.max(720, 280 + 72 * categories.length),
  });
}

const TTY = process.stderr.isTTY === true;
let lastProgress = 0;

/** Progress on stderr: a rewritten line on a terminal, a line every ten seconds otherwise (CI logs). */
function progress(i: number, total: number, dir: string, started: number): void {
  const now = performance.now();
  if (!TTY && now - lastProgress < 10_000) return;
  lastProgress = now;
  const line = `replay: block ${i + 1}/${total} (${dir}), ${((now - started) / 1000).toFixed(0)} s`;
  process.stderr.write(TTY ? `\r${line}\x1b[K` : `${line}\n`);
}

function clearProgress(): void {
  if (TTY) process.stderr.write('\r\x1b[K');
}

function round(x: number | undefined, digits: number): number | null {
  return x === undefined ? null : Number(x.toFixed(digits));
}

/** One block in the --json report. */
function blockJson(r: BlockReport): Record<string, unknown> {
  const out: Record<string, unknown> = {
    number: Number(r.number),
    fork: reportForkName(r),
    txs: r.txs,
    ok: r.ok,
    gasUsed: Number(r.gasUsed),
    seqMs: round(r.seqMs, 3),
    parMs: round(r.parMs, 3),
    speedup: round(r.speedup, 3),
  };
  if (r.pairedSpeedup !== undefined) out.pairedSpeedup = round(r.pairedSpeedup, 3);
  if (r.parallelMode !== undefined) out.parallelMode = r.parallelMode;
  if (!r.receiptsChecked) out.receiptsChecked = false;
  if (r.scaling !== undefined) out.scaling = r.scaling;
  if (r.mismatch !== undefined) out.mismatch = r.mismatch;
  return out;
}

/** Totals in the --json report (over the blocks that replayed; `blocks` counts them all). */
function totalsJson(t: ReplayTotals): Record<string, unknown> {
  return {
    blocks: t.blocks,
    ok: t.ok,
    txs: t.txs,
    gasUsed: Number(t.gasUsed),
    seqMs: round(t.seqMs, 3),
    parMs: round(t.parMs, 3),
    speedup: round(t.speedup, 3),
    pairedSpeedup: round(t.pairedSpeedup, 3),
    seqMgasPerSec: round(t.seqMgasPerSec, 1),
    parMgasPerSec: round(t.parMgasPerSec, 1),
  };
}

const COLUMNS = ['block', 'fork', 'txs', 'Mgas', 'seq ms', 'par ms', 'speedup', 'paired', 'seq Mgas/s', 'par Mgas/s', 'ok'];

function fixed(x: number | undefined, digits: number): string {
  return x === undefined ? '-' : x.toFixed(digits);
}

function blockRow(r: BlockReport): string[] {
  const ok = r.ok ? (r.receiptsChecked ? 'ok' : 'ok*') : 'FAIL';
  return [
    String(r.number),
    reportForkName(r),
    String(r.txs),
    fixed(Number(r.gasUsed) / 1e6, 2),
    fixed(r.seqMs, 1),
    fixed(r.parMs, 1),
    r.speedup === undefined ? '-' : `${r.speedup.toFixed(2)}x`,
    r.pairedSpeedup === undefined ? '-' : `${r.pairedSpeedup.toFixed(2)}x`,
    r.seqMs === undefined ? '-' : mgasPerSec(r.gasUsed, r.seqMs).toFixed(0),
    r.parMs === undefined ? '-' : mgasPerSec(r.gasUsed, r.parMs).toFixed(0),
    ok,
  ];
}

function totalRow(label: string, t: ReplayTotals): string[] {
  return [
    label,
    '',
    String(t.txs),
    fixed(Number(t.gasUsed) / 1e6, 2),
    fixed(t.seqMs, 1),
    fixed(t.parMs, 1),
    t.speedup === undefined ? '-' : `${t.speedup.toFixed(2)}x`,
    t.pairedSpeedup === undefined ? '-' : `${t.pairedSpeedup.toFixed(2)}x`,
    t.seqMgasPerSec.toFixed(0),
    fixed(t.parMgasPerSec, 0),
    `${t.ok}/${t.blocks}`,
  ];
}

const PROFILE_COLUMNS = ['ideal', '2 ideal', 'top tx'];

/** A block's --profile cells: ideal speedup, two ideal threads, the longest transaction (index: share). */
function scalingCells(r: BlockReport): string[] {
  const s = r.scaling;
  if (s === undefined) return ['-', '-', '-'];
  return [`${s.ideal.toFixed(2)}x`, `${s.twoThreads.toFixed(2)}x`, `${s.topTx}: ${(100 * s.topTxShare).toFixed(0)}%`];
}

/** The same over several blocks: summed work over summed critical paths (and two-thread makespans). */
function scalingTotalCells(reports: readonly BlockReport[]): string[] {
  const s = scalingTotals(reports);
  return s === undefined ? ['-', '-', ''] : [`${s.ideal.toFixed(2)}x`, `${s.twoThreads.toFixed(2)}x`, ''];
}

/** Over the profiled blocks that passed: summed work over summed critical paths, and over summed two-thread makespans. */
function scalingTotals(reports: readonly BlockReport[]): { ideal: number; twoThreads: number } | undefined {
  let work = 0;
  let cp = 0;
  let two = 0;
  for (const r of reports) {
    if (!r.ok || r.scaling === undefined) continue;
    work += r.scaling.workMs;
    cp += r.scaling.criticalPathMs;
    two += r.scaling.twoThreadsMs;
  }
  return cp > 0 ? { ideal: work / cp, twoThreads: work / two } : undefined;
}

/**
 * The blocks --corun and --chart look at: the post-merge ones when the run
 * has both kinds (`postMergeOnly`), else all of them.
 */
function focusBlocks(reports: readonly BlockReport[]): { set: readonly BlockReport[]; postMergeOnly: boolean } {
  const postMerge = reports.filter((r) => r.fork !== undefined && r.fork >= Fork.Paris);
  const postMergeOnly = postMerge.length > 0 && postMerge.length < reports.length;
  return { set: postMergeOnly ? postMerge : reports, postMergeOnly };
}

/** The per-block table with a total row, and one over the post-merge blocks when there are some. */
function table(reports: readonly BlockReport[], flags: Flags): string {
  const extra = flags.profile;
  const columns = extra ? [...COLUMNS, ...PROFILE_COLUMNS] : COLUMNS;
  const rows = reports.map((r) => (extra ? [...blockRow(r), ...scalingCells(r)] : blockRow(r)));
  const total = (label: string, rs: readonly BlockReport[]) => {
    const row = totalRow(label, replayTotals(rs));
    return extra ? [...row, ...scalingTotalCells(rs)] : row;
  };
  const totals: string[][] = [total('total', reports)];
  const postMerge = reports.filter((r) => r.fork !== undefined && r.fork >= Fork.Paris);
  if (postMerge.length > 0 && postMerge.length < reports.length) totals.push(total('post-merge', postMerge));
  const all = [columns, ...rows, ...totals];
  const width = columns.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (row: string[]): string => row.map((cell, c) => (c === 1 || c === 9 ? cell.padEnd(width[c]) : cell.padStart(width[c]))).join('  ').trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('  ');
  const mode = flags.threads === undefined ? 'sequential only' : `parallel on ${flags.threads} thread${flags.threads === 1 ? '' : 's'}${flags.forceParallel ? ', forced' : ''}`;
  const lines = [`replay: median of ${flags.runs} run${flags.runs === 1 ? '' : 's'}, execution only; ${mode}`, line(columns), rule, ...rows.map(line), rule, ...totals.map(line)];
  if (extra) lines.push('ideal: work / critical path of the profiled run; 2 ideal: two overhead-free threads, each starting the lowest transaction whose dependencies are done; top tx: the longest one (index: share of work)');
  return lines.join('\n');
}

function footer(reports: readonly BlockReport[], seconds: number): string {
  const lines: string[] = [];
  if (reports.some((r) => r.ok && !r.receiptsChecked)) lines.push('* gas used and logs bloom checked; receipts root not: pre-Byzantium receipts embed intermediate state roots, which need the full state');
  let load = 0;
  let recover = 0;
  for (const r of reports) {
    load += r.loadMs ?? 0;
    recover += r.recoverMs ?? 0;
  }
  lines.push(`not in the times: loading ${load.toFixed(0)} ms, sender recovery ${recover.toFixed(0)} ms`);
  const failed = reports.filter((r) => !r.ok);
  if (failed.length > 0) {
    lines.push('', 'failures:');
    for (const r of failed) lines.push(`  block ${r.number} (${r.dir})`, `      ${r.mismatch ?? 'failed'}`);
  }
  lines.push('', `replay: ${reports.length} block${reports.length === 1 ? '' : 's'}: ${reports.length - failed.length} passed, ${failed.length} failed (${seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
