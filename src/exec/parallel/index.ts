/**
 * The parallel block executor (Block-STM on worker threads). See
 * docs/parallel.md for the design; everything else in this folder is internal.
 */
export {
  ParallelExecutor,
  executeParallel,
  type BlockProfile,
  type ExecuteOptions,
  type ParallelBlockResult,
  type ParallelExecutorOptions,
  type ParallelRunStats,
} from './executor.js';
export type { FaultInjection } from './engine.js';
export { estimateScaling, type ScalingEstimate } from './model.js';
export { ParallelExecutionError } from './types.js';
