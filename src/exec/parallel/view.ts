/**
 * What the EVM sees while a worker runs transaction `tx`: a StateReader over
 * the multi-version memory, falling back to the shared pre-state. Every read
 * resolves to the highest lower writer and is recorded in the read set; a
 * read that meets an ESTIMATE throws DependencyAbort out of the interpreter.
 * After the EVM returns, `writeResult` turns the transaction's StateChanges
 * into multi-version entries.
 *
 * Storage reads check the account's CLEAR location first: a slot written
 * before the latest wipe of its account (self-destruct, re-creation) reads 0.
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import type { AccountState, StateChanges, StateReader } from '../../state/types.js';
import { ABSENT, applyFee, type AccountRead } from './coinbase.js';
import { KIND_ACCOUNT, KIND_CLEAR, KIND_MARK, KeyScratch } from './keys.js';
import {
  CODE_EMPTY, CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_DELTA, F_WRITE, PRESTATE, ReadSetBuilder, WORDS_ACCOUNT, WORDS_CLEAR,
  WORDS_DELTA, WORDS_STORAGE, type MVMemory,
} from './mv-memory.js';
import type { PreStateReader } from './prestate.js';
import type { Incarnation, TxIdx } from './types.js';
import { readU256, writeU256 } from './words.js';

export class TxView implements StateReader {
  tx: TxIdx = 0;
  incarnation: Incarnation = 0;
  readonly rs = new ReadSetBuilder();
  /** Locations written by the last `writeResult`. */
  ws = new Int32Array(64);
  wsLen = 0;
  /** Set when this incarnation saw something only sequential execution handles exactly. */
  needsSequential = false;
  private readonly s = new KeyScratch();
  private readonly accounts = new Map<bigint, AccountRead>();
  /** address -> the highest lower transaction that wiped its storage, or -1. */
  private readonly clears = new Map<bigint, number>();
  /** address -> pre-state storage generation (fixed for the block). */
  private readonly preGens = new Map<bigint, number>();
  /** MV code offset -> a private copy (the arena is reused by the next block). */
  private readonly mvCode = new Map<number, Uint8Array>();

  constructor(
    private readonly mv: MVMemory,
    private pre: PreStateReader,
  ) {}

  /** The block's coinbase (lazy fees). */
  private coinbase = -1n;

  /** At the start of a block. */
  beginBlock(pre: PreStateReader, coinbase: bigint): void {
    this.pre = pre;
    this.coinbase = coinbase;
    this.preGens.clear();
    this.mvCode.clear();
  }

  /** At the start of an incarnation. */
  begin(tx: TxIdx, incarnation: Incarnation): void {
    this.tx = tx;
    this.incarnation = incarnation;
    this.rs.reset();
    this.accounts.clear();
    this.clears.clear();
    this.wsLen = 0;
    this.needsSequential = false;
  }

  getAccount(address: bigint): AccountState | undefined {
    const r = this.readAccount(address).state;
    // A fresh object: the EVM must not be able to alter what other reads see.
    return r === undefined ? undefined : { nonce: r.nonce, balance: r.balance, codeHash: r.codeHash, code: r.code };
  }

  /** The account as of this transaction (cached for the incarnation; recorded in the read set). */
  readAccount(address: bigint): AccountRead {
    let r = this.accounts.get(address);
    if (r !== undefined) return r;
    const mv = this.mv;
    const s = this.s;
    s.setAccount(KIND_ACCOUNT, address);
    const loc = mv.locate(s);
    const e = mv.resolve(loc, this.tx, this.rs);
    r = e === PRESTATE ? this.preAccount(s) : this.mvAccount(e);
    // Lazy coinbase fees of the transactions between the base and us, oldest first.
    const d = mv.deltas;
    for (let i = d.length - 1; i >= 0; i--) r = applyFee(r, mv.entryTx(d[i]), readU256(mv.w64, mv.i32, d[i] + 2));
    this.accounts.set(address, r);
    return r;
  }

  private preAccount(s: KeyScratch): AccountRead {
    const pre = this.pre;
    const slot = pre.find(s);
    const state = pre.account(slot);
    if (state === undefined) return ABSENT;
    const [off, len] = pre.codeRef(slot);
    return { state, codeSrc: len === 0 ? CODE_EMPTY : CODE_PRESTATE, codeOff: off, codeLen: len, codeSet: false, deletedInBlock: false, feeWipe: -1 };
  }

  private mvAccount(e: number): AccountRead {
    const mv = this.mv;
    const flags = mv.entryFlags(e);
    if ((flags & F_ABSENT) !== 0) return { ...ABSENT, deletedInBlock: true };
    const i32 = mv.i32;
    const src = i32[2 * (e + 12)];
    const off = i32[2 * (e + 11)];
    const len = i32[2 * (e + 11) + 1];
    let code: Uint8Array = EMPTY_BYTES;
    let codeHash: Uint8Array = KECCAK_EMPTY;
    if (src === CODE_PRESTATE) {
      code = this.pre.codeAt(off, len);
      codeHash = mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32);
    } else if (src === CODE_MV) {
      let c = this.mvCode.get(off);
      if (c === undefined) {
        c = mv.code.slice(off, off + len);
        this.mvCode.set(off, c);
      }
      code = c;
      codeHash = mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32);
    }
    const state = { nonce: mv.w64[e + 2], balance: readU256(mv.w64, i32, e + 3), codeHash, code };
    return { state, codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, feeWipe: -1 };
  }

  /** The highest lower transaction that wiped `address`'s storage, or -1. */
  private clearOf(address: bigint): number {
    let c = this.clears.get(address);
    if (c !== undefined) return c;
    const s = this.s;
    s.setAccount(KIND_CLEAR, address);
    const e = this.mv.resolve(this.mv.locate(s), this.tx, this.rs);
    c = e === PRESTATE ? -1 : this.mv.entryTx(e);
    this.clears.set(address, c);
    return c;
  }

  private preGen(address: bigint): number {
    let g = this.preGens.get(address);
    if (g === undefined) {
      this.s.setAccount(KIND_ACCOUNT, address);
      g = this.pre.generation(this.pre.find(this.s));
      this.preGens.set(address, g);
    }
    return g;
  }

  getStorage(address: bigint, slot: bigint): bigint {
    let cleared = this.clearOf(address);
    if (address === this.coinbase) {
      // A lazy zero fee may have deleted an empty coinbase (and its storage) below us.
      const w = this.readAccount(address).feeWipe;
      if (w > cleared) cleared = w;
    }
    const gen = cleared === -1 ? this.preGen(address) : 0;
    const mv = this.mv;
    const s = this.s;
    s.setStorage(address, slot);
    const e = mv.resolve(mv.locate(s), this.tx, this.rs);
    if (e !== PRESTATE && mv.entryTx(e) >= cleared) return readU256(mv.w64, mv.i32, e + 2);
    if (cleared !== -1) return 0n;
    // The multi-version table and the pre-state hash keys alike: the scratch serves both.
    return this.pre.storage(this.pre.find(s), gen);
  }

  /**
   * EIP-7610: whether a creation at `address` collides with existing storage.
   * The pre-state keeps a count of non-zero slots; slots written earlier in
   * the block leave MARK entries, and seeing one means the answer would need
   * every slot: such a (rare) block is redone sequentially. So is one that
   * asks this of a coinbase with lazy fees below.
   */
  hasStorage(address: bigint): boolean {
    const mv = this.mv;
    const s = this.s;
    s.setAccount(KIND_MARK, address);
    const e = mv.resolve(mv.locate(s), this.tx, this.rs);
    if (e !== PRESTATE || mv.deltas.length > 0 || (address === this.coinbase && this.readAccount(address).feeWipe !== -1)) {
      this.needsSequential = true;
      return true;
    }
    s.setAccount(KIND_ACCOUNT, address);
    return this.pre.hasStorage(this.pre.find(s));
  }

  // ---- writes ----

  private pushWrite(loc: number): void {
    if (this.wsLen === this.ws.length) {
      const bigger = new Int32Array(this.ws.length * 2);
      bigger.set(this.ws);
      this.ws = bigger;
    }
    this.ws[this.wsLen++] = loc;
  }

  /**
   * Publishes the incarnation's writes: changed accounts, wipes (CLEAR),
   * slots (with a MARK per account), and a deferred coinbase fee as a DELTA.
   * An account whose nonce, balance and code did not change is not written:
   * a contract whose storage changed would otherwise conflict with every
   * later caller. All reads this needs happen first (they may throw), so a
   * dependency abort never leaves half the writes published.
   */
  writeResult(changes: StateChanges, coinbaseFee: bigint | undefined): void {
    for (const [address, ch] of changes) if (!ch.deleted) this.readAccount(address);
    const tx = this.tx;
    for (const [address, ch] of changes) {
      // A wipe: deletion, re-creation, or (coinbase) a lazy zero fee below us that deleted it.
      const before = this.accounts.get(address);
      if (ch.deleted || ch.storageCleared || (before !== undefined && before.feeWipe !== -1)) this.writeMarker(KIND_CLEAR, address, F_WRITE);
      if (ch.deleted || ch.storageCleared || ch.storage.size > 0) this.writeMarker(KIND_MARK, address, F_DELTA);
      if (ch.deleted) {
        this.writeAccount(address, undefined, undefined);
        continue;
      }
      const b = (before as AccountRead).state;
      if (b === undefined || ch.code !== undefined || b.nonce !== ch.nonce || b.balance !== ch.balance) {
        this.writeAccount(address, before as AccountRead, ch);
      }
      const mv = this.mv;
      for (const [slot, value] of ch.storage) {
        this.s.setStorage(address, slot);
        const loc = mv.locate(this.s);
        const e = mv.allocEntry(WORDS_STORAGE);
        mv.setHeader(e, tx, this.incarnation, F_WRITE);
        writeU256(mv.w64, e + 2, value);
        mv.publish(loc, e, tx);
        this.pushWrite(loc);
      }
    }
    if (coinbaseFee !== undefined) {
      const mv = this.mv;
      this.s.setAccount(KIND_ACCOUNT, this.coinbase);
      const loc = mv.locate(this.s);
      const e = mv.allocEntry(WORDS_DELTA);
      mv.setHeader(e, tx, this.incarnation, F_DELTA);
      writeU256(mv.w64, e + 2, coinbaseFee);
      mv.publish(loc, e, tx);
      this.pushWrite(loc);
    }
  }

  /** A value-less entry: CLEAR (a wipe) or MARK (some slot written). */
  private writeMarker(kind: number, address: bigint, flags: number): void {
    const mv = this.mv;
    this.s.setAccount(kind, address);
    const loc = mv.locate(this.s);
    const e = mv.allocEntry(WORDS_CLEAR);
    mv.setHeader(e, this.tx, this.incarnation, flags);
    mv.publish(loc, e, this.tx);
    this.pushWrite(loc);
  }

  private writeAccount(
    address: bigint,
    before: AccountRead | undefined,
    ch: { nonce: bigint; balance: bigint; code?: Uint8Array; codeHash?: Uint8Array } | undefined,
  ): void {
    const mv = this.mv;
    this.s.setAccount(KIND_ACCOUNT, address);
    const loc = mv.locate(this.s);
    const e = mv.allocEntry(WORDS_ACCOUNT);
    if (ch === undefined || before === undefined) {
      mv.setHeader(e, this.tx, this.incarnation, F_WRITE | F_ABSENT);
    } else {
      // The combined change carries code if this transaction set it, an earlier one
      // did (since the last deletion), or this one revives a deleted account.
      const codeSet = ch.code !== undefined || before.codeSet || (before.state === undefined && before.deletedInBlock);
      mv.setHeader(e, this.tx, this.incarnation, F_WRITE | (codeSet ? F_CODESET : 0));
      mv.w64[e + 2] = ch.nonce;
      writeU256(mv.w64, e + 3, ch.balance);
      let src = CODE_EMPTY;
      let off = 0;
      let len = 0;
      let hash = KECCAK_EMPTY;
      if (ch.code !== undefined) {
        len = ch.code.length;
        if (len > 0) {
          src = CODE_MV;
          off = mv.allocCode(ch.code);
          hash = ch.codeHash as Uint8Array;
        }
      } else if (before.state !== undefined) {
        src = before.codeSrc;
        off = before.codeOff;
        len = before.codeLen;
        hash = before.state.codeHash;
      }
      mv.u8.set(hash, (e + 7) * 8);
      const i32 = mv.i32;
      i32[2 * (e + 11)] = off;
      i32[2 * (e + 11) + 1] = len;
      i32[2 * (e + 12)] = src;
    }
    mv.publish(loc, e, this.tx);
    this.pushWrite(loc);
  }
}
