#!/usr/bin/env node
// `npm test`: unit tests, then the fixture suites against their committed
// lists of known failures. Each step's output streams through; the first
// failing step fails the run. Fixtures are read from ../shared/fixtures
// (override with MULTILANE_FIXTURES). `--unit`: the unit tests alone (npm run test:unit).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = process.env.MULTILANE_FIXTURES ?? resolve(root, '../shared/fixtures');

function testFiles(dir) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// Totals over every step, printed as the run's last line ("N passed, N failed").
const totals = { passed: 0, failed: 0 };

/** Runs one step; `count(output)` reads its pass/fail counts from its stdout. */
function step(title, cmd, args, count, env = {}) {
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  console.log(`\n=== ${title}: ${vars}${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30, env: { ...process.env, ...env } });
  const output = r.stdout?.toString() ?? '';
  process.stdout.write(output);
  const counted = count(output);
  if (counted) {
    totals.passed += counted.passed;
    totals.failed += counted.failed;
  }
  const ok = r.status === 0;
  if (!ok && (!counted || counted.failed === 0)) totals.failed += 1; // a crash counts as a failure
  console.log(`=== ${title}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

/** node --test's closing lines: "ℹ pass N" / "ℹ fail N" (spec) or "# pass N" (tap). */
function countNodeTest(output) {
  const pass = [...output.matchAll(/^[ℹ#] pass (\d+)$/gm)].at(-1);
  const fail = [...output.matchAll(/^[ℹ#] fail (\d+)$/gm)].at(-1);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
}

/** Our fixture runners' summary: "... N passed, N failed ...". */
function countFixtures(output) {
  const m = [...output.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
}

const dist = join(root, 'dist');
const unit = [...testFiles(join(dist, 'src')), ...testFiles(join(dist, 'test')), ...testFiles(join(dist, 'bench'))];
let ok = step('unit tests', process.execPath, ['--test', '--test-reporter=spec', ...unit], countNodeTest);
// `npm run test:unit` (--unit): the unit tests alone.
if (process.argv.includes('--unit')) {
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
  process.exit(ok ? 0 : 1);
}

if (!existsSync(fixtures)) {
  console.error(`fixtures not found at ${fixtures}; set MULTILANE_FIXTURES`);
  process.exit(1);
}
const cli = join(root, 'bin', 'multilane.js');
const suites = [
  ['state tests', 'statetest', join(fixtures, 'eest/state_tests'), 'test/known-failures/statetest.txt'],
  // The same cases with every transaction reading the parallel executor's location table through the
  // view its ordered-mode workers use: that read path against every fork's edge cases.
  ['state tests, over the location table', 'statetest', join(fixtures, 'eest/state_tests'), 'test/known-failures/statetest.txt', ['--state', 'table']],
  ['blockchain tests', 'blocktest', join(fixtures, 'eest/blockchain_tests'), 'test/known-failures/blocktest.txt'],
  // The same blocks over the location table: reads through the workers' view, every change published as the
  // ordered mode's calling thread publishes a commit (later transactions of a block read what it published).
  ['blockchain tests, over the location table', 'blocktest', join(fixtures, 'eest/blockchain_tests'), 'test/known-failures/blocktest.txt', ['--state', 'table']],
  // Every mainnet block must replay (no known-failures list): sequential and parallel, checked against the headers.
  ['mainnet replay', 'replay', join(fixtures, 'mainnet'), undefined],
  // Each of the parallel executor's strategies on every block (none left to the sequential path).
  ['mainnet replay, ordered mode', 'replay', join(fixtures, 'mainnet'), undefined, ['--force-parallel', '--runs', '1'], { MULTILANE_STRATEGY: 'ordered' }],
  ['mainnet replay, Block-STM', 'replay', join(fixtures, 'mainnet'), undefined, ['--force-parallel', '--runs', '1'], { MULTILANE_STRATEGY: 'block-stm' }],
];
for (const [title, cmd, path, known, extra = [], env = {}] of suites) {
  const args = [cli, cmd, path, ...extra];
  if (known && existsSync(join(root, known))) args.push('--known-failures', known);
  ok = step(title, process.execPath, args, countFixtures, env) && ok;
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(ok ? 0 : 1);
