/**
 * Lazy (commutative) value transfers: DELTA entries in ACCOUNT version lists.
 *
 * A plain value transfer to an account without code (src/exec/transaction.ts,
 * `deferTransfer`) does not read the recipient's balance: it publishes a
 * DELTA entry (+amount) at the recipient's ACCOUNT location. Many senders
 * paying one address then do not form a dependency chain. Two kinds of read
 * see these entries:
 *
 * - a full read of the account (`resolveAccount`): the first full entry
 *   below the reader (or the pre-state) plus every DELTA between it and the
 *   reader, recorded as a group (base record flagged DELTAS, one DELTA record
 *   per credit, FEE_END), validated as a group (`validateAccountRead`: same
 *   base, same credits, none ESTIMATE). The account as read is the base with
 *   the credits applied (coinbase.ts `applyFees`: positive amounts commute;
 *   an absent base becomes a new account with nonce 0 and empty code);
 * - the code-only read behind `deferTransfer` (`resolveSkippingDeltas`):
 *   the first full entry below (or the pre-state), recorded with the SKIP
 *   flag and validated the same way without credit records. Any ESTIMATE on
 *   the way, credit or not, aborts the read and fails its validation: a
 *   re-execution may turn that credit into a full write (a creation).
 *
 * Why a credit can never land on an account with code, without a rule on
 * which accounts may take credits: a transaction defers its transfer only
 * if the first full version below it has no code, and that read is
 * validated. If a lower transaction gives the account code (CREATE2 at the
 * address, an EIP-7702 delegation), that is a full write, so the code-only
 * read of every higher crediting transaction resolves to it on validation,
 * fails, and the re-execution takes the normal path (it runs the code).
 * Credits published by transactions above the code-giving one are judged
 * against that full write the same way. In the final versions the first
 * full entry below any chain of credits therefore has empty code; and a
 * transaction that writes the account fully (a creation over it, a call
 * that pays or reads it) has read it through `resolveAccount`, so its
 * write already includes every credit below it.
 *
 * Internal module of the parallel executor.
 */
import { DependencyAbort, type TxIdx } from './types.js';
import { readU256 } from './words.js';
import { DELTA, DELTAS, FEE_END, F_DELTA, F_ESTIMATE, INC_MASK, PRESTATE, SKIP, type ReadSetBuilder } from './mv-layout.js';
import type { MVMemory } from './mv-memory.js';

/**
 * A full read of ACCOUNT location `loc` by transaction `tx`: returns the
 * first full entry below `tx` (or PRESTATE); the credits between it and
 * `tx` are left in `txs`/`amounts`, highest first. Records the read (a plain
 * record when there is no credit). Throws DependencyAbort on an ESTIMATE.
 */
export function resolveAccount(mv: MVMemory, loc: number, tx: TxIdx, rs: ReadSetBuilder, txs: number[], amounts: bigint[]): number {
  txs.length = 0;
  amounts.length = 0;
  const i32 = mv.i32;
  let e = mv.firstBelow(loc, tx);
  if (e === -1) {
    rs.push(loc, PRESTATE, 0);
    return PRESTATE;
  }
  let flags = mv.entryFlags(e);
  if ((flags & F_ESTIMATE) !== 0) throw new DependencyAbort(i32[2 * e]);
  if ((flags & F_DELTA) === 0) {
    rs.push(loc, i32[2 * e], i32[2 * e + 1]);
    return e;
  }
  const at = rs.length;
  rs.push(loc, 0, 0); // the base, filled in below
  do {
    rs.push(DELTA, i32[2 * e], i32[2 * e + 1]);
    txs.push(i32[2 * e]);
    amounts.push(readU256(mv.w64, i32, e + 2));
    e = mv.nextEntry(e);
    if (e === -1) break;
    flags = mv.entryFlags(e);
    if ((flags & F_ESTIMATE) !== 0) throw new DependencyAbort(i32[2 * e]);
  } while ((flags & F_DELTA) !== 0);
  rs.push(FEE_END, 0, 0);
  const w = rs.words;
  w[at + 1] = e === -1 ? PRESTATE : i32[2 * e];
  w[at + 2] = (e === -1 ? 0 : i32[2 * e + 1]) | DELTAS;
  return e === -1 ? PRESTATE : e;
}

