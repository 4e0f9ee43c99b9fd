import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, main } from './main.js';
import { fixturesDir } from '../fixtures/files.js';

const HERE = fileURLToPath(import.meta.url);
const IS_TS = HERE.endsWith('.ts');
const MAIN = join(dirname(HERE), `main${IS_TS ? '.ts' : '.js'}`);

/** Runs the CLI in a child process (under tsx when running from sources). */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const node = IS_TS ? ['--import', 'tsx', MAIN] : [MAIN];
  const r = spawnSync(process.execPath, [...node, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function stateTestsDir(): string {
  return fixturesDir('eest', 'state_tests');
}

const BIN = join(dirname(HERE), IS_TS ? '../../bin/multilane.js' : '../../../bin/multilane.js');
const BUILT = existsSync(join(dirname(BIN), '../dist/src/cli/main.js'));

test('bin/multilane.js restarts itself with a larger young generation, and passes the exit code and output through', { skip: !BUILT }, () => {
  for (const young of [undefined, '0']) {
    const env = { ...process.env, MULTILANE_YOUNG_MB: young };
    if (young === undefined) delete env.MULTILANE_YOUNG_MB;
    const bad = spawnSync(process.execPath, [BIN, 'nonsense'], { encoding: 'utf8', env });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /unknown command 'nonsense'/);
    const help = spawnSync(process.execPath, [BIN, 'replay', '--help'], { encoding: 'utf8', env });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: multilane replay/);
  }
});

test('the dispatch table lists statetest, and every command loads', async () => {
  assert.ok('statetest' in COMMANDS);
  for (const [name, c] of Object.entries(COMMANDS)) assert.equal(typeof (await c.load()), 'function', name);
});

/** Runs main() in this process, collecting what it writes. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, { out: (t) => void (out.stdout += t), err: (t) => void (out.stderr += t) });
  return { code, ...out };
}

test('usage errors: no command, an unknown command, an unknown flag, a missing path, an unknown fork', async () => {
  const none = await inProcess();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /usage: multilane <command>/);
  const unknown = await inProcess('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate' \(commands: statetest/);
  const flag = await inProcess('statetest', '--bogus', 'x');
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /multilane statetest: Unknown option '--bogus'/);
  const path = await inProcess('statetest', '/no/such/dir');
  assert.equal(path.code, 2);
  assert.match(path.stderr, /\/no\/such\/dir: no such file or directory/);
  const fork = await inProcess('statetest', '--fork', 'Atlantis', '/tmp');
  assert.equal(fork.code, 2);
  assert.match(fork.stderr, /--fork: unknown fork 'Atlantis'/);
  const jobs = await inProcess('statetest', '--jobs', '0', '/tmp');
  assert.match(jobs.stderr, /--jobs takes a whole number >= 1, got '0'/);
  const noPath = await inProcess('statetest');
  assert.match(noPath.stderr, /give at least one fixture file or directory/);
  const state = await inProcess('statetest', '--state', 'disk', '/tmp');
  assert.equal(state.code, 2);
  assert.match(state.stderr, /--state: memory or table, not 'disk'/);
  const blockState = await inProcess('blocktest', '--state', 'disk', '/tmp');
  assert.equal(blockState.code, 2);
  assert.match(blockState.stderr, /multilane blocktest: --state: memory or table, not 'disk'/);
});

test('statetest --state table: each transaction reads the location table through a worker\'s view, and the fixtures pass', () => {
  const example = join(stateTestsDir(), 'static', 'state_tests', 'stExample');
  const r = cli('statetest', join(example, 'add11_yml.json.gz'), join(example, 'invalidTr.json.gz'), '--state', 'table', '--jobs', '1', '--no-progress');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^state tests, over the location table: 6 cases in 2 files: 6 passed, 0 failed/m);
});

test('--help for the CLI and for statetest', async () => {
  const help = await inProcess('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /statetest +run state-test fixtures/);
  const st = await inProcess('statetest', '--help');
  assert.equal(st.code, 0);
  assert.match(st.stdout, /usage: multilane statetest <file\|dir>\.\.\. \[options\]/);
  assert.match(st.stdout, /--known-failures FILE/);
});

test('end to end: real fixtures with the EVM, a broken file, --json, --known-failures, --write-failures', () => {
  const example = join(stateTestsDir(), 'static', 'state_tests', 'stExample');
  const dir = join(mkdtempSync(join(tmpdir(), 'statetest-cli-')), 'my_tests');
  mkdirSync(dir);
  writeFileSync(join(dir, 'broken.json'), '{');
  const files = [join(example, 'add11_yml.json.gz'), join(example, 'invalidTr.json.gz'), dir];

  const first = cli('statetest', ...files, '--json', '--jobs', '2', '--write-failures', join(dir, 'failing.txt'));
  assert.equal(first.code, 1, first.stderr);
  const json = JSON.parse(first.stdout);
  assert.equal(json.passed, 6); // add11 and invalidTr (an expected rejection) under Cancun, Prague, Osaka
  assert.equal(json.failed, 1);
  assert.deepEqual(json.failures, [{ file: 'broken.json', test: '', fork: '', index: '', reason: json.failures[0].reason, kind: 'fail' }]);
  assert.match(json.failures[0].reason, /invalid JSON/);
  assert.deepEqual(json.byFork.Cancun, { passed: 2, failed: 0, known: 0 });

  // The written list, used as the known-failures list, makes the run pass.
  assert.match(readFileSync(join(dir, 'failing.txt'), 'utf8'), /^broken\.json {2}# invalid JSON/m);
  const second = cli('statetest', ...files, '--known-failures', join(dir, 'failing.txt'), '--fork', 'Prague');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /state tests: 3 cases in 3 files: 2 passed, 0 failed, 1 known failures, 4 skipped/);
  assert.match(second.stdout, /\n {2}Prague +2\/2 passed/);
});
