/**
 * The block's pre-state in shared buffers, readable by every worker without
 * a per-block copy: an open-addressing table of accounts and storage slots
 * plus an append-only code arena. The main thread builds it once from a
 * state and updates it in place with each block's changes while the workers
 * are idle; workers only read it.
 *
 * Record layout (12 64-bit words per slot, `w` from base b = 12 * slot):
 *   ACCOUNT  w[b] nonce, w[b+1..b+4] balance, bytes of w[b+5..b+8] code hash,
 *            i32 at 2(b+9): code offset, code length; 2(b+10): storage
 *            generation, number of non-zero slots (for `hasStorage`)
 *   STORAGE  w[b..b+3] value; i32 at 2(b+4): generation
 * Wiping an account's storage (self-destruct, deletion, re-creation) bumps
 * the account's generation instead of finding its slots: a slot counts only
 * if its generation equals its account's. A deleted account stays as a
 * tombstone that keeps the generation.
 *
 * Internal module of the parallel executor.
 */
import { bytesEqual, EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY, keccak256 } from '../../primitives/keccak.js';
import type { AccountState, StateChanges } from '../../state/types.js';
import { KEY_WORDS, KIND_ACCOUNT, KeyScratch, keyEquals, pow2AtLeast, storeKey } from './keys.js';
import { readU256, writeU256 } from './words.js';

const EMPTY = 0;
const LIVE = 1;
const TOMBSTONE = 2;
export const PRE_WORDS = 12;

/** What the table is built from: the shape of MemoryState.accounts(). */
export interface StateSnapshot {
  accounts(): Iterable<[bigint, { nonce: bigint; balance: bigint; codeHash: Uint8Array; code: Uint8Array; storage: Map<bigint, bigint> }]>;
}

export interface PreStateBuffers {
  slots: number;
  tags: SharedArrayBuffer;
  keys: SharedArrayBuffer;
  vals: SharedArrayBuffer;
  code: SharedArrayBuffer;
}

/** Read access for workers. */
export class PreStateReader {
  protected readonly tags: Int32Array;
  protected readonly keys: Uint32Array;
  readonly w64: BigUint64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly code: Uint8Array;
  protected readonly mask: number;
  /** code offset -> code view, so repeated reads hand the EVM the same array (its analysis cache). */
  private readonly codeViews = new Map<number, Uint8Array>();
  /** code offset -> code hash copy. */
  private readonly hashViews = new Map<number, Uint8Array>();

  constructor(readonly buffers: PreStateBuffers) {
    this.tags = new Int32Array(buffers.tags);
    this.keys = new Uint32Array(buffers.keys);
    this.w64 = new BigUint64Array(buffers.vals);
    this.i32 = new Int32Array(buffers.vals);
    this.u8 = new Uint8Array(buffers.vals);
    this.code = new Uint8Array(buffers.code);
    this.mask = buffers.slots - 1;
  }

  /** The slot holding the scratch's key (live or tombstone), or -1. */
  find(s: KeyScratch): number {
    const tags = this.tags;
    let i = s.hash & this.mask;
    for (;;) {
      const t = tags[i];
      if (t === EMPTY) return -1;
      if (keyEquals(this.keys, i * KEY_WORDS, s)) return i;
      i = (i + 1) & this.mask;
    }
  }

  isLive(slot: number): boolean {
    return this.tags[slot] === LIVE;
  }

  /** The account in `slot` (found with an ACCOUNT key), or undefined. */
  account(slot: number): AccountState | undefined {
    if (slot < 0 || this.tags[slot] !== LIVE) return undefined;
    const b = slot * PRE_WORDS;
    const off = this.i32[2 * (b + 9)];
    const len = this.i32[2 * (b + 9) + 1];
    return { nonce: this.w64[b], balance: readU256(this.w64, this.i32, b + 1), codeHash: this.codeHashOf(slot), code: this.codeAt(off, len) };
  }

  /** [code offset, code length] of the account in `slot`. */
  codeRef(slot: number): [number, number] {
    const b = slot * PRE_WORDS;
    return [this.i32[2 * (b + 9)], this.i32[2 * (b + 9) + 1]];
  }

