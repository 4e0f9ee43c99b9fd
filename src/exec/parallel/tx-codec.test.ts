import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../../primitives/fork.js';
import type { Transaction } from '../../tx/types.js';
import type { BlockEnv } from '../types.js';
import { BlockEncoder, envWords, readEnv, readTransaction, txWords, WordReader, WordWriter, writeEnv, writeTransaction } from './tx-codec.js';

const MAX = 2n ** 256n - 1n;

const txs: Transaction[] = [
  {
    type: 0, chainId: undefined, nonce: 0n, gasPrice: 1n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, gasLimit: 21000n, to: undefined,
    value: MAX, data: new Uint8Array(0), accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [],
    v: 27n, r: MAX - 1n, s: 2n ** 128n,
  },
  {
    type: 3, chainId: 1n, nonce: 2n ** 64n - 2n, gasPrice: 5n, maxFeePerGas: 5n, maxPriorityFeePerGas: 2n, gasLimit: 10n ** 7n,
    to: 0xdeadn, value: 0n, data: Uint8Array.from({ length: 77 }, (_, i) => i),
    accessList: [{ address: 0xaan, storageKeys: [0n, MAX] }, { address: 0xbbn, storageKeys: [] }], maxFeePerBlobGas: 3n,
    blobVersionedHashes: [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)], authorizationList: [], v: 1n, r: 3n, s: 4n,
  },
  {
    type: 4, chainId: 7n, nonce: 1n, gasPrice: 9n, maxFeePerGas: 9n, maxPriorityFeePerGas: 9n, gasLimit: 50000n, to: 0x1n, value: 1n,
    data: Uint8Array.of(1, 2, 3), accessList: [], maxFeePerBlobGas: 0n, blobVersionedHashes: [],
    authorizationList: [{ chainId: 0n, address: 0x5n, nonce: 3n, yParity: 1n, r: MAX, s: 1n }], v: 0n, r: 5n, s: 6n,
  },
];

const env: BlockEnv = {
  fork: Fork.Prague, chainId: 1n, number: 300n, timestamp: 12345n, coinbase: 0xc0ffeen, gasLimit: 30_000_000n, baseFee: 7n,
  difficulty: 0n, prevRandao: MAX, blobBaseFee: 1n, maxBlobsPerBlock: 9, blockHash: (n) => (n % 2n === 0n ? n * 1000n : undefined),
};

test('transactions round-trip, in the words txWords predicts', () => {
  const w = new WordWriter(16);
  const offsets: number[] = [];
  for (const tx of txs) {
    offsets.push(w.pos);
    writeTransaction(w, tx);
    assert.equal(w.pos - offsets[offsets.length - 1], txWords(tx), `type ${tx.type}`);
  }
  const r = new WordReader(w.w64.buffer as SharedArrayBuffer);
  for (let i = 0; i < txs.length; i++) {
    r.pos = offsets[i];
    assert.deepStrictEqual(readTransaction(r), txs[i]);
  }
});

test('the environment round-trips with the hashes BLOCKHASH can return', () => {
  const w = new WordWriter(16);
  writeEnv(w, env);
  assert.ok(w.pos <= envWords(env));
  const back = readEnv(new WordReader(w.w64.buffer as SharedArrayBuffer));
  const { blockHash: _a, ...fields } = env;
  const { blockHash, ...backFields } = back;
  assert.deepStrictEqual(backFields, fields);
  for (const n of [0n, 43n, 44n, 45n, 298n, 299n, 300n, 301n]) assert.equal(blockHash(n), n >= 44n && n < 300n ? env.blockHash(n) : undefined, `block ${n}`);
});

test('without signatures, v, r and s read as zero', () => {
  const w = new WordWriter(16);
  writeTransaction(w, txs[1], false);
  assert.equal(w.pos, txWords(txs[1], false));
  const back = readTransaction(new WordReader(w.w64.buffer as SharedArrayBuffer));
  assert.deepStrictEqual(back, { ...txs[1], v: 0n, r: 0n, s: 0n });
});

test('a block is encoded in chunks into one buffer', () => {
  const enc = new BlockEncoder();
  const sab = enc.start(txs, env);
  assert.equal(enc.encode(1), 1);
  assert.equal(enc.encoded, 1);
  assert.ok(!enc.done);
  assert.equal(enc.encode(10), 3);
  assert.ok(enc.done);
  const r = new WordReader(sab);
  assert.equal(r.i32[0], 3);
  r.pos = r.i32[2];
  assert.equal(readEnv(r).number, 300n);
  for (let i = 0; i < 3; i++) {
    r.pos = r.i32[2 * (2 + i)];
    assert.deepStrictEqual(readTransaction(r), txs[i]);
  }
});
