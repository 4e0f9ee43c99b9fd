/**
 * The block's combined StateChanges, read from the multi-version memory's
 * final versions instead of folding every transaction's changes: nothing is
 * encoded by the workers, and the main thread decodes each written
 * location once — mostly while the workers are still running (`step`,
 * speculative: a location whose latest version changes is decoded again at
 * `finish`, which only compares entry offsets for the rest).
 *
 * It must equal what `mergeChanges` folds in the sequential executor, field
 * by field. Per account, with the highest versions below `upTo`:
 *   - an entry exists iff some transaction changed the account: it wrote its
 *     ACCOUNT or a STORAGE location (workers write ACCOUNT only when nonce,
 *     balance or code changed or the storage was wiped, exactly when the
 *     journal lists it without slots), or, for the coinbase, a lazy fee
 *     changed it;
 *   - deleted: the final ACCOUNT version is absent;
 *   - nonce, balance: the final ACCOUNT version, else the pre-state;
 *   - storageCleared: the final ACCOUNT version carries a wipe;
 *   - storage: the slots whose final writer is not below the last wipe;
 *   - code: present iff the final version carries F_CODESET.
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import type { AccountChange, StateChanges, StateReader } from '../../state/types.js';
import { ABSENT, applyFees, type AccountRead } from './coinbase.js';
import { KEY_WORDS, KIND_ACCOUNT, KIND_STORAGE, KeyScratch, keyAddress, keyKind } from './keys.js';
import { CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_ESTIMATE, type MVMemory } from './mv-memory.js';
import type { LocationTable } from './table.js';
import { readU256 } from './words.js';

/** One account's written locations (list positions). */
interface Touched {
  address: bigint;
  /** Key words 0..4, to recognise the address without building a bigint. */
  w: Uint32Array;
  account: number;
  slots: number[];
}

const NONE = -1;

export class ChangeCollector {
  private readonly keys64: BigUint64Array;
  /** Positions of the MV written list looked at so far, and the holes met (maybe published later). */
  private scanned = 0;
  private readonly skipped: number[] = [];
  private readonly locs: number[] = [];
  private readonly kinds: number[] = [];
  /** Entry offset decoded per position (NONE: not yet). */
  private readonly seen: number[] = [];
  /** Decoded value per position: a slot's value, or an account. */
  private readonly values: (bigint | AccountRead | undefined)[] = [];
  private readonly slotKeys: bigint[] = [];
  /** Accounts by a hash of their key words (collisions resolved by comparing words). */
  private readonly byHash = new Map<number, Touched[]>();
  private readonly touched: Touched[] = [];
  private coinbaseLoc = -1;

  constructor(
    private readonly mv: MVMemory,
    private readonly table: LocationTable,
    private readonly pre: StateReader,
    private readonly coinbase: bigint,
  ) {
    this.keys64 = new BigUint64Array(mv.keys.buffer);
  }

  /**
   * Registers and decodes up to `budget` locations written since the last
   * call (safe while workers run: entries are immutable; a location written
   * again later is decoded again at `finish`, which only compares entry
   * offsets for the rest). Each is looked at once here: rescanning them all
   * would also pull cache lines away from the workers writing them.
   * Returns whether it did any work.
   */
  step(budget: number): boolean {
    let work = 0;
    const count = this.mv.locationCount();
    while (this.scanned < count && work < budget) {
      const loc = this.mv.listed(this.scanned);
      // A hole, or not published yet: look again at the end.
      if (loc < 0) this.skipped.push(this.scanned);
      else {
        this.register(loc);
        this.refresh(this.locs.length - 1, -1);
      }
      this.scanned++;
      work++;
    }
    return work > 0;
  }

  /** The combined changes of transactions [0, upTo) once all workers have stopped; `n` = block size. */
  finish(upTo: number, n: number): StateChanges {
    const count = this.mv.locationCount();
    for (const p of this.skipped) {
      const loc = this.mv.listed(p);
      if (loc >= 0) this.register(loc);
    }
    for (; this.scanned < count; this.scanned++) {
      const loc = this.mv.listed(this.scanned);
      if (loc >= 0) this.register(loc);
    }
    const below = upTo < n ? upTo : -1;
    for (let p = 0; p < this.locs.length; p++) this.refresh(p, below);
    // The coinbase may have lazy fees and no written location: make sure it is looked at.
    const s = new KeyScratch();
    s.setAccount(KIND_ACCOUNT, this.coinbase);
    this.coinbaseLoc = this.table.locate(s);
    this.owner(this.coinbaseLoc);
    const changes: StateChanges = new Map();
    for (const t of this.touched) {
      const change = this.accountChange(t, upTo, n);
      if (change !== undefined) changes.set(t.address, change);
    }
    return changes;
  }

  private register(loc: number): void {
    const p = this.locs.length;
    const kind = keyKind(this.mv.keys, loc * KEY_WORDS);
    this.locs.push(loc);
    this.kinds.push(kind);
    this.seen.push(NONE);
    this.values.push(undefined);
    this.slotKeys.push(0n);
    if (kind !== KIND_ACCOUNT && kind !== KIND_STORAGE) return;
    const t = this.owner(loc);
    if (kind === KIND_ACCOUNT) t.account = p;
    else {
      t.slots.push(p);
      this.slotKeys[p] = readU256(this.keys64, this.mv.keys, loc * (KEY_WORDS / 2) + 3);
    }
  }

