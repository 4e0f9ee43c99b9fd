/**
 * The block's combined StateChanges, read from the multi-version memory's
 * final versions instead of folding every transaction's changes: nothing is
 * encoded by the workers, and the main thread decodes each written
 * location once — mostly while the block runs (`step`, between its tasks;
 * speculative: a location whose latest version changes is decoded again at
 * `finish`, which only compares entry offsets for the rest).
 *
 * It must equal what `mergeChanges` folds in the sequential executor, field
 * by field. Per account, with the highest versions below `upTo`:
 *   - an entry exists iff some transaction changed the account: it wrote its
 *     ACCOUNT or a STORAGE location (workers write ACCOUNT only when nonce,
 *     balance or code changed or the storage was wiped, exactly when the
 *     journal lists it without slots), or, for the coinbase, a lazy fee
 *     changed it (a lazy credit, deltas.ts, is an ACCOUNT entry: written);
 *   - under lazy credits: the first full version (or the pre-state) with
 *     the credits applied, as a read of it sees it;
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
import { gatherDeltas, isDelta } from './deltas.js';
import { KEY_WORDS, KIND_ACCOUNT, KIND_STORAGE, KeyScratch, keyKind } from './keys.js';
import { CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_ESTIMATE, LIST_CHUNK, type MVMemory } from './mv-memory.js';
import type { LocationTable } from './table.js';
import { readU256 } from './words.js';
import { accountState } from './account.js';

/** One account's written locations (list positions). */
class Touched {
  account = NONE;
  readonly slots: number[] = [];
  /** The next account in the same hash chain. */
  next: Touched | undefined = undefined;
  /**
   * The account's change, kept up to date while its locations are decoded
   * (`track`), so that `finish` rarely builds it; `stale`: it cannot be
   * kept that way (a wipe, a deletion, new code, a write undone): rebuild.
   */
  change: AccountChange | undefined = undefined;
  stale = false;
  constructor(
    readonly address: bigint,
    /** Offset in the keys array of a key of this account (words 0..4: the address). */
    readonly base: number,
  ) {}
}

const NONE = -1;
/**
 * The decoded value of an ACCOUNT position whose latest version is a lazy
 * credit (deltas.ts) over more than FOLD_NOW credits: folded with what lies
 * below by `accountChange` at the end, not on every new credit (a hot
 * recipient's list grows with each). Shorter chains are folded at once.
 * Either way a change below the credit does not change the list's head:
 * `refreshAll` re-reads such positions from the rewritten list (`force`).
 */
const FOLDED: AccountRead = { ...ABSENT };
const FOLD_NOW = 4;

export class ChangeCollector {
  private readonly keys: Uint32Array;
  private readonly keys64: BigUint64Array;
  /** Positions of the MV written list reserved so far, and the [from, to) ranges of them not yet filled. */
  private scanned = 0;
  private readonly open: number[] = [];
  /** Per registered location (in registration order): its table slot and kind, and the entry decoded (NONE: none). */
  private readonly locs: number[] = [];
  private readonly kinds: number[] = [];
  private readonly seen: number[] = [];
  /** Decoded value per position: a slot's value, or an account. */
  private readonly values: (bigint | AccountRead | undefined)[] = [];
  private readonly slotKeys: bigint[] = [];
  private readonly owners: Touched[] = [];
  /** Per position: decoded while the block ran (then `finish` re-reads it only if it was written again). */
  private readonly fresh: boolean[] = [];
  /** Accounts by a hash of their address words, chained through `next`. */
  private readonly byHash = new Map<number, Touched>();
  private readonly touched: Touched[] = [];
  private coinbaseLoc = -1;

  constructor(
    private readonly mv: MVMemory,
    private readonly table: LocationTable,
    private readonly pre: StateReader,
    private readonly coinbase: bigint,
  ) {
    this.keys = mv.keys;
    this.keys64 = new BigUint64Array(mv.keys.buffer);
  }

