#!/usr/bin/env node
// The `multilane` command: runs the compiled CLI (`npm run build` writes dist/).
//
// It runs under a larger young generation (V8's semi-space, 16 MB by
// default): executing blocks allocates tens of MB of short-lived objects
// per block, and with the default each block met one or two scavenges
// whose cost is that of the objects still live (the block's own), about
// 5 ms each here; with 64 MB most blocks meet none. V8 takes the size only
// at start-up, so the command restarts itself once with the flag (worker
// threads inherit it). MULTILANE_YOUNG_MB=0 keeps V8's default.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const YOUNG_MB = process.env.MULTILANE_YOUNG_MB ?? '64';
const hasFlag = process.execArgv.some((a) => a.startsWith('--max-semi-space-size'));

const fail = (e) => {
  process.stderr.write(`multilane: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
};

if (!hasFlag && YOUNG_MB !== '0') {
  const args = [...process.execArgv, `--max-semi-space-size=${YOUNG_MB}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', fail);
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
} else {
  let cli;
  try {
    cli = await import('../dist/src/cli/main.js');
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/src/cli/main.js')) {
      process.stderr.write("multilane: the CLI is not built; run 'npm run build' (or 'npx tsx src/cli/main.ts ...' from a checkout)\n");
      process.exit(1);
    }
    throw e;
  }
  cli.main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, fail);
}
