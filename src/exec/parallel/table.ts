/**
 * The location table: one open-addressing hash table in shared buffers that
 * is both the block's pre-state and the multi-version memory's registry of
 * locations. A location (ACCOUNT, STORAGE, CLEAR or MARK key, see keys.ts)
 * keeps the same slot for the table's life, so one probe finds both its
 * pre-state value and the head of its version list.
 *
 * Lifecycle. The main thread builds the table once from a state. During a
 * block, workers read it and insert the locations they meet that it lacks
 * (absent accounts, zero slots: CAS on the slot's tag). After the block the
 * workers commit the final versions into the pre-state values in parallel
 * (engine.ts), so the next block reads an up-to-date table and the main
 * thread never copies or updates it. Deleted accounts and zeroed slots keep
 * their slots; a rebuild (on growth, or after a block that could not be
 * committed) drops them.
 *
 * Per-slot pre-state record, PRE_WORDS 64-bit words from b = slot * PRE_WORDS:
 *   ACCOUNT  w[b] nonce, w[b+1..b+4] balance, bytes of w[b+5..b+8] code hash,
 *            i32 2(b+9): code offset, length; 2(b+10): storage generation,
 *            non-zero slot count; 2(b+11): exists; 2(b+12): epoch and
 *            transaction of the block's last wipe (set by the commit)
 *   STORAGE  w[b..b+3] value; i32 2(b+4): generation
 * Wiping an account's storage bumps its generation instead of visiting its
 * slots: a slot counts only if its generation equals its account's.
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY, keccak256 } from '../../primitives/keccak.js';
import type { AccountChange, AccountState, StateChanges } from '../../state/types.js';
import { KEY_WORDS, KIND_ACCOUNT, KeyScratch, keyAddress, keyEquals, keyKind, keySlot, pow2AtLeast, storeKey, TAG_WORD } from './keys.js';
import { ABORT_CAPACITY, BlockAborted } from './types.js';
import { readU256, writeU256 } from './words.js';
import { accountState } from './account.js';

const EMPTY = 0;
const CLAIMED = 1;
/** Inserts a thread counts locally before adding them to the shared USED word. */
const USED_BATCH = 64;
const READY = 2;
export const PRE_WORDS = 13;

// Control words.
const USED = 0;
const CODE_CURSOR = 1;
/** Nonzero: a commit could not be completed; rebuild before the next block. */
const STALE = 2;
/** The current block's epoch (version lists are valid only with this epoch). */
export const EPOCH = 3;
/** Bumped by `restore`: code offsets may then be reused, so per-thread code caches are dropped. */
const RESTORES = 4;
/**
 * Set by `restore`: the per-thread code caches may keep their views of code
 * below this arena offset (0: keep none). Non-zero when the snapshot put
 * back is the one last taken or put back: below its code cursor the arena
 * then holds the same bytes as when the views were made (it is append-only
 * between restores), and a benchmark replaying one block keeps its threads'
 * code analyses (analysis.ts caches them by the view) from run to run, as a
 * node's next block does.
 */
const KEEP_CODE_BELOW = 5;

/** An account as `accountsInTable` reads it back. */
export interface TableAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  code: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** What a table is built from: the shape of MemoryState.accounts(). */
export interface StateSnapshot {
  accounts(): Iterable<[bigint, { nonce: bigint; balance: bigint; codeHash: Uint8Array; code: Uint8Array; storage: Map<bigint, bigint> }]>;
}

export interface TableBuffers {
  slots: number;
  ctl: SharedArrayBuffer;
  /** Per slot KEY_WORDS words: the key, and its tag at TAG_WORD. */
  keys: SharedArrayBuffer;
  vals: SharedArrayBuffer;
  /** Multi-version memory, MV_WORDS per slot (together: one cache line for four slots): head entry, its epoch, a lock. */
  mv: SharedArrayBuffer;
  /**
   * One Int32 per slot: how many times the ordered mode (ordered-lane.ts)
   * has published the location during a block, bumped to odd before the
   * write and to even after it (a seqlock). A speculative read remembers
   * the count it saw; the commit accepts it only if the count is the same.
   */
  vers: SharedArrayBuffer;
  code: SharedArrayBuffer;
}

/** Int32 words per slot in `mv`, and their places. */
export const MV_WORDS = 4;
export const MV_HEAD = 0;
export const MV_EPOCH = 1;
export const MV_LOCK = 2;
/**
 * The last epoch in which the location got a full (non-credit) version or a
 * lazy credit of it became an ESTIMATE (deltas.ts): before that, in a
 * block, every version is a valid credit, so a code-only read needs no walk.
 */
