/**
 * A persistent pool of worker threads: started once, reused for every
 * block. A block ends when every worker has reported; a worker that dies
 * (exit, uncaught error, out of memory) or a block that outlives its
 * deadline makes the block fail — the others are told to stop through the
 * shared ABORT word, and a worker that does not stop is terminated. Dead
 * workers are replaced before the next block.
 *
 * Internal module of the parallel executor.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { SharedBuffers } from './buffers.js';
import type { BlockJob, WorkerStats } from './engine.js';
import { ABORT_CAPACITY, ABORT_TIMEOUT, ABORT_WORKER_FAILED, ParallelExecutionError } from './types.js';
import type { BlockMessage, WorkerInit } from './worker.js';

export interface PoolOptions {
  threads: number;
  runnerModule?: string;
  /** V8 heap limit per worker (maxOldGenerationSizeMb). */
  memoryLimitMb?: number;
  /** V8 young generation per worker (maxYoungGenerationSizeMb; see WORKER_YOUNG_MB). */
  youngGenerationMb?: number;
}

/**
 * A worker's young generation, MB: three semi-spaces of 64 MB. A block
 * allocates tens of MB of short-lived objects on each thread; with V8's
 * default (16 MB semi-spaces) a worker met a scavenge every block or two,
 * each ~5 ms here (the cost of what is live: the block's own objects), in a
 * block that takes 5-10 ms. The main thread gets the same through the CLI's
 * --max-semi-space-size (bin/multilane.js).
 */
const WORKER_YOUNG_MB = 192;

/** Why a block failed in the pool. */
export class BlockFailure extends ParallelExecutionError {
  override name = 'BlockFailure';
  constructor(
    message: string,
    /** An ABORT_* reason. */
    readonly reason: number,
  ) {
    super(message);
  }
}

interface Slot {
  worker: Worker;
  /** Buffers version this worker holds. */
  version: number;
  alive: boolean;
}

/** How long workers get to unwind after ABORT before they are terminated (ms). */
const GRACE_MS = 2000;

/**
 * How to start a worker: the compiled `worker.js` next to this file, or,
 * when running from TypeScript sources under tsx (tests in development), a
 * small bootstrap that registers tsx's loader in the new thread (module
 * hooks are per thread in Node 20) and then imports `worker.ts`.
 */
function workerEntry(): { script: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL('./worker.js', here), eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return { script: code, eval: true };
}

export class WorkerPool {
  private readonly slots: (Slot | undefined)[];
  private closed = false;

  constructor(
    private readonly options: PoolOptions,
    /** Sets the shared ABORT word (main thread's scheduler view). */
    private readonly abort: (reason: number) => void,
  ) {
    this.slots = new Array(options.threads).fill(undefined);
  }

  get threads(): number {
    return this.options.threads;
  }

  /** Starts missing or dead workers with the current buffers; resolves once all are ready. */
  async ensureStarted(buffers: SharedBuffers): Promise<void> {
    const starting: Promise<void>[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot === undefined || !slot.alive) starting.push(this.spawn(i, buffers));
    }
    await Promise.all(starting);
  }

  private spawn(index: number, buffers: SharedBuffers): Promise<void> {
    const entry = workerEntry();
    const init: WorkerInit = { index, buffers, runnerModule: this.options.runnerModule };
    const resourceLimits: ResourceLimits = { maxYoungGenerationSizeMb: this.options.youngGenerationMb ?? WORKER_YOUNG_MB };
    if (this.options.memoryLimitMb !== undefined) resourceLimits.maxOldGenerationSizeMb = this.options.memoryLimitMb;
    const worker = new Worker(entry.script, { eval: entry.eval, workerData: init, resourceLimits });
    const slot: Slot = { worker, version: buffers.version, alive: true };
    this.slots[index] = slot;
    worker.unref();
    worker.on('exit', () => {
      slot.alive = false;
    });
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== 'ready') return;
        cleanup();
        resolve();
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new ParallelExecutionError(`worker ${index} failed to start: ${err.message}`, { cause: err }));
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new ParallelExecutionError(`worker ${index} exited with code ${code} while starting`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /**
   * Runs a block on every worker. Resolves with each worker's statistics, or
   * rejects with a BlockFailure once every worker has stopped (reported,
   * exited, or been terminated): the shared buffers are then quiet again.
   */
  runBlock(job: BlockJob, buffers: SharedBuffers, timeoutMs: number): Promise<WorkerStats[]> {
    if (this.closed) return Promise.reject(new ParallelExecutionError('the executor is closed'));
    const n = this.slots.length;
    const stats: WorkerStats[] = new Array(n);
    return new Promise((resolve, reject) => {
      let remaining = n;
      let failure: BlockFailure | undefined;
      let grace: NodeJS.Timeout | undefined;
      const reported = new Array<boolean>(n).fill(false);
      const listeners: (() => void)[] = [];
      // A worker that stopped because another set ABORT reports 'aborted': keep the root cause.
      let causeKnown = false;
      const fail = (f: BlockFailure, cause = true) => {
        if (failure === undefined || (cause && !causeKnown)) failure = f;
        causeKnown ||= cause;
        this.abort(f.reason);
        if (grace === undefined) {
          grace = setTimeout(() => {
            for (let i = 0; i < n; i++) if (!reported[i]) void this.slots[i]?.worker.terminate();
          }, GRACE_MS);
        }
      };
      const settle = (i: number) => {
        if (reported[i]) return;
        reported[i] = true;
        if (--remaining > 0) return;
        clearTimeout(deadline);
        if (grace !== undefined) clearTimeout(grace);
        for (const off of listeners) off();
        if (failure !== undefined) reject(failure);
        else resolve(stats);
      };
      const deadline = setTimeout(() => fail(new BlockFailure(`block did not finish within ${timeoutMs} ms`, ABORT_TIMEOUT)), timeoutMs);
      for (let i = 0; i < n; i++) {
        const slot = this.slots[i] as Slot;
        const onMessage = (m: { type: string; seq: number; stats?: WorkerStats; reason?: number; message?: string }) => {
          if (m.seq !== job.seq) return;
          if (m.type === 'done') stats[i] = m.stats as WorkerStats;
          else if (m.type === 'aborted') fail(new BlockFailure(`block aborted (reason ${m.reason})`, m.reason ?? ABORT_WORKER_FAILED), m.reason === ABORT_CAPACITY);
          else if (m.type === 'failed') fail(new BlockFailure(`worker ${i} failed: ${m.message}`, ABORT_WORKER_FAILED));
          settle(i);
        };
        const onError = (err: Error) => fail(new BlockFailure(`worker ${i} crashed: ${err.message}`, ABORT_WORKER_FAILED));
        const onExit = (code: number) => {
          slot.alive = false;
          fail(new BlockFailure(`worker ${i} exited (code ${code}) during the block`, ABORT_WORKER_FAILED));
          settle(i);
        };
        slot.worker.on('message', onMessage);
        slot.worker.on('error', onError);
        slot.worker.on('exit', onExit);
        listeners.push(() => {
          slot.worker.off('message', onMessage);
          slot.worker.off('error', onError);
          slot.worker.off('exit', onExit);
        });
        const msg: BlockMessage = { type: 'block', job };
        if (slot.version !== buffers.version) {
          msg.buffers = buffers;
          slot.version = buffers.version;
        }
        slot.worker.postMessage(msg);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => (s !== undefined && s.alive ? s.worker.terminate() : undefined)));
  }
}
