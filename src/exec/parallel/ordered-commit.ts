/**
 * The ordered mode, main-thread side (the design is in ordered-lane.ts):
 * walks the block in order over the caller's state exactly as
 * `executeSequential` does, except that a transaction a worker has already
 * run with reads that are still current is committed from the worker's
 * record instead of being run again. Every commit is published to the
 * location table (with its publication counts bumped) so that the workers'
 * next reads see it.
 *
 * Internal module of the parallel executor.
 */
import type { AccountChange, StateChanges } from '../../state/types.js';
import { TxError } from '../../tx/errors.js';
import type { Transaction } from '../../tx/types.js';
import { BlockExecutionError, BlockFold, checkGasAllowance, mergeChanges, type BlockResult, type BlockState } from '../sequential.js';
import type { TransactionRunner } from '../sequential.js';
import type { BlockEnv } from '../types.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import { LANE_DONE, LANE_FREE, LANE_MAIN, LANE_RUNNING } from './ordered-lane.js';
import { SpeculativeReader, type Speculative } from './ordered-codec.js';
import { OUTCOME_OK } from './results.js';
import { ABORT, ORDERED_COMMIT, ORDERED_CURSOR, ORDERED_END, ORDERED_OFF, type Scheduler } from './scheduler.js';
import { codeHash, PRE_WORDS, type LocationTable } from './table.js';
import { BlockAborted } from './types.js';
import { readU256, writeU256 } from './words.js';

/** What the main thread did with the block's transactions. */
export interface OrderedStats {
  /** Run by the main thread because no worker had taken them. */
  direct: number;
  /** Committed from a worker's record. */
  accepted: number;
  /** Worker records that were stale (or failed): run again by the main thread. */
  rejected: number;
  /** Taken from a worker that held them longer than the main thread would wait. */
  takenOver: number;
  /** Time spent waiting for a worker to finish the transaction at the commit point. */
  waitMs: number;
  /** The workers were stopped for the block: their records kept going stale. */
  lanesOff: boolean;
  /** The table could not take a publication (full, or its code arena): rebuild it. */
  tableStale: boolean;
}

/**
 * Stale records before the workers may be stopped for the block (when the
 * stale ones outnumber the committed ones): on a dependency chain every
 * record is thrown away, and checking and rejecting them only slows the
 * thread that does the work.
 */
const GIVE_UP_MIN_REJECTED = 16;

/** How long the main thread waits for a worker's transaction before running it itself (ms). */
const TAKEOVER_MS = 0.1;

export class OrderedCommitter {
  private readonly reader: SpeculativeReader;
  private readonly index: Int32Array;
  private readonly s = new KeyScratch();
  /** Publication stopped (the table is stale): commit nothing more from records, which read it. */
  private degraded = false;

  constructor(
    private readonly table: LocationTable,
    private readonly sched: Scheduler,
    results: SharedArrayBuffer,
    resultIndex: SharedArrayBuffer,
  ) {
    this.reader = new SpeculativeReader(results);
    this.index = new Int32Array(resultIndex);

  }

  /**
   * Commits the block's transactions in order to `state`. `senderAt(i)`:
   * transaction i's sender. `beforeEach(i)` runs before transaction i's
   * turn (the executor encodes transactions for the workers there), and
   * `idle()` while this thread waits for a worker (more encoding ahead;
   * false when it has nothing to do).
   * Throws BlockExecutionError like the sequential executor.
   */
  run(
    state: BlockState,
    txs: readonly Transaction[],
    senderAt: (i: number) => bigint,
    env: BlockEnv,
    runner: TransactionRunner,
    stats: OrderedStats,
    beforeEach: (i: number) => void,
    idle: () => boolean = () => false,
  ): BlockResult {
    this.idle = idle;
    const a = this.sched.a;
    const fold = new BlockFold();
    const coinbase = env.coinbase;
    const codeless = (slot: number) => !this.table.exists(slot) || this.table.codeLength(slot) === 0;
    const n = txs.length;
    try {
      for (let i = 0; i < n; i++) {
        beforeEach(i);
        Atomics.store(a, ORDERED_COMMIT, i);
        checkGasAllowance(txs[i], env, fold.gasUsed, i);
        const at = this.sched.statusIndex(i);
        let word = Atomics.load(a, at);
        if (word === LANE_RUNNING) word = this.await(at, stats);
        if (word === LANE_FREE && Atomics.compareExchange(a, at, LANE_FREE, LANE_MAIN) !== LANE_FREE) word = Atomics.load(a, at);
        if (word === LANE_DONE && !this.degraded && Atomics.load(a, ABORT) === 0 && this.reader.validReads(this.index[16 * i], this.table.vers, codeless)) {
          const spec = this.reader.decode();
          if (spec.outcome.kind === OUTCOME_OK) {
            this.accept(state, fold, spec, coinbase);
            stats.accepted++;
            continue;
          }
        }
        if (word === LANE_DONE) {
          stats.rejected++;
          // Mostly stale records (a dependency chain): the workers only slow this thread down.
          if (stats.rejected >= GIVE_UP_MIN_REJECTED && stats.rejected > stats.accepted && Atomics.load(a, ORDERED_OFF) === 0) {
            Atomics.store(a, ORDERED_OFF, 1);
            stats.lanesOff = true;
          }
        } else stats.direct++;
        this.direct(state, fold, txs[i], senderAt(i), env, runner, i, coinbase);
      }
    } finally {
      // The workers stop claiming and leave.
      Atomics.store(a, ORDERED_COMMIT, n);
      Atomics.store(a, ORDERED_CURSOR, n);
      Atomics.store(a, ORDERED_END, 1);
      Atomics.notify(a, ORDERED_END);
    }
    // The coinbase's fees were kept off the table during the block: publish its final account.
    const cb = fold.changes.get(coinbase);
    if (cb !== undefined) this.publish(coinbase, -1, cb, undefined);
    this.flush();
    stats.tableStale = this.degraded;
    return fold.finish();
  }