/**
 * The code-only read behind `deferTransfer`: the first full entry of `loc`
 * below `tx` (or PRESTATE), credits skipped; recorded with SKIP. Throws
 * DependencyAbort on any ESTIMATE met.
 */
export function resolveSkippingDeltas(mv: MVMemory, loc: number, tx: TxIdx, rs: ReadSetBuilder): number {
  const i32 = mv.i32;
  // Only valid credits so far (the common case: no walk down a long list of them).
  let e = mv.fullSeen(loc) ? mv.firstBelow(loc, tx) : -1;
  while (e !== -1) {
    const flags = mv.entryFlags(e);
    if ((flags & F_ESTIMATE) !== 0) throw new DependencyAbort(i32[2 * e]);
    if ((flags & F_DELTA) === 0) break;
    e = mv.nextEntry(e);
  }
  if (e === -1) {
    rs.push(loc, PRESTATE, SKIP);
    return PRESTATE;
  }
  rs.push(loc, i32[2 * e], i32[2 * e + 1] | SKIP);
  return e;
}

/**
 * Validates the DELTAS or SKIP read record at `reads[i]` of transaction
 * `tx`: the same base, and (DELTAS) exactly the recorded credits, none an
 * ESTIMATE. Returns the index after the record's group, or -1 if invalid.
 */
export function validateAccountRead(mv: MVMemory, reads: Int32Array, i: number, tx: TxIdx): number {
  const i32 = mv.i32;
  const loc = reads[i];
  const rTx = reads[i + 1];
  const rInc = reads[i + 2];
  const group = (rInc & DELTAS) !== 0;
  // Still only valid credits at `loc`: the base is the pre-state (see resolveSkippingDeltas).
  if (!group && rTx === PRESTATE && !mv.fullSeen(loc)) return i + 3;
  let j = i + 3;
  let e = mv.firstBelow(loc, tx);
  while (e !== -1) {
    const flags = mv.entryFlags(e);
    if ((flags & F_ESTIMATE) !== 0) return -1;
    if ((flags & F_DELTA) === 0) break;
    if (group) {
      if (reads[j] !== DELTA || reads[j + 1] !== i32[2 * e] || reads[j + 2] !== i32[2 * e + 1]) return -1;
      j += 3;
    }
    e = mv.nextEntry(e);
  }
  if (group) {
    if (reads[j] !== FEE_END) return -1;
    j += 3;
  }
  if (rTx === PRESTATE) return e === -1 ? j : -1;
  return e !== -1 && i32[2 * e] === rTx && i32[2 * e + 1] === (rInc & INC_MASK) ? j : -1;
}

/**
 * The block's final credits from entry `e` down (main thread, table commit):
 * fills `txs`/`amounts` (highest first) and returns the first full entry
 * below them, or -1 for the pre-state (or, past `limit` credits, the next).
 */
export function gatherDeltas(mv: MVMemory, e: number, txs: number[], amounts: bigint[], limit = Infinity): number {
  for (let k = 0; k < limit && e !== -1 && (mv.entryFlags(e) & F_DELTA) !== 0; k++) {
    txs.push(mv.entryTx(e));
    amounts.push(readU256(mv.w64, mv.i32, e + 2));
    e = mv.nextEntry(e);
  }
  return e;
}

/** Whether entry `e` (or -1) is a lazy credit. */
export function isDelta(mv: MVMemory, e: number): boolean {
  return e !== -1 && (mv.entryFlags(e) & F_DELTA) !== 0;
}
