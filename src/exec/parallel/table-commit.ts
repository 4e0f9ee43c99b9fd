/**
 * After a block, the workers fold its final versions into the location
 * table's pre-state values, in parallel, so the next block starts from an
 * up-to-date table and the main thread never touches it. Two phases over
 * the block's written list, chunks claimed from a shared counter:
 *   1. ACCOUNT locations: nonce, balance, code (created code is copied into
 *      the table's arena), and a wipe if the block wiped the account's
 *      storage (its generation moves on, its slot count restarts at 0);
 *      under lazy credits (deltas.ts), the first full version (or the
 *      pre-state) plus the credits;
 *   2. STORAGE locations (value and generation; slot counts kept
 *      atomically), once phase 1 is done: they need its generations.
 * Each location has exactly one committer, so plain stores suffice except
 * for the per-account slot count. Chunks are claimed by whichever threads
 * take part (the workers when they finish the block, the main thread once
 * it has folded the results). What the table cannot represent exactly
 * (code that does not fit) marks it stale: the main thread rebuilds it
 * before the next block.
 *
 * Internal module of the parallel executor.
 */
import { ABSENT, applyFees, type AccountRead } from './coinbase.js';
import { gatherDeltas, isDelta } from './deltas.js';
import { KEY_WORDS, KIND_ACCOUNT, KIND_STORAGE, KeyScratch, keyKind } from './keys.js';
import { CODE_MV, CODE_PRESTATE, F_ABSENT, type MVMemory } from './mv-memory.js';
import { COMMIT_A, COMMIT_A_DONE, COMMIT_B, COMMIT_COINBASE } from './scheduler.js';
import type { LocationTable } from './table.js';
import { ABORT_TIMEOUT, BlockAborted } from './types.js';
import { readU256 } from './words.js';
import { accountState } from './account.js';

const CHUNK = 64;

export class TableCommitter {
  private readonly s = new KeyScratch();

  constructor(
    private readonly table: LocationTable,
    private readonly mv: MVMemory,
    /** The scheduler's words (commit counters, ABORT). */
    private readonly a: Int32Array,
    private readonly abortAt: number,
  ) {}

  /**
   * This thread's share of the commit: any number of threads may take part,
   * joining at any time (the main thread joins after its fold, to finish
   * what the workers have not). Phase 2 starts once every unit of phase 1
   * is done (its chunks and the coinbase), counted in COMMIT_A_DONE; a
   * thread that runs out of phase-1 chunks waits for that, not for the
   * other threads. Returns when no chunk is left to claim (others may still
   * be finishing theirs). `deadline`: performance.now() past which a wait
   * gives up (the main thread; workers never).
   */
  run(coinbase: bigint, txs: number, deadline = Infinity): void {
    const n = this.mv.locationCount();
    const a = this.a;
    this.s.setAccount(KIND_ACCOUNT, coinbase);
    this.coinbaseLoc = this.table.locate(this.s);
    if (Atomics.compareExchange(a, COMMIT_COINBASE, 0, 1) === 0) {
      this.commitCoinbase(txs);
      this.phase1Done(1);
    }
    for (let start = Atomics.add(a, COMMIT_A, CHUNK); start < n; start = Atomics.add(a, COMMIT_A, CHUNK)) {
      const end = Math.min(n, start + CHUNK);
      for (let p = start; p < end; p++) this.phase1(this.mv.listed(p));
      this.phase1Done(end - start);
    }
    this.awaitPhase1(n + 1, deadline);
    this.lastKey = -1;
    for (let start = Atomics.add(a, COMMIT_B, CHUNK); start < n; start = Atomics.add(a, COMMIT_B, CHUNK)) {
      for (let p = start; p < Math.min(n, start + CHUNK); p++) this.phase2(this.mv.listed(p));
    }
    this.flushCount();
  }

  private phase1Done(units: number): void {
    Atomics.add(this.a, COMMIT_A_DONE, units);
    Atomics.notify(this.a, COMMIT_A_DONE);
  }

  /** Until `total` units of phase 1 are done: phase 2 needs phase 1's storage generations. */
  private awaitPhase1(total: number, deadline: number): void {
    const a = this.a;
    for (let done = Atomics.load(a, COMMIT_A_DONE); done < total; done = Atomics.load(a, COMMIT_A_DONE)) {
      Atomics.wait(a, COMMIT_A_DONE, done, 20);
      const reason = Atomics.load(a, this.abortAt);
      if (reason !== 0) throw new BlockAborted(reason);
      if (performance.now() > deadline) throw new BlockAborted(ABORT_TIMEOUT);
    }
  }

  /** The account of the last slot committed (a transaction's slots of one contract come together in the list). */
  private lastKey = -1;
  private lastAcct = -1;
  private lastGen = 0;
  private lastWipe = -1;
  private pendingCount = 0;

  /** The ACCOUNT slot of the address in the STORAGE key at `loc`. */
  private accountOf(loc: number): number {
    const k = this.table.keys;
    const b = loc * KEY_WORDS;
    const l = this.lastKey;
    if (l >= 0 && k[b] === k[l] && k[b + 1] === k[l + 1] && k[b + 2] === k[l + 2] && k[b + 3] === k[l + 3] && k[b + 4] === k[l + 4]) return this.lastAcct;
    this.flushCount();
    this.s.setFromKey(k, b, KIND_ACCOUNT);
    const acct = this.table.locate(this.s);
    this.lastKey = b;
    this.lastAcct = acct;
    this.lastGen = this.table.generation(acct);
    this.lastWipe = this.table.wipedAt(acct, this.mv.currentEpoch);
    return acct;
  }

