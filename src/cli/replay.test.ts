import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../block/testing.js';
import { main } from './main.js';

const MAINNET = join(FIXTURES, 'mainnet');
const skip = !existsSync(MAINNET);
const FRONTIER = join(MAINNET, '46147');
const CANCUN = join(MAINNET, '19923400');

async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, { out: (t) => void (out.stdout += t), err: (t) => void (out.stderr += t) });
  return { code, ...out };
}

test('replay --json: one object, a row per block, sequential and parallel', { skip }, async () => {
  const r = await inProcess('replay', FRONTIER, CANCUN, '--json', '--runs', '1', '--threads', '2', '--force-parallel', '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(json), ['blocks', 'ok', 'total', 'postMerge']);
  assert.equal(json.ok, true);
  assert.deepEqual(
    json.blocks.map((b: Record<string, unknown>) => [b.number, b.fork, b.txs, b.ok, b.gasUsed, b.parallelMode]),
    [
      [46147, 'Frontier', 1, true, 21000, 'parallel'],
      [19923400, 'Cancun', 24, true, 1624049, 'parallel'],
    ],
  );
  for (const b of json.blocks) {
    for (const key of ['seqMs', 'parMs', 'speedup', 'pairedSpeedup']) assert.equal(typeof b[key], 'number', key);
    assert.equal(b.mismatch, undefined);
  }
  assert.equal(json.blocks[0].receiptsChecked, false); // Frontier: receipts embed state roots
  // Totals: the sums over the blocks; the post-merge ones alone (here, the Cancun block).
  const [a, b] = json.blocks;
  assert.deepEqual([json.total.blocks, json.total.ok, json.total.txs, json.total.gasUsed], [2, 2, 25, 21000 + 1624049]);
  assert.ok(Math.abs(json.total.seqMs - (a.seqMs + b.seqMs)) < 0.01 && Math.abs(json.total.parMs - (a.parMs + b.parMs)) < 0.01);
  assert.equal(typeof json.total.pairedSpeedup, 'number');
  assert.deepEqual([json.postMerge.blocks, json.postMerge.txs, json.postMerge.seqMs, json.postMerge.speedup], [1, 24, b.seqMs, b.speedup]);
});

test('replay table: a row per block, the total, the pre-Byzantium note; --sequential leaves parallel out', { skip }, async () => {
  const r = await inProcess('replay', FRONTIER, CANCUN, '--sequential', '--runs', '1', '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^replay: median of 1 run, execution only; sequential only\n\s+block\s+fork\s+txs\s+Mgas\s+seq ms\s+par ms\s+speedup\s+paired/);
  assert.match(r.stdout, /\n\s+46147\s+Frontier\s+1\s+0\.02\s+[\d.]+\s+-\s+-\s+-\s+\d+\s+-\s+ok\*\n/);
  assert.match(r.stdout, /\n\s+19923400\s+Cancun\s+24\s+1\.62\s+[\d.]+\s+-\s+-\s+-\s+\d+\s+-\s+ok\n/);
  assert.match(r.stdout, /\n\s+total\s+25\s+1\.65\s+[\d.]+\s+-\s+-\s+-\s+\d+\s+-\s+2\/2\n/);
  assert.match(r.stdout, /\n\* gas used and logs bloom checked; receipts root not: pre-Byzantium/);
  assert.match(r.stdout, /\nreplay: 2 blocks: 2 passed, 0 failed/);
});

test('replay --profile: what bounds each block, in the table and the JSON', { skip }, async () => {
  const r = await inProcess('replay', CANCUN, '--json', '--runs', '1', '--threads', '2', '--profile', '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout).blocks[0].scaling;
  assert.deepEqual(Object.keys(s), ['workMs', 'criticalPathMs', 'ideal', 'twoThreadsMs', 'twoThreads', 'topTx', 'topTxShare']);
  // The critical path is at most the work and at least the longest transaction.
  assert.ok(s.criticalPathMs > 0 && s.criticalPathMs <= s.workMs + 1e-9);
  assert.ok(s.criticalPathMs >= s.topTxShare * s.workMs - 1e-9);
  assert.ok(s.ideal >= 1 && s.twoThreads >= 1 && s.twoThreads <= 2 + 1e-9 && s.twoThreads <= s.ideal + 1e-9);
  assert.ok(Number.isInteger(s.topTx) && s.topTx >= 0 && s.topTx < 24);
  const t = await inProcess('replay', CANCUN, '--runs', '1', '--threads', '2', '--profile', '--no-progress');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\s+ideal\s+2 ideal\s+top tx\n/);
  assert.match(t.stdout, /\n\s*19923400\s+Cancun\s+24 .* ok\s+[\d.]+x\s+[\d.]+x\s+\d+: \d+%\n/);
  const seq = await inProcess('replay', CANCUN, '--sequential', '--profile');
  assert.match(seq.stderr, /--profile profiles a parallel run: drop --sequential/);
});

test('replay --corun: the co-run bound of the blocks, and with --profile the two-thread bound it implies', { skip }, async () => {
  const r = await inProcess('replay', CANCUN, '--json', '--runs', '1', '--threads', '2', '--profile', '--corun', '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  const c = json.corun;
  assert.deepEqual(Object.keys(c), ['blocks', 'aloneMs', 'togetherMs', 'bound', 'twoThreadBound']);
  assert.equal(c.blocks, 1);
  assert.ok(c.aloneMs > 0 && c.togetherMs > 0);
  assert.ok(Math.abs(c.bound - (2 * c.aloneMs) / c.togetherMs) < 0.01, 'bound = 2 x alone / together');
  // Two overhead-free threads here: the blocks' two-thread ideal, slowed as the co-run is.
  assert.ok(Math.abs(c.twoThreadBound - (json.blocks[0].scaling.twoThreads * c.bound) / 2) < 0.02);
  const t = await inProcess('replay', CANCUN, '--runs', '1', '--threads', '2', '--corun', '--no-progress');
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\nco-run bound \(1 block, replayed sequentially, 6 rounds\): alone [\d.]+ ms, beside a second replay [\d.]+ ms: [\d.]+x for two threads on this machine now\n/);
});

test('replay --chart: an SVG of each block\'s speedup, with the two-thread ideal as a level', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'multilane-replay-chart-'));
  const file = join(dir, 'replay.svg');
  const r = await inProcess('replay', FRONTIER, CANCUN, '--runs', '1', '--threads', '2', '--profile', '--chart', file, '--no-progress');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /replay: chart written to .*replay\.svg/);
  const svg = readFileSync(file, 'utf8');
  assert.match(svg, /^<\?xml|^<svg/);
  // The run has one post-merge block: it and the post-merge total are the categories.
  assert.match(svg, />19923400</);
  assert.match(svg, />post-merge</);
  assert.doesNotMatch(svg, />46147</);
  assert.match(svg, /data-series="measured, 2 threads"/);
  assert.match(svg, /data-series="two ideal threads"/);
  const seq = await inProcess('replay', CANCUN, '--sequential', '--chart', file);
  assert.match(seq.stderr, /--chart draws the parallel speedups: drop --sequential/);
});

