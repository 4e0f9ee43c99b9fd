/**
 * The benchmark workloads are the blocks they claim to be: deterministic,
 * signed by the senders they list, and — run on our EVM and on
 * @ethereumjs/vm — every transfer and swap succeeds and the state ends where
 * the workload's own bookkeeping says it should (token balances, pool
 * reserves and TWAP accumulators, the counter at N, ether and nonces).
 * The two engines must also agree receipt by receipt (gas and logs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EthereumJsEngine } from './engines/ethereumjs.js';
import type { Engine, EngineResult } from './engines/types.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BlockCache, CACHE_MIN_TXS } from './workloads/cache.js';
import { slotOf } from './workloads/contracts.js';
import { deriveAddress } from './workloads/keys.js';
import { Prng } from './workloads/prng.js';
import { defaultTxCount, makeWorkload } from './workloads/index.js';
import type { StateProbe, Workload } from './workloads/types.js';
import { recoverSender } from '../src/tx/sign.js';
import { bytesToHex } from '../src/primitives/hex.js';

const SMALL: [string, number][] = [
  ['raw-transfers', 12],
  ['erc20', 12],
  ['erc20-hot', 12],
  ['amm', 16],
  ['chain', 12],
  ['mixed', 24],
  ['contention-3', 16],
];

/** Few pools, so that swaps in the same pool follow each other. */
function small(name: string, txs: number): Workload {
  return makeWorkload(name, { txs, seed: 7, pools: 3 });
}

function receiptsSummary(r: EngineResult): string[] {
  return r.receipts.map(
    (x) => `${x.status}/${x.gasUsed}/${x.logs.map((l) => `${l.address}:${l.topics.map(bytesToHex).join(',')}:${bytesToHex(l.data)}`).join(';')}`,
  );
}

test('prng: same seed, same stream; different seeds differ', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const sa = Array.from({ length: 8 }, () => a.nextU32());
  assert.deepEqual(sa, Array.from({ length: 8 }, () => b.nextU32()));
  assert.notDeepEqual(sa, Array.from({ length: 8 }, () => c.nextU32()));
  const r = new Prng(1);
  for (let i = 0; i < 1000; i++) {
    const x = r.int(7);
    assert.ok(x >= 0 && x < 7 && Number.isInteger(x));
    const y = r.bigint(5n, 9n);
    assert.ok(y >= 5n && y <= 9n);
  }
});

test('workloads are deterministic in (name, size, seed) and signed by their senders', () => {
  for (const [name, n] of SMALL) {
    const w1 = small(name, n);
    const w2 = small(name, n);
    assert.equal(w1.txs.length, n, name);
    assert.deepEqual(w1.txs, w2.txs, `${name}: same seed, same txs`);
    assert.deepEqual([...w1.pre.keys()], [...w2.pre.keys()], name);
    const other = makeWorkload(name, { txs: n, seed: 8, pools: 3 });
    assert.notDeepEqual(other.txs, w1.txs, `${name}: another seed, another block`);
    for (let i = 0; i < n; i++) {
      assert.equal(recoverSender(w1.txs[i]), w1.senders[i], `${name} tx ${i}`);
      assert.equal(w1.txs[i].type, 2);
      assert.ok(w1.pre.get(w1.senders[i])!.balance > 0n, `${name}: sender ${i} funded`);
    }
  }
});

test('senders are distinct except in contention-K', () => {
  for (const [name, n] of SMALL) {
    const distinct = new Set(small(name, n).senders).size;
    if (name.startsWith('contention-')) assert.ok(distinct <= 3, name);
    else assert.equal(distinct, n, name);
  }
});

test('default sizes are about a 30M-gas block, or 1G gas with gigagas', () => {
  assert.equal(defaultTxCount('raw-transfers'), 1428);
  assert.equal(defaultTxCount('raw-transfers', true), 47619);
  assert.ok(defaultTxCount('amm') > 250 && defaultTxCount('amm') < 350);
  assert.equal(defaultTxCount('contention-50'), 1428);
  assert.throws(() => makeWorkload('contention-1', { txs: 2 }), /K >= 2/);
  assert.throws(() => makeWorkload('nope'), /unknown workload/);
});

