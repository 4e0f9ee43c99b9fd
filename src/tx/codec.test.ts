import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { rlpDecode, rlpEncode, type RlpInput, type RlpValue } from '../primitives/rlp.js';
import { decodeTransaction, encodeTransaction, signingHash, transactionHash } from './codec.js';
import { TxError, type TxErrorCode } from './errors.js';
import { signTransaction } from './sign.js';
import { sampleTx, TEST_KEY } from './testing.js';
import type { Transaction, TxType } from './types.js';

/** The example of EIP-155 itself: key 0x4646..46, chain 1. */
const EIP155_KEY = hexToBytes('0x' + '46'.repeat(32));
const EIP155_SIGNED =
  '0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83';

function eip155Example(): Transaction {
  return signTransaction(
    sampleTx(0, { nonce: 9n, gasPrice: 20_000_000_000n, maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 20_000_000_000n, gasLimit: 21000n, data: new Uint8Array(0) }),
    EIP155_KEY,
  );
}

test('EIP-155 example: signing hash, signature and encoding', () => {
  const tx = eip155Example();
  assert.equal(bytesToHex(signingHash(tx)), '0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53');
  assert.equal(tx.v, 37n);
  assert.equal(bytesToHex(encodeTransaction(tx)), EIP155_SIGNED);
  const decoded = decodeTransaction(hexToBytes(EIP155_SIGNED));
  assert.deepEqual(decoded, tx);
  assert.equal(decoded.chainId, 1n);
  assert.equal(bytesToHex(transactionHash(decoded)), bytesToHex(transactionHash(tx)));
});

test('every type round-trips through encode/decode, calls and creations', () => {
  const variants: Transaction[] = [];
  for (const type of [0, 1, 2, 3, 4] as TxType[]) variants.push(signTransaction(sampleTx(type), TEST_KEY));
  variants.push(signTransaction(sampleTx(0, { chainId: undefined }), TEST_KEY));
  variants.push(signTransaction(sampleTx(0, { chainId: 2n ** 40n + 7n }), TEST_KEY));
  for (const type of [0, 1, 2] as TxType[]) variants.push(signTransaction(sampleTx(type, { to: undefined, value: 0n }), TEST_KEY));
  variants.push(signTransaction(sampleTx(2, { data: new Uint8Array(100_000).fill(7), accessList: [] }), TEST_KEY));
  for (const tx of variants) {
    const raw = encodeTransaction(tx);
    if (tx.type !== 0) assert.equal(raw[0], tx.type, 'typed envelope starts with its type');
    const back = decodeTransaction(raw);
    assert.deepEqual(back, tx, `type ${tx.type} to=${tx.to}`);
    assert.deepEqual(encodeTransaction(back), raw);
  }
});

test('decoding fills the convenience fields', () => {
  const legacy = decodeTransaction(encodeTransaction(signTransaction(sampleTx(0, { chainId: undefined }), TEST_KEY)));
  assert.equal(legacy.chainId, undefined);
  assert.ok(legacy.v === 27n || legacy.v === 28n);
  assert.equal(legacy.maxFeePerGas, legacy.gasPrice);
  assert.equal(legacy.maxPriorityFeePerGas, legacy.gasPrice);
  const t2 = decodeTransaction(encodeTransaction(signTransaction(sampleTx(2), TEST_KEY)));
  assert.equal(t2.gasPrice, t2.maxFeePerGas);
  assert.notEqual(t2.maxPriorityFeePerGas, t2.maxFeePerGas);
});

/** Re-encodes a signed transaction with the RLP item at `path` (indexes into nested lists) replaced. */
function withField(tx: Transaction, path: number[], value: RlpInput): Uint8Array {
  const raw = encodeTransaction(tx);
  const body = tx.type === 0 ? raw : raw.subarray(1);
  const fields = rlpDecode(body) as RlpValue[];
  let list: RlpValue[] = fields;
  for (let i = 0; i < path.length - 1; i++) list = list[path[i]] as RlpValue[];
  list[path[path.length - 1]] = value as RlpValue;
  const encoded = rlpEncode(fields as RlpInput);
  if (tx.type === 0) return encoded;
  return Uint8Array.of(tx.type, ...encoded);
}

function assertRejects(raw: Uint8Array, code: TxErrorCode, detail: RegExp): void {
  assert.throws(
    () => decodeTransaction(raw),
    (e: unknown) => e instanceof TxError && e.code === code && detail.test(e.message),
  );
}