test('replay: a block that fails makes the run fail, with its reason', { skip }, async () => {
  // The Frontier block's sender, dropped from a copy of its pre-state: its transaction cannot pay.
  const dir = join(mkdtempSync(join(tmpdir(), 'replay-cli-')), '46147');
  mkdirSync(dir);
  for (const name of ['block', 'pre_state', 'bytecodes', 'block_hashes']) {
    const json = JSON.parse(gunzipSync(readFileSync(join(FRONTIER, `${name}.json.gz`))).toString('utf8'));
    if (name === 'pre_state') delete json['0xa1e4380a3b1f749673e270229993ee55f35663b4'];
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
  }
  const r = await inProcess('replay', dir, '--json', '--sequential', '--runs', '1', '--no-progress');
  assert.equal(r.code, 1);
  const json = JSON.parse(r.stdout);
  assert.equal(json.ok, false);
  assert.equal(json.blocks[0].ok, false);
  assert.equal(json.blocks[0].seqMs, null);
  assert.match(json.blocks[0].mismatch, /^pre-state lacks 0xa1e4380a3b1f749673e270229993ee55f35663b4, the sender of tx 0\. Result: execution failed: transaction 0 is invalid: INSUFFICIENT_ACCOUNT_FUNDS/);
});

test('replay: usage errors and --help', async () => {
  const missing = await inProcess('replay', '/no/such/dir');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /multilane replay: \/no\/such\/dir: no such directory/);
  const none = await inProcess('replay');
  assert.match(none.stderr, /give at least one block directory/);
  const runs = await inProcess('replay', '--runs', '0', '/tmp');
  assert.match(runs.stderr, /--runs takes a whole number >= 1/);
  const both = await inProcess('replay', '--sequential', '--threads', '2', '/tmp');
  assert.match(both.stderr, /--sequential runs no parallel executor/);
  const help = await inProcess('replay', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: multilane replay <block-dir>\.\.\./);
});
