/**
 * Lazy (commutative) coinbase payments.
 *
 * Every transaction pays its priority fee to the block's coinbase; read
 * naively, that balance would make each transaction depend on the one
 * before. Instead, a transaction whose execution never touched the coinbase
 * leaves its fee as a DELTA entry in the multi-version memory (the EVM
 * returns it as `coinbaseFee` and does not pay it). Only a transaction that
 * reads the coinbase explicitly (BALANCE, being sender or recipient, ...)
 * resolves the deltas below it, and thereby depends on them; the block's
 * final coinbase balance folds them all.
 *
 * The fold must give exactly what paying one by one gives, including
 * EIP-161: a zero fee still touches the coinbase, and an empty touched
 * account is deleted. Deferral is therefore only used from Spurious Dragon
 * on (before it, a zero-value touch created empty accounts).
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import { NO_STORAGE, type AccountChange, type AccountState, type StateReader } from '../../state/types.js';
import { CODE_EMPTY } from './mv-memory.js';
import { accountState } from './account.js';

/** An account as a transaction read it, with what its written versions must carry on. */
export interface AccountRead {
  state: AccountState | undefined;
  /** Where the code lives (a written entry that keeps the code points there too). */
  codeSrc: number;
  codeOff: number;
  codeLen: number;
  /** The block's combined change for the account carries code (F_CODESET). */
  codeSet: boolean;
  /** Absent because the block deleted it (so a revival gets explicitly empty code). */
  deletedInBlock: boolean;
  /**
   * The last transaction below the reader that wiped the account's storage
   * (deletion, re-creation, a lazy zero fee deleting an empty coinbase), or
   * -1: its slots written before that transaction read as zero.
   */
  wipeTx: number;
  /** Some transaction of the block below the reader wrote the account (or paid it a lazy fee). */
  inBlock: boolean;
  /** The account's slot in the location table (-1 where nobody needs it). */
  loc: number;
}

export const ABSENT: AccountRead = {
  state: undefined, codeSrc: CODE_EMPTY, codeOff: 0, codeLen: 0, codeSet: false, deletedInBlock: false, wipeTx: -1, inBlock: false, loc: -1,
};

/** EIP-161: no code, nonce 0, balance 0. */
export function isEmptyAccount(a: AccountState): boolean {
  return a.nonce === 0n && a.balance === 0n && a.code.length === 0;
}

/**
 * The coinbase after one fee payment (post-Spurious Dragon rules). A zero
 * fee deletes an empty account: callers tell a deletion from "still absent"
 * by `acct !== undefined && result === undefined`.
 */
export function payFee(acct: AccountState | undefined, fee: bigint): AccountState | undefined {
  if (fee === 0n) {
    // A touch without value: an empty account is deleted, anything else unchanged.
    return acct !== undefined && isEmptyAccount(acct) ? undefined : acct;
  }
  if (acct === undefined) return accountState(0n, fee, EMPTY_BYTES, KECCAK_EMPTY);
  return accountState(acct.nonce, acct.balance + fee, acct.code, acct.codeHash);
}

/**
 * One lazy fee (of transaction `tx`) over an account read, tracking what the
 * sequential fold would record: a deletion (zero fee on an empty account)
 * wipes storage and makes a later revival carry explicitly empty code.
 */
export function applyFee(r: AccountRead, tx: number, fee: bigint): AccountRead {
  const before = r.state;
  const after = payFee(before, fee);
  if (after === before) return r;
  if (after === undefined) return { ...ABSENT, deletedInBlock: true, wipeTx: tx, inBlock: true, loc: r.loc };
  if (before === undefined) {
    return {
      state: after, codeSrc: CODE_EMPTY, codeOff: 0, codeLen: 0, codeSet: r.deletedInBlock, deletedInBlock: false, wipeTx: r.wipeTx, inBlock: true,
      loc: r.loc,
    };
  }
  return { ...r, state: after, inBlock: true };
}

/**
 * Lazy fees of transactions `txs[i]` (amounts `amounts[i]`), highest first as
 * gathered, applied oldest first. Positive fees commute, so they are summed
 * and applied once; a zero fee matters only while nothing is pending (it can
 * delete an empty account only then).
 */
export function applyFees(r: AccountRead, txs: readonly number[], amounts: readonly bigint[]): AccountRead {
  let pending = 0n;
  let lastTx = -1;
  for (let i = txs.length - 1; i >= 0; i--) {
    const fee = amounts[i];
    if (fee > 0n) {
      pending += fee;
      lastTx = txs[i];
    } else if (pending === 0n) {
      r = applyFee(r, txs[i], 0n);
    }
  }
  return pending === 0n ? r : applyFee(r, lastTx, pending);
}

/**
 * `address` after being paid `amount` by a transaction that did not load it
 * otherwise (a deferred coinbase fee, a lazy transfer's credit), as the
 * change that payment leaves (`payFee`): undefined when nothing
 * changes (a zero payment to an absent or non-empty account), a deletion
 * for a zero payment to an empty one.
 */
export function paidChange(state: StateReader, address: bigint, amount: bigint): AccountChange | undefined {
  const cur = state.getAccount(address);
  const next = payFee(cur, amount);
  if (next === cur) return undefined;
  if (next === undefined) return { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: NO_STORAGE };
  return { deleted: false, storageCleared: false, nonce: next.nonce, balance: next.balance, storage: NO_STORAGE };
}
