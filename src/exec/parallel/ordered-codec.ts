/**
 * A speculative execution's record in the ordered mode, as a worker writes
 * it into the outcome arena and the main thread reads it at the
 * transaction's turn:
 *
 *   flags            bit 0: the coinbase was read (only the main thread may run it)
 *   reads            count n, then n int32s: (table slot, publication count) pairs
 *   forwarded        count n, then n int32s: (table slot, expected count, writer
 *                    transaction) triples, read from the worker's own earlier records
 *   codeless         count n, then n int32s: lazy-transfer targets seen without code
 *   outcome          results.ts (receipt fields, or why the transaction failed)
 *   -- for an OK outcome only --
 *   fee              optional u256: the deferred coinbase fee
 *   credit           0, or 1 then address, u256 amount, slot
 *   changes          count, then per account: address, slot (-1 unknown),
 *                    flags (1 deleted, 2 storage cleared, 4 code set),
 *                    nonce, balance, [code, code hash], slot count,
 *                    then per slot: key, value, table slot (-1 unknown)
 *
 * The main thread checks the reads against the table's counts before it
 * decodes anything else (`validReads`): a stale record costs a few int
 * comparisons.
 *
 * Internal module of the parallel executor.
 */
import { NO_STORAGE, type AccountChange, type StateChanges } from '../../state/types.js';
import type { TxResult } from '../types.js';
import type { OrderedView } from './ordered-view.js';
import { OUTCOME_OK, readOutcome, writeOutcome, type Outcome } from './results.js';
import { WordReader, WordWriter } from './tx-codec.js';

const F_DELETED = 1;
const F_CLEARED = 2;
const F_CODE = 4;
export const SPEC_COINBASE = 1;

/** Int32s as packed words (two per 64-bit word), after a count word. */
function writeInts(w: WordWriter, src: Int32Array, len: number): void {
  w.int(len);
  const words = (len + 1) >> 1;
  w.ensure(words);
  const i32 = w.i32;
  const at = 2 * w.pos;
  for (let k = 0; k < len; k++) i32[at + k] = src[k];
  w.pos += words;
}

export function writeSpeculative(w: WordWriter, view: OrderedView, outcome: Outcome, r: TxResult | undefined): void {
  w.int(view.coinbaseRead ? SPEC_COINBASE : 0);
  writeInts(w, view.reads, view.readsLen);
  writeInts(w, view.forwarded, view.forwardedLen);
  writeInts(w, view.codeless, view.codelessLen);
  writeOutcome(w, outcome);
  if (outcome.kind !== OUTCOME_OK || r === undefined) return;
  w.optU256(r.coinbaseFee);
  const credit = r.credit;
  w.int(credit === undefined ? 0 : 1);
  if (credit !== undefined) {
    w.address(credit.to);
    w.u256(credit.amount);
    w.int(view.accountSlot(credit.to));
  }
  writeChanges(w, r.changes, view);
}

/** Where a change's locations sit in the location table (-1: unknown); OrderedView is one. */
export interface SlotLookup {
  knownAccountSlot(address: bigint): number;
  knownStorageSlot(address: bigint, key: bigint): number;
}

/** No table slots (a writer without a location table). */
export const NO_SLOTS: SlotLookup = { knownAccountSlot: () => -1, knownStorageSlot: () => -1 };

/** The table slots of an account change that wrote no slot (shared; never written to). */
const NO_SLOT_LIST: readonly number[] = Object.freeze([]) as readonly number[];

/** The `changes` part of a record (layout above), with each location's table slot from `slots`. */
export function writeChanges(w: WordWriter, changes: StateChanges, slots: SlotLookup): void {
  w.int(changes.size);
  for (const [address, ch] of changes) {
    w.address(address);
    w.int(slots.knownAccountSlot(address));
    const flags = (ch.deleted ? F_DELETED : 0) | (ch.storageCleared ? F_CLEARED : 0) | (ch.code !== undefined ? F_CODE : 0);
    w.int(flags);
    w.u256(ch.nonce);
    w.u256(ch.balance);
    if (ch.code !== undefined) {
      w.bytes(ch.code);
      w.bytes(ch.codeHash as Uint8Array);
    }
    w.int(ch.storage.size);
    for (const [key, value] of ch.storage) {
      w.u256(key);
      w.u256(value);
      w.int(slots.knownStorageSlot(address, key));
    }
  }
}

