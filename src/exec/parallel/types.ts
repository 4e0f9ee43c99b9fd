/**
 * The parallel executor's vocabulary (after Block-STM, Gelashvili et al.,
 * PPoPP 2023, and risechain/pevm): transaction indices, incarnations,
 * versions, tasks, and the control-flow signals that leave the synchronous
 * EVM by exception.
 */
import { MultilaneError } from '../../errors.js';

/** A transaction's position in the block. */
export type TxIdx = number;
/** How many times a transaction has been (re)started: 0 for the first execution. */
export type Incarnation = number;

/** What a worker does next. */
export const TASK_NONE = 0;
export const TASK_EXECUTE = 1;
export const TASK_VALIDATE = 2;
export type TaskKind = typeof TASK_NONE | typeof TASK_EXECUTE | typeof TASK_VALIDATE;

/**
 * Thrown out of the EVM when a read hits an ESTIMATE marker of transaction
 * `blocking`: the running incarnation is useless, and the transaction must
 * wait until `blocking` has executed again. A preallocated singleton would
 * lose the index, so one is created per abort; aborts are rare next to reads.
 */
export class DependencyAbort extends Error {
  constructor(readonly blocking: TxIdx) {
    super(`read an ESTIMATE written by transaction ${blocking}`);
  }
}

/** The block was abandoned (a worker failed, or a shared buffer filled up); workers unwind. */
export class BlockAborted extends Error {
  constructor(readonly reason: number) {
    super(`block aborted (reason ${reason})`);
  }
}

/** Why a block was abandoned (written to the shared ABORT word). */
export const ABORT_NONE = 0;
/** A worker died or threw outside a transaction. */
export const ABORT_WORKER_FAILED = 1;
/** The location table, an arena or the results buffer filled up: retry with bigger buffers. */
export const ABORT_CAPACITY = 2;
/** The main thread gave up waiting. */
export const ABORT_TIMEOUT = 3;
/**
 * Not an abort of the workers: the winning incarnation of some transaction
 * threw an internal error or saw a case only sequential execution handles
 * exactly. The block is redone sequentially.
 */
export const ABORT_NEEDS_SEQUENTIAL = 4;
/**
 * The main thread gave up on a block early on: most incarnations so far
 * were aborted (a dependency chain, or a few hot locations). Nothing was
 * committed yet; the block is run sequentially.
 */
export const ABORT_CONTENTION = 5;

/** A parallel run failed in a way the caller may see (when fallback is off). */
export class ParallelExecutionError extends MultilaneError {
  override name = 'ParallelExecutionError';
}
