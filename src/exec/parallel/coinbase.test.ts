import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import { accountState } from './account.js';
import { ABSENT, applyFee, applyFees, payFee } from './coinbase.js';

const acct = (nonce: bigint, balance: bigint, code = new Uint8Array(0)) => accountState(nonce, balance, code, KECCAK_EMPTY);

test('payFee: a fee credits (creating the account), a zero fee deletes only an empty account', () => {
  assert.deepEqual(payFee(undefined, 5n), acct(0n, 5n));
  assert.deepEqual(payFee(acct(1n, 2n), 5n), acct(1n, 7n));
  const kept = acct(0n, 1n);
  assert.equal(payFee(kept, 0n), kept);
  assert.equal(payFee(acct(0n, 0n), 0n), undefined);
  assert.equal(payFee(undefined, 0n), undefined);
  const contract = acct(0n, 0n, Uint8Array.of(0));
  assert.equal(payFee(contract, 0n), contract);
});

test('applyFee tracks a deletion (storage wipe) and a revival (explicitly empty code)', () => {
  const empty = { ...ABSENT, state: acct(0n, 0n) };
  const deleted = applyFee(empty, 3, 0n);
  assert.equal(deleted.state, undefined);
  assert.equal(deleted.deletedInBlock, true);
  assert.equal(deleted.wipeTx, 3);
  const revived = applyFee(deleted, 5, 9n);
  assert.deepEqual(revived.state, acct(0n, 9n));
  assert.equal(revived.codeSet, true);
  assert.equal(revived.wipeTx, 3);
  const untouched = { ...ABSENT, state: acct(1n, 1n) };
  assert.equal(applyFee(untouched, 1, 0n), untouched, 'no change: the same read');
});

test('applyFees (summing positive fees) equals paying fee by fee, deletions and revivals included', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let round = 0; round < 300; round++) {
    const starts = [ABSENT, { ...ABSENT, state: acct(0n, 0n) }, { ...ABSENT, state: acct(2n, 5n) }];
    const start = starts[round % 3];
    const txs: number[] = [];
    const amounts: bigint[] = [];
    for (let t = 9; t >= 0; t--) {
      if (rnd(3) === 0) continue;
      txs.push(t);
      amounts.push(rnd(2) === 0 ? 0n : BigInt(1 + rnd(5)));
    }
    let oneByOne = start;
    for (let i = txs.length - 1; i >= 0; i--) oneByOne = applyFee(oneByOne, txs[i], amounts[i]);
    const batched = applyFees(start, txs, amounts);
    assert.deepStrictEqual(batched.state, oneByOne.state, `round ${round}`);
    assert.equal(batched.codeSet, oneByOne.codeSet);
    assert.equal(batched.deletedInBlock, oneByOne.deletedInBlock);
    assert.equal(batched.wipeTx, oneByOne.wipeTx);
    assert.equal(batched === start, oneByOne === start, 'changed or not');
  }
});
