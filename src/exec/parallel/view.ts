/**
 * What the EVM sees while a worker runs transaction `tx`: a StateReader over
 * the multi-version memory, falling back to the location table's pre-state.
 * Every read resolves to the highest lower writer and is recorded in the
 * read set; a read that meets an ESTIMATE throws DependencyAbort out of the
 * interpreter. After the EVM returns, `writeResult` turns the transaction's
 * StateChanges into multi-version entries.
 *
 * Lazy value transfers (deltas.ts): `deferTransfer` answers the EVM's
 * question "has `to` no code?" and `writeResult` publishes the credit;
 * account reads fold the credits below them.
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
import type { AccountChange, AccountState, StateChanges, StateReader } from '../../state/types.js';
import { ABSENT, applyFees, type AccountRead } from './coinbase.js';
import { resolveAccount, resolveSkippingDeltas } from './deltas.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import {
  CODE_EMPTY, CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_DELTA, F_WRITE, PRESTATE, ReadSetBuilder, WORDS_ACCOUNT, WORDS_STORAGE,
  type MVMemory,
} from './mv-memory.js';
import type { LocationTable } from './table.js';
import type { Incarnation, TxIdx } from './types.js';
import { readU256, writeU256 } from './words.js';
import { accountState } from './account.js';

/**
 * What this thread knows of an account for the whole block: its table slot
 * and its pre-state, found and decoded once (the table does not change
 * during a block), its storage slots' the same way, and this incarnation's
 * read of it (valid while `stamp` is the view's).
 */
class AccountMeta {
  /** The pre-state as a read (decoded on first need). */
  pre: AccountRead | undefined = undefined;
  slots: Map<bigint, SlotMeta> | undefined = undefined;
  stamp = 0;
  read: AccountRead = ABSENT;
  /** Some transaction below wrote the account fully (lazy credits aside: they never touch storage). */
  storageInBlock = false;
  constructor(readonly loc: number) {}
}

