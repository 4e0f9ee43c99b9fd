/**
 * The parallel executor's sequential paths: senders recovered on the
 * calling thread, the first unrecoverable signature of a block named, and a
 * block run one transaction at a time through a test runner.
 *
 * Internal module of the parallel executor.
 */
import { Fork } from '../../primitives/fork.js';
import { TxError } from '../../tx/errors.js';
import { recoverSender } from '../../tx/sign.js';
import type { Transaction } from '../../tx/types.js';
import { BlockExecutionError, executeSequential, type BlockResult, type BlockState } from '../sequential.js';
import type { BlockEnv } from '../types.js';
import type { ParallelExecutorOptions } from './options.js';
import { ParallelExecutionError } from './types.js';

export function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function recoverAll(txs: readonly Transaction[], env: BlockEnv): bigint[] {
  const allowHighS = env.fork < Fork.Homestead;
  return txs.map((tx, i) => {
    try {
      return recoverSender(tx, { allowHighS });
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
  });
}

export function firstRecoveryError(txs: readonly Transaction[], env: BlockEnv, errors: Int32Array): Error {
  for (let i = 0; i < txs.length; i++) {
    if (errors[i] === 0) continue;
    try {
      recoverSender(txs[i], { allowHighS: env.fork < Fork.Homestead });
    } catch (err) {
      if (err instanceof TxError) return new BlockExecutionError(i, err);
      return err as Error;
    }
  }
  return new ParallelExecutionError('sender recovery failed on a worker but not on the main thread');
}

export function runWith(
  runner: NonNullable<ParallelExecutorOptions['runner']>,
  state: BlockState,
  txs: readonly Transaction[],
  senders: readonly bigint[],
  env: BlockEnv,
): BlockResult {
  return executeSequential(state, txs, senders, env, runner);
}