  /**
   * Registers and decodes up to `budget` locations written since the last
   * call (safe while workers run: entries are immutable): which account each
   * belongs to, a slot's key, and its latest version. This is work taken out
   * of the block's tail: `finish` then decodes again only the locations
   * whose latest version changed since. Returns whether it did any work.
   */
  step(budget: number): boolean {
    const mv = this.mv;
    const count = mv.locationCount();
    // Positions are reserved LIST_CHUNK at a time by each thread and filled in order:
    // the unfilled part of a chunk is a suffix, looked at again next time.
    const open = this.open;
    for (; this.scanned < count; this.scanned += LIST_CHUNK) open.push(this.scanned, Math.min(count, this.scanned + LIST_CHUNK));
    let work = 0;
    let k = 0;
    for (let r = 0; r < open.length; r += 2) {
      let p = open[r];
      const end = open[r + 1];
      for (; p < end && work < budget; p++, work++) {
        const loc = mv.listed(p);
        if (loc < 0) break;
        this.register(loc);
        const q = this.locs.length - 1;
        if (this.refresh(q, -1)) {
          this.fresh[q] = true;
          this.track(q);
        }
      }
      if (p < end) {
        open[k++] = p;
        open[k++] = end;
      }
    }
    open.length = k;
    return work > 0;
  }

