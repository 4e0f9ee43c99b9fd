/**
 * Block-STM's multi-version memory in shared buffers.
 *
 * Locations. An open-addressing table maps a key (see keys.ts: ACCOUNT,
 * STORAGE or CLEAR, address, slot) to a location id, its slot number. Slots
 * are tagged with the block's epoch (`epoch * 2`, +1 once the key is
 * written), so a new block starts with an empty table without clearing it.
 * Reads insert too: a read set names locations by id, and a location read
 * from the pre-state must be re-checkable after some lower transaction
 * writes it.
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
 *   DELTA    w[e+2..e+5] amount added to the balance (lazy coinbase fee)
 *   ACCOUNT  w[e+2] nonce, w[e+3..e+6] balance, bytes of w[e+7..e+10] code
 *            hash, i32 at 2(e+11): code offset, length; 2(e+12): code source
 *   CLEAR    header only (the write itself is the information)
 *
 * Read sets and write sets live in shared arenas, one region per executed
 * incarnation, so any worker can validate any transaction or turn its
 * writes into ESTIMATEs. A read record is (location, tx, incarnation), tx -1
 * for the pre-state; a read that walked several lazy deltas is recorded as a
 * chain of records, all but the last flagged CHAIN.
 *
 * Internal module of the parallel executor.
 */
import { KEY_WORDS, KeyScratch, keyEquals, storeKey } from './keys.js';
import { lock, unlock } from './sync.js';
import { ABORT_CAPACITY, BlockAborted, DependencyAbort, type Incarnation, type TxIdx } from './types.js';

/** Entry flags. */
export const F_WRITE = 1;
export const F_DELTA = 2;
export const F_ESTIMATE = 4;
/** ACCOUNT entries: the account does not exist after this write (deleted). */
export const F_ABSENT = 8;
/**
 * ACCOUNT entries: the block's combined change for this account carries code
 * (set by some transaction since the account's last deletion in the block,
 * or the account was revived after one: then its code is explicitly empty).
 */
export const F_CODESET = 16;

/** Entry sizes in 64-bit words. */
export const WORDS_STORAGE = 6;
export const WORDS_DELTA = 6;
export const WORDS_ACCOUNT = 13;
export const WORDS_CLEAR = 2;

/** Code source of an ACCOUNT entry. */
export const CODE_EMPTY = 0;
export const CODE_PRESTATE = 1;
export const CODE_MV = 2;

/** Read record flag: more records of the same chained read follow. */
export const CHAIN = 1 << 30;
/** A read that resolved to the pre-state. */
export const PRESTATE = -1;

// Control words.
const EPOCH = 0;
const LOC_COUNT = 1;
const ENTRY_CURSOR = 2;
const RS_CURSOR = 3;
const WS_CURSOR = 4;
const CODE_CURSOR = 5;

export interface MVCapacities {
  /** Location table slots (power of two); at most 3/4 get used. */
  locations: number;
  /** Entry arena, 64-bit words. */
  entryWords: number;
  /** Read-set arena, Int32 words (3 per record). */
  readWords: number;
  /** Write-set arena, Int32 words (1 per location). */
  writeWords: number;
  /** Code arena for contracts created in the block, bytes. */
  codeBytes: number;
  /** Transactions. */
  txs: number;
}

/** The shared buffers of one MVMemory (sent to every worker). */
export interface MVBuffers {
  caps: MVCapacities;
  ctl: SharedArrayBuffer;
  tags: SharedArrayBuffer;
  keys: SharedArrayBuffer;
  heads: SharedArrayBuffer;
  locks: SharedArrayBuffer;
  entries: SharedArrayBuffer;
  reads: SharedArrayBuffer;
  writes: SharedArrayBuffer;
  /** Per tx: read-set offset, length, write-set offset, length. */
  sets: SharedArrayBuffer;
  code: SharedArrayBuffer;
  /** The block's location ids in insertion order (LOC_COUNT of them). */
  list: SharedArrayBuffer;
}