  /** The storage generation of an account slot (-1: no record, meaning 0). */
  generation(accountSlot: number): number {
    return accountSlot < 0 ? 0 : this.i32[2 * (accountSlot * PRE_WORDS + 10)];
  }

  /** Whether the account in `slot` has a non-zero storage slot (EIP-7610). */
  hasStorage(accountSlot: number): boolean {
    return accountSlot >= 0 && this.i32[2 * (accountSlot * PRE_WORDS + 10) + 1] > 0;
  }

  /** A slot's value if its record matches generation `gen`, else 0n. */
  storage(slot: number, gen: number): bigint {
    if (slot < 0 || this.tags[slot] !== LIVE) return 0n;
    const b = slot * PRE_WORDS;
    if (this.i32[2 * (b + 4)] !== gen) return 0n;
    return readU256(this.w64, this.i32, b);
  }

  /** The code hash of the account in `slot` (shared per code; KECCAK_EMPTY without code). */
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

  /** Code bytes at an offset of the arena (zero-copy: the arena is append-only). */
  codeAt(off: number, len: number): Uint8Array {
    if (len === 0) return EMPTY_BYTES;
    let v = this.codeViews.get(off);
    if (v === undefined) {
      v = this.code.subarray(off, off + len);
      this.codeViews.set(off, v);
    }
    return v;
  }
}

/** The main thread's side: build, update in place, grow. */
export class PreStateTable extends PreStateReader {
  private used = 0;
  private codeCursor = 0;
  /** code hash (hex) -> arena offset: each distinct code is stored once. */
  private readonly codeIndex = new Map<string, number>();
  private readonly s = new KeyScratch();

  static create(slots: number, codeBytes: number): PreStateTable {
    const n = pow2AtLeast(slots);
    return new PreStateTable({
      slots: n,
      tags: new SharedArrayBuffer(4 * n),
      keys: new SharedArrayBuffer(4 * KEY_WORDS * n),
      vals: new SharedArrayBuffer(8 * PRE_WORDS * n),
      code: new SharedArrayBuffer(Math.max(1024, codeBytes)),
    });
  }

  /** A table holding `state`, sized with room to grow. */
  static fromState(state: StateSnapshot): PreStateTable {
    let entries = 0;
    let codeBytes = 0;
    for (const [, acct] of state.accounts()) {
      entries += 1 + acct.storage.size;
      codeBytes += acct.code.length;
    }
    const table = PreStateTable.create(Math.max(1024, entries * 4), codeBytes * 2 + 65536);
    table.load(state);
    return table;
  }

  private load(state: StateSnapshot): void {
    for (const [address, acct] of state.accounts()) {
      const slot = this.upsertAccount(address, acct.nonce, acct.balance, acct.code, acct.codeHash);
      const gen = this.generation(slot);
      for (const [key, value] of acct.storage) if (value !== 0n) this.putStorage(slot, address, key, value, gen);
    }
  }

  /** Whether applying about `more` new records keeps the table healthy and the code fits. */
  hasRoom(moreRecords: number, moreCode: number): boolean {
    return (this.used + moreRecords) * 2 <= this.buffers.slots && this.codeCursor + moreCode <= this.code.length;
  }

  private claim(s: KeyScratch): number {
    const tags = this.tags;
    let i = s.hash & this.mask;
    let firstTomb = -1;
    for (;;) {
      const t = tags[i];
      if (t === EMPTY) break;
      if (keyEquals(this.keys, i * KEY_WORDS, s)) return i;
      if (t === TOMBSTONE && firstTomb === -1) firstTomb = i;
      i = (i + 1) & this.mask;
    }
    // Reusing a tombstone of another key keeps probe chains short.
    const at = firstTomb !== -1 && tags[firstTomb] === TOMBSTONE && !this.isAccountTomb(firstTomb) ? firstTomb : i;
    if (at === i) this.used++;
    storeKey(this.keys, at * KEY_WORDS, s);
    this.w64.fill(0n, at * PRE_WORDS, at * PRE_WORDS + PRE_WORDS);
    tags[at] = TOMBSTONE;
    return at;
  }

  /** Account tombstones carry a generation and must not be reused for other keys. */
  private isAccountTomb(slot: number): boolean {
    return this.keys[slot * KEY_WORDS + 5] === KIND_ACCOUNT;
  }