  private idle: () => boolean = () => false;

  /** Waits (spinning) for the worker holding the transaction at `at`, up to TAKEOVER_MS; then takes it. Returns its status word. */
  private await(at: number, stats: OrderedStats): number {
    const a = this.sched.a;
    const t0 = performance.now();
    let word = Atomics.load(a, at);
    // Useful work first (it also gives the worker time to finish).
    while (word === LANE_RUNNING && this.idle()) word = Atomics.load(a, at);
    for (let k = 0; word === LANE_RUNNING; k++) {
      if ((k & 63) === 63 && performance.now() - t0 > TAKEOVER_MS) {
        word = Atomics.compareExchange(a, at, LANE_RUNNING, LANE_MAIN);
        if (word === LANE_RUNNING) {
          stats.takenOver++;
          word = LANE_MAIN;
        }
        break;
      }
      word = Atomics.load(a, at);
    }
    stats.waitMs += performance.now() - t0;
    return word;
  }

  /** Runs transaction `i` on the caller's state, as the sequential executor does, and publishes its writes. */
  private direct(state: BlockState, fold: BlockFold, tx: Transaction, sender: bigint, env: BlockEnv, runner: TransactionRunner, i: number, coinbase: bigint): void {
    let result;
    try {
      result = runner(state, tx, sender, env);
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
    state.apply(result.changes);
    fold.add(result);
    for (const [address, ch] of result.changes) {
      // A fee to the coinbase is published at the end; anything else it got, now.
      if (address === coinbase && isPlainCredit(ch)) continue;
      this.publish(address, -1, ch, undefined);
    }
  }

  /** Commits a worker's record: its writes, its deferred transfer credit and coinbase fee. */
  private accept(state: BlockState, fold: BlockFold, spec: Speculative, coinbase: bigint): void {
    const changes: StateChanges = spec.changes;
    // The record's own writes first, with the table slots the worker found for them.
    let k = 0;
    for (const [address, ch] of changes) {
      this.publish(address, spec.accountSlots[k], ch, spec.storageSlots[k]);
      k++;
    }
    const credit = spec.credit;
    if (credit !== undefined) {
      const ch = creditChange(state, credit.to, credit.amount);
      changes.set(credit.to, ch);
      this.publish(credit.to, credit.slot, ch, undefined);
    }
    if (spec.fee !== undefined) {
      // Kept off the table until the block ends (workers that read the coinbase are sent back).
      const fee = feeChange(state, coinbase, spec.fee);
      if (fee !== undefined) changes.set(coinbase, fee);
    }
    state.apply(changes);
    if (spec.outcome.kind === OUTCOME_OK) fold.addReceipt(spec.outcome.result);
    mergeChanges(fold.changes, changes);
  }

  /**
   * Writes one account's change into the table (what LocationTable.applyChanges
   * does for one account), bumping the publication count of every location
   * written: odd while it is being written, even after.
   */
  private publish(address: bigint, slot: number, ch: AccountChange, storageSlots: number[] | undefined): void {
    if (this.degraded) return;
    const t = this.table;
    const vers = t.vers;
    try {
      if (slot < 0) {
        this.s.setAccount(KIND_ACCOUNT, address);
        slot = t.locate(this.s);
      }
      const b = slot * PRE_WORDS;
      const i32 = t.i32;
      // A contract whose storage alone changed is not published again (every worker that
      // read the account to run its code would be sent back); anything else is.
      const storageOnly =
        ch.storage.size > 0 && !ch.deleted && !ch.storageCleared && ch.code === undefined && i32[2 * (b + 11)] !== 0 && t.w64[b] === ch.nonce &&
        readU256(t.w64, i32, b + 1) === ch.balance;
      if (!storageOnly) {
        Atomics.add(vers, slot, 1);
        const ok = this.writeAccount(slot, ch);
        Atomics.add(vers, slot, 1);
        if (!ok) return;
      }
      const countAt = 2 * (b + 10) + 1;
      const hadStorage = i32[countAt] > 0;
      let k = 0;
      for (const [key, value] of ch.storage) {
        let ss = storageSlots !== undefined && k < storageSlots.length ? storageSlots[k] : -1;
        k++;
        if (ss < 0) {
          this.s.setStorage(address, key);
          ss = t.locate(this.s);
        }
        Atomics.add(vers, ss, 1);
        t.commitStorage(ss, slot, value);
        Atomics.add(vers, ss, 1);
      }
      // "Has storage" (EIP-7610) is read through the account's count: publish a change of it.
      if (storageOnly && hadStorage !== i32[countAt] > 0) Atomics.add(vers, slot, 2);
    } catch (err) {
      if (!(err instanceof BlockAborted)) throw err;
      this.degrade();
    }
  }

  /** The account part of `publish`; false when its code did not fit (the table is then stale). */
  private writeAccount(slot: number, ch: AccountChange): boolean {
    const t = this.table;
    const b = slot * PRE_WORDS;
    const i32 = t.i32;
    if (ch.deleted || ch.storageCleared) {
      i32[2 * (b + 10)] = i32[2 * (b + 10)] + 1;
      i32[2 * (b + 10) + 1] = 0;
    }
    if (ch.deleted) {
      t.commitAccount(slot, undefined, 0, 0);
    } else if (ch.code !== undefined) {
      const off = ch.code.length === 0 ? 0 : t.appendCode(ch.code);
      if (off < 0) {
        this.degrade();
        return false;
      }
      t.commitAccount(slot, { nonce: ch.nonce, balance: ch.balance, codeHash: ch.codeHash ?? codeHash(ch.code) }, off, ch.code.length);
    } else {
      if (i32[2 * (b + 11)] === 0) {
        // Absent before (or deleted): no code.
        i32[2 * (b + 9)] = 0;
        i32[2 * (b + 9) + 1] = 0;
      }
      t.w64[b] = ch.nonce;
      writeU256(t.w64, b + 1, ch.balance);
      i32[2 * (b + 11)] = 1;
    }
    return true;
  }

  /** The table is past its room: stop publishing (and trusting records); the executor rebuilds it. */
  private degrade(): void {
    this.degraded = true;
    this.table.markStale();
    Atomics.compareExchange(this.sched.a, ABORT, 0, 1);
  }

  private flush(): void {
    try {
      this.table.flushUsed();
    } catch (err) {
      if (!(err instanceof BlockAborted)) throw err;
      this.degrade();
    }
  }
}

/** A change that only moved the balance of an account with no storage or code change (the coinbase's fee). */
function isPlainCredit(ch: AccountChange): boolean {
  return !ch.deleted && !ch.storageCleared && ch.code === undefined && ch.storage.size === 0;
}

/** `to` after a lazy transfer of `amount` (> 0): what the EVM's touch and credit would leave. */
function creditChange(state: BlockState, to: bigint, amount: bigint): AccountChange {
  const cur = state.getAccount(to);
  return { deleted: false, storageCleared: false, nonce: cur?.nonce ?? 0n, balance: (cur?.balance ?? 0n) + amount, storage: new Map() };
}

/**
 * The coinbase after a deferred fee, as paying it in the transaction would
 * leave it (coinbase.ts payFee): undefined when nothing changes (a zero fee
 * on a non-empty or absent account); a deletion for a zero fee on an empty one.
 */
function feeChange(state: BlockState, coinbase: bigint, fee: bigint): AccountChange | undefined {
  const cur = state.getAccount(coinbase);
  if (fee === 0n) {
    if (cur === undefined || cur.nonce !== 0n || cur.balance !== 0n || cur.code.length !== 0) return undefined;
    return { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map() };
  }
  return { deleted: false, storageCleared: false, nonce: cur?.nonce ?? 0n, balance: (cur?.balance ?? 0n) + fee, storage: new Map() };
}
