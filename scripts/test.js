#!/usr/bin/env node
// `npm test`: unit tests, then the fixture suites against their committed
// lists of known failures. Each step's output streams through; the first
// failing step fails the run. Fixtures are read from ../shared/fixtures
// (override with MULTILANE_FIXTURES).
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

function step(title, cmd, args) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  console.log(`=== ${title}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

const dist = join(root, 'dist');
const unit = [...testFiles(join(dist, 'src')), ...testFiles(join(dist, 'test')), ...testFiles(join(dist, 'bench'))];
let ok = step('unit tests', process.execPath, ['--test', '--test-reporter=spec', ...unit]);

if (!existsSync(fixtures)) {
  console.error(`fixtures not found at ${fixtures}; set MULTILANE_FIXTURES`);
  process.exit(1);
}
const cli = join(root, 'bin', 'multilane.js');
const suites = [
  ['state tests', 'statetest', join(fixtures, 'eest/state_tests'), 'test/known-failures/statetest.txt'],
];
for (const [title, cmd, path, known] of suites) {
  const args = [cli, cmd, path];
  if (existsSync(join(root, known))) args.push('--known-failures', known);
  ok = step(title, process.execPath, args) && ok;
}
process.exit(ok ? 0 : 1);
