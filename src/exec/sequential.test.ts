import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeyToAddress } from '../crypto/secp256k1.js';
import { Fork } from '../primitives/fork.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { KECCAK_EMPTY, keccak256 } from '../primitives/keccak.js';
import { MemoryState } from '../state/memory-state.js';
import type { AccountChange, StateChanges } from '../state/types.js';
import { signTransaction } from '../tx/sign.js';
import type { Transaction } from '../tx/types.js';
import { BlockExecutionError, executeSequential, mergeChanges } from './sequential.js';
import type { BlockEnv } from './types.js';

const change = (c: Partial<AccountChange>): AccountChange => ({ deleted: false, storageCleared: false, nonce: 0n, balance: 0n, storage: new Map(), ...c });

test('mergeChanges: later values win, a wipe drops earlier slots, a deletion resets, a revival has empty code', () => {
  const into: StateChanges = new Map();
  const code = Uint8Array.of(0x00);
  mergeChanges(into, new Map([[1n, change({ nonce: 1n, balance: 5n, storage: new Map([[1n, 1n], [2n, 2n]]), code, codeHash: keccak256(code) })]]));
  mergeChanges(into, new Map([[1n, change({ nonce: 2n, balance: 6n, storage: new Map([[2n, 3n]]) })]]));
  assert.deepStrictEqual(into.get(1n), change({ nonce: 2n, balance: 6n, storage: new Map([[1n, 1n], [2n, 3n]]), code, codeHash: keccak256(code) }));
  mergeChanges(into, new Map([[1n, change({ nonce: 2n, balance: 6n, storageCleared: true, storage: new Map([[9n, 9n]]) })]]));
  assert.deepStrictEqual(into.get(1n)!.storage, new Map([[9n, 9n]]));
  assert.equal(into.get(1n)!.storageCleared, true);
  mergeChanges(into, new Map([[1n, change({ deleted: true, storageCleared: true })]]));
  assert.deepStrictEqual(into.get(1n), change({ deleted: true, storageCleared: true }));
  mergeChanges(into, new Map([[1n, change({ balance: 3n })]]));
  assert.deepStrictEqual(into.get(1n), change({ balance: 3n, storageCleared: true, code: EMPTY_BYTES, codeHash: KECCAK_EMPTY }));
});

const KEY = keccak256(new TextEncoder().encode('sequential test key'));
const SENDER = privateKeyToAddress(KEY);
const env: BlockEnv = {
  fork: Fork.Cancun, chainId: 1n, number: 1n, timestamp: 1n, coinbase: 0xc0n, gasLimit: 100_000n, baseFee: 7n, difficulty: 0n,
  prevRandao: 0n, blobBaseFee: 1n, maxBlobsPerBlock: 6, blockHash: () => undefined,
};

function transfer(nonce: bigint, to: bigint, value: bigint): Transaction {
  return signTransaction(
    {
      type: 2, chainId: 1n, nonce, gasPrice: 10n, maxFeePerGas: 10n, maxPriorityFeePerGas: 2n, gasLimit: 21000n, to, value, data: EMPTY_BYTES,
      accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [],
    },
    KEY,
  );
}

test('executeSequential: receipts with cumulative gas, combined changes, state committed', () => {
  const state = new MemoryState();
  state.setAccount(SENDER, { balance: 10n ** 18n });
  const txs = [transfer(0n, 0xb0bn, 5n), transfer(1n, 0xb0bn, 6n)];
  const r = executeSequential(state, txs, [SENDER, SENDER], env);
  assert.deepEqual(r.receipts.map((x) => [x.status, x.gasUsed, x.cumulativeGasUsed]), [[1, 21000n, 21000n], [1, 21000n, 42000n]]);
  assert.equal(r.gasUsed, 42000n);
  assert.equal(r.changes.get(0xb0bn)!.balance, 11n);
  assert.equal(r.changes.get(env.coinbase)!.balance, 2n * 42000n);
  assert.equal(r.changes.get(SENDER)!.nonce, 2n);
  assert.equal(state.getAccount(0xb0bn)!.balance, 11n);
});

test('executeSequential: the first invalid transaction fails the block, the ones before are committed', () => {
  const state = new MemoryState();
  state.setAccount(SENDER, { balance: 10n ** 18n });
  const txs = [transfer(0n, 0xb0bn, 5n), transfer(5n, 0xb0bn, 6n), transfer(1n, 0xb0bn, 6n)];
  assert.throws(
    () => executeSequential(state, txs, [SENDER, SENDER, SENDER], env),
    (e: unknown) => e instanceof BlockExecutionError && e.txIndex === 1 && e.error.code === 'NONCE_MISMATCH_TOO_HIGH',
  );
  assert.equal(state.getAccount(0xb0bn)!.balance, 5n);
});

test('executeSequential: the block gas limit bounds the sum of gas limits', () => {
  const state = new MemoryState();
  state.setAccount(SENDER, { balance: 10n ** 18n });
  const txs = [0n, 1n, 2n, 3n, 4n].map((n) => transfer(n, 0xb0bn, 1n));
  assert.throws(
    () => executeSequential(state, txs, txs.map(() => SENDER), env),
    (e: unknown) => e instanceof BlockExecutionError && e.txIndex === 4 && e.error.code === 'GAS_ALLOWANCE_EXCEEDED',
  );
});