export const MV_FULL = 3;

export class LocationTable {
  readonly ctl: Int32Array;
  /** The keys array as Int32 (tags, for Atomics). */
  private readonly tags: Int32Array;
  readonly keys: Uint32Array;
  readonly w64: BigUint64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** MV_WORDS per slot: version list head, its epoch, lock, MV_FULL. */
  readonly mvw: Int32Array;
  /** Publication counts (see TableBuffers.vers). */
  readonly vers: Int32Array;
  readonly code: Uint8Array;
  private readonly mask: number;
  /** Inserting past this many slots aborts the block (probing degrades). */
  private readonly limit: number;
  /** code offset -> view, and -> hash: repeated reads hand the EVM the same arrays (its analysis cache). */
  private readonly codeViews = new Map<number, Uint8Array>();
  private readonly hashViews = new Map<number, Uint8Array>();

  constructor(readonly buffers: TableBuffers) {
    this.ctl = new Int32Array(buffers.ctl);
    this.tags = new Int32Array(buffers.keys);
    this.keys = new Uint32Array(buffers.keys);
    this.w64 = new BigUint64Array(buffers.vals);
    this.i32 = new Int32Array(buffers.vals);
    this.u8 = new Uint8Array(buffers.vals);
    this.mvw = new Int32Array(buffers.mv);
    this.vers = new Int32Array(buffers.vers);
    this.code = new Uint8Array(buffers.code);
    this.mask = buffers.slots - 1;
    this.limit = (buffers.slots >> 2) * 3;
  }

  static allocate(slots: number, codeBytes: number): LocationTable {
    const n = pow2AtLeast(slots);
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    return new LocationTable({
      slots: n, ctl: sab(64), keys: sab(4 * KEY_WORDS * n), vals: sab(8 * PRE_WORDS * n), mv: sab(4 * MV_WORDS * n),
      vers: sab(4 * n), code: sab(Math.max(1024, codeBytes)),
    });
  }

  /**
   * A table holding `state`, with room for `spare` more locations. `small`:
   * sized to the state alone (a test's few accounts), not to the executor's
   * floor of 65,536 slots and 1 MB of code (13 MB to allocate and zero).
   */
  static fromState(state: StateSnapshot, spare: number, small = false): LocationTable {
    let records = 0;
    let codeBytes = 0;
    for (const [, a] of state.accounts()) {
      records += 1 + a.storage.size;
      codeBytes += a.code.length;
    }
    const t = small
      ? LocationTable.allocate(2 * (records + spare), 2 * codeBytes + (1 << 16))
      : LocationTable.allocate(Math.max(1 << 16, 2 * (records + spare)), 2 * codeBytes + (1 << 20));
    const s = new KeyScratch();
    const codeIndex = new Map<string, number>();
    for (const [address, a] of state.accounts()) {
      s.setAccount(KIND_ACCOUNT, address);
      const slot = t.locate(s);
      t.putAccount(slot, a.nonce, a.balance, a.code, a.codeHash, codeIndex);
      const countAt = 2 * (slot * PRE_WORDS + 10) + 1;
      for (const [key, value] of a.storage) {
        if (value === 0n) continue;
        s.setStorage(address, key);
        writeU256(t.w64, t.locate(s) * PRE_WORDS, value);
        t.i32[countAt]++;
      }
    }
    t.flushUsed();
    return t;
  }

  private putAccount(slot: number, nonce: bigint, balance: bigint, code: Uint8Array, codeHash: Uint8Array, index: Map<string, number>): void {
    const b = slot * PRE_WORDS;
    this.w64[b] = nonce;
    writeU256(this.w64, b + 1, balance);
    this.u8.set(code.length === 0 ? KECCAK_EMPTY : codeHash, (b + 5) * 8);
    if (code.length > 0) {
      const hex = Buffer.from(codeHash.buffer, codeHash.byteOffset, 32).toString('hex');
      let off = index.get(hex);
      if (off === undefined) {
        off = this.appendCode(code);
        index.set(hex, off);
      }
      this.i32[2 * (b + 9)] = off;
    }
    this.i32[2 * (b + 9) + 1] = code.length;
    this.i32[2 * (b + 11)] = 1;
  }

  /** Appends code to the arena (any thread); -1 when it is full. */
  appendCode(code: Uint8Array): number {
    const off = Atomics.add(this.ctl, CODE_CURSOR, code.length);
    if (off + code.length > this.code.length) return -1;
    this.code.set(code, off);
    return off;
  }

