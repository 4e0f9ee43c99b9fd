/**
 * Every shared buffer of the parallel executor in one bundle: allocated by
 * the main thread, sent to each worker once (and again only when one had to
 * grow, tagged by `version`), viewed the same way on both sides.
 *
 * Internal module of the parallel executor.
 */
import { allocateMV, type MVBuffers, type MVCapacities } from './mv-memory.js';
import type { TableBuffers } from './table.js';
import { schedulerWords } from './scheduler.js';

export interface SharedBuffers {
  /** Bumped whenever a buffer is replaced; workers rebuild their views then. */
  version: number;
  txCapacity: number;
  sched: SharedArrayBuffer;
  mv: MVBuffers;
  table: TableBuffers;
  /** Senders: 3 words per transaction. */
  senders: SharedArrayBuffer;
  /** Per transaction: 1 when its signature did not recover. */
  senderErrors: SharedArrayBuffer;
  /** Outcome arena (64-bit words). */
  results: SharedArrayBuffer;
  /** Per transaction: outcome offset, length (words), incarnation; word 0 of `resultsCtl` is the cursor. */
  resultIndex: SharedArrayBuffer;
  resultsCtl: SharedArrayBuffer;
  /** Per transaction: ms of the last execution, ms of all executions (Float64). */
  txTimes: SharedArrayBuffer;
  /** Per transaction: executions, the transaction it last waited for (-1 none). */
  txCounts: SharedArrayBuffer;
}

/** Sizes for a block of `txs` transactions; everything doubles on overflow. */
export interface Capacities {
  txs: number;
  mv: MVCapacities;
  resultWords: number;
}

export function defaultCapacities(txs: number, scale = 1): Capacities {
  const t = Math.max(64, txs);
  return {
    txs: t,
    mv: {
      locations: t * 32 * scale + 64 * 32,
      // Plus room for the partly used chunks threads hold (mv-memory.ts).
      entryWords: t * 96 * scale + 64 * 2048,
      readWords: t * 3 * 64 * scale + 64 * 4096,
      writeWords: t * 32 * scale + 64 * 4096,
      codeBytes: 1 << 20,
      txs: t,
    },
    resultWords: t * 64 * scale + 64 * 4096,
  };
}

export function allocateShared(caps: Capacities, table: TableBuffers, version: number): SharedBuffers {
  const n = caps.txs;
  return {
    version,
    txCapacity: n,
    sched: new SharedArrayBuffer(4 * schedulerWords(n)),
    mv: allocateMV(caps.mv),
    table,
    senders: new SharedArrayBuffer(24 * n),
    senderErrors: new SharedArrayBuffer(4 * n),
    results: new SharedArrayBuffer(8 * caps.resultWords),
    resultIndex: new SharedArrayBuffer(4 * 16 * n),
    resultsCtl: new SharedArrayBuffer(16),
    txTimes: new SharedArrayBuffer(16 * n),
    txCounts: new SharedArrayBuffer(8 * n),
  };
}