class SlotMeta {
  /** The pre-state value (undefined until first needed). */
  pre: bigint | undefined = undefined;
  constructor(readonly loc: number) {}
}

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
  /** Accounts met in this block; an incarnation's reads are those stamped with its `stamp`. */
  private readonly metas = new Map<bigint, AccountMeta>();
  private stamp = 0;
  /** MV code offset -> a private copy (the arena is reused by the next block). */
  private readonly mvCode = new Map<number, Uint8Array>();
  /** The block's coinbase (lazy fees). */
  private coinbase = -1n;
  /** Lazy credits the last full account read met (deltas.ts). */
  private readonly creditTxs: number[] = [];
  private readonly creditAmounts: bigint[] = [];

  constructor(
    private readonly mv: MVMemory,
    private readonly table: LocationTable,
  ) {}

  /** At the start of a block. */
  beginBlock(coinbase: bigint): void {
    this.coinbase = coinbase;
    this.mvCode.clear();
    this.metas.clear();
  }

  /** At the start of an incarnation. */
  begin(tx: TxIdx, incarnation: Incarnation): void {
    this.tx = tx;
    this.incarnation = incarnation;
    this.rs.reset();
    this.stamp++;
    this.wsLen = 0;
    this.needsSequential = false;
  }

  /** The account (an object the reader must not modify, as with MemoryState). */
  getAccount(address: bigint): AccountState | undefined {
    return this.readAccount(address).state;
  }

  /** The account as of this transaction (cached for the incarnation; recorded in the read set). */
  readAccount(address: bigint): AccountRead {
    return this.accountMeta(address).read;
  }

  /** The block-long record of `address`, with this incarnation's read of it resolved. */
  private accountMeta(address: bigint): AccountMeta {
    const m = this.metaOf(address);
    if (m.stamp === this.stamp) return m;
    const mv = this.mv;
    const loc = m.loc;
    let r: AccountRead;
    if (address === this.coinbase) {
      // Lazy fees of the transactions between the base and us.
      const e = mv.resolveCoinbase(loc, this.tx, this.rs);
      r = applyFees(e === PRESTATE ? (m.pre ??= this.preAccount(loc)) : this.mvAccount(e, loc), mv.feeTxs, mv.feeAmounts);
      m.storageInBlock = r.inBlock;
    } else {
      // Lazy credits (value transfers) between the base and us.
      const e = resolveAccount(mv, loc, this.tx, this.rs, this.creditTxs, this.creditAmounts);
      r = e === PRESTATE ? (m.pre ??= this.preAccount(loc)) : this.mvAccount(e, loc);
      m.storageInBlock = r.inBlock;
      if (this.creditTxs.length > 0) r = applyFees(r, this.creditTxs, this.creditAmounts);
    }
    m.read = r;
    m.stamp = this.stamp;
    return m;
  }

  /** The block-long record of `address`, nothing read. */
  private metaOf(address: bigint): AccountMeta {
    let m = this.metas.get(address);
    if (m === undefined) {
      this.s.setAccount(KIND_ACCOUNT, address);
      m = new AccountMeta(this.table.locate(this.s));
      this.metas.set(address, m);
    }
    return m;
  }

  /**
   * `applyTransaction`'s `deferTransfer`: whether `to` has no code, credits
   * skipped (deltas.ts `resolveSkippingDeltas`; the read is recorded).
   */
  readonly deferTransfer = (to: bigint): boolean => {
    const mv = this.mv;
    const loc = this.metaOf(to).loc;
    const e = resolveSkippingDeltas(mv, loc, this.tx, this.rs);
    if (e === PRESTATE) return !this.table.exists(loc) || this.table.codeLength(loc) === 0;
    return (mv.entryFlags(e) & F_ABSENT) !== 0 || mv.i32[2 * (e + 11) + 1] === 0;
  };

  private preAccount(slot: number): AccountRead {
    const state = this.table.account(slot);
    if (state === undefined) return { ...ABSENT, loc: slot };
    const len = this.table.codeLength(slot);
    return {
      state, codeSrc: len === 0 ? CODE_EMPTY : CODE_PRESTATE, codeOff: len === 0 ? 0 : this.table.codeOffset(slot), codeLen: len, codeSet: false,
      deletedInBlock: false, wipeTx: -1, inBlock: false, loc: slot,
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
      codeHash = this.table.hashAt(off, mv.u8, (e + 7) * 8);
    } else if (src === CODE_MV) {
      let c = this.mvCode.get(off);
      if (c === undefined) {
        c = mv.code.slice(off, off + len);
        this.mvCode.set(off, c);
      }
      code = c;
      codeHash = mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32);
    }
    const state = accountState(mv.w64[e + 2], readU256(mv.w64, i32, e + 3), code, codeHash);
    return { state, codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, wipeTx, inBlock: true, loc };
  }

  getStorage(address: bigint, slot: bigint): bigint {
    // The account: the last wipe below us, and where its pre-state generation lives.
    const m = this.accountMeta(address);
    const wiped = m.read.wipeTx;
    const mv = this.mv;
    const sm = this.slotMeta(m, address, slot);
    const e = mv.resolve(sm.loc, this.tx, this.rs);
    if (e !== PRESTATE && mv.entryTx(e) >= wiped) return readU256(mv.w64, mv.i32, e + 2);
    if (wiped !== -1) return 0n;
    return (sm.pre ??= this.table.storage(sm.loc, this.table.generation(m.loc)));
  }

  private slotMeta(m: AccountMeta, address: bigint, slot: bigint): SlotMeta {
    const slots = (m.slots ??= new Map());
    let sm = slots.get(slot);
    if (sm === undefined) {
      this.s.setStorage(address, slot);
      sm = new SlotMeta(this.table.locate(this.s));
      slots.set(slot, sm);
    }
    return sm;
  }

  /**
   * EIP-7610: whether a creation at `address` collides with existing storage.
   * The EVM asks only of an account without nonce and code. If no
   * transaction below wrote the account (lazy credits aside: no code runs
   * for them), no code could have run there to write its storage, and the
   * pre-state's count of non-zero slots answers.
   * Otherwise (rare: an address funded, then deployed to, in one block) the
   * answer would need every slot: the block is redone sequentially.
   */
  hasStorage(address: bigint): boolean {
    const m = this.accountMeta(address);
    const acct = m.read;
    if (m.storageInBlock) {
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
  writeResult(changes: StateChanges, coinbaseFee: bigint | undefined, credit?: { to: bigint; amount: bigint }): void {
    for (const address of changes.keys()) this.accountMeta(address);
    const mv = this.mv;
    const tx = this.tx;
    if (credit !== undefined) {
      // A lazy value transfer (deltas.ts): `to` is not in `changes`.
      const loc = this.metaOf(credit.to).loc;
      const e = mv.allocEntry(WORDS_STORAGE);
      mv.setHeader(e, tx, this.incarnation, F_WRITE | F_DELTA);
      writeU256(mv.w64, e + 2, credit.amount);
      mv.publish(loc, e, tx);
      this.pushWrite(loc);
    }
    for (const address of changes.keys()) {
      const ch = changes.get(address) as AccountChange;
      const m = this.metas.get(address) as AccountMeta;
      const before = m.read;
      const b = before.state;
      const wiped = ch.deleted || ch.storageCleared;
      if (wiped || b === undefined || ch.code !== undefined || b.nonce !== ch.nonce || b.balance !== ch.balance) {
        this.writeAccount(before, ch, wiped);
      }
      if (ch.deleted || ch.storage.size === 0) continue;
      for (const slot of ch.storage.keys()) {
        const loc = this.slotMeta(m, address, slot).loc;
        const e = mv.allocEntry(WORDS_STORAGE);
        mv.setHeader(e, tx, this.incarnation, F_WRITE);
        writeU256(mv.w64, e + 2, ch.storage.get(slot) as bigint);
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