test('big blocks come back from the disk cache identical, and a corrupt cache is rebuilt', () => {
  const opts = { txs: CACHE_MIN_TXS, seed: 4242 };
  const fresh = makeWorkload('raw-transfers', { ...opts, cache: false });
  const path = BlockCache.open(`raw-transfers-n${CACHE_MIN_TXS}-s4242-p100`).path;
  makeWorkload('raw-transfers', opts);
  assert.ok(existsSync(path), 'the first build writes the cache');
  assert.deepEqual(makeWorkload('raw-transfers', opts).txs, fresh.txs, 'a cached build equals a fresh one');
  // Corrupt the first signature's r: the sampled recovery notices and the block is rebuilt.
  const bytes = readFileSync(path);
  const at = 8 + 20 * CACHE_MIN_TXS + 5;
  bytes[at] ^= 0xff;
  writeFileSync(path, bytes);
  const rebuilt = makeWorkload('raw-transfers', opts);
  assert.deepEqual(rebuilt.txs, fresh.txs);
  assert.deepEqual(rebuilt.senders, fresh.senders);
  assert.notEqual(readFileSync(path)[at], bytes[at], 'the rebuild rewrote the cache file');
});

test('a workload check notices a wrong state', async () => {
  const w = small('chain', 4);
  const counter = deriveAddress(7, 'counter', 0);
  const receipts = w.txs.map(() => ({ status: 1 as const, gasUsed: 30_000n, logs: [] }));
  const wrong: StateProbe = { balance: () => 0n, nonce: () => 0n, storage: () => 3n };
  const problems = await w.check(wrong, receipts);
  assert.ok(problems.some((p) => p.startsWith('counter: got 3, expected 4')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('log')), 'missing Incremented logs are reported');
  assert.equal(slotOf('Counter', 'count'), 0n);
  assert.ok(counter > 0n);
});

/** Loaded on first use, so the tests above run while the EVM is still being written. */
async function multilane(): Promise<Engine> {
  return new (await import('./engines/multilane.js')).MultilaneEngine();
}

for (const [name, n] of SMALL) {
  test(`${name}: @ethereumjs/vm runs it as intended`, async () => {
    const w = small(name, n);
    // After an untimed run of the block on a VM of its own (warmRun), the timed VM starts from the pre-state.
    const theirs = await new EthereumJsEngine().run(w, { warmRun: true });
    assert.ok(theirs.receipts.every((r) => r.status === 1), `${name}: every tx succeeded`);
    assert.deepEqual(await w.check(theirs.probe, theirs.receipts), [], `${name} on ethereumjs`);
  });
}

for (const [name, n] of SMALL) {
  test(`${name}: our EVM runs it as intended and agrees with @ethereumjs/vm`, async () => {
    const w = small(name, n);
    const ours = await (await multilane()).run(w);
    assert.equal(ours.txs, n);
    assert.ok(ours.receipts.every((r) => r.status === 1), `${name}: every tx succeeded on multilane`);
    assert.deepEqual(await w.check(ours.probe, ours.receipts), [], `${name} on multilane`);
    const theirs = await new EthereumJsEngine().run(w);
    assert.deepEqual(receiptsSummary(ours), receiptsSummary(theirs), `${name}: receipts agree`);
    assert.equal(ours.gasUsed, theirs.gasUsed);
  });
}

test('chain: the counter ends at N; a capped run checks against its prefix', async () => {
  const w = small('chain', 10);
  const counter = deriveAddress(7, 'counter', 0);
  const engine = await multilane();
  const full = await engine.run(w);
  assert.equal(await full.probe.storage(counter, 0n), 10n);
  const capped = await engine.run(w, { maxTxs: 6 });
  assert.equal(capped.txs, 6);
  assert.equal(await capped.probe.storage(counter, 0n), 6n);
  assert.deepEqual(await w.check(capped.probe, capped.receipts), []);
});
