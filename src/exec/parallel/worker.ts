/**
 * Worker thread entry: one EVM (its own heap, its own code-analysis cache)
 * driven by a WorkerEngine over the shared buffers. Messages:
 *   in   { type: 'block', job, buffers? }   run one block (new buffers if they grew)
 *   out  { type: 'ready' }                  once, after loading
 *        { type: 'done', seq, stats }       the scheduler reported done
 *        { type: 'aborted', seq, reason }   the block was abandoned (ABORT word)
 *        { type: 'failed', seq, message }   an exception escaped the loop (ABORT set)
 *
 * Internal module of the parallel executor.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { recoverSender } from '../../tx/sign.js';
import type { SharedBuffers } from './buffers.js';
import { WorkerEngine, type BlockJob, type TxRunner } from './engine.js';
import { ABORT_WORKER_FAILED, BlockAborted } from './types.js';

export interface WorkerInit {
  index: number;
  buffers: SharedBuffers;
  /** A module exporting `applyTransaction` to run instead of the EVM's (tests). */
  runnerModule?: string;
}

export interface BlockMessage {
  type: 'block';
  job: BlockJob;
  buffers?: SharedBuffers;
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port === null) throw new Error('worker.ts must run as a worker thread');

const runnerModule: { applyTransaction: TxRunner } =
  init.runnerModule !== undefined ? await import(init.runnerModule) : await import('../transaction.js');
const engine = new WorkerEngine(init.buffers, runnerModule.applyTransaction, recoverSender, init.index);

port.on('message', (msg: BlockMessage) => {
  if (msg.type !== 'block') return;
  const seq = msg.job.seq;
  try {
    if (msg.buffers !== undefined) engine.setBuffers(msg.buffers);
    const stats = engine.runBlock(msg.job);
    port.postMessage({ type: 'done', seq, stats });
  } catch (err) {
    if (err instanceof BlockAborted) {
      port.postMessage({ type: 'aborted', seq, reason: err.reason });
      return;
    }
    engine.abort(ABORT_WORKER_FAILED);
    port.postMessage({ type: 'failed', seq, message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
  }
});
port.postMessage({ type: 'ready' });
