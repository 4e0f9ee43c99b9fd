import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FIXTURES } from '../block/testing.js';
import { ParallelExecutor } from '../exec/parallel/executor.js';
import { withTableState } from '../exec/parallel/table-state.js';
import { Fork } from '../primitives/fork.js';
import { addressToHex } from '../primitives/hex.js';
import { BEACON_ROOTS_ADDRESS } from '../block/system.js';
import { MemoryState } from '../state/memory-state.js';
import { AbsentReadRecorder, describeAbsentReads, describeMissing } from './absent-reads.js';
import type { Transaction } from '../tx/types.js';
import { compareRuns, PRE_BYZANTIUM_NOTE } from './check.js';
import { findBlockDirs, INDEX_FILE, loadReplayBlock, readBlockIndex, ReplayInputError } from './fixture.js';
import { blockScaling, mergedProfile, replayBlock, replayLoaded, replayTotals } from './replay.js';
import { prepareBlock, runSequential } from './run.js';

const MAINNET = join(FIXTURES, 'mainnet');
const skip = !existsSync(MAINNET);
/** Small blocks: Frontier (1 tx), Petersburg (3 txs, receipts root checked), Cancun (24 txs, withdrawals, no beacon-roots contract). */
const FRONTIER = join(MAINNET, '46147');
const PETERSBURG = join(MAINNET, '9068998');
const CANCUN = join(MAINNET, '19923400');

test('small mainnet blocks replay sequentially to their headers', { skip }, async () => {
  const reports = [];
  for (const dir of [FRONTIER, PETERSBURG, CANCUN]) reports.push(await replayBlock(dir, { runs: 1 }));
  for (const r of reports) {
    assert.equal(r.ok, true, `${r.dir}: ${r.mismatch}`);
    assert.ok(r.seqMs !== undefined && r.seqMs >= 0);
    assert.equal(r.parMs, undefined);
  }
  assert.deepEqual(reports.map((r) => [r.number, r.fork, r.txs]), [
    [46147n, Fork.Frontier, 1],
    [9068998n, Fork.Petersburg, 3],
    [19923400n, Fork.Cancun, 24],
  ]);
  // Before Byzantium the receipts root is not checked, and the report says so.
  assert.equal(reports[0].receiptsChecked, false);
  assert.equal(reports[0].note, PRE_BYZANTIUM_NOTE);
  assert.equal(reports[1].receiptsChecked, true);
  const totals = replayTotals(reports);
  assert.equal(totals.ok, 3);
  assert.equal(totals.gasUsed, 21000n + 3575534n + 1624049n);
});

test('the parallel executor agrees with the sequential reference', { skip }, async () => {
  const executor = await ParallelExecutor.create({ threads: 2 });
  try {
    const r = await replayBlock(CANCUN, { runs: 2, executor, forceParallel: true });
    assert.equal(r.ok, true, r.mismatch);
    assert.equal(r.parallelMode, 'parallel');
    assert.ok(r.parMs !== undefined && r.speedup !== undefined && r.speedup > 0);
    // Two timed runs each, alternating; the paired speedup is the median of their ratios.
    assert.equal(r.seqRuns?.length, 2);
    assert.equal(r.parRuns?.length, 2);
    const ratios = r.seqRuns!.map((s, i) => s / r.parRuns![i]).sort((a, b) => a - b);
    assert.ok(r.pairedSpeedup! >= ratios[0] && r.pairedSpeedup! <= ratios[1]);
  } finally {
    await executor.close();
  }
});

test('the paired total: per run index, the blocks summed, then the median over the indexes', () => {
  const block = (seqRuns: number[], parRuns: number[]) =>
    ({ dir: '', number: 1n, txs: 1, gasUsed: 1_000_000n, ok: true, receiptsChecked: true, seqMs: seqRuns[1], parMs: parRuns[1], seqRuns, parRuns });
  // Run 1 of both blocks met a slow phase on the parallel side only; the paired total is run 0's or run 2's figure.
  const t = replayTotals([block([10, 10, 10], [5, 40, 6]), block([20, 20, 20], [10, 40, 14])]);
  assert.equal(t.pairedSpeedup, 30 / 20); // ratios 30/15 = 2, 30/80, 30/20 = 1.5 -> median 1.5
  assert.equal(replayTotals([block([10, 10], [5, 5]), block([20, 20, 20], [10, 10, 10])]).pairedSpeedup, undefined, 'unequal run counts: no paired total');
  assert.equal(replayTotals([{ ...block([10], [5]), parRuns: undefined, parMs: undefined }]).pairedSpeedup, undefined, 'sequential only');
});