test('strict decoding: integers must be canonical and within their width', () => {
  const legacy = signTransaction(sampleTx(0), TEST_KEY);
  assertRejects(withField(legacy, [0], Uint8Array.of(0, 7)), 'RLP_INVALID', /'nonce' has a leading zero/);
  assertRejects(withField(legacy, [0], Uint8Array.of(0)), 'RLP_INVALID', /'nonce' has a leading zero/);
  assertRejects(withField(legacy, [0], new Uint8Array(9).fill(1)), 'RLP_INVALID', /'nonce' is 9 bytes/);
  assertRejects(withField(legacy, [2], new Uint8Array(9).fill(1)), 'RLP_INVALID', /'gasLimit' is 9 bytes/);
  assertRejects(withField(legacy, [4], new Uint8Array(33).fill(1)), 'RLP_INVALID', /'value' is 33 bytes/);
  assertRejects(withField(legacy, [4], [1n]), 'RLP_INVALID', /'value' is a list/);
  // 2^64 - 1 is the widest nonce the encoding allows (EIP-2681 rejects it later, in validation).
  assert.equal(decodeTransaction(withField(legacy, [0], 2n ** 64n - 1n)).nonce, 2n ** 64n - 1n);
});

test('strict decoding: field counts, addresses and 32-byte values', () => {
  const legacy = signTransaction(sampleTx(0), TEST_KEY);
  const fields = rlpDecode(encodeTransaction(legacy)) as RlpValue[];
  assertRejects(rlpEncode(fields.slice(0, 8) as RlpInput), 'RLP_INVALID', /8 fields, expected 9/);
  assertRejects(withField(legacy, [3], new Uint8Array(19)), 'RLP_INVALID', /'to' is 19 bytes, expected 20 or empty/);
  const t1 = signTransaction(sampleTx(1), TEST_KEY);
  assertRejects(withField(t1, [7, 0, 1, 0], new Uint8Array(31)), 'RLP_INVALID', /storageKeys\[0\]' is 31 bytes, expected 32/);
  assertRejects(withField(t1, [7, 0, 0], new Uint8Array(21)), 'RLP_INVALID', /accessList\[0\].address' is 21 bytes/);
  assertRejects(withField(t1, [7, 0], [new Uint8Array(20)]), 'RLP_INVALID', /accessList\[0\]' has 1 items/);
  const t3 = signTransaction(sampleTx(3), TEST_KEY);
  assertRejects(withField(t3, [10, 1], new Uint8Array(33)), 'RLP_INVALID', /blobVersionedHashes\[1\]' is 33 bytes/);
  assertRejects(withField(t3, [5], new Uint8Array(0)), 'TYPE_3_TX_CONTRACT_CREATION', /cannot create a contract/);
  assertRejects(withField(t3, [5], new Uint8Array(10)), 'RLP_INVALID', /'to' is 10 bytes, expected 20/);
  const t4 = signTransaction(sampleTx(4), TEST_KEY);
  assertRejects(withField(t4, [5], new Uint8Array(0)), 'TYPE_4_TX_CONTRACT_CREATION', /cannot create a contract/);
  assertRejects(withField(t4, [9, 0, 2], new Uint8Array(9).fill(1)), 'RLP_INVALID', /authorizationList\[0\].nonce' is 9 bytes/);
  assertRejects(withField(t4, [9, 0, 3], 0x1ffn), 'RLP_INVALID', /authorizationList\[0\].yParity' is 2 bytes/);
  assertRejects(withField(t4, [9, 0], [1n, 2n]), 'RLP_INVALID', /authorizationList\[0\]' has 2 items/);
  // An authorization y parity of 2..255 decodes: EIP-7702 skips that tuple instead of rejecting the transaction.
  assert.equal(decodeTransaction(withField(t4, [9, 0, 3], 0x1bn)).authorizationList[0].yParity, 0x1bn);
});

test('strict decoding: signature parity, envelope and RLP errors', () => {
  const t2 = signTransaction(sampleTx(2), TEST_KEY);
  assertRejects(withField(t2, [9], 2n), 'RLP_INVALID', /'yParity' is 2, expected 0 or 1/);
  assertRejects(new Uint8Array(0), 'RLP_INVALID', /empty/);
  assertRejects(Uint8Array.of(0x05, 0xc0), 'TYPE_NOT_SUPPORTED', /type 0x5/);
  assertRejects(Uint8Array.of(0x00, 0xc0), 'TYPE_NOT_SUPPORTED', /type 0x0/);
  assertRejects(Uint8Array.of(0x7f, 0xc0), 'TYPE_NOT_SUPPORTED', /type 0x7f/);
  assertRejects(Uint8Array.of(0x82, 0x01, 0x02), 'RLP_INVALID', /neither an RLP list nor a type byte/);
  assertRejects(Uint8Array.of(0x02, 0x82, 0x01, 0x02), 'RLP_INVALID', /byte string, not a list/);
  const raw = encodeTransaction(t2);
  assertRejects(Uint8Array.of(...raw, 0x00), 'RLP_INVALID', /trailing/);
  assertRejects(raw.subarray(0, raw.length - 1), 'RLP_INVALID', /runs past the end/);
});

test('a typed transaction without a chain id cannot be encoded', () => {
  assert.throws(() => signingHash(sampleTx(2, { chainId: undefined })), (e: unknown) => e instanceof TxError && e.code === 'INVALID_CHAINID');
});
