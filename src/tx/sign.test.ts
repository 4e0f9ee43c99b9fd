import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECP256K1_HALF_N, SECP256K1_N } from '../crypto/secp256k1.js';
import { TxError } from './errors.js';
import { decodeTransaction, encodeTransaction } from './codec.js';
import { recoverAuthority, recoverSender, signAuthorization, signTransaction, withSignature } from './sign.js';
import { sampleTx, TEST_KEY, TEST_KEY_ADDRESS } from './testing.js';
import type { Transaction, TxType } from './types.js';

function assertInvalid(tx: Transaction, detail: RegExp, opts?: { allowHighS?: boolean }): void {
  assert.throws(
    () => recoverSender(tx, opts),
    (e: unknown) => e instanceof TxError && e.code === 'INVALID_SIGNATURE' && detail.test(e.message),
  );
}

test('every type signs and recovers to the key address', () => {
  for (const type of [0, 1, 2, 3, 4] as TxType[]) {
    const tx = signTransaction(sampleTx(type), TEST_KEY);
    assert.equal(recoverSender(tx), TEST_KEY_ADDRESS, `type ${type}`);
    if (type !== 0) assert.ok(tx.v === 0n || tx.v === 1n);
    assert.ok(tx.s <= SECP256K1_HALF_N, 'signatures are low-s');
  }
});

test('legacy v: 27/28 without a chain id, chainId*2+35+parity with one (EIP-155)', () => {
  const plain = signTransaction(sampleTx(0, { chainId: undefined }), TEST_KEY);
  assert.ok(plain.v === 27n || plain.v === 28n);
  assert.equal(recoverSender(plain), TEST_KEY_ADDRESS);
  for (const chainId of [1n, 1337n, 2n ** 40n]) {
    const tx = signTransaction(sampleTx(0, { chainId }), TEST_KEY);
    assert.ok(tx.v === chainId * 2n + 35n || tx.v === chainId * 2n + 36n, `chain ${chainId}: v = ${tx.v}`);
    assert.equal(recoverSender(tx), TEST_KEY_ADDRESS);
  }
});

test('a changed field recovers to another address', () => {
  const tx = signTransaction(sampleTx(2), TEST_KEY);
  assert.notEqual(recoverSender({ ...tx, value: tx.value + 1n }), TEST_KEY_ADDRESS);
  assert.notEqual(recoverSender({ ...tx, chainId: 5n }), TEST_KEY_ADDRESS);
});

test('EIP-2: high s is invalid unless allowed (Frontier)', () => {
  for (const type of [0, 2] as TxType[]) {
    const tx = signTransaction(sampleTx(type, { chainId: type === 0 ? undefined : 1n }), TEST_KEY);
    // (r, n - s) with the other parity is the same signature's high-s twin.
    const flipped = type === 0 ? (tx.v === 27n ? 28n : 27n) : 1n - tx.v;
    const high = { ...tx, s: SECP256K1_N - tx.s, v: flipped };
    assertInvalid(high, /above n\/2/);
    assert.equal(recoverSender(high, { allowHighS: true }), TEST_KEY_ADDRESS);
  }
});

test('malformed signatures are INVALID_SIGNATURE', () => {
  const t2 = signTransaction(sampleTx(2), TEST_KEY);
  assertInvalid({ ...t2, v: 2n }, /not a valid y parity/);
  assertInvalid({ ...t2, r: 0n }, /r is outside/);
  assertInvalid({ ...t2, r: SECP256K1_N }, /r is outside/);
  assertInvalid({ ...t2, s: 0n }, /s is outside/);
  assertInvalid({ ...t2, s: SECP256K1_N }, /s is outside/, { allowHighS: true });
  const legacy = signTransaction(sampleTx(0, { chainId: 1n }), TEST_KEY);
  assertInvalid({ ...legacy, v: 26n }, /not a valid legacy v/);
  assertInvalid({ ...legacy, v: 29n }, /not a valid legacy v/);
  // v says chain 2 (39/40), but the hash commits to chain 1.
  assertInvalid({ ...legacy, v: legacy.v + 2n }, /not a valid legacy v/);
  // 27/28 with a chain id: the fields disagree on whether EIP-155 was used.
  assertInvalid({ ...legacy, v: 27n }, /not a valid legacy v/);
});

test('EIP-7702 authorizations: sign, recover, and the tuples that must be skipped', () => {
  const auth = signAuthorization({ chainId: 1n, address: 0xc0ffeen, nonce: 5n }, TEST_KEY);
  assert.equal(recoverAuthority(auth), TEST_KEY_ADDRESS);
  assert.equal(recoverAuthority({ ...auth, chainId: 0n }) === TEST_KEY_ADDRESS, false, 'chain id is signed');
  assert.equal(recoverAuthority({ ...auth, nonce: 6n }) === TEST_KEY_ADDRESS, false, 'nonce is signed');
  assert.equal(recoverAuthority({ ...auth, yParity: 2n }), null);
  assert.equal(recoverAuthority({ ...auth, yParity: 27n }), null);
  assert.equal(recoverAuthority({ ...auth, r: 0n }), null);
  assert.equal(recoverAuthority({ ...auth, r: SECP256K1_N }), null);
  assert.equal(recoverAuthority({ ...auth, s: 0n }), null);
  // The high-s twin recovers the same key mathematically, but EIP-7702 (like EIP-2) rejects it.
  assert.equal(recoverAuthority({ ...auth, s: SECP256K1_N - auth.s, yParity: 1n - auth.yParity }), null);
  assert.equal(recoverAuthority({ ...auth, s: SECP256K1_HALF_N + 1n }), null);
});

test('signed transactions have the fields of decoded ones, in the same order (one hidden class)', () => {
  for (const type of [0, 1, 2, 3, 4] as TxType[]) {
    const signed = signTransaction(sampleTx(type), TEST_KEY);
    const decoded = decodeTransaction(encodeTransaction(signed));
    assert.deepEqual(Object.keys(signed), Object.keys(decoded), `type ${type}`);
    assert.deepEqual(signed, decoded, `type ${type}`);
    const unsigned = sampleTx(type);
    const again = withSignature(unsigned, signed.v, signed.r, signed.s);
    assert.deepEqual(again, signed);
  }
});