test('every mainnet block run over the location table (the workers\' view, commits published) equals its MemoryState run', { skip }, () => {
  let txs = 0;
  for (const dir of findBlockDirs([MAINNET])) {
    const rb = loadReplayBlock(dir);
    const state = rb.pre.clone();
    const want = runSequential(rb, state, prepareBlock(rb, state));
    let mirror!: MemoryState;
    const got = withTableState(
      () => (mirror = rb.pre.clone()),
      (table) => runSequential(rb, mirror, prepareBlock(rb, table), table),
    );
    assert.equal(compareRuns(want, got), undefined, `${dir}: over the table`);
    txs += rb.block.transactions.length;
  }
  assert.ok(txs > 10_000);
});

test('runs are compared receipt by receipt and account by account', { skip }, () => {
  const rb = loadReplayBlock(CANCUN);
  const run = () => {
    const state = rb.pre.clone();
    return runSequential(rb, state, prepareBlock(rb, state));
  };
  const a = run();
  const b = run();
  assert.equal(compareRuns(a, b), undefined);
  b.receipts[5] = { ...b.receipts[5], gasUsed: b.receipts[5].gasUsed + 1n };
  assert.match(compareRuns(a, b)!, /^transaction 5: gas used/);
  const c = run();
  const [address, change] = [...c.changes][0];
  c.changes.set(address, { ...change, balance: change.balance + 1n });
  assert.match(compareRuns(a, c)!, new RegExp(`^${addressToHex(address)}: balance`));
});