  private storeCode(code: Uint8Array, codeHash: Uint8Array | undefined): number {
    const hash = codeHash ?? keccak256(code);
    const hex = Buffer.from(hash.buffer, hash.byteOffset, 32).toString('hex');
    const known = this.codeIndex.get(hex);
    if (known !== undefined && bytesEqual(this.code.subarray(known, known + code.length), code)) return known;
    if (this.codeCursor + code.length > this.code.length) throw new RangeError('pre-state code arena full');
    const off = this.codeCursor;
    this.code.set(code, off);
    this.codeCursor += code.length;
    this.codeIndex.set(hex, off);
    return off;
  }

  private upsertAccount(address: bigint, nonce: bigint, balance: bigint, code: Uint8Array | undefined, codeHash: Uint8Array | undefined): number {
    this.s.setAccount(KIND_ACCOUNT, address);
    const slot = this.claim(this.s);
    const b = slot * PRE_WORDS;
    this.w64[b] = nonce;
    writeU256(this.w64, b + 1, balance);
    if (code !== undefined) {
      const len = code.length;
      const off = len === 0 ? 0 : this.storeCode(code, codeHash);
      this.i32[2 * (b + 9)] = off;
      this.i32[2 * (b + 9) + 1] = len;
      this.u8.set(len === 0 ? KECCAK_EMPTY : (codeHash ?? keccak256(code)), (b + 5) * 8);
    } else if (this.tags[slot] !== LIVE) {
      // A new or revived account without code: empty code.
      this.i32[2 * (b + 9)] = 0;
      this.i32[2 * (b + 9) + 1] = 0;
      this.u8.set(KECCAK_EMPTY, (b + 5) * 8);
    }
    this.tags[slot] = LIVE;
    return slot;
  }

  /** Sets a slot of the account in `accountSlot` (generation `gen`), keeping its slot count. */
  private putStorage(accountSlot: number, address: bigint, key: bigint, value: bigint, gen: number): void {
    this.s.setStorage(address, key);
    const countAt = 2 * (accountSlot * PRE_WORDS + 10) + 1;
    const found = this.find(this.s);
    const had = found >= 0 && this.tags[found] === LIVE && this.i32[2 * (found * PRE_WORDS + 4)] === gen;
    if (value === 0n) {
      if (found >= 0) this.tags[found] = TOMBSTONE;
      if (had) this.i32[countAt]--;
      return;
    }
    const slot = found >= 0 ? found : this.claim(this.s);
    const b = slot * PRE_WORDS;
    writeU256(this.w64, b, value);
    this.i32[2 * (b + 4)] = gen;
    this.tags[slot] = LIVE;
    if (!had) this.i32[countAt]++;
  }

  /** Bumps an account's storage generation, creating a tombstone record if it has none. */
  private wipeStorage(address: bigint): number {
    this.s.setAccount(KIND_ACCOUNT, address);
    let slot = this.find(this.s);
    if (slot < 0) slot = this.claim(this.s);
    const at = 2 * (slot * PRE_WORDS + 10);
    this.i32[at] = this.i32[at] + 1;
    this.i32[at + 1] = 0;
    return slot;
  }

  /**
   * Applies a block's combined changes (the same ones applied to the state).
   * Returns false, changing nothing, when they do not fit: rebuild instead.
   */
  applyChanges(changes: StateChanges): boolean {
    let records = 0;
    let code = 0;
    for (const ch of changes.values()) {
      records += 1 + ch.storage.size;
      if (ch.code !== undefined) code += ch.code.length;
    }
    if (!this.hasRoom(records, code)) return false;
    for (const [address, ch] of changes) {
      if (ch.deleted) {
        const slot = this.wipeStorage(address);
        this.tags[slot] = TOMBSTONE;
        continue;
      }
      if (ch.storageCleared) this.wipeStorage(address);
      const slot = this.upsertAccount(address, ch.nonce, ch.balance, ch.code, ch.codeHash);
      const gen = this.generation(slot);
      for (const [key, value] of ch.storage) this.putStorage(slot, address, key, value, gen);
    }
    return true;
  }
}
