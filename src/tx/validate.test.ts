import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../primitives/fork.js';
import { TxError, type TxErrorCode } from './errors.js';
import { blobHash, sampleTx } from './testing.js';
import type { UnsignedTransaction } from './types.js';
import { validateTransaction, type TxLimits } from './validate.js';

const LIMITS: TxLimits = { maxBlobsPerBlock: 9, chainId: 1n };

function assertCode(tx: UnsignedTransaction, fork: Fork, code: TxErrorCode, limits: TxLimits = LIMITS): void {
  assert.throws(
    () => validateTransaction(tx, fork, limits),
    (e: unknown) => e instanceof TxError && e.code === code,
    `expected ${code} under ${Fork[fork]}`,
  );
}

function assertValid(tx: UnsignedTransaction, fork: Fork, limits: TxLimits = LIMITS): void {
  assert.doesNotThrow(() => validateTransaction(tx, fork, limits));
}

test('each type is valid from the fork that introduced it', () => {
  const cases: [number, Fork, TxErrorCode][] = [
    [1, Fork.Berlin, 'TYPE_1_TX_PRE_FORK'],
    [2, Fork.London, 'TYPE_2_TX_PRE_FORK'],
    [3, Fork.Cancun, 'TYPE_3_TX_PRE_FORK'],
    [4, Fork.Prague, 'TYPE_4_TX_PRE_FORK'],
  ];
  for (const [type, fork, code] of cases) {
    const tx = sampleTx(type as 1 | 2 | 3 | 4);
    assertValid(tx, fork);
    assertValid(tx, Fork.Osaka);
    assertCode(tx, fork - 1, code);
  }
  assertValid(sampleTx(0, { chainId: undefined }), Fork.Frontier);
});

test('chain id: EIP-155 from SpuriousDragon, and it must be this chain', () => {
  assertValid(sampleTx(0), Fork.SpuriousDragon);
  assertCode(sampleTx(0), Fork.TangerineWhistle, 'INVALID_SIGNATURE');
  assertCode(sampleTx(0, { chainId: 5n }), Fork.Cancun, 'INVALID_CHAINID');
  assertCode(sampleTx(2, { chainId: 5n }), Fork.Cancun, 'INVALID_CHAINID');
  assertValid(sampleTx(2, { chainId: 5n }), Fork.Cancun, { maxBlobsPerBlock: 6 });
  assertValid(sampleTx(0, { chainId: undefined }), Fork.Cancun);
});

test('EIP-2681: nonce must be below 2^64 - 1', () => {
  assertValid(sampleTx(2, { nonce: 2n ** 64n - 2n }), Fork.Cancun);
  assertCode(sampleTx(2, { nonce: 2n ** 64n - 1n }), Fork.Cancun, 'NONCE_IS_MAX');
});

test('EIP-3860: creation initcode up to 49152 bytes from Shanghai', () => {
  const create = (size: number) => sampleTx(0, { to: undefined, gasLimit: 10_000_000n, data: new Uint8Array(size) });
  assertValid(create(49152), Fork.Shanghai);
  assertCode(create(49153), Fork.Shanghai, 'INITCODE_SIZE_EXCEEDED');
  assertValid(create(49153), Fork.Paris);
  // Only creations are limited.
  assertValid(sampleTx(0, { gasLimit: 10_000_000n, data: new Uint8Array(49153) }), Fork.Shanghai);
});