test('an account missing from the pre-state is reported as such, with its address', { skip }, async () => {
  const rb = loadReplayBlock(CANCUN);
  const sender = rb.senders[3];
  rb.pre.deleteAccount(sender);
  const listed = new Set(rb.preAddresses);
  listed.delete(sender);
  const r = await replayLoaded({ ...rb, preAddresses: listed }, { runs: 1 });
  assert.equal(r.ok, false);
  assert.ok(r.absentReads?.some((a) => a.address === sender && a.tx === 3), JSON.stringify(r.absentReads, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
  assert.match(r.mismatch!, new RegExp(`^pre-state lacks ${addressToHex(sender)}, the sender of tx 3[;.]`));
  assert.match(r.mismatch!, /Result: execution failed: transaction 3 is invalid/);
});

test('a wrong result is reported as a mismatch, with unlisted reads named as suspects only', { skip }, async () => {
  const frontier = loadReplayBlock(FRONTIER);
  frontier.block.header.gasUsed += 1n;
  const r = await replayLoaded(frontier, { runs: 1 });
  assert.equal(r.ok, false);
  // The Frontier block's one transfer creates its recipient: an unlisted read, a suspect.
  assert.equal(r.mismatch, `pre-state does not list accounts the block read (missing, or new): ${addressToHex(frontier.block.transactions[0].to!)} (tx 0). Result: gas used 21000, header says 21001`);
  const petersburg = loadReplayBlock(PETERSBURG);
  petersburg.block.header.receiptsRoot = new Uint8Array(32);
  const p = await replayLoaded(petersburg, { runs: 1 });
  assert.match(p.mismatch!, /receipts root 0x[0-9a-f]{64}, header says 0x0{64}$/);
});

test('a zero-price transaction from an unlisted sender is no proof of a missing account', () => {
  const tx = (gasPrice: bigint) => ({ gasLimit: 21000n, maxFeePerGas: gasPrice, value: 0n }) as Transaction;
  const reads = [{ address: 0xaan, tx: 0 }];
  assert.match(describeMissing(reads, [tx(1n)], [0xaan])!, /^pre-state lacks 0x0{38}aa, the sender of tx 0$/);
  assert.match(describeMissing(reads, [tx(0n)], [0xaan])!, /^pre-state does not list accounts the block read \(missing, or new\): 0x0{38}aa \(tx 0\)$/);
  assert.equal(describeMissing([], [tx(1n)], [0xaan]), undefined);
});

test('the absent beacon-roots contract and absent withdrawal recipients are not suspects', { skip }, () => {
  const rb = loadReplayBlock(CANCUN);
  const recipients = (rb.block.withdrawals ?? []).map((w) => w.address).filter((a) => !rb.preAddresses.has(a));
  assert.ok(recipients.length > 0, 'the block credits accounts pre_state.json lacks');
  assert.equal(rb.pre.getAccount(BEACON_ROOTS_ADDRESS), undefined);
  const state = rb.pre.clone();
  const env = prepareBlock(rb, state);
  const recorder = new AbsentReadRecorder(state, rb.preAddresses);
  runSequential(rb, state, env, recorder);
  const suspects = new Set(recorder.reads().map((r) => r.address));
  for (const a of [BEACON_ROOTS_ADDRESS, ...recipients]) assert.ok(!suspects.has(a), addressToHex(a));
  assert.ok(recipients.every((a) => state.getAccount(a) !== undefined), 'credited as new accounts');
});

test('the recorder notes reads of unlisted, unwritten addresses, once, with the transaction reading first', () => {
  const inner = new MemoryState();
  inner.setAccount(0xa1n, { balance: 5n });
  const recorder = new AbsentReadRecorder(inner, new Set([0xa1n]), new Set([0xeen]));
  assert.equal(recorder.getAccount(0xa1n)?.balance, 5n);
  assert.equal(recorder.getAccount(0xeen), undefined); // exempt
  recorder.apply(new Map([[0xb2n, { deleted: false, storageCleared: false, nonce: 0n, balance: 1n, storage: new Map() }]]));
  assert.equal(recorder.getAccount(0xb2n)?.balance, 1n); // written by the block: not absent
  assert.equal(recorder.getStorage(0xc3n, 1n), 0n); // tx 1 reads an unlisted account
  recorder.apply(new Map());
  assert.equal(recorder.getAccount(0xc3n), undefined);
  assert.equal(recorder.getAccount(0xd4n), undefined); // tx 2
  assert.deepEqual(recorder.reads(), [
    { address: 0xc3n, tx: 1 },
    { address: 0xd4n, tx: 2 },
  ]);
  assert.equal(describeAbsentReads(recorder.reads(), 1), `${addressToHex(0xc3n)} (tx 1) and 1 more`);
});

function copyBlock(from: string, edit: (name: string, json: any) => any): string {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'));
  for (const name of ['block', 'pre_state', 'bytecodes', 'block_hashes']) {
    const json = JSON.parse(gunzipSync(readFileSync(join(from, `${name}.json.gz`))).toString('utf8'));
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(edit(name, json)));
  }
  return dir;
}

test('code the pre-state names but bytecodes.json lacks is an error naming the account and the hash', { skip }, async () => {
  const pre = JSON.parse(gunzipSync(readFileSync(join(PETERSBURG, 'pre_state.json.gz'))).toString('utf8'));
  const [address, account] = Object.entries(pre as Record<string, { code_hash?: string }>).find(([, a]) => a.code_hash)!;
  const hash = account.code_hash!.toLowerCase();
  const dir = copyBlock(PETERSBURG, (name, json) => {
    if (name === 'bytecodes') delete json[hash];
    return json;
  });
  assert.throws(() => loadReplayBlock(dir), (e: Error) => e instanceof ReplayInputError && e.message.includes(address.toLowerCase()) && e.message.includes(hash));
  const r = await replayBlock(dir);
  assert.equal(r.ok, false);
  assert.equal(r.number, -1n); // a temp dir is not named by a block number
  assert.match(r.mismatch!, /bad pre-state: account 0x[0-9a-f]{40} has code hash 0x[0-9a-f]{64}, which bytecodes.json lacks/);
});

test('a block directory that cannot be parsed is a failed block, not a crash', { skip }, async () => {
  const dir = copyBlock(FRONTIER, (_name, json) => json);
  writeFileSync(join(dir, 'block.json'), '{"number": ');
  const r = await replayBlock(dir);
  assert.equal(r.ok, false);
  assert.match(r.mismatch!, /cannot load: .*JSON/);
});

test('block directories: one block, or a directory of them sorted by number; anything else is an error', { skip }, () => {
  assert.deepEqual(findBlockDirs([CANCUN]), [CANCUN]);
  const all = findBlockDirs([MAINNET]);
  assert.ok(all.length >= 50);
  assert.equal(all[0], FRONTIER);
  assert.throws(() => findBlockDirs([join(MAINNET, 'nope')]), /no such directory/);
  assert.throws(() => findBlockDirs([mkdtempSync(join(tmpdir(), 'replay-empty-'))]), /no block\.json here/);
});

test('an index file stands for the blocks it lists (a shell glob over fixtures/mainnet passes it along)', { skip }, () => {
  const index = join(MAINNET, INDEX_FILE);
  const listed = findBlockDirs([index]);
  assert.deepEqual(listed, findBlockDirs([MAINNET]));
  // The glob's form: directories and the index; each block once, where it first came.
  assert.deepEqual(findBlockDirs([CANCUN, index, FRONTIER]), [CANCUN, ...listed.filter((d) => d !== CANCUN)]);
  assert.throws(() => findBlockDirs([join(MAINNET, 'notes.txt')]), /no such directory/);
});

test('a bad index is an error naming the file and the entry; an index listing a missing block names it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-index-'));
  const file = join(dir, INDEX_FILE);
  writeFileSync(file, '{"number": 1}');
  assert.throws(() => readBlockIndex(file), /INDEX\.json: not a block index \(expected a JSON array/);
  writeFileSync(file, '[{"number": 7, "txCount": 2}, {"number": "8"}]');
  assert.throws(() => readBlockIndex(file), /INDEX\.json: entry 1: block number "8"/);
  writeFileSync(file, '[{"number": 7, "hardfork": "Atlantis"}]');
  assert.throws(() => readBlockIndex(file), /entry 0: hardfork "Atlantis"/);
  writeFileSync(file, '[{"number": 7}');
  assert.throws(() => readBlockIndex(file), /INDEX\.json: invalid JSON/);
  writeFileSync(file, '[{"number": 7}]');
  assert.throws(() => findBlockDirs([file]), /lists block 7, but .*7 holds no block\.json/);
});

