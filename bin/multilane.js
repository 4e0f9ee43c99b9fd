#!/usr/bin/env node
// The `multilane` command: runs the compiled CLI (`npm run build` writes dist/).
const fail = (e) => {
  process.stderr.write(`multilane: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
};

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