export function allocateMV(caps: MVCapacities): MVBuffers {
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  return {
    caps,
    ctl: sab(64),
    tags: sab(4 * caps.locations),
    keys: sab(4 * KEY_WORDS * caps.locations),
    heads: sab(4 * caps.locations),
    locks: sab(4 * caps.locations),
    entries: sab(8 * caps.entryWords),
    reads: sab(4 * caps.readWords),
    writes: sab(4 * caps.writeWords),
    sets: sab(16 * caps.txs),
    code: sab(caps.codeBytes),
    list: sab(4 * caps.locations),
  };
}

export class MVMemory {
  readonly caps: MVCapacities;
  private readonly ctl: Int32Array;
  private readonly tags: Int32Array;
  readonly keys: Uint32Array;
  private readonly heads: Int32Array;
  private readonly locks: Int32Array;
  readonly w64: BigUint64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  private readonly reads: Int32Array;
  private readonly writes: Int32Array;
  private readonly sets: Int32Array;
  readonly code: Uint8Array;
  /** Location ids in insertion order; an entry is 0 until written, so readers take id + 1. */
  private readonly list: Int32Array;
  private readonly mask: number;
  private epochTag = 0;
  /** Per-thread marks for diffing write sets; stamp value = `stampSeq`. */
  private stamps: Int32Array;
  private stampSeq = 0;
  /** Entries of the lazy deltas the last `resolve` walked, highest tx first. */
  readonly deltas: number[] = [];

  constructor(
    b: MVBuffers,
    /** The scheduler's words (for ABORT). */
    private readonly sched: Int32Array,
    private readonly abortAt: number,
  ) {
    this.caps = b.caps;
    this.ctl = new Int32Array(b.ctl);
    this.tags = new Int32Array(b.tags);
    this.keys = new Uint32Array(b.keys);
    this.heads = new Int32Array(b.heads);
    this.locks = new Int32Array(b.locks);
    this.w64 = new BigUint64Array(b.entries);
    this.i32 = new Int32Array(b.entries);
    this.u8 = new Uint8Array(b.entries);
    this.reads = new Int32Array(b.reads);
    this.writes = new Int32Array(b.writes);
    this.sets = new Int32Array(b.sets);
    this.code = new Uint8Array(b.code);
    this.list = new Int32Array(b.list);
    this.mask = b.caps.locations - 1;
    this.stamps = new Int32Array(b.caps.locations);
  }

  /** Main thread, no worker running: a new, empty memory (the epoch retires old locations). */
  resetBlock(): void {
    const c = this.ctl;
    this.list.fill(0, 0, c[LOC_COUNT]);
    c[EPOCH] = c[EPOCH] + 1;
    c[LOC_COUNT] = 0;
    c[ENTRY_CURSOR] = 0;
    c[RS_CURSOR] = 0;
    c[WS_CURSOR] = 0;
    c[CODE_CURSOR] = 0;
    this.begin();
  }

  /** Every thread, at the start of a block. */
  begin(): void {
    this.epochTag = Atomics.load(this.ctl, EPOCH) * 2;
  }

  private overflow(): never {
    Atomics.compareExchange(this.sched, this.abortAt, 0, ABORT_CAPACITY);
    throw new BlockAborted(ABORT_CAPACITY);
  }

  /** The id of the scratch's location, inserting it on first sight. */
  locate(s: KeyScratch): number {
    const tags = this.tags;
    const keys = this.keys;
    const mask = this.mask;
    const tag = this.epochTag;
    let i = s.hash & mask;
    for (;;) {
      let t = Atomics.load(tags, i);
      if (t < tag) {
        // Empty in this block: claim it. The CAS fails if another thread claimed it first.
        if (Atomics.compareExchange(tags, i, t, tag) === t) {
          const n = Atomics.add(this.ctl, LOC_COUNT, 1);
          if (n >= (this.caps.locations >> 2) * 3) this.overflow();
          storeKey(keys, i * KEY_WORDS, s);
          this.heads[i] = -1;
          this.locks[i] = 0;
          Atomics.store(tags, i, tag + 1);
          Atomics.store(this.list, n, i + 1);
          return i;
        }
        t = Atomics.load(tags, i);
      }
      // Claimed but its key not yet written: the claimer is a few stores away.
      while (t === tag) t = Atomics.load(tags, i);
      if (keyEquals(keys, i * KEY_WORDS, s)) return i;
      i = (i + 1) & mask;
    }
  }