/**
 * Reads what `writeChanges` wrote; the table slots go to `accountSlots` and
 * `storageSlots` (per account, in `changes` order) when given.
 */
export function readChanges(r: WordReader, accountSlots?: number[], storageSlots?: number[][]): StateChanges {
  const changes: StateChanges = new Map();
  for (let n = r.int(); n > 0; n--) {
    const address = r.address();
    const slot = r.int();
    const flags = r.int();
    const ch: AccountChange = {
      deleted: (flags & F_DELETED) !== 0, storageCleared: (flags & F_CLEARED) !== 0, nonce: r.u256(), balance: r.u256(), storage: NO_STORAGE,
    };
    if ((flags & F_CODE) !== 0) {
      // `bytes` copies out of the shared arena (the state keeps the code).
      ch.code = r.bytes();
      ch.codeHash = r.bytes();
    }
    const count = r.int();
    if (count > 0) ch.storage = new Map();
    const slots = count === 0 ? (NO_SLOT_LIST as number[]) : [];
    for (let k = count; k > 0; k--) {
      ch.storage.set(r.u256(), r.u256());
      slots.push(r.int());
    }
    accountSlots?.push(slot);
    storageSlots?.push(slots);
    changes.set(address, ch);
  }
  return changes;
}

/** A speculative record, decoded. */
export interface Speculative {
  outcome: Outcome;
  fee: bigint | undefined;
  credit: { to: bigint; amount: bigint; slot: number } | undefined;
  changes: StateChanges;
  /** Table slots of the changed accounts and slots (-1: unknown), in `changes` order. */
  accountSlots: number[];
  storageSlots: number[][];
}

/** The main thread's reader of speculative records. */
export class SpeculativeReader {
  readonly r: WordReader;
  /** Reads of the record `validReads` just accepted that were forwarded from an earlier record. */
  forwardedReads = 0;
  /** The last record `validReads` looked at read the coinbase (rejected whatever else it read). */
  readCoinbase = false;
  /** Where the record's outcome starts (set by `validReads`). */
  private body = 0;

  constructor(results: SharedArrayBuffer) {
    this.r = new WordReader(results);
    this.r.useArena();
  }

  /**
   * Whether the record at word `pos` may be committed as it is: it did not
   * read the coinbase, every location it read still has the publication
   * count it saw, every read forwarded from an earlier record of its worker
   * (ordered-view.ts) has that record accepted (`accepted[tx]` nonzero) and
   * its location the count expected after it, and every lazy-transfer
   * target it saw without code still has none.
   */
  validReads(pos: number, vers: Int32Array, accepted: Uint8Array, codeless: (slot: number) => boolean): boolean {
    const i32 = this.r.i32;
    this.readCoinbase = i32[2 * pos] !== 0;
    if (this.readCoinbase) return false;
    let n = i32[2 * (pos + 1)];
    let at = 2 * (pos + 2);
    for (let k = 0; k < n; k += 2) if (Atomics.load(vers, i32[at + k]) !== i32[at + k + 1]) return false;
    let p = pos + 2 + ((n + 1) >> 1);
    n = i32[2 * p];
    at = 2 * (p + 1);
    for (let k = 0; k < n; k += 3) if (accepted[i32[at + k + 2]] === 0 || Atomics.load(vers, i32[at + k]) !== i32[at + k + 1]) return false;
    this.forwardedReads = n / 3;
    p = p + 1 + ((n + 1) >> 1);
    n = i32[2 * p];
    at = 2 * (p + 1);
    for (let k = 0; k < n; k++) if (!codeless(i32[at + k])) return false;
    this.body = p + 1 + ((n + 1) >> 1);
    return true;
  }

  /** The record whose reads `validReads` just accepted. */
  decode(): Speculative {
    const r = this.r;
    r.pos = this.body;
    const outcome = readOutcome(r);
    const out: Speculative = { outcome, fee: undefined, credit: undefined, changes: new Map(), accountSlots: [], storageSlots: [] };
    if (outcome.kind !== OUTCOME_OK) return out;
    out.fee = r.optU256();
    if (r.int() !== 0) out.credit = { to: r.address(), amount: r.u256(), slot: r.int() };
    out.changes = readChanges(r, out.accountSlots, out.storageSlots);
    return out;
  }
}
