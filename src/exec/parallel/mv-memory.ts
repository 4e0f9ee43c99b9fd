/**
 * Block-STM's multi-version memory in shared buffers.
 *
 * Locations are the location table's slots (table.ts): one probe gives the
 * pre-state value and the head of the version list. Heads are tagged with
 * the block's epoch, so a new block starts with every list empty without
 * clearing anything. The first write to a location in a block appends it to
 * the block's written list (for the commit and the main thread's collector).
 *
 * Versions. Each location heads a linked list of entries, one per
 * transaction that wrote it, sorted by transaction index, highest first.
 * An entry is immutable once published except for its ESTIMATE flag; a new
 * incarnation publishes a fresh entry in place of the old one. Writers take
 * the location's lock to splice; readers walk without locks (an entry they
 * hold stays intact: arenas are only recycled between blocks). Entry layout,
 * in 64-bit words from offset e (Int32 view `i32`, index 2e):
 *   i32[2e] tx, i32[2e+1] incarnation, i32[2e+2] flags, i32[2e+3] next entry
 *   STORAGE  w[e+2..e+5] value
 *   DELTA    w[e+2..e+5] amount added to the balance (F_DELTA at an ACCOUNT
 *            location: a lazy value transfer, deltas.ts)
 *   ACCOUNT  w[e+2] nonce, w[e+3..e+6] balance, bytes of w[e+7..e+10] code
 *            hash, i32 at 2(e+11): code offset, length; 2(e+12): code source,
 *            the last transaction so far that wiped the account's storage (-1)
 *
 * Lazy coinbase fees (coinbase.ts) are not list entries: each transaction
 * has a fee slot of its own (no lock, no shared line), published like a
 * seqlock: ESTIMATE first when its incarnation aborts, then value,
 * incarnation, and PRESENT last.
 *
 * Read sets and write sets live in shared arenas, one region per executed
 * incarnation, so any worker can validate any transaction or turn its
 * writes into ESTIMATEs. A read record is (location, tx, incarnation), tx -1
 * for the pre-state. A read of the coinbase is a group: its base record
 * flagged COIN, one (FEE, tx, incarnation) record per lazy fee between the
 * base and the reader (highest first), and a closing (FEE_END, 0, 0). A
 * read of an account through lazy credits is a group too (deltas.ts).
 *
 * Internal module of the parallel executor.
 */
import { validateAccountRead } from './deltas.js';
import { lock, unlock } from './sync.js';
import { readU256, writeU256 } from './words.js';
import { EPOCH, MV_EPOCH, MV_FULL, MV_HEAD, MV_LOCK, MV_WORDS, type LocationTable } from './table.js';
import { ABORT_CAPACITY, BlockAborted, DependencyAbort, type Incarnation, type TxIdx } from './types.js';
import {
  CODE_CURSOR, COIN, DELTAS, ENTRY_CHUNK, ENTRY_CURSOR, FEE, FEE_END, FEE_ESTIMATE, FEE_INC, FEE_NONE, FEE_PRESENT, FEE_STATE, F_DELTA,
  F_ESTIMATE, LIST_CHUNK, LOC_COUNT, PRESTATE, REWRITE_COUNT, REWRITE_OVERFLOW, RS_CURSOR, SET_CHUNK, SKIP, SET_WORDS, WS_CURSOR,
  ReadSetBuilder, type MVBuffers, type MVCapacities,
} from './mv-layout.js';
export {
  F_WRITE, F_ESTIMATE, F_ABSENT, F_CODESET, F_DELTA, WORDS_STORAGE, WORDS_ACCOUNT, CODE_EMPTY, CODE_PRESTATE, CODE_MV, COIN, FEE, FEE_END,
  DELTA, DELTAS, SKIP, PRESTATE, LIST_CHUNK, allocateMV, ReadSetBuilder, type MVBuffers, type MVCapacities,
} from './mv-layout.js';