  /** Slot-count changes are gathered per account: one atomic add, not one per slot. */
  private flushCount(): void {
    if (this.pendingCount !== 0) this.table.addSlotCount(this.lastAcct, this.pendingCount);
    this.pendingCount = 0;
  }

  private coinbaseLoc = -1;

  private phase1(loc: number): void {
    if (loc < 0 || loc === this.coinbaseLoc || keyKind(this.table.keys, loc * KEY_WORDS) !== KIND_ACCOUNT) return;
    const e = this.mv.head(loc);
    if (e === -1) return;
    if (isDelta(this.mv, e)) this.commitCredits(loc, e);
    else this.commitAccount(loc, e);
  }

  private phase2(loc: number): void {
    if (loc < 0 || keyKind(this.table.keys, loc * KEY_WORDS) !== KIND_STORAGE) return;
    const mv = this.mv;
    const e = mv.head(loc);
    if (e === -1) return;
    this.accountOf(loc);
    // Written before its account's last wipe: the wipe's new generation already hides it.
    if (this.lastWipe > mv.entryTx(e)) return;
    this.pendingCount += this.table.commitSlotWords(loc, this.lastGen, mv.i32, 2 * (e + 2));
  }

  private commitAccount(loc: number, e: number): void {
    const mv = this.mv;
    const table = this.table;
    const i32 = mv.i32;
    const wipeTx = i32[2 * (e + 12) + 1];
    if (wipeTx !== -1) table.commitWipe(loc, mv.currentEpoch, wipeTx);
    if ((mv.entryFlags(e) & F_ABSENT) !== 0) {
      table.commitAccount(loc, undefined, 0, 0);
      return;
    }
    const src = i32[2 * (e + 12)];
    let off = i32[2 * (e + 11)];
    const len = i32[2 * (e + 11) + 1];
    if (src === CODE_MV) {
      off = table.appendCode(mv.code.subarray(off, off + len));
      if (off < 0) table.markStale();
    }
    // Nonce, balance and code hash as words, no bigints (the hash is junk for empty code, never read then).
    table.commitAccountWords(loc, i32, 2 * (e + 2), off, src === CODE_PRESTATE || src === CODE_MV ? len : 0);
  }

  /** The coinbase: its last explicit version (or the pre-state), then the lazy fees after it, in order. */
  private commitCoinbase(txs: number): void {
    const mv = this.mv;
    const loc = this.coinbaseLoc;
    const e = mv.head(loc);
    const read = this.baseRead(loc, e);
    const feeTxs: number[] = [];
    const amounts: bigint[] = [];
    for (let t = txs - 1; t > (e === -1 ? -1 : mv.entryTx(e)); t--) {
      const fee = mv.finalFee(t);
      if (fee === undefined) continue;
      feeTxs.push(t);
      amounts.push(fee);
    }
    const after = applyFees(read, feeTxs, amounts);
    if (e === -1 && after === read) return;
    this.commitRead(loc, after);
  }

  /** An account whose last versions are lazy credits (deltas.ts): the first full version (or the pre-state) plus the credits. */
  private commitCredits(loc: number, e: number): void {
    const txs: number[] = [];
    const amounts: bigint[] = [];
    const base = gatherDeltas(this.mv, e, txs, amounts);
    if (base === -1) {
      // Credits over the pre-state (the common case: fresh or untouched recipients): add them in place.
      let sum = 0n;
      for (const x of amounts) sum += x;
      this.table.credit(loc, sum);
      return;
    }
    this.commitRead(loc, applyFees(this.baseRead(loc, base), txs, amounts));
  }

  private commitRead(loc: number, read: AccountRead): void {
    const table = this.table;
    // Code created in this block would need copying: rare enough to rebuild (under credits, never: deltas.ts).
    if (read.codeSrc === CODE_MV) table.markStale();
    if (read.wipeTx !== -1) table.commitWipe(loc, this.mv.currentEpoch, read.wipeTx);
    table.commitAccount(loc, read.state, read.codeOff, read.state === undefined ? 0 : read.codeLen);
  }

  /** Full ACCOUNT entry `e` of `loc` (or the pre-state for -1) as a read, enough to commit it again. */
  private baseRead(loc: number, e: number): AccountRead {
    const mv = this.mv;
    const table = this.table;
    let read: AccountRead;
    if (e === -1) {
      const state = table.account(loc);
      const [off, len] = table.codeRef(loc);
      read = state === undefined ? ABSENT : { ...ABSENT, state, codeSrc: CODE_PRESTATE, codeOff: off, codeLen: len };
    } else if ((mv.entryFlags(e) & F_ABSENT) !== 0) {
      read = { ...ABSENT, deletedInBlock: true, wipeTx: mv.i32[2 * (e + 12) + 1] };
    } else {
      const i32 = mv.i32;
      const len = i32[2 * (e + 11) + 1];
      const state = accountState(mv.w64[e + 2], readU256(mv.w64, i32, e + 3), new Uint8Array(len), mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32));
      read = { ...ABSENT, state, codeSrc: i32[2 * (e + 12)], codeOff: i32[2 * (e + 11)], codeLen: len, wipeTx: i32[2 * (e + 12) + 1] };
    }
    return read;
  }
}
