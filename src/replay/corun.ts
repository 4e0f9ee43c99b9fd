/**
 * The co-run bound of a set of mainnet blocks: how much slower one thread
 * replays them (sequentially) while a second thread replays them too,
 * against replaying them alone. A parallel executor on two threads runs
 * the blocks' work on two cores at once, so on this machine, now, it
 * cannot beat 2 × alone ÷ together, whatever it does; multiplied by the
 * blocks' own two-thread ideal (`--profile`) over 2, it says what two
 * overhead-free threads could reach here. On a machine with two free,
 * independent cores the bound is 2; on the project's VM two mainnet-sized
 * working sets slow each other (memory and caches): ~1.68x.
 *
 * The second thread is a worker that replays the same blocks in reverse
 * order for as long as the calling thread measures "together".
 */
import { Worker } from 'node:worker_threads';
import { median } from '../analysis/median.js';
import { collectGarbage } from '../gc.js';
import { loadReplayBlock, type ReplayBlock } from './fixture.js';
import { prepareBlock, runSequential } from './run.js';

/** Control words shared with the co-running worker. */
export const MODE = 0;
export const READY = 1;
export const MODE_IDLE = 0;
export const MODE_RUN = 1;
export const MODE_STOP = 2;

export interface CorunBound {
  blocks: number;
  rounds: number;
  /** Median ms of one sequential replay of the blocks, alone and beside a second replay. */
  aloneMs: number;
  togetherMs: number;
  /** 2 × aloneMs ÷ togetherMs. */
  bound: number;
}

/** The blocks' execution, sequential, each on a fresh clone (collected before it, as the replay times it). */
async function replayAll(blocks: readonly ReplayBlock[]): Promise<number> {
  let ms = 0;
  for (const rb of blocks) {
    const state = rb.pre.clone();
    const env = prepareBlock(rb, state);
    await collectGarbage();
    ms += runSequential(rb, state, env).ms;
  }
  return ms;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures the co-run bound over the block directories `dirs` (they must replay): `rounds` rounds after one warm-up. */
export async function replayCorunBound(dirs: readonly string[], rounds = 6): Promise<CorunBound> {
  const blocks = dirs.map((d) => loadReplayBlock(d));
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const worker = new Worker(new URL('./corun-worker.js', import.meta.url), { workerData: { dirs: [...dirs].reverse(), ctl: ctl.buffer } });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the co-running replay exited (code ${code})`)));
  });
  const ready = (async () => {
    while (Atomics.load(ctl, READY) === 0) await sleep(10);
  })();
  try {
    await Promise.race([ready, failed]);
    const alone: number[] = [];
    const together: number[] = [];
    for (let r = -1; r < rounds; r++) {
      for (const mode of [MODE_IDLE, MODE_RUN]) {
        Atomics.store(ctl, MODE, mode);
        Atomics.notify(ctl, MODE);
        // Let the worker start (or finish its block and stop).
        await Promise.race([sleep(mode === MODE_RUN ? 20 : 100), failed]);
        const ms = await Promise.race([replayAll(blocks), failed]);
        if (r >= 0) (mode === MODE_RUN ? together : alone).push(ms);
      }
    }
    const aloneMs = median(alone);
    const togetherMs = median(together);
    return { blocks: blocks.length, rounds, aloneMs, togetherMs, bound: (2 * aloneMs) / togetherMs };
  } finally {
    Atomics.store(ctl, MODE, MODE_STOP);
    Atomics.notify(ctl, MODE);
    worker.removeAllListeners('exit');
    worker.removeAllListeners('error');
    await worker.terminate();
  }
}
