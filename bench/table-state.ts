/**
 * What the sequential executor costs with the location table as its state
 * (docs/shared-state.md, "What it would cost"): reads through a worker's
 * view of the table (ordered-view.ts: slots found by hashing and probing,
 * values converted from shared words, publication counts logged) and every
 * change published as the ordered mode publishes a commit
 * (LocationTable.applyAccountChange: two count bumps per location), against
 * the same executor over a `MemoryState`. One thread, the two alternating in
 * one process; the first rounds warm up; each table run's result is checked
 * against the reference.
 *
 * `node dist/bench/table-state.js [workload...] [--rounds N]` prints, per
 * workload, both medians and the median of the paired ratios.
 */
import { parseArgs } from 'node:util';
import { executeSequential } from '../src/exec/sequential.js';
import { LocationTable } from '../src/exec/parallel/table.js';
import { TableState } from '../src/exec/parallel/table-state.js';
import { median } from '../src/analysis/median.js';
import { loadPreState } from './engines/multilane.js';
import { makeWorkload } from './workloads/index.js';

export interface TableStateResult {
  workload: string;
  memoryMs: number;
  tableMs: number;
  /** Median of tableMs / memoryMs over the paired rounds. */
  ratio: number;
}

const WARMUP_ROUNDS = 5;

export function measureTableState(name: string, rounds: number): TableStateResult {
  const w = makeWorkload(name);
  const table = LocationTable.fromState(loadPreState(w), 16 * w.txs.length);
  const snap = table.snapshot();
  const reference = executeSequential(loadPreState(w), w.txs, w.senders, w.env);
  const mem: number[] = [];
  const tab: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < WARMUP_ROUNDS + rounds; r++) {
    const state = loadPreState(w);
    let t0 = performance.now();
    executeSequential(state, w.txs, w.senders, w.env);
    const m = performance.now() - t0;
    table.restore(snap);
    const ts = new TableState(table);
    t0 = performance.now();
    const result = executeSequential(ts, w.txs, w.senders, w.env);
    const t = performance.now() - t0;
    if (result.gasUsed !== reference.gasUsed || result.receipts.some((x, i) => x.status !== reference.receipts[i].status || x.logs.length !== reference.receipts[i].logs.length)) {
      throw new Error(`${name}: the run over the table differs from the reference`);
    }
    if (r < WARMUP_ROUNDS) continue;
    mem.push(m);
    tab.push(t);
    ratios.push(t / m);
  }
  return { workload: name, memoryMs: median(mem), tableMs: median(tab), ratio: median(ratios) };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '25' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: a positive integer, not '${values.rounds}'`);
  for (const name of positionals.length > 0 ? positionals : ['erc20', 'raw-transfers', 'amm', 'mixed']) {
    const r = measureTableState(name, rounds);
    console.log(`${name}: MemoryState ${r.memoryMs.toFixed(2)} ms, table ${r.tableMs.toFixed(2)} ms, paired ratio ${r.ratio.toFixed(2)}x`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === new URL(process.argv[1], 'file://').href) main();
