/**
 * The block's result on the main thread once every thread has stopped:
 * receipts folded in order (most of them already, speculatively, while the
 * block ran: `ReceiptFold`), the gas allowance and the first invalid
 * transaction checked as the sequential executor does, and the block's
 * combined changes committed to the caller's state.
 *
 * Internal module of the parallel executor.
 */
import type { StateChanges } from '../../state/types.js';
import type { Transaction } from '../../tx/types.js';
import { BlockExecutionError, BlockFold, checkGasAllowance, type BlockResult } from '../sequential.js';
import type { BlockEnv } from '../types.js';
import type { ChangeCollector } from './collect.js';
import { BlockFailure } from './pool.js';
import { OUTCOME_ERROR, OUTCOME_INVALID, OUTCOME_OK, type OutcomeCollector } from './results.js';
import { ABORT_NEEDS_SEQUENTIAL } from './types.js';

/**
 * Receipts folded in order while the block runs, from the outcomes decoded
 * so far (speculative: a transaction may still run again). At the end,
 * `confirm` keeps the prefix whose incarnations are the final ones, and the
 * fold goes on from there: the block's tail then only folds what changed.
 */
export class ReceiptFold {
  readonly fold = new BlockFold();
  /** The incarnation each folded receipt came from. */
  private readonly inc: Int32Array;

  constructor(
    private readonly txs: readonly Transaction[],
    private readonly env: BlockEnv,
    private readonly outcomes: OutcomeCollector,
  ) {
    this.inc = new Int32Array(txs.length);
  }

  /** Folds on while the next transaction's outcome is decoded, valid and within the block's gas. */
  advance(): void {
    const fold = this.fold;
    const outcomes = this.outcomes;
    for (let i = fold.receipts.length; i < this.txs.length; i++) {
      const o = outcomes.decoded(i);
      if (o === undefined || o.kind !== OUTCOME_OK || this.txs[i].gasLimit > this.env.gasLimit - fold.gasUsed) return;
      this.inc[i] = outcomes.decodedIncarnation(i);
      fold.addReceipt(o.result);
    }
  }

  /** Once all threads stopped: drops the receipts from the first that is not final; returns how many stand. */
  confirm(): number {
    const fold = this.fold;
    const n = fold.receipts.length;
    let i = 0;
    while (i < n && this.outcomes.final(i) !== undefined && this.outcomes.decodedIncarnation(i) === this.inc[i]) i++;
    fold.truncate(i);
    return i;
  }
}

/**
 * Folds the final outcomes after the prefix `receipts` already holds and
 * commits the changes (`commit(changes, complete)`: complete false for the
 * prefix before an invalid transaction, which is then thrown as
 * BlockExecutionError). An outcome the sequential executor would not have
 * (an internal error, none at all) fails the block over to it (BlockFailure).
 */
export function foldBlock(
  txs: readonly Transaction[],
  env: BlockEnv,
  outcomes: OutcomeCollector,
  changes: ChangeCollector,
  receipts: ReceiptFold,
  commit: (changes: StateChanges, complete: boolean) => void,
): { result: BlockResult; changesMs: number; applyMs: number } {
  const n = txs.length;
  const fold = receipts.fold;
  // The receipts folded ahead stand up to the first transaction whose final incarnation is another.
  for (let i = receipts.confirm(); i < n; i++) {
    const o = outcomes.final(i);
    if (o === undefined) throw new BlockFailure(`transaction ${i} has no result for its final incarnation`, ABORT_NEEDS_SEQUENTIAL);
    let invalid: BlockExecutionError | undefined;
    try {
      checkGasAllowance(txs[i], env, fold.gasUsed, i);
    } catch (err) {
      invalid = err as BlockExecutionError;
    }
    if (invalid === undefined && o.kind === OUTCOME_ERROR) throw new BlockFailure(`transaction ${i}: ${o.message}`, ABORT_NEEDS_SEQUENTIAL);
    if (invalid === undefined && o.kind === OUTCOME_INVALID) invalid = new BlockExecutionError(i, o.error);
    if (invalid !== undefined) {
      commit(changes.finish(i, n), false);
      throw invalid;
    }
    if (o.kind === OUTCOME_OK) fold.addReceipt(o.result);
  }
  const result = fold.finish();
  const t0 = performance.now();
  const all = changes.finish(n, n);
  const t1 = performance.now();
  commit(all, true);
  return { result: { ...result, changes: all }, changesMs: t1 - t0, applyMs: performance.now() - t1 };
}