test('a block directory beside an index that describes another block is bad input, named as such', { skip }, async () => {
  // Block 9068998's files in a directory named 9068998, beside an index whose entry says 4 transactions.
  const root = mkdtempSync(join(tmpdir(), 'replay-indexed-'));
  const copy = copyBlock(PETERSBURG, (_name, json) => json);
  const dir = join(root, '9068998');
  mkdirSync(dir);
  for (const name of ['block', 'pre_state', 'bytecodes', 'block_hashes']) writeFileSync(join(dir, `${name}.json`), readFileSync(join(copy, `${name}.json`)));
  writeFileSync(join(root, INDEX_FILE), JSON.stringify([{ number: 9068998, hardfork: 'Byzantium', txCount: 4, gasUsed: 1 }]));
  const r = await replayBlock(dir, { runs: 1 });
  assert.equal(r.ok, false);
  assert.equal(r.number, 9068998n);
  assert.match(r.mismatch!, /does not match .*INDEX\.json: 3 transactions, the index 4; gas used \d+, the index 1; fork Petersburg by the chain's schedule, the index Byzantium/);
  // The same files with a matching entry replay.
  writeFileSync(join(root, INDEX_FILE), JSON.stringify([{ number: 9068998, hardfork: 'Petersburg', txCount: 3 }]));
  const other = join(root, '..', `${root.split('/').pop()}-2`);
  mkdirSync(join(other, '9068998'), { recursive: true });
  for (const name of ['block', 'pre_state', 'bytecodes', 'block_hashes']) writeFileSync(join(other, '9068998', `${name}.json`), readFileSync(join(copy, `${name}.json`)));
  writeFileSync(join(other, INDEX_FILE), JSON.stringify([{ number: 9068998, hardfork: 'Petersburg', txCount: 3 }]));
  const ok = await replayBlock(join(other, '9068998'), { runs: 1 });
  assert.equal(ok.ok, true, ok.mismatch);
});

test('profiled runs merge with each transaction at its fastest: one run\'s accident does not become the block\'s critical path', () => {
  const deps = [[], [], [], []];
  const run = (execMs: number[]) => ({ execMs, totalMs: execMs, executions: execMs.map(() => 1), deps });
  // Run 2 caught a 9 ms pause inside transaction 3; runs 1 and 3 did not.
  const profiles = [run([1, 1, 1, 1]), run([1, 1, 1, 10]), run([1.2, 1, 1, 1])];
  const alone = blockScaling(profiles[1]);
  assert.ok(alone.topTxShare > 0.7);
  const merged = mergedProfile(profiles);
  assert.equal(merged.execMs.length, 4);
  assert.deepEqual(merged.deps, deps);
  // Each at its fastest (1, 1, 1, 1), scaled to the median run's total (4.2): 1.05 each.
  for (const t of merged.execMs) assert.ok(Math.abs(t - 1.05) < 1e-9, String(t));
  const s = blockScaling(merged);
  assert.ok(Math.abs(s.topTxShare - 0.25) < 1e-9);
  assert.ok(Math.abs(s.twoThreads - 2) < 1e-9, 'four equal independent transactions: two threads, 2x');
});
