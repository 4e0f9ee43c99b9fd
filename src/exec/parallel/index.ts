/**
 * The parallel block executor (Block-STM, or the ordered mode, on worker
 * threads). See docs/parallel.md for the design; everything else in this
 * folder is internal.
 */
import { ParallelExecutor, type ExecuteOptions, type ParallelBlockResult, type ParallelExecutorOptions } from './executor.js';
import type { BlockState } from '../sequential.js';
import type { StateSnapshot } from './table.js';
import type { Transaction } from '../../tx/types.js';
import type { BlockEnv } from '../types.js';

export {
  ParallelExecutor,
  type BlockProfile,
  type ExecuteOptions,
  type ParallelBlockResult,
  type ParallelExecutorOptions,
  type ParallelRunStats,
  type ParallelStrategy,
} from './executor.js';
export type { FaultInjection } from './engine.js';
export { estimateScaling, type ScalingEstimate } from './model.js';
export { ParallelExecutionError } from './types.js';

/** One-shot convenience: a pool for one block. Prefer a long-lived ParallelExecutor. */
export async function executeParallel(
  state: BlockState & StateSnapshot,
  txs: readonly Transaction[],
  env: BlockEnv,
  options: ParallelExecutorOptions & ExecuteOptions = {},
): Promise<ParallelBlockResult> {
  const ex = await ParallelExecutor.create(options);
  try {
    return await ex.execute(state, txs, env, options);
  } finally {
    await ex.close();
  }
}