export class MVMemory {
  readonly caps: MVCapacities;
  private readonly ctl: Int32Array;
  readonly keys: Uint32Array;
  /** The table's per-slot MV words (MV_WORDS each: head, epoch, lock). */
  private readonly mvw: Int32Array;
  private readonly tableCtl: Int32Array;
  readonly w64: BigUint64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  private readonly reads: Int32Array;
  private readonly writes: Int32Array;
  private readonly sets: Int32Array;
  private readonly sets64: BigUint64Array;
  readonly code: Uint8Array;
  /** Written locations in order of first write; an entry is 0 until published, so readers take id + 1. */
  private readonly list: Int32Array;
  private readonly rewrites: Int32Array;
  private epoch = 0;
  /** Per-thread marks for diffing write sets; stamp value = `stampSeq`. */
  private stamps: Int32Array;
  private stampSeq = 0;
  /** Lazy fees the last `resolveCoinbase` met: transactions (highest first) and amounts. */
  readonly feeTxs: number[] = [];
  readonly feeAmounts: bigint[] = [];
  /** This thread's arena chunks: next free word and end. */
  private entryPos = 0;
  private entryEnd = 0;
  private rsPos = 0;
  private rsEnd = 0;
  private wsPos = 0;
  private wsEnd = 0;
  private listPos = 0;
  private listEnd = 0;

  constructor(
    b: MVBuffers,
    readonly table: LocationTable,
    /** The scheduler's words (for ABORT). */
    private readonly sched: Int32Array,
    private readonly abortAt: number,
  ) {
    this.caps = b.caps;
    this.ctl = new Int32Array(b.ctl);
    this.keys = table.keys;
    this.mvw = table.mvw;
    this.tableCtl = table.ctl;
    this.w64 = new BigUint64Array(b.entries);
    this.i32 = new Int32Array(b.entries);
    this.u8 = new Uint8Array(b.entries);
    this.reads = new Int32Array(b.reads);
    this.writes = new Int32Array(b.writes);
    this.sets = new Int32Array(b.sets);
    this.sets64 = new BigUint64Array(b.sets);
    this.code = new Uint8Array(b.code);
    this.list = new Int32Array(b.list);
    this.rewrites = new Int32Array(b.rewrites);
    this.stamps = new Int32Array(table.buffers.slots);
  }

  /** Main thread, no worker running: a new, empty memory (a new epoch empties every version list). */
  resetBlock(): void {
    const c = this.ctl;
    this.list.fill(0, 0, c[LOC_COUNT]);
    this.rewrites.fill(0, 0, Math.min(c[REWRITE_COUNT], this.caps.locations));
    this.table.nextEpoch();
    c[LOC_COUNT] = 0;
    c[REWRITE_COUNT] = 0;
    c[REWRITE_OVERFLOW] = 0;
    c[ENTRY_CURSOR] = 0;
    c[RS_CURSOR] = 0;
    c[WS_CURSOR] = 0;
    c[CODE_CURSOR] = 0;
    this.begin();
  }

  /** Every thread, at the start of a block. */
  begin(): void {
    this.epoch = Atomics.load(this.tableCtl, EPOCH);
    this.entryPos = this.entryEnd = 0;
    this.rsPos = this.rsEnd = 0;
    this.wsPos = this.wsEnd = 0;
    this.listPos = this.listEnd = 0;
    this.rewritePos = this.rewriteEnd = 0;
  }

  private rewritePos = 0;
  private rewriteEnd = 0;

  /** Lists `loc` as written again (see MVBuffers.rewrites); past capacity, flags the list as incomplete. */
  private noteRewrite(loc: number): void {
    if (this.rewritePos === this.rewriteEnd) {
      this.rewritePos = Atomics.add(this.ctl, REWRITE_COUNT, LIST_CHUNK);
      this.rewriteEnd = this.rewritePos + LIST_CHUNK;
      if (this.rewriteEnd > this.caps.locations) {
        Atomics.store(this.ctl, REWRITE_OVERFLOW, 1);
        this.rewritePos = this.rewriteEnd;
        return;
      }
    }
    Atomics.store(this.rewrites, this.rewritePos++, loc + 1);
  }

  /** The rewritten list so far: its reserved length, and whether it is incomplete (then every location may have changed). */
  rewriteCount(): number {
    return Math.min(Atomics.load(this.ctl, REWRITE_COUNT), this.caps.locations);
  }

  rewritesOverflowed(): boolean {
    return Atomics.load(this.ctl, REWRITE_OVERFLOW) !== 0;
  }