test('fees: priority fee at most max fee; gas * max fee within 256 bits', () => {
  assertValid(sampleTx(2, { maxPriorityFeePerGas: 30_000_000_000n }), Fork.London);
  assertCode(sampleTx(2, { maxPriorityFeePerGas: 30_000_000_001n }), Fork.London, 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS');
  const price = 2n ** 256n / 21000n;
  assertValid(sampleTx(0, { data: new Uint8Array(0), gasLimit: 21000n, gasPrice: price, maxFeePerGas: price, maxPriorityFeePerGas: price }), Fork.Cancun);
  const over = price + 1n;
  assertCode(
    sampleTx(0, { data: new Uint8Array(0), gasLimit: 21000n, gasPrice: over, maxFeePerGas: over, maxPriorityFeePerGas: over }),
    Fork.Cancun,
    'GASLIMIT_PRICE_PRODUCT_OVERFLOW',
  );
});

test('block-dependent fee and gas limits, when given', () => {
  const tx = sampleTx(3);
  assertValid(tx, Fork.Cancun, { ...LIMITS, baseFee: tx.maxFeePerGas, blobBaseFee: tx.maxFeePerBlobGas, blockGasLimit: tx.gasLimit });
  assertCode(tx, Fork.Cancun, 'INSUFFICIENT_MAX_FEE_PER_GAS', { ...LIMITS, baseFee: tx.maxFeePerGas + 1n });
  assertCode(tx, Fork.Cancun, 'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS', { ...LIMITS, blobBaseFee: tx.maxFeePerBlobGas + 1n });
  assertCode(tx, Fork.Cancun, 'GAS_ALLOWANCE_EXCEEDED', { ...LIMITS, blockGasLimit: tx.gasLimit - 1n });
});

test('EIP-4844 shape: a call, 1..max blobs, version 0x01 hashes; EIP-7594 caps a tx at 6 from Osaka', () => {
  const blobs = (n: number) => Array.from({ length: n }, (_, i) => blobHash(i));
  assertCode(sampleTx(3, { to: undefined }), Fork.Cancun, 'TYPE_3_TX_CONTRACT_CREATION');
  assertCode(sampleTx(3, { blobVersionedHashes: [] }), Fork.Cancun, 'TYPE_3_TX_ZERO_BLOBS');
  assertValid(sampleTx(3, { blobVersionedHashes: blobs(6) }), Fork.Cancun, { maxBlobsPerBlock: 6 });
  assertCode(sampleTx(3, { blobVersionedHashes: blobs(7) }), Fork.Cancun, 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED', { maxBlobsPerBlock: 6 });
  assertValid(sampleTx(3, { blobVersionedHashes: blobs(9) }), Fork.Prague);
  assertCode(sampleTx(3, { blobVersionedHashes: blobs(7) }), Fork.Osaka, 'TYPE_3_TX_BLOB_COUNT_EXCEEDED');
  assertCode(sampleTx(3, { blobVersionedHashes: blobs(10) }), Fork.Osaka, 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED');
  const bad = blobs(2);
  bad[1] = new Uint8Array(32);
  assertCode(sampleTx(3, { blobVersionedHashes: bad }), Fork.Cancun, 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH');
});

test('EIP-7702 shape: a call with at least one authorization', () => {
  assertCode(sampleTx(4, { to: undefined }), Fork.Prague, 'TYPE_4_TX_CONTRACT_CREATION');
  assertCode(sampleTx(4, { authorizationList: [] }), Fork.Prague, 'TYPE_4_EMPTY_AUTHORIZATION_LIST');
});

test('gas: intrinsic, EIP-7623 floor, and the EIP-7825 cap of 2^24 in Osaka', () => {
  const data = new Uint8Array(100).fill(1); // intrinsic 21000 + 1600, floor 21000 + 4000
  assertValid(sampleTx(2, { data, accessList: [], gasLimit: 22600n }), Fork.Cancun);
  assertCode(sampleTx(2, { data, accessList: [], gasLimit: 22599n }), Fork.Cancun, 'INTRINSIC_GAS_TOO_LOW');
  assertCode(sampleTx(2, { data, accessList: [], gasLimit: 22600n }), Fork.Prague, 'INTRINSIC_GAS_BELOW_FLOOR_GAS_COST');
  assertValid(sampleTx(2, { data, accessList: [], gasLimit: 25000n }), Fork.Prague);
  assertValid(sampleTx(2, { gasLimit: 2n ** 24n }), Fork.Osaka);
  assertCode(sampleTx(2, { gasLimit: 2n ** 24n + 1n }), Fork.Osaka, 'GAS_LIMIT_EXCEEDS_MAXIMUM');
  assertValid(sampleTx(2, { gasLimit: 2n ** 24n + 1n }), Fork.Prague);
});