  private owner(loc: number): Touched {
    const k = this.mv.keys;
    const b = loc * KEY_WORDS;
    const h = (k[b] ^ Math.imul(k[b + 1], 0x9e3779b1) ^ Math.imul(k[b + 4], 0x85ebca6b)) | 0;
    let bucket = this.byHash.get(h);
    if (bucket === undefined) {
      bucket = [];
      this.byHash.set(h, bucket);
    }
    for (const t of bucket) {
      const w = t.w;
      if (w[0] === k[b] && w[1] === k[b + 1] && w[2] === k[b + 2] && w[3] === k[b + 3] && w[4] === k[b + 4]) return t;
    }
    const t: Touched = { address: keyAddress(k, b), w: k.slice(b, b + 5), account: NONE, slots: [] };
    bucket.push(t);
    this.touched.push(t);
    return t;
  }

  /**
   * Decodes position `p`'s version (the latest, or the highest below `below`
   * when >= 0) if it is not the one decoded already. Returns whether it decoded.
   */
  private refresh(p: number, below: number): boolean {
    const mv = this.mv;
    const loc = this.locs[p];
    const e = below >= 0 ? mv.firstBelow(loc, below) : mv.head(loc);
    if (e === this.seen[p]) return false;
    const kind = this.kinds[p];
    if (kind !== KIND_ACCOUNT && kind !== KIND_STORAGE) {
      this.seen[p] = e;
      return false;
    }
    if (e !== NONE && below < 0 && (mv.entryFlags(e) & F_ESTIMATE) !== 0) return false; // about to change
    this.seen[p] = e;
    if (e === NONE) this.values[p] = undefined;
    else if (kind === KIND_STORAGE) this.values[p] = readU256(mv.w64, mv.i32, e + 2);
    else this.values[p] = decodeAccount(mv, this.table, e);
    return true;
  }

  private accountChange(t: Touched, upTo: number, n: number): AccountChange | undefined {
    const mv = this.mv;
    let clearTx = -1;
    let slots = 0;
    for (const p of t.slots) if (this.seen[p] !== NONE) slots++;
    let changed = slots > 0;
    let read: AccountRead | undefined;
    if (t.address === this.coinbase) {
      const r = this.resolveLazy(upTo < n ? mv.firstBelow(this.coinbaseLoc, upTo) : mv.head(this.coinbaseLoc), t.address, upTo);
      read = r.read;
      changed ||= r.changed;
      clearTx = read.wipeTx;
    } else if (t.account !== NONE && this.seen[t.account] !== NONE) {
      read = this.values[t.account] as AccountRead;
      changed = true;
      clearTx = read.wipeTx;
    }
    if (!changed) return undefined;
    if (read !== undefined && read.state === undefined) {
      return { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map() };
    }
    const state = read?.state ?? this.pre.getAccount(t.address);
    const change: AccountChange = {
      deleted: false,
      storageCleared: clearTx !== -1,
      nonce: state?.nonce ?? 0n,
      balance: state?.balance ?? 0n,
      storage: new Map(),
    };
    if (read !== undefined && read.codeSet) {
      change.code = read.state?.code ?? EMPTY_BYTES;
      change.codeHash = read.state?.codeHash ?? KECCAK_EMPTY;
    }
    for (const p of t.slots) {
      const e = this.seen[p];
      if (e !== NONE && mv.entryTx(e) >= clearTx) change.storage.set(this.slotKeys[p], this.values[p] as bigint);
    }
    return change;
  }

  /**
   * The coinbase: its last explicit version `e` below `upTo` (or the
   * pre-state) and the lazy fees of the transactions after it, replayed in
   * order. It changed if some transaction wrote it or a fee changed it (a
   * zero fee on a non-empty account does not).
   */
  private resolveLazy(e: number, address: bigint, upTo: number): { read: AccountRead; changed: boolean } {
    const mv = this.mv;
    let changed = e !== NONE;
    let read: AccountRead;
    if (e !== NONE) read = decodeAccount(mv, this.table, e);
    else {
      const a = this.pre.getAccount(address);
      read = a === undefined ? ABSENT : { ...ABSENT, state: { nonce: a.nonce, balance: a.balance, code: a.code, codeHash: a.codeHash } };
    }
    const txs: number[] = [];
    const amounts: bigint[] = [];
    for (let t = upTo - 1; t > (e === NONE ? -1 : mv.entryTx(e)); t--) {
      const fee = mv.finalFee(t);
      if (fee === undefined) continue;
      txs.push(t);
      amounts.push(fee);
    }
    const next = applyFees(read, txs, amounts);
    return { read: next, changed: changed || next !== read };
  }
}

/** An ACCOUNT version as the block's final value (code copied out of the shared arenas). */
export function decodeAccount(mv: MVMemory, table: LocationTable, e: number): AccountRead {
  const flags = mv.entryFlags(e);
  const i32 = mv.i32;
  const wipeTx = i32[2 * (e + 12) + 1];
  if ((flags & F_ABSENT) !== 0) return { ...ABSENT, deletedInBlock: true, wipeTx, inBlock: true };
  const src = i32[2 * (e + 12)];
  const off = i32[2 * (e + 11)];
  const len = i32[2 * (e + 11) + 1];
  let code: Uint8Array = EMPTY_BYTES;
  let codeHash: Uint8Array = KECCAK_EMPTY;
  if (src === CODE_PRESTATE || src === CODE_MV) {
    // Copied only when the change carries it; otherwise a view (its length is what counts: EIP-161 emptiness).
    const copy = (flags & F_CODESET) !== 0;
    if (src === CODE_MV) code = copy ? mv.code.slice(off, off + len) : mv.code.subarray(off, off + len);
    else code = copy ? table.codeAt(off, len).slice() : table.codeAt(off, len);
    codeHash = mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32);
  }
  return {
    state: { nonce: mv.w64[e + 2], balance: readU256(mv.w64, i32, e + 3), codeHash, code },
    codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, wipeTx, inBlock: true, loc: -1, slotLocs: undefined,
  };
}