  /** Whether slot `loc` holds a location of the current block (for the final scan). */
  isLive(loc: number): boolean {
    return Atomics.load(this.tags, loc) === this.epochTag + 1;
  }

  allocEntry(words: number): number {
    const e = Atomics.add(this.ctl, ENTRY_CURSOR, words);
    if (e + words > this.caps.entryWords) this.overflow();
    return e;
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
  private entryNext(e: number): number {
    return Atomics.load(this.i32, 2 * e + 3);
  }

  /** The entry after `e` (the next lower transaction's), or -1. */
  nextEntry(e: number): number {
    return Atomics.load(this.i32, 2 * e + 3);
  }

  /** The highest entry of a transaction below `tx`, or -1. */
  firstBelow(loc: number, tx: TxIdx): number {
    return this.below(loc, tx);
  }

  /** The highest entry of a transaction below `tx`, or -1 (lock-free). */
  private below(loc: number, tx: TxIdx): number {
    let e = Atomics.load(this.heads, loc);
    while (e !== -1 && this.i32[2 * e] >= tx) e = this.entryNext(e);
    return e;
  }

  /**
   * Resolves a read of `loc` by transaction `tx`: returns the entry of the
   * highest lower writer that is not a lazy delta, or PRESTATE; the deltas
   * walked on the way are left in `deltas`. Records the read in `rs`. A read
   * that meets an ESTIMATE throws DependencyAbort: the value is about to
   * change, and computing on it would be wasted.
   */
  resolve(loc: number, tx: TxIdx, rs: ReadSetBuilder): number {
    const deltas = this.deltas;
    deltas.length = 0;
    let e = this.below(loc, tx);
    for (;;) {
      if (e === -1) {
        rs.push(loc, PRESTATE, 0);
        return PRESTATE;
      }
      const f = this.entryFlags(e);
      if ((f & F_ESTIMATE) !== 0) throw new DependencyAbort(this.i32[2 * e]);
      if ((f & F_DELTA) === 0) {
        rs.push(loc, this.i32[2 * e], this.i32[2 * e + 1]);
        return e;
      }
      rs.push(loc, this.i32[2 * e], this.i32[2 * e + 1] | CHAIN);
      deltas.push(e);
      e = this.entryNext(e);
    }
  }

  /**
   * Publishes entry `e` (already filled, tx/incarnation/flags set) as
   * transaction `tx`'s write to `loc`, replacing its previous entry there.
   */
  publish(loc: number, e: number, tx: TxIdx): void {
    const i32 = this.i32;
    lock(this.locks, loc, this.sched, this.abortAt);
    let prev = -1;
    let cur = this.heads[loc];
    while (cur !== -1 && i32[2 * cur] > tx) {
      prev = cur;
      cur = i32[2 * cur + 3];
    }
    const next = cur !== -1 && i32[2 * cur] === tx ? i32[2 * cur + 3] : cur;
    i32[2 * e + 3] = next;
    // The store below publishes the entry: its fields were written before it.
    if (prev === -1) Atomics.store(this.heads, loc, e);
    else Atomics.store(i32, 2 * prev + 3, e);
    unlock(this.locks, loc);
  }

  /** Unlinks transaction `tx`'s entry from `loc` (its new incarnation did not write there). */
  private remove(loc: number, tx: TxIdx): void {
    const i32 = this.i32;
    lock(this.locks, loc, this.sched, this.abortAt);
    let prev = -1;
    let cur = this.heads[loc];
    while (cur !== -1 && i32[2 * cur] > tx) {
      prev = cur;
      cur = i32[2 * cur + 3];
    }
    if (cur !== -1 && i32[2 * cur] === tx) {
      const next = i32[2 * cur + 3];
      if (prev === -1) Atomics.store(this.heads, loc, next);
      else Atomics.store(i32, 2 * prev + 3, next);
    }
    unlock(this.locks, loc);
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
    const stamp = ++this.stampSeq;
    const stamps = this.stamps;
    for (let i = 0; i < wsLen; i++) stamps[ws[i]] = stamp;
    let wroteNew = false;
    const oldOff = sets[4 * tx + 2];
    const oldLen = sets[4 * tx + 3];
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
    const wOff = Atomics.add(this.ctl, WS_CURSOR, wsLen);
    if (wOff + wsLen > this.caps.writeWords) this.overflow();
    writes.set(ws.subarray(0, wsLen), wOff);
    const rLen = rs.length;
    const rOff = Atomics.add(this.ctl, RS_CURSOR, rLen);
    if (rOff + rLen > this.caps.readWords) this.overflow();
    this.reads.set(rs.words.subarray(0, rLen), rOff);
    sets[4 * tx] = rOff;
    sets[4 * tx + 1] = rLen;
    sets[4 * tx + 2] = wOff;
    sets[4 * tx + 3] = wsLen;
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
    const off = sets[4 * tx];
    const end = off + sets[4 * tx + 1];
    let i = off;
    while (i < end) {
      const loc = reads[i];
      let e = this.below(loc, tx);
      for (;;) {
        const rTx = reads[i + 1];
        const rInc = reads[i + 2];
        i += 3;
        if (rTx === PRESTATE) {
          if (e !== -1) return false;
          break;
        }
        if (e === -1 || this.i32[2 * e] !== rTx || this.i32[2 * e + 1] !== (rInc & ~CHAIN)) return false;
        if ((this.entryFlags(e) & F_ESTIMATE) !== 0) return false;
        if ((rInc & CHAIN) === 0) break;
        e = this.entryNext(e);
      }
    }
    return true;
  }

  /** After an abort: every write of `tx` becomes an ESTIMATE (kept, so readers wait rather than read stale data). */
  convertWritesToEstimates(tx: TxIdx): void {
    const sets = this.sets;
    const writes = this.writes;
    const off = sets[4 * tx + 2];
    const end = off + sets[4 * tx + 3];
    for (let i = off; i < end; i++) {
      const loc = writes[i];
      let e = Atomics.load(this.heads, loc);
      while (e !== -1 && this.i32[2 * e] > tx) e = this.entryNext(e);
      if (e !== -1 && this.i32[2 * e] === tx) Atomics.or(this.i32, 2 * e + 2, F_ESTIMATE);
    }
  }

  /** The read records of `tx`'s last incarnation: [loc, tx, inc] triples (main thread, after the block). */
  readSet(tx: TxIdx): Int32Array {
    const off = this.sets[4 * tx];
    return this.reads.subarray(off, off + this.sets[4 * tx + 1]);
  }

  /** The locations `tx`'s last incarnation wrote (main thread, after the block). */
  writeSet(tx: TxIdx): Int32Array {
    const off = this.sets[4 * tx + 2];
    return this.writes.subarray(off, off + this.sets[4 * tx + 3]);
  }

  /** Main thread, before a block: no transaction has recorded anything yet. */
  resetSets(n: number): void {
    this.sets.fill(0, 0, 4 * n);
  }

  /** Slots of the table in use this block. */
  locationCount(): number {
    return Atomics.load(this.ctl, LOC_COUNT);
  }

  /**
   * The n-th location inserted this block, or -1 if its inserter has not
   * published it yet (a reader racing the workers skips it for now).
   */
  listed(n: number): number {
    return Atomics.load(this.list, n) - 1;
  }

  /** Entry offset of the highest writer of `loc` (main thread, after the block), or -1. */
  head(loc: number): number {
    return this.heads[loc];
  }
}

/** A worker-local, growable list of read records. */
export class ReadSetBuilder {
  words = new Int32Array(3 * 256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(loc: number, tx: number, inc: number): void {
    let n = this.length;
    if (n + 3 > this.words.length) {
      const bigger = new Int32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    const w = this.words;
    w[n] = loc;
    w[n + 1] = tx;
    w[n + 2] = inc;
    this.length = n + 3;
  }
}