  /** The location at position n of the rewritten list, or -1 (a hole). */
  rewritten(n: number): number {
    return Atomics.load(this.rewrites, n) - 1;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  private overflow(): never {
    Atomics.compareExchange(this.sched, this.abortAt, 0, ABORT_CAPACITY);
    throw new BlockAborted(ABORT_CAPACITY);
  }

  allocEntry(words: number): number {
    let e = this.entryPos;
    if (e + words > this.entryEnd) {
      e = Atomics.add(this.ctl, ENTRY_CURSOR, ENTRY_CHUNK);
      if (e + ENTRY_CHUNK > this.caps.entryWords) this.overflow();
      this.entryEnd = e + ENTRY_CHUNK;
    }
    this.entryPos = e + words;
    return e;
  }

  /** `len` words of the read-set (`reads`) or write-set arena, from this thread's chunk. */
  private allocSet(reads: boolean, len: number): number {
    let at = reads ? this.rsPos : this.wsPos;
    const end = reads ? this.rsEnd : this.wsEnd;
    if (at + len > end) {
      const chunk = len > SET_CHUNK ? len : SET_CHUNK;
      at = Atomics.add(this.ctl, reads ? RS_CURSOR : WS_CURSOR, chunk);
      if (at + chunk > (reads ? this.caps.readWords : this.caps.writeWords)) this.overflow();
      if (reads) this.rsEnd = at + chunk;
      else this.wsEnd = at + chunk;
    }
    if (reads) this.rsPos = at + len;
    else this.wsPos = at + len;
    return at;
  }

  /** Copies code into the block's code arena; returns its offset. */
  allocCode(bytes: Uint8Array): number {
    const off = Atomics.add(this.ctl, CODE_CURSOR, bytes.length);
    if (off + bytes.length > this.caps.codeBytes) this.overflow();
    this.code.set(bytes, off);
    return off;
  }

  entryTx(e: number): TxIdx {
    return this.i32[2 * e];
  }
  entryInc(e: number): Incarnation {
    return this.i32[2 * e + 1];
  }
  entryFlags(e: number): number {
    return Atomics.load(this.i32, 2 * e + 2);
  }

  /** The entry after `e` (the next lower transaction's), or -1. */
  nextEntry(e: number): number {
    return Atomics.load(this.i32, 2 * e + 3);
  }

  /**
   * Whether ACCOUNT location `loc` got a full version or an ESTIMATE credit
   * in this block (MV_FULL). If not, every version there is a valid lazy
   * credit (deltas.ts): set before such a version is linked or marked.
   */
  fullSeen(loc: number): boolean {
    return Atomics.load(this.mvw, MV_WORDS * loc + MV_FULL) === this.epoch;
  }

  /** The highest entry of a transaction below `tx`, or -1. */
  firstBelow(loc: number, tx: TxIdx): number {
    return this.below(loc, tx);
  }

  /** The first (highest) entry of `loc` in this block, or -1. */
  head(loc: number): number {
    // The epoch is stored after the head (under the lock): seeing it, we see the head.
    const at = MV_WORDS * loc;
    return Atomics.load(this.mvw, at + MV_EPOCH) === this.epoch ? Atomics.load(this.mvw, at + MV_HEAD) : -1;
  }

  /** The highest entry of a transaction below `tx`, or -1 (lock-free). */
  private below(loc: number, tx: TxIdx): number {
    let e = this.head(loc);
    while (e !== -1 && this.i32[2 * e] >= tx) e = this.nextEntry(e);
    return e;
  }

  /**
   * Resolves a read of `loc` by transaction `tx`: returns the entry of the
   * highest lower writer, or PRESTATE, and records the read in `rs`. A read
   * that meets an ESTIMATE throws DependencyAbort: the value is about to
   * change, and computing on it would be wasted.
   */
  resolve(loc: number, tx: TxIdx, rs: ReadSetBuilder): number {
    const e = this.below(loc, tx);
    if (e === -1) {
      rs.push(loc, PRESTATE, 0);
      return PRESTATE;
    }
    if ((this.entryFlags(e) & F_ESTIMATE) !== 0) throw new DependencyAbort(this.i32[2 * e]);
    rs.push(loc, this.i32[2 * e], this.i32[2 * e + 1]);
    return e;
  }

  /**
   * A read of the coinbase (ACCOUNT slot `loc`): its last explicit version
   * below `tx`, as `resolve`, plus the lazy fees of the transactions between
   * that version and `tx`, left in `feeTxs`/`feeAmounts` (highest first).
   * Recorded as one group (COIN base, FEE records, FEE_END).
   */
  resolveCoinbase(loc: number, tx: TxIdx, rs: ReadSetBuilder): number {
    const e = this.below(loc, tx);
    if (e !== -1 && (this.entryFlags(e) & F_ESTIMATE) !== 0) throw new DependencyAbort(this.i32[2 * e]);
    const base = e === -1 ? -1 : this.i32[2 * e];
    rs.push(loc, base === -1 ? PRESTATE : base, (e === -1 ? 0 : this.i32[2 * e + 1]) | COIN);
    const txs = this.feeTxs;
    const amounts = this.feeAmounts;
    txs.length = 0;
    amounts.length = 0;
    for (let t = tx - 1; t > base; t--) {
      const inc = this.readFee(t);
      if (inc === -1) continue;
      rs.push(FEE, t, inc);
      txs.push(t);
      amounts.push(this.feeValue);
    }
    rs.push(FEE_END, 0, 0);
    return e === -1 ? PRESTATE : e;
  }

  /** The amount read by the last successful `readFee`. */
  private feeValue = 0n;

  /**
   * Transaction t's lazy fee: its incarnation (amount in `feeValue`), -1 if
   * it has none; throws DependencyAbort on an ESTIMATE. Seqlock-style: the
   * state and incarnation are read again after the amount, and a writer
   * marks ESTIMATE before rewriting, so a torn amount is never returned.
   */
  private readFee(t: TxIdx): number {
    const sets = this.sets;
    const at = SET_WORDS * t;
    const st = Atomics.load(sets, at + FEE_STATE);
    if (st === FEE_NONE) return -1;
    if (st === FEE_ESTIMATE) throw new DependencyAbort(t);
    const inc = Atomics.load(sets, at + FEE_INC);
    this.feeValue = readU256(this.sets64, sets, (at >> 1) + 4);
    if (Atomics.load(sets, at + FEE_STATE) !== FEE_PRESENT || Atomics.load(sets, at + FEE_INC) !== inc) throw new DependencyAbort(t);
    return inc;
  }

  /**
   * Publishes (or clears) transaction `tx`'s lazy fee for incarnation
   * `inc`. Returns whether it has one now and had none recorded before: a
   * coinbase reader may have missed it (like a write to a new location).
   */
  setFee(tx: TxIdx, inc: Incarnation, fee: bigint | undefined): boolean {
    const sets = this.sets;
    const at = SET_WORDS * tx;
    const had = Atomics.load(sets, at + FEE_STATE) !== FEE_NONE;
    if (fee === undefined) {
      Atomics.store(sets, at + FEE_STATE, FEE_NONE);
      return false;
    }
    writeU256(this.sets64, (at >> 1) + 4, fee);
    Atomics.store(sets, at + FEE_INC, inc);
    Atomics.store(sets, at + FEE_STATE, FEE_PRESENT);
    return !had;
  }

  /** Transaction t's lazy fee once the block is done (main thread / commit), or undefined. */
  finalFee(t: TxIdx): bigint | undefined {
    const at = SET_WORDS * t;
    return this.sets[at + FEE_STATE] === FEE_PRESENT ? readU256(this.sets64, this.sets, (at >> 1) + 4) : undefined;
  }

  /**
   * Publishes entry `e` (already filled, tx/incarnation/flags set) as
   * transaction `tx`'s write to `loc`, replacing its previous entry there.
   */
  publish(loc: number, e: number, tx: TxIdx): void {
    const i32 = this.i32;
    const mvw = this.mvw;
    const at = MV_WORDS * loc;
    lock(mvw, at + MV_LOCK, this.sched, this.abortAt);
    if (mvw[at + MV_EPOCH] !== this.epoch) {
      // First write of the block here: an empty list, and a place in the written list.
      mvw[at + MV_HEAD] = -1;
      Atomics.store(mvw, at + MV_EPOCH, this.epoch);
      if (this.listPos === this.listEnd) {
        this.listPos = Atomics.add(this.ctl, LOC_COUNT, LIST_CHUNK);
        this.listEnd = this.listPos + LIST_CHUNK;
        if (this.listEnd > this.caps.locations) {
          unlock(mvw, at + MV_LOCK);
          this.overflow();
        }
      }
      Atomics.store(this.list, this.listPos++, loc + 1);
    } else {
      this.noteRewrite(loc);
    }
    let prev = -1;
    let cur = mvw[at + MV_HEAD];
    while (cur !== -1 && i32[2 * cur] > tx) {
      prev = cur;
      cur = i32[2 * cur + 3];
    }
    const next = cur !== -1 && i32[2 * cur] === tx ? i32[2 * cur + 3] : cur;
    i32[2 * e + 3] = next;
    // Before the entry is linked (see fullSeen).
    if ((i32[2 * e + 2] & F_DELTA) === 0) Atomics.store(mvw, at + MV_FULL, this.epoch);
    // The store below publishes the entry: its fields were written before it.
    if (prev === -1) Atomics.store(mvw, at + MV_HEAD, e);
    else Atomics.store(i32, 2 * prev + 3, e);
    unlock(mvw, at + MV_LOCK);
  }

  /** Unlinks transaction `tx`'s entry from `loc` (its new incarnation did not write there). */
  private remove(loc: number, tx: TxIdx): void {
    const i32 = this.i32;
    const at = MV_WORDS * loc;
    lock(this.mvw, at + MV_LOCK, this.sched, this.abortAt);
    let prev = -1;
    let cur = this.head(loc);
    while (cur !== -1 && i32[2 * cur] > tx) {
      prev = cur;
      cur = i32[2 * cur + 3];
    }
    if (cur !== -1 && i32[2 * cur] === tx) {
      const next = i32[2 * cur + 3];
      if (prev === -1) Atomics.store(this.mvw, at + MV_HEAD, next);
      else Atomics.store(i32, 2 * prev + 3, next);
      this.noteRewrite(loc);
    }
    unlock(this.mvw, at + MV_LOCK);
  }

  /** Fills an entry header. */
  setHeader(e: number, tx: TxIdx, inc: Incarnation, flags: number): void {
    const i32 = this.i32;
    i32[2 * e] = tx;
    i32[2 * e + 1] = inc;
    i32[2 * e + 2] = flags;
  }

  /**
   * Finishes recording an incarnation whose writes were published: unlinks
   * the locations the previous incarnation wrote and this one did not, and
   * stores the read and write sets. Returns whether this incarnation wrote a
   * location the previous one did not (then every higher transaction must be
   * validated again: one of its reads may now resolve to the new write).
   */
  record(tx: TxIdx, ws: Int32Array, wsLen: number, rs: ReadSetBuilder): boolean {
    const sets = this.sets;
    const at = SET_WORDS * tx;
    const oldLen = sets[at + 3];
    // A first incarnation (or one after an empty write set): every write is new, nothing to unlink.
    const wroteNew = oldLen === 0 ? wsLen > 0 : this.diffWrites(tx, ws, wsLen);
    const wOff = this.allocSet(false, wsLen);
    const writes = this.writes;
    for (let i = 0; i < wsLen; i++) writes[wOff + i] = ws[i];
    const rLen = rs.length;
    const rOff = this.allocSet(true, rLen);
    const reads = this.reads;
    const words = rs.words;
    for (let i = 0; i < rLen; i++) reads[rOff + i] = words[i];
    sets[at] = rOff;
    sets[at + 1] = rLen;
    sets[at + 2] = wOff;
    sets[at + 3] = wsLen;
    return wroteNew;
  }

  /** Unlinks `tx`'s previous writes that `ws` lacks; returns whether `ws` has a location the previous set did not. */
  private diffWrites(tx: TxIdx, ws: Int32Array, wsLen: number): boolean {
    const sets = this.sets;
    const stamp = ++this.stampSeq;
    const stamps = this.stamps;
    for (let i = 0; i < wsLen; i++) stamps[ws[i]] = stamp;
    let wroteNew = false;
    const at = SET_WORDS * tx;
    const oldOff = sets[at + 2];
    const oldLen = sets[at + 3];
    const writes = this.writes;
    const seen = stamp + 1;
    this.stampSeq = seen;
    for (let i = 0; i < oldLen; i++) {
      const loc = writes[oldOff + i];
      if (stamps[loc] === stamp) stamps[loc] = seen;
      else this.remove(loc, tx);
    }
    for (let i = 0; i < wsLen; i++) {
      if (stamps[ws[i]] !== seen) {
        wroteNew = true;
        break;
      }
    }
    return wroteNew;
  }

  /**
   * Re-resolves every read of `tx`'s last recorded incarnation: valid iff
   * each still resolves to the same versions (the same writers, the same
   * incarnations, no ESTIMATE, nothing new below `tx`).
   */
  validate(tx: TxIdx): boolean {
    const sets = this.sets;
    const reads = this.reads;
    const off = sets[SET_WORDS * tx];
    const end = off + sets[SET_WORDS * tx + 1];
    let i = off;
    while (i < end) {
      const loc = reads[i];
      const rTx = reads[i + 1];
      const rInc = reads[i + 2];
      if ((rInc & (DELTAS | SKIP)) !== 0) {
        // An account read through lazy credits (deltas.ts).
        i = validateAccountRead(this, reads, i, tx);
        if (i < 0) return false;
        continue;
      }
      i += 3;
      const e = this.below(loc, tx);
      if (rTx === PRESTATE) {
        if (e !== -1) return false;
      } else if (e === -1 || this.i32[2 * e] !== rTx || this.i32[2 * e + 1] !== (rInc & ~COIN) || (this.entryFlags(e) & F_ESTIMATE) !== 0) {
        return false;
      }
      if ((rInc & COIN) === 0) continue;
      // The fees between the base and us must be exactly those recorded.
      const base = rTx === PRESTATE ? -1 : rTx;
      for (let t = tx - 1; t > base; t--) {
        const st = Atomics.load(sets, SET_WORDS * t + FEE_STATE);
        if (st === FEE_NONE) continue;
        if (st !== FEE_PRESENT || reads[i] !== FEE || reads[i + 1] !== t || reads[i + 2] !== Atomics.load(sets, SET_WORDS * t + FEE_INC)) return false;
        i += 3;
      }
      if (reads[i] !== FEE_END) return false;
      i += 3;
    }
    return true;
  }

  /** After an abort: every write of `tx` becomes an ESTIMATE (kept, so readers wait rather than read stale data). */
  convertWritesToEstimates(tx: TxIdx): void {
    const sets = this.sets;
    const writes = this.writes;
    const off = sets[SET_WORDS * tx + 2];
    const end = off + sets[SET_WORDS * tx + 3];
    for (let i = off; i < end; i++) {
      const loc = writes[i];
      let e = this.head(loc);
      while (e !== -1 && this.i32[2 * e] > tx) e = this.nextEntry(e);
      if (e === -1 || this.i32[2 * e] !== tx) continue;
      // A credit may come back as a full write (see fullSeen): say so before it reads as ESTIMATE.
      if ((this.entryFlags(e) & F_DELTA) !== 0) Atomics.store(this.mvw, MV_WORDS * loc + MV_FULL, this.epoch);
      Atomics.or(this.i32, 2 * e + 2, F_ESTIMATE);
    }
    const at = SET_WORDS * tx + FEE_STATE;
    if (Atomics.load(sets, at) === FEE_PRESENT) Atomics.store(sets, at, FEE_ESTIMATE);
  }

  /** The read records of `tx`'s last incarnation: [loc, tx, inc] triples (main thread, after the block). */
  readSet(tx: TxIdx): Int32Array {
    const off = this.sets[SET_WORDS * tx];
    return this.reads.subarray(off, off + this.sets[SET_WORDS * tx + 1]);
  }

  /** The locations `tx`'s last incarnation wrote (main thread, after the block). */
  writeSet(tx: TxIdx): Int32Array {
    const off = this.sets[SET_WORDS * tx + 2];
    return this.writes.subarray(off, off + this.sets[SET_WORDS * tx + 3]);
  }

  /** Main thread, before a block: no transaction has recorded anything yet. */
  resetSets(n: number): void {
    this.sets.fill(0, 0, SET_WORDS * n);
  }

  /** Positions of the written list reserved this block (some may stay holes). */
  locationCount(): number {
    return Math.min(Atomics.load(this.ctl, LOC_COUNT), this.caps.locations);
  }

  /**
   * The location at position n of the written list, or -1: a hole, or (while
   * workers run) a position whose writer has not published it yet.
   */
  listed(n: number): number {
    return Atomics.load(this.list, n) - 1;
  }

}
