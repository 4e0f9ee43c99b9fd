import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../block/testing.js';
import { collectFixtureFiles } from '../fixtures/files.js';
import { runBlockTestFiles } from '../fixtures/blocktest-pool.js';
import { main } from './main.js';

const BLOBS = join(FIXTURES, 'eest', 'blockchain_tests', 'cancun', 'eip4844_blobs');
const skip = !existsSync(BLOBS);
const PRE_FORK = join(BLOBS, 'test_blob_type_tx_pre_fork.json.gz');
const PRECOMPILE = join(BLOBS, 'test_precompile_before_fork.json.gz');

async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, { out: (t) => void (out.stdout += t), err: (t) => void (out.stderr += t) });
  return { code, ...out };
}

/** A directory with a broken fixture file, named like a fixture folder. */
function brokenDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'blocktest-cli-')), 'my_tests');
  mkdirSync(dir);
  writeFileSync(join(dir, 'broken.json'), '{');
  return dir;
}

test('two worker threads give the same results as one thread, in file order', { skip }, async () => {
  const files = collectFixtureFiles([PRE_FORK, PRECOMPILE, brokenDir()]);
  let calls = 0;
  const here = await runBlockTestFiles(files, { jobs: 1, onFile: () => calls++ });
  const pooled = await runBlockTestFiles(files, { jobs: 2 });
  assert.equal(calls, files.length);
  assert.deepEqual(pooled, here);
  // collectFixtureFiles sorts by path, and where the temporary directory sorts
  // against the fixtures depends on the machine: look results up by file name.
  const byName = new Map(files.map((f, i) => [f.split('/').pop(), here[i].cases.map((c) => c.status).join()]));
  assert.equal(byName.get('broken.json'), 'fail');
  assert.equal(byName.get('test_blob_type_tx_pre_fork.json.gz'), 'pass,pass');
  assert.equal(byName.get('test_precompile_before_fork.json.gz'), 'pass');
});

test('blocktest: --json summary, failures listed, --known-failures, --fork, exit codes', { skip }, async () => {
  const dir = brokenDir();
  const listPath = join(dir, 'failing.txt');
  const first = await inProcess('blocktest', PRE_FORK, PRECOMPILE, dir, '--json', '--jobs', '2', '--no-progress', '--write-failures', listPath);
  assert.equal(first.code, 1, first.stderr);
  const json = JSON.parse(first.stdout);
  assert.equal(json.passed, 3);
  assert.equal(json.failed, 1);
  assert.equal(json.skipped, 0);
  assert.deepEqual(Object.keys(json.failures[0]), ['file', 'test', 'fork', 'index', 'reason', 'kind']);
  assert.equal(json.failures[0].file, 'broken.json');
  assert.match(json.failures[0].reason, /invalid JSON/);
  assert.deepEqual(json.byFork.ShanghaiToCancunAtTime15k, { passed: 3, failed: 0, known: 0 });
  assert.match(readFileSync(listPath, 'utf8'), /^# Blockchain tests that fail/);

  const second = await inProcess('blocktest', PRE_FORK, PRECOMPILE, dir, '--known-failures', listPath, '--fork', 'Shanghai', '--no-progress');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.match(second.stdout, /^blockchain tests: 4 cases in 3 files: 3 passed, 0 failed, 1 known failures/);
  // Prague is not in ShanghaiToCancunAtTime15k: every test is skipped.
  const prague = await inProcess('blocktest', PRE_FORK, '--fork', 'Prague', '--json', '--no-progress');
  assert.equal(prague.code, 0);
  assert.equal(JSON.parse(prague.stdout).skipped, 2);
});

test('blocktest --state table: blocks over the location table (reads through a worker\'s view, changes published) pass as with a MemoryState', { skip }, async () => {
  const r = await inProcess('blocktest', BLOBS, '--state', 'table', '--jobs', '2', '--json', '--no-progress');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const json = JSON.parse(r.stdout);
  const plain = JSON.parse((await inProcess('blocktest', BLOBS, '--jobs', '2', '--json', '--no-progress')).stdout);
  assert.ok(json.passed > 20);
  assert.deepEqual([json.passed, json.failed], [plain.passed, 0]);
});

test('blocktest: usage errors and --help', async () => {
  const missing = await inProcess('blocktest', '/no/such/dir');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /multilane blocktest: \/no\/such\/dir: no such file or directory/);
  const help = await inProcess('blocktest', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: multilane blocktest <file\|dir>\.\.\./);
});
