/**
 * What the EVM sees while a worker runs transaction `tx`: a StateReader over
 * the multi-version memory, falling back to the location table's pre-state.
 * Every read resolves to the highest lower writer and is recorded in the
 * read set; a read that meets an ESTIMATE throws DependencyAbort out of the
 * interpreter. After the EVM returns, `writeResult` turns the transaction's
 * StateChanges into multi-version entries.
 *
 * Storage wipes (deletion, re-creation) travel with the account: an ACCOUNT
 * version carries the last transaction that wiped the account's storage, so
 * a slot read checks the account (which the EVM has read anyway to run its
 * code) and ignores slot versions older than the wipe.
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import type { AccountState, StateChanges, StateReader } from '../../state/types.js';
import { ABSENT, applyFees, type AccountRead } from './coinbase.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import {
  CODE_EMPTY, CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_WRITE, PRESTATE, ReadSetBuilder, WORDS_ACCOUNT, WORDS_STORAGE,
  type MVMemory,
} from './mv-memory.js';
import type { LocationTable } from './table.js';
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
  /** MV code offset -> a private copy (the arena is reused by the next block). */
  private readonly mvCode = new Map<number, Uint8Array>();
  /** The block's coinbase (lazy fees). */
  private coinbase = -1n;

  constructor(
    private readonly mv: MVMemory,
    private readonly table: LocationTable,
  ) {}

  /** At the start of a block. */
  beginBlock(coinbase: bigint): void {
    this.coinbase = coinbase;
    this.mvCode.clear();
  }

  /** At the start of an incarnation. */
  begin(tx: TxIdx, incarnation: Incarnation): void {
    this.tx = tx;
    this.incarnation = incarnation;
    this.rs.reset();
    this.accounts.clear();
    this.wsLen = 0;
    this.needsSequential = false;
  }

  /** The account (an object the reader must not modify, as with MemoryState). */
  getAccount(address: bigint): AccountState | undefined {
    return this.readAccount(address).state;
  }

  /** The account as of this transaction (cached for the incarnation; recorded in the read set). */
  readAccount(address: bigint): AccountRead {
    let r = this.accounts.get(address);
    if (r !== undefined) return r;
    const mv = this.mv;
    this.s.setAccount(KIND_ACCOUNT, address);
    const loc = this.table.locate(this.s);
    const coinbase = address === this.coinbase;
    const e = coinbase ? mv.resolveCoinbase(loc, this.tx, this.rs) : mv.resolve(loc, this.tx, this.rs);
    r = e === PRESTATE ? this.preAccount(loc) : this.mvAccount(e, loc);
    // Lazy fees of the transactions between the base and us.
    if (coinbase) r = applyFees(r, mv.feeTxs, mv.feeAmounts);
    this.accounts.set(address, r);
    return r;
  }

  private preAccount(slot: number): AccountRead {
    const state = this.table.account(slot);
    if (state === undefined) return { ...ABSENT, loc: slot };
    const len = this.table.codeLength(slot);
    return {
      state, codeSrc: len === 0 ? CODE_EMPTY : CODE_PRESTATE, codeOff: len === 0 ? 0 : this.table.codeOffset(slot), codeLen: len, codeSet: false,
      deletedInBlock: false, wipeTx: -1, inBlock: false, loc: slot, slotLocs: undefined,
    };
  }

  private mvAccount(e: number, loc: number): AccountRead {
    const mv = this.mv;
    const i32 = mv.i32;
    const flags = mv.entryFlags(e);
    const wipeTx = i32[2 * (e + 12) + 1];
    if ((flags & F_ABSENT) !== 0) return { ...ABSENT, deletedInBlock: true, wipeTx, inBlock: true, loc };
    const src = i32[2 * (e + 12)];
    const off = i32[2 * (e + 11)];
    const len = i32[2 * (e + 11) + 1];
    let code: Uint8Array = EMPTY_BYTES;
    let codeHash: Uint8Array = KECCAK_EMPTY;
    if (src === CODE_PRESTATE) {
      code = this.table.codeAt(off, len);
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
    return { state, codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, wipeTx, inBlock: true, loc, slotLocs: undefined };
  }

  getStorage(address: bigint, slot: bigint): bigint {
    // The account: the last wipe below us, and where its pre-state generation lives.
    const acct = this.readAccount(address);
    const wiped = acct.wipeTx;
    const mv = this.mv;
    this.s.setStorage(address, slot);
    const loc = this.table.locate(this.s);
    (acct.slotLocs ??= new Map()).set(slot, loc);
    const e = mv.resolve(loc, this.tx, this.rs);
    if (e !== PRESTATE && mv.entryTx(e) >= wiped) return readU256(mv.w64, mv.i32, e + 2);
    if (wiped !== -1) return 0n;
    return this.table.storage(loc, this.table.generation(acct.loc));
  }

  /**
   * EIP-7610: whether a creation at `address` collides with existing storage.
   * The EVM asks only of an account without nonce and code. If no
   * transaction below wrote the account, no code could have run there to
   * write its storage, and the pre-state's count of non-zero slots answers.
   * Otherwise (rare: an address funded, then deployed to, in one block) the
   * answer would need every slot: the block is redone sequentially.
   */
  hasStorage(address: bigint): boolean {
    const acct = this.readAccount(address);
    if (acct.inBlock) {
      this.needsSequential = true;
      return true;
    }
    return this.table.hasStorage(acct.loc);
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

  /** Whether the last `writeResult` published a lazy fee where the previous incarnation had none. */
  newFee = false;

  /**
   * Publishes the incarnation's writes: changed accounts, their slots, and a
   * deferred coinbase fee (in the transaction's fee slot). An account whose nonce, balance and
   * code did not change and whose storage was not wiped is not written: a
   * contract whose storage changed would otherwise conflict with every
   * later caller. All reads this needs happen first (they may throw), so a
   * dependency abort never leaves half the writes published.
   */
  writeResult(changes: StateChanges, coinbaseFee: bigint | undefined): void {
    for (const address of changes.keys()) this.readAccount(address);
    const mv = this.mv;
    const tx = this.tx;
    for (const [address, ch] of changes) {
      const before = this.accounts.get(address) as AccountRead;
      const b = before.state;
      const wiped = ch.deleted || ch.storageCleared;
      if (wiped || b === undefined || ch.code !== undefined || b.nonce !== ch.nonce || b.balance !== ch.balance) {
        this.writeAccount(before, ch, wiped);
      }
      if (ch.deleted) continue;
      const known = before.slotLocs;
      for (const [slot, value] of ch.storage) {
        let loc = known?.get(slot);
        if (loc === undefined) {
          this.s.setStorage(address, slot);
          loc = this.table.locate(this.s);
        }
        const e = mv.allocEntry(WORDS_STORAGE);
        mv.setHeader(e, tx, this.incarnation, F_WRITE);
        writeU256(mv.w64, e + 2, value);
        mv.publish(loc, e, tx);
        this.pushWrite(loc);
      }
    }
    this.newFee = mv.setFee(tx, this.incarnation, coinbaseFee);
  }

  private writeAccount(before: AccountRead, ch: { deleted: boolean; nonce: bigint; balance: bigint; code?: Uint8Array; codeHash?: Uint8Array }, wiped: boolean): void {
    const mv = this.mv;
    const e = mv.allocEntry(WORDS_ACCOUNT);
    const i32 = mv.i32;
    i32[2 * (e + 12) + 1] = wiped ? this.tx : before.wipeTx;
    if (ch.deleted) {
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
      let hash: Uint8Array = KECCAK_EMPTY;
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
      // Readers take KECCAK_EMPTY for code of length 0: no hash to copy then.
      if (len > 0) mv.u8.set(hash, (e + 7) * 8);
      i32[2 * (e + 11)] = off;
      i32[2 * (e + 11) + 1] = len;
      i32[2 * (e + 12)] = src;
    }
    mv.publish(before.loc, e, this.tx);
    this.pushWrite(before.loc);
  }
}
