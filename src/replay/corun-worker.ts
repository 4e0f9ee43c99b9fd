/**
 * The co-running replay of corun.ts: loads the blocks, then replays them
 * sequentially, over and over, while the calling thread says so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MODE, MODE_IDLE, MODE_RUN, MODE_STOP, READY } from './corun.js';
import { loadReplayBlock } from './fixture.js';
import { prepareBlock, runSequential } from './run.js';

if (parentPort !== null && workerData !== null) {
  const { dirs, ctl: buffer } = workerData as { dirs: string[]; ctl: SharedArrayBuffer };
  const ctl = new Int32Array(buffer);
  const blocks = dirs.map((d) => loadReplayBlock(d));
  Atomics.store(ctl, READY, 1);
  for (;;) {
    const mode = Atomics.load(ctl, MODE);
    if (mode === MODE_STOP) break;
    if (mode !== MODE_RUN) {
      Atomics.wait(ctl, MODE, MODE_IDLE, 50);
      continue;
    }
    for (const rb of blocks) {
      const state = rb.pre.clone();
      runSequential(rb, state, prepareBlock(rb, state));
      if (Atomics.load(ctl, MODE) !== MODE_RUN) break;
    }
  }
}