  /** The slot of the scratch's location, inserting it (pre-state: absent, zero) on first sight. Any thread. */
  locate(s: KeyScratch): number {
    const tags = this.tags;
    const keys = this.keys;
    let i = s.hash & this.mask;
    for (;;) {
      const at = i * KEY_WORDS + TAG_WORD;
      let t = Atomics.load(tags, at);
      if (t === EMPTY) {
        if (Atomics.compareExchange(tags, at, EMPTY, CLAIMED) === EMPTY) {
          // Counted in batches: the shared counter is a hot line when every worker inserts.
          if (++this.pendingUsed === USED_BATCH) this.flushUsed();
          storeKey(keys, i * KEY_WORDS, s);
          Atomics.store(tags, at, READY);
          return i;
        }
        t = Atomics.load(tags, at);
      }
      // Claimed but its key not yet written: the claimer is a few stores away.
      while (t === CLAIMED) t = Atomics.load(tags, at);
      if (keyEquals(keys, i * KEY_WORDS, s)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts this thread has not added to USED yet. */
  private pendingUsed = 0;

  /** Adds this thread's pending inserts to the shared count; aborts the block past the limit. */
  flushUsed(): void {
    const n = this.pendingUsed;
    this.pendingUsed = 0;
    if (n !== 0 && Atomics.add(this.ctl, USED, n) + n > this.limit) throw new BlockAborted(ABORT_CAPACITY);
  }

  private restoresSeen = 0;

  /** Every thread, at the start of a block: forget cached code views if the table was restored. */
  begin(): void {
    const r = Atomics.load(this.ctl, RESTORES);
    if (r !== this.restoresSeen) {
      this.restoresSeen = r;
      this.dropCaches(Atomics.load(this.ctl, KEEP_CODE_BELOW));
    }
  }

  /** Forgets the cached views of code (and code hashes) that do not lie wholly below arena offset `keepBelow`. */
  private dropCaches(keepBelow = 0): void {
    if (keepBelow === 0) {
      this.codeViews.clear();
      this.hashViews.clear();
      return;
    }
    for (const [off, v] of this.codeViews) if (off + v.length > keepBelow) this.codeViews.delete(off);
    for (const off of this.hashViews.keys()) if (off >= keepBelow) this.hashViews.delete(off);
  }

  /** The snapshot last taken or put back (restore: KEEP_CODE_BELOW). */
  private lastSnapshot: Uint8Array[] | undefined;

  /** Slots in use (as counted so far). */
  get used(): number {
    return Atomics.load(this.ctl, USED) + this.pendingUsed;
  }

  /** Whether `more` locations fit before the block starts. */
  hasRoom(more: number): boolean {
    return this.used + more <= this.limit && this.ctl[CODE_CURSOR] * 2 <= this.code.length;
  }

  get stale(): boolean {
    return Atomics.load(this.ctl, STALE) !== 0;
  }

  markStale(): void {
    Atomics.store(this.ctl, STALE, 1);
  }

  /** A copy of the pre-state part (for replaying a block in benchmarks). */
  snapshot(): Uint8Array[] {
    const b = this.buffers;
    const snap = [b.ctl, b.keys, b.vals, b.code].map((x) => new Uint8Array(x).slice());
    this.lastSnapshot = snap;
    return snap;
  }

  /**
   * Puts a snapshot back into the same buffers (workers keep their views).
   * The epoch moves on, so version lists stay empty.
   */
  restore(snap: Uint8Array[]): void {
    const b = this.buffers;
    const epoch = this.ctl[EPOCH];
    const restores = this.ctl[RESTORES];
    [b.ctl, b.keys, b.vals, b.code].forEach((x, i) => new Uint8Array(x).set(snap[i]));
    this.ctl[EPOCH] = epoch;
    this.ctl[KEEP_CODE_BELOW] = snap === this.lastSnapshot ? this.ctl[CODE_CURSOR] : 0;
    this.ctl[RESTORES] = restores + 1;
    this.lastSnapshot = snap;
    this.pendingUsed = 0;
    this.dropCaches(this.ctl[KEEP_CODE_BELOW]);
  }

  /** Main thread, before a block: a new epoch (every version list starts empty). */
  nextEpoch(): number {
    this.ctl[EPOCH] = this.ctl[EPOCH] + 1;
    return this.ctl[EPOCH];
  }

  // ---- pre-state reads (workers) ----

  /** The account in ACCOUNT slot `slot` as of the block's start, or undefined. */
  account(slot: number): AccountState | undefined {
    const b = slot * PRE_WORDS;
    const i32 = this.i32;
    if (i32[2 * (b + 11)] === 0) return undefined;
    const nonce = (i32[2 * b] | i32[2 * b + 1]) === 0 ? 0n : this.w64[b];
    if (i32[2 * (b + 9) + 1] === 0) return accountState(nonce, readU256(this.w64, i32, b + 1), EMPTY_BYTES, KECCAK_EMPTY);
    return accountState(nonce, readU256(this.w64, i32, b + 1), this.codeOf(slot), this.codeHashOf(slot));
  }

  codeOf(slot: number): Uint8Array {
    const b = slot * PRE_WORDS;
    return this.codeAt(this.i32[2 * (b + 9)], this.i32[2 * (b + 9) + 1]);
  }

  codeOffset(slot: number): number {
    return this.i32[2 * (slot * PRE_WORDS + 9)];
  }

  /** Whether the account in ACCOUNT slot `slot` exists at the block's start. */
  exists(slot: number): boolean {
    return this.i32[2 * (slot * PRE_WORDS + 11)] !== 0;
  }

  codeLength(slot: number): number {
    return this.i32[2 * (slot * PRE_WORDS + 9) + 1];
  }

  /** [code offset, code length] of the account in `slot`. */
  codeRef(slot: number): [number, number] {
    const b = slot * PRE_WORDS;
    return [this.i32[2 * (b + 9)], this.i32[2 * (b + 9) + 1]];
  }

  codeHashOf(slot: number): Uint8Array {
    const b = slot * PRE_WORDS;
    if (this.i32[2 * (b + 9) + 1] === 0) return KECCAK_EMPTY;
    const off = this.i32[2 * (b + 9)];
    let h = this.hashViews.get(off);
    if (h === undefined) {
      h = this.u8.slice((b + 5) * 8, (b + 5) * 8 + 32);
      this.hashViews.set(off, h);
    }
    return h;
  }

  /**
   * The hash of the code at arena offset `off`, as one array per offset:
   * from the cache, else copied out of `bytes` at `at` (32 bytes).
   */
  hashAt(off: number, bytes: Uint8Array, at: number): Uint8Array {
    let h = this.hashViews.get(off);
    if (h === undefined) {
      h = bytes.slice(at, at + 32);
      this.hashViews.set(off, h);
    }
    return h;
  }

  /** Code bytes at an offset of the arena (zero-copy: the arena is append-only). */
  codeAt(off: number, len: number): Uint8Array {
    if (len === 0) return EMPTY_BYTES;
    let v = this.codeViews.get(off);
    if (v === undefined || v.length !== len) {
      v = this.code.subarray(off, off + len);
      this.codeViews.set(off, v);
    }
    return v;
  }

  /** The storage generation of the account in ACCOUNT slot `slot`. */
  generation(slot: number): number {
    return this.i32[2 * (slot * PRE_WORDS + 10)];
  }

  /** Whether the account in `slot` has a non-zero storage slot (EIP-7610). */
  hasStorage(slot: number): boolean {
    return this.i32[2 * (slot * PRE_WORDS + 10) + 1] > 0;
  }

  /**
   * Every existing account with its non-zero slots, read from the table
   * alone (main thread, no block running): what a state root is computed
   * from. One pass over the slots; a slot counts only under its account's
   * current generation (a wipe bumps the generation, not the slots).
   */
  accountsInTable(): Map<bigint, TableAccount> {
    const out = new Map<bigint, TableAccount>();
    const keys = this.keys;
    // Each account's storage generation, from the first pass (its slots are checked against it after).
    const generations = new Map<bigint, number>();
    const slots: number[] = [];
    for (let slot = 0; slot <= this.mask; slot++) {
      const base = slot * KEY_WORDS;
      if (keys[base + TAG_WORD] !== READY) continue;
      if (keyKind(keys, base) !== KIND_ACCOUNT) {
        slots.push(slot);
        continue;
      }
      const a = this.account(slot);
      if (a === undefined) continue;
      const address = keyAddress(keys, base);
      out.set(address, { nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, code: a.code, storage: new Map() });
      generations.set(address, this.generation(slot));
    }
    for (const slot of slots) {
      const base = slot * KEY_WORDS;
      const address = keyAddress(keys, base);
      const gen = generations.get(address);
      if (gen === undefined) continue;
      const value = this.storage(slot, gen);
      if (value !== 0n) out.get(address)!.storage.set(keySlot(keys, base), value);
    }
    return out;
  }

  /** A STORAGE slot's value if its generation is `gen`, else 0n. */
  storage(slot: number, gen: number): bigint {
    const b = slot * PRE_WORDS;
    if (this.i32[2 * (b + 4)] !== gen) return 0n;
    return readU256(this.w64, this.i32, b);
  }

  /**
   * Main thread: applies a block's combined changes (a block that ran
   * sequentially; no worker running). The caller checked `hasRoom`.
   */
  applyChanges(changes: StateChanges): void {
    for (const [address, ch] of changes) this.applyAccountChange(address, ch);
    this.flushUsed();
  }

  /** Scratch key for the main thread's `applyAccountChange`. */
  private readonly scratch = new KeyScratch();

  /**
   * One account's change, written by the main thread: after a sequential
   * block (applyChanges), or while workers read the table in the ordered
   * mode (ordered-commit.ts). `slot` and `storageSlots` are the account's
   * and its written slots' table slots where known (-1: look them up).
   * Each location written has its publication count (`vers`) bumped to odd
   * before the write and to even after; an account whose storage alone
   * changed keeps its record and count (every reader running its code would
   * otherwise see it change), unless "has storage" (EIP-7610) flips.
   * Returns false when new code did not fit (the table is marked stale).
   */
  applyAccountChange(address: bigint, ch: AccountChange, slot = -1, storageSlots?: readonly number[]): boolean {
    const s = this.scratch;
    const vers = this.vers;
    const i32 = this.i32;
    if (slot < 0) {
      s.setAccount(KIND_ACCOUNT, address);
      slot = this.locate(s);
    }
    const b = slot * PRE_WORDS;
    const storageOnly =
      ch.storage.size > 0 && !ch.deleted && !ch.storageCleared && ch.code === undefined && i32[2 * (b + 11)] !== 0 && this.w64[b] === ch.nonce &&
      readU256(this.w64, i32, b + 1) === ch.balance;
    if (!storageOnly) {
      Atomics.add(vers, slot, 1);
      const ok = this.writeAccount(slot, ch);
      Atomics.add(vers, slot, 1);
      if (!ok) return false;
    }
    const countAt = 2 * (b + 10) + 1;
    const hadStorage = i32[countAt] > 0;
    let k = 0;
    for (const [key, value] of ch.storage) {
      let ss = storageSlots !== undefined && k < storageSlots.length ? storageSlots[k] : -1;
      k++;
      if (ss < 0) {
        s.setStorage(address, key);
        ss = this.locate(s);
      }
      Atomics.add(vers, ss, 1);
      this.commitStorage(ss, slot, value);
      Atomics.add(vers, ss, 1);
    }
    if (storageOnly && hadStorage !== i32[countAt] > 0) Atomics.add(vers, slot, 2);
    return true;
  }

  /** The account record part of `applyAccountChange`. */
  private writeAccount(slot: number, ch: AccountChange): boolean {
    const b = slot * PRE_WORDS;
    const i32 = this.i32;
    if (ch.deleted || ch.storageCleared) {
      i32[2 * (b + 10)] = i32[2 * (b + 10)] + 1;
      i32[2 * (b + 10) + 1] = 0;
    }
    if (ch.deleted) {
      this.commitAccount(slot, undefined, 0, 0);
    } else if (ch.code !== undefined) {
      const off = ch.code.length === 0 ? 0 : this.appendCode(ch.code);
      if (off < 0) {
        this.markStale();
        return false;
      }
      this.commitAccount(slot, { nonce: ch.nonce, balance: ch.balance, codeHash: ch.codeHash ?? codeHash(ch.code) }, off, ch.code.length);
    } else {
      if (i32[2 * (b + 11)] === 0) {
        // Absent before (or deleted): no code.
        i32[2 * (b + 9)] = 0;
        i32[2 * (b + 9) + 1] = 0;
      }
      this.w64[b] = ch.nonce;
      writeU256(this.w64, b + 1, ch.balance);
      i32[2 * (b + 11)] = 1;
    }
    return true;
  }

  // ---- commit (workers, after a block; see engine.ts) ----

  /** A wipe by transaction `tx` of the account in ACCOUNT slot `slot`: new generation, no slots. */
  commitWipe(slot: number, epoch: number, tx: number): void {
    const b = 2 * (slot * PRE_WORDS);
    this.i32[b + 20] = this.i32[b + 20] + 1;
    this.i32[b + 21] = 0;
    this.i32[b + 24] = epoch;
    this.i32[b + 25] = tx;
  }

  /** The transaction that wiped the account in `slot` in block `epoch`, or -1. */
  wipedAt(slot: number, epoch: number): number {
    const b = 2 * (slot * PRE_WORDS);
    return this.i32[b + 24] === epoch ? this.i32[b + 25] : -1;
  }

  /** The final account (undefined: deleted). `codeOff` -1: code that did not fit (table stale). */
  commitAccount(slot: number, state: Omit<AccountState, 'code'> | undefined, codeOff: number, codeLen: number): void {
    const b = slot * PRE_WORDS;
    if (state === undefined) {
      this.i32[2 * (b + 11)] = 0;
      return;
    }
    this.w64[b] = state.nonce;
    writeU256(this.w64, b + 1, state.balance);
    // Readers take KECCAK_EMPTY for code of length 0: no hash to copy then.
    if (codeLen > 0) this.u8.set(state.codeHash, (b + 5) * 8);
    this.i32[2 * (b + 9)] = codeOff;
    this.i32[2 * (b + 9) + 1] = codeLen;
    this.i32[2 * (b + 11)] = 1;
  }

  /** Adds `amount` (> 0) to the balance of the account in `slot`, creating it (nonce 0, no code) if absent. */
  credit(slot: number, amount: bigint): void {
    const b = slot * PRE_WORDS;
    if (this.i32[2 * (b + 11)] === 0) this.commitAccount(slot, { nonce: 0n, balance: amount, codeHash: KECCAK_EMPTY }, 0, 0);
    else writeU256(this.w64, b + 1, readU256(this.w64, this.i32, b + 1) + amount);
  }

  /**
   * The final account from a multi-version ACCOUNT entry's words: `src[at..]`
   * holds nonce (2 words), balance (8) and code hash (8), laid out as the
   * pre-state record's first 18 words.
   */
  commitAccountWords(slot: number, src: Int32Array, at: number, codeOff: number, codeLen: number): void {
    const b = 2 * slot * PRE_WORDS;
    const v = this.i32;
    for (let i = 0; i < 18; i++) v[b + i] = src[at + i];
    v[b + 18] = codeOff;
    v[b + 19] = codeLen;
    v[b + 22] = 1;
  }

  /** `commitSlot` from the value's 8 words at `src[at..]`. */
  commitSlotWords(slot: number, gen: number, src: Int32Array, at: number): number {
    const i = 2 * slot * PRE_WORDS;
    const v = this.i32;
    const had = v[i + 8] === gen && (v[i] | v[i + 1] | v[i + 2] | v[i + 3] | v[i + 4] | v[i + 5] | v[i + 6] | v[i + 7]) !== 0;
    let nonZero = 0;
    for (let k = 0; k < 8; k++) nonZero |= v[i + k] = src[at + k];
    v[i + 8] = gen;
    return (nonZero !== 0 ? 1 : 0) - (had ? 1 : 0);
  }

  /**
   * A slot's final value, in the current generation of its account (ACCOUNT
   * slot `acct`), keeping the account's non-zero slot count.
   */
  commitStorage(slot: number, acct: number, value: bigint): void {
    const delta = this.commitSlot(slot, this.generation(acct), value);
    if (delta !== 0) this.addSlotCount(acct, delta);
  }

  /** Writes a slot in generation `gen`; returns the change in its account's non-zero slot count. */
  commitSlot(slot: number, gen: number, value: bigint): number {
    const b = slot * PRE_WORDS;
    const v = this.i32;
    const i = 2 * b;
    const had = v[i + 8] === gen && (v[i] | v[i + 1] | v[i + 2] | v[i + 3] | v[i + 4] | v[i + 5] | v[i + 6] | v[i + 7]) !== 0;
    writeU256(this.w64, b, value);
    this.i32[2 * (b + 4)] = gen;
    return (value !== 0n ? 1 : 0) - (had ? 1 : 0);
  }

  /** Atomically (several workers commit slots of one account). */
  addSlotCount(acct: number, delta: number): void {
    Atomics.add(this.i32, 2 * (acct * PRE_WORDS + 10) + 1, delta);
  }
}

/** keccak of code, KECCAK_EMPTY for none. */
export function codeHash(code: Uint8Array): Uint8Array {
  return code.length === 0 ? KECCAK_EMPTY : keccak256(code);
}
