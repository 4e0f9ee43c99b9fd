/**
 * `multilane bench [workload...]`: runs the benchmark workloads
 * (shared/guide/workloads.md) on our EVM and on @ethereumjs/vm in the same
 * process, and prints a table or JSON lines. Thin: flags in, bench/run.ts
 * does the work.
 */
import type { ParallelStrategy } from '../exec/parallel/options.js';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  DEFAULT_ETHEREUMJS_MAX_TXS,
  ENGINE_NAMES,
  formatTable,
  runBench,
  toJson,
  type EngineName,
} from '../../bench/run.js';
import { DEFAULT_WORKLOADS, isWorkloadName, WORKLOAD_NAMES } from '../../bench/workloads/index.js';
import { SWEEP_USAGE } from '../../bench/sweep-flags.js';

const USAGE = `usage: multilane bench [workload...] [options]

workloads: ${WORKLOAD_NAMES.join(', ')}
  (default: ${DEFAULT_WORKLOADS.join(' ')})

options:
  --txs N                  transactions per block (default: ~30M gas worth)
  --gigagas                size blocks to ~1,000,000,000 gas
  --threads N              threads for the parallel executor (default: the machine's cores); with
                           N > 1 each workload also runs on the parallel executor with N threads (forced, and
                           adaptive when it runs differently), reporting speedup over sequential
  --strategy S             the parallel rows' strategy: ordered (the calling thread commits in order
                           while workers run ahead) or block-stm; default: the executor's, ordered on
                           2 threads and Block-STM on more (docs/parallel.md)
  --engines a,b            engines to run: ${ENGINE_NAMES.join(',')} (default: both)
  --seed S                 PRNG seed for accounts, amounts and order (default 1)
  --pools P                pools for amm and mixed (default 100)
  --ethereumjs-max-txs N   run only the first N txs of a block on @ethereumjs/vm
                           (default ${DEFAULT_ETHEREUMJS_MAX_TXS}; 0: all); its rates come from that prefix
  --runs N                 timed runs per engine, the median reported
                           (default 5; 1 for @ethereumjs/vm when capped)
  --no-check               skip checking each engine's outcome
  --cold                   time each block right after the pause that follows
                           the forced GC (an idle machine), instead of right
                           after an untimed run of the same block (the default:
                           a node executing blocks back to back)
  --json                   one JSON object per row instead of the table
  -h, --help               this text

${SWEEP_USAGE}`;

class UsageError extends Error {}

function positiveInt(flag: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new UsageError(`${flag} expects a ${allowZero ? 'non-negative' : 'positive'} integer, got '${value}'`);
  return n;
}

function parseEngines(value: string | undefined): EngineName[] {
  if (value === undefined) return [...ENGINE_NAMES];
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) {
    if (!(ENGINE_NAMES as readonly string[]).includes(n)) throw new UsageError(`unknown engine '${n}' (known: ${ENGINE_NAMES.join(', ')})`);
  }
  if (names.length === 0) throw new UsageError('--engines names no engine');
  return names as EngineName[];
}

function parseStrategy(value: string | undefined): ParallelStrategy | undefined {
  if (value === undefined || value === 'block-stm' || value === 'ordered') return value;
  throw new UsageError(`--strategy expects block-stm or ordered, got '${value}'`);
}

/** Runs the command; returns the exit code (0 ok, 1 a check failed, 2 bad usage). */
export async function benchCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        txs: { type: 'string' },
        gigagas: { type: 'boolean' },
        threads: { type: 'string' },
        strategy: { type: 'string' },
        engines: { type: 'string' },
        seed: { type: 'string' },
        pools: { type: 'string' },
        'ethereumjs-max-txs': { type: 'string' },
        runs: { type: 'string' },
        'no-check': { type: 'boolean' },
        cold: { type: 'boolean' },
        json: { type: 'boolean' },
        sweep: { type: 'string' },
        chart: { type: 'string' },
        ks: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.sweep !== undefined) return (await import('../../bench/sweep.js')).sweepCommand({ ...values, sweep: values.sweep }, positionals);
  let options;
  try {
    const unknown = positionals.filter((w) => !isWorkloadName(w));
    if (unknown.length > 0) throw new UsageError(`unknown workload(s): ${unknown.join(', ')}`);
    if (values.txs !== undefined && values.gigagas) throw new UsageError('--txs and --gigagas both size the block: give one');
    options = {
      workloads: positionals.length > 0 ? positionals : DEFAULT_WORKLOADS,
      engines: parseEngines(values.engines),
      txs: positiveInt('--txs', values.txs),
      gigagas: values.gigagas ?? false,
      threads: positiveInt('--threads', values.threads) ?? availableParallelism(),
      strategy: parseStrategy(values.strategy),
      seed: positiveInt('--seed', values.seed, true) ?? 1,
      pools: positiveInt('--pools', values.pools),
      ethereumjsMaxTxs: positiveInt('--ethereumjs-max-txs', values['ethereumjs-max-txs'], true),
      runs: positiveInt('--runs', values.runs),
      check: !values['no-check'],
      cold: values.cold ?? false,
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  const json = values.json ?? false;
  const rows = await runBench({
    ...options,
    log: (line) => console.error(line),
    onRow: (row) => {
      if (json) console.log(toJson(row));
    },
  });
  if (!json) console.log(formatTable(rows));
  if (!json && rows.some((r) => r.predicted !== undefined)) console.log(`\n${(await import('../../bench/scaling.js')).formatScalingTable(rows)}`);
  return rows.some((r) => r.problems !== undefined && r.problems.length > 0) ? 1 : 0;
}
