import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeyToAddress } from '../crypto/secp256k1.js';
import { asm } from '../evm/asm.js';
import { delegationCode } from '../evm/address.js';
import { CONTRACT, COINBASE, SENDER, stateWith, testEnv } from '../evm/testing.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { Fork } from '../primitives/fork.js';
import { TxError } from '../tx/errors.js';
import { signAuthorization } from '../tx/sign.js';
import type { Transaction } from '../tx/types.js';
import { applyTransaction } from './transaction.js';

function tx(fields: Partial<Transaction>): Transaction {
  return {
    type: 2,
    chainId: 1n,
    nonce: 0n,
    gasPrice: 100n,
    maxFeePerGas: 100n,
    maxPriorityFeePerGas: 3n,
    gasLimit: 100_000n,
    to: CONTRACT,
    value: 0n,
    data: EMPTY_BYTES,
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v: 0n,
    r: 0n,
    s: 0n,
    ...fields,
  };
}

function rejects(t: Transaction, code: string, setup?: (s: ReturnType<typeof stateWith>) => void): void {
  const state = stateWith(Uint8Array.of(0x00));
  setup?.(state);
  assert.throws(() => applyTransaction(state, t, SENDER, testEnv(Fork.Prague)), (e: unknown) => e instanceof TxError && e.code === code);
}

test('state-dependent validity: nonce, funds, EIP-3607, fees, block gas', () => {
  rejects(tx({ nonce: 1n }), 'NONCE_MISMATCH_TOO_HIGH');
  rejects(tx({}), 'NONCE_MISMATCH_TOO_LOW', (s) => s.setAccount(SENDER, { balance: 10n ** 20n, nonce: 5n }));
  rejects(tx({ value: 10n ** 20n }), 'INSUFFICIENT_ACCOUNT_FUNDS');
  rejects(tx({}), 'SENDER_NOT_EOA', (s) => s.setAccount(SENDER, { balance: 10n ** 20n, code: Uint8Array.of(0x00) }));
  rejects(tx({ maxFeePerGas: 5n, maxPriorityFeePerGas: 1n }), 'INSUFFICIENT_MAX_FEE_PER_GAS');
  rejects(tx({ gasLimit: 40_000_000n }), 'GAS_ALLOWANCE_EXCEEDED');
});

test('an invalid transaction leaves no trace; a delegated sender is still an EOA (EIP-7702)', () => {
  const state = stateWith(Uint8Array.of(0x00));
  state.setAccount(SENDER, { balance: 10n ** 20n, code: delegationCode(0x1234n) });
  const r = applyTransaction(state, tx({}), SENDER, testEnv(Fork.Prague));
  assert.equal(r.status, 1);
});

test('fees: the sender pays gasUsed * effective price, the coinbase gets the priority fee', () => {
  const state = stateWith(asm(1, 0, 'SSTORE'));
  const env = testEnv(Fork.Cancun); // base fee 7
  const r = applyTransaction(state, tx({}), SENDER, env);
  assert.equal(r.status, 1);
  assert.equal(r.gasUsed, 21000n + 22106n);
  const sender = r.changes.get(SENDER)!;
  assert.equal(sender.balance, 10n ** 20n - r.gasUsed * 10n); // min(3, 100 - 7) + 7
  assert.equal(sender.nonce, 1n);
  assert.equal(r.changes.get(COINBASE)!.balance, r.gasUsed * 3n);
  assert.deepEqual([...r.changes.get(CONTRACT)!.storage], [[0n, 1n]]);
});

test('a zero priority fee leaves a missing coinbase untouched (EIP-161)', () => {
  const state = stateWith(Uint8Array.of(0x00));
  const r = applyTransaction(state, tx({ maxPriorityFeePerGas: 0n }), SENDER, testEnv(Fork.Cancun));
  assert.equal(r.changes.has(COINBASE), false);
});

test('a failed transaction still pays and bumps the nonce, but its writes are gone', () => {
  const state = stateWith(asm(1, 0, 'SSTORE', 'INVALID'));
  const r = applyTransaction(state, tx({}), SENDER, testEnv(Fork.Cancun));
  assert.equal(r.status, 0);
  assert.equal(r.gasUsed, 100_000n);
  assert.equal(r.changes.get(SENDER)!.nonce, 1n);
  assert.equal(r.changes.has(CONTRACT), false);
});

