/**
 * Runs the benchmark without the packaged CLI: `npx tsx bench/main.ts [workload...] [options]`
 * (the same flags as `multilane bench`).
 */
import { benchCommand } from '../src/cli/bench.js';

process.exitCode = await benchCommand(process.argv.slice(2));