  /** The combined changes of transactions [0, upTo) once all workers have stopped; `n` = block size. */
  finish(upTo: number, n: number): StateChanges {
    const count = this.mv.locationCount();
    for (; this.scanned < count; this.scanned += LIST_CHUNK) this.open.push(this.scanned, Math.min(count, this.scanned + LIST_CHUNK));
    // Positions still empty now are holes (chunks not filled up).
    for (let r = 0; r < this.open.length; r += 2) {
      for (let p = this.open[r]; p < this.open[r + 1]; p++) {
        const loc = this.mv.listed(p);
        if (loc >= 0) this.register(loc);
      }
    }
    this.open.length = 0;
    this.refreshAll(upTo, n);
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

  /**
   * Brings every position to its final version: those not decoded during
   * the block, and those written again (or unlinked) since, from the
   * multi-version memory's rewritten list. Only for a prefix of the block,
   * or when that list overflowed, is every position looked at (each a load
   * of a line the workers wrote: a cache miss on another core).
   */
  private refreshAll(upTo: number, n: number): void {
    const mv = this.mv;
    const count = this.locs.length;
    if (upTo < n || mv.rewritesOverflowed()) {
      const below = upTo < n ? upTo : -1;
      for (let p = 0; p < count; p++) if (this.refresh(p, below, true)) this.track(p);
      return;
    }
    for (let p = 0; p < count; p++) if (this.fresh[p] !== true && this.refresh(p, -1)) this.track(p);
    const rewrites = mv.rewriteCount();
    if (rewrites === 0) return;
    const position = new Map<number, number>();
    for (let p = 0; p < count; p++) position.set(this.locs[p], p);
    const forced = new Set<number>();
    for (let r = 0; r < rewrites; r++) {
      const loc = mv.rewritten(r);
      if (loc < 0) continue;
      const p = position.get(loc);
      if (p === undefined) continue;
      // Once per position: the list may name a hot one a thousand times.
      const force = !forced.has(p);
      if (force) forced.add(p);
      if (this.refresh(p, -1, force)) this.track(p);
    }
  }

  private register(loc: number): void {
    const p = this.locs.length;
    const b = loc * KEY_WORDS;
    const kind = keyKind(this.keys, b);
    this.locs.push(loc);
    this.kinds.push(kind);
    this.seen.push(NONE);
    this.values.push(undefined);
    const t = this.owner(loc);
    this.owners.push(t);
    this.fresh.push(false);
    if (kind === KIND_STORAGE) {
      this.slotKeys.push(readU256(this.keys64, this.keys, (b >> 1) + 3));
      t.slots.push(p);
    } else {
      this.slotKeys.push(0n);
      if (kind === KIND_ACCOUNT) t.account = p;
    }
  }

  /**
   * Position `p` was just (re)decoded: carries its value into its account's
   * change, or marks the change for a rebuild where a plain update would be
   * wrong (see Touched).
   */
  private track(p: number): void {
    const t = this.owners[p];
    if (t.stale || t.address === this.coinbase) return;
    const kind = this.kinds[p];
    if (kind !== KIND_ACCOUNT && kind !== KIND_STORAGE) return;
    const value = this.values[p];
    if (value === undefined) {
      t.stale = true; // a write undone by a later incarnation
      return;
    }
    if (kind === KIND_ACCOUNT) {
      const read = value as AccountRead;
      if (read === FOLDED || read.state === undefined || read.wipeTx !== -1 || read.codeSet) {
        t.stale = true;
        return;
      }
      const change = (t.change ??= emptyChange());
      change.nonce = read.state.nonce;
      change.balance = read.state.balance;
      return;
    }
    let change = t.change;
    if (change === undefined) {
      // Nonce and balance as of the account's own write if decoded, else the pre-state.
      change = t.change = emptyChange();
      const acct = t.account === NONE ? undefined : (this.values[t.account] as AccountRead | undefined);
      const state = acct?.state ?? this.pre.getAccount(t.address);
      change.nonce = state?.nonce ?? 0n;
      change.balance = state?.balance ?? 0n;
    }
    change.storage.set(this.slotKeys[p], value as bigint);
  }

  private owner(loc: number): Touched {
    const k = this.keys;
    const b = loc * KEY_WORDS;
    const h = (k[b] ^ Math.imul(k[b + 1], 0x9e3779b1) ^ Math.imul(k[b + 4], 0x85ebca6b)) | 0;
    const first = this.byHash.get(h);
    for (let t = first; t !== undefined; t = t.next) {
      const o = t.base;
      if (k[o] === k[b] && k[o + 1] === k[b + 1] && k[o + 2] === k[b + 2] && k[o + 3] === k[b + 3] && k[o + 4] === k[b + 4]) return t;
    }
    // The address from two 64-bit words and a 32-bit one (b is even: 64-bit aligned).
    const w = this.keys64;
    const address = (BigInt(k[b + 4]) << 128n) | (w[(b >> 1) + 1] << 64n) | w[b >> 1];
    const t = new Touched(address, b);
    t.next = first;
    this.byHash.set(h, t);
    this.touched.push(t);
    return t;
  }

  /**
   * Decodes position `p`'s version (the latest, or the highest below `below`
   * when >= 0) unless it is the one decoded already. While the block runs, a
   * version about to be replaced (an ESTIMATE) is left for later.
   */
  private refresh(p: number, below: number, force = false): boolean {
    const mv = this.mv;
    const loc = this.locs[p];
    const e = below >= 0 ? mv.firstBelow(loc, below) : mv.head(loc);
    // Under a credit, the entries below may have changed (FOLDED).
    if (e === this.seen[p] && !(force && isDelta(mv, e))) return false;
    const kind = this.kinds[p];
    if (e !== NONE && below < 0 && (mv.entryFlags(e) & F_ESTIMATE) !== 0) return false;
    this.seen[p] = e;
    if (e === NONE || (kind !== KIND_ACCOUNT && kind !== KIND_STORAGE)) this.values[p] = undefined;
    else if (kind === KIND_STORAGE) this.values[p] = readU256(mv.w64, mv.i32, e + 2);
    else this.values[p] = isDelta(mv, e) ? this.foldShort(e, this.owners[p].address) : decodeAccount(mv, this.table, e);
    return true;
  }

  private accountChange(t: Touched, upTo: number, n: number): AccountChange | undefined {
    if (!t.stale && t.change !== undefined && t.address !== this.coinbase) return t.change;
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
      if (read === FOLDED) read = this.fold(this.seen[t.account], t.address);
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
    const read = e !== NONE ? decodeAccount(mv, this.table, e) : this.preRead(address);
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

  /** The account before the block, as a read. */
  private preRead(address: bigint): AccountRead {
    const a = this.pre.getAccount(address);
    return a === undefined ? ABSENT : { ...ABSENT, state: accountState(a.nonce, a.balance, a.code, a.codeHash) };
  }

  /** The final account under lazy credits from entry `e` down: the first full version (or the pre-state) plus the credits. */
  private fold(e: number, address: bigint, limit = Infinity): AccountRead {
    const txs: number[] = [];
    const amounts: bigint[] = [];
    const base = gatherDeltas(this.mv, e, txs, amounts, limit);
    if (isDelta(this.mv, base)) return FOLDED;
    return applyFees(base !== NONE ? decodeAccount(this.mv, this.table, base) : this.preRead(address), txs, amounts);
  }

  /** `fold`, or FOLDED past FOLD_NOW credits. */
  private foldShort(e: number, address: bigint): AccountRead {
    return this.fold(e, address, FOLD_NOW);
  }
}

function emptyChange(): AccountChange {
  return { deleted: false, storageCleared: false, nonce: 0n, balance: 0n, storage: new Map() };
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
    state: accountState(mv.w64[e + 2], readU256(mv.w64, i32, e + 3), code, codeHash),
    codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, wipeTx, inBlock: true, loc: -1,
  };
}