test('EIP-7623 floor: calldata-heavy transactions pay at least 21000 + 10 per token (Prague)', () => {
  const data = new Uint8Array(100).fill(1); // 400 tokens
  const state = stateWith(Uint8Array.of(0x00));
  const r = applyTransaction(state, tx({ data }), SENDER, testEnv(Fork.Prague));
  assert.equal(r.gasUsed, 21000n + 4000n);
  const cancun = applyTransaction(stateWith(Uint8Array.of(0x00)), tx({ data }), SENDER, testEnv(Fork.Cancun));
  assert.equal(cancun.gasUsed, 21000n + 1600n);
});

test('EIP-7702: an authorization sets a delegation and bumps the authority nonce; invalid ones are skipped', () => {
  const key = new Uint8Array(32).fill(7);
  const authority = privateKeyToAddress(key);
  const good = signAuthorization({ chainId: 0n, address: 0xd00dn, nonce: 0n }, key);
  const wrongChain = signAuthorization({ chainId: 5n, address: 0xbadn, nonce: 1n }, key);
  const state = stateWith(Uint8Array.of(0x00));
  const t = tx({ type: 4, authorizationList: [good, wrongChain], gasLimit: 100_000n });
  const r = applyTransaction(state, t, SENDER, testEnv(Fork.Prague));
  assert.equal(r.status, 1);
  const change = r.changes.get(authority)!;
  assert.deepEqual(change.code, delegationCode(0xd00dn));
  assert.equal(change.nonce, 1n);
  // 21000 + 25000 per authorization, no refund: the authority did not exist.
  assert.equal(r.gasUsed, 21000n + 50000n);
});

test('deferTransfer: a plain transfer to a code-less account leaves a credit, and otherwise equals the normal path', () => {
  const EOA = 0xe0a0000000000000000000000000000000000001n;
  const cases: [string, Partial<Transaction>, Fork, boolean][] = [
    ['to an existing EOA', { to: EOA, value: 5n }, Fork.Cancun, true],
    ['to an absent account', { to: 0xabcdn, value: 7n, gasLimit: 21_000n }, Fork.Prague, true],
    ['calldata: the EIP-7623 floor', { to: EOA, value: 1n, data: new Uint8Array(200).fill(1), gasLimit: 40_000n }, Fork.Prague, true],
    ['legacy, access list', { type: 1, to: EOA, value: 9n, accessList: [{ address: CONTRACT, storageKeys: [1n] }] }, Fork.Berlin, true],
    ['zero value', { to: EOA, value: 0n }, Fork.Cancun, false],
    ['to the coinbase', { to: COINBASE, value: 3n }, Fork.Cancun, false],
    ['to a precompile', { to: 4n, value: 3n }, Fork.Cancun, false],
    ['to the sender', { to: SENDER, value: 3n }, Fork.Cancun, false],
    ['before Spurious Dragon', { type: 0, chainId: undefined, v: 27n, to: EOA, value: 3n }, Fork.Homestead, false],
  ];
  for (const [what, fields, fork, deferred] of cases) {
    const t = tx({ ...fields, ...(fields.type === 0 || fields.type === 1 ? { gasPrice: 100n } : {}) });
    const state = stateWith(Uint8Array.of(0x00));
    state.setAccount(EOA, { balance: 1n });
    const asked: bigint[] = [];
    const reference = applyTransaction(state, t, SENDER, testEnv(fork));
    const lazy = applyTransaction(state, t, SENDER, testEnv(fork), { deferTransfer: (to) => (asked.push(to), true) });
    if (!deferred) {
      assert.deepEqual(asked, [], what);
      assert.deepStrictEqual(lazy, reference, what);
      continue;
    }
    assert.deepEqual(asked, [t.to], what);
    assert.deepEqual(lazy.credit, { to: t.to, amount: t.value }, what);
    const { credit: _c, changes, ...rest } = lazy;
    const { changes: refChanges, ...refRest } = reference;
    assert.deepStrictEqual(rest, refRest, what);
    // The recipient is the only difference: credited, not loaded.
    const expected = new Map(refChanges);
    const to = expected.get(t.to!)!;
    assert.equal(to.balance, (state.getAccount(t.to!)?.balance ?? 0n) + t.value, what);
    expected.delete(t.to!);
    assert.deepStrictEqual(changes, expected, what);
  }
  // A recipient with code: the caller answers false and the call runs as usual.
  const state = stateWith(asm(1, 0, 'SSTORE'));
  const t = tx({ value: 2n });
  const r = applyTransaction(state, t, SENDER, testEnv(Fork.Cancun), { deferTransfer: () => false });
  assert.equal(r.credit, undefined);
  assert.deepStrictEqual(r, applyTransaction(state, t, SENDER, testEnv(Fork.Cancun)));
});
