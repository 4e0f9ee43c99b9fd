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
import { paidChange } from './coinbase.js';
import { LANE_DONE, LANE_FREE, LANE_MAIN, LANE_RUNNING } from './ordered-lane.js';
import { SpeculativeReader, type Speculative } from './ordered-codec.js';
import type { ContentionMemory } from './contention.js';
import { OUTCOME_OK, type TxSummary } from './results.js';
import { ABORT, GAS_UNIT, ORDERED_COMMIT, ORDERED_CURSOR, ORDERED_END, ORDERED_IDLE, ORDERED_OFF, type Scheduler } from './scheduler.js';
import type { LocationTable } from './table.js';
import { BlockAborted } from './types.js';

/** What the main thread did with the block's transactions. */
export interface OrderedStats {
  /** Run by the main thread because no worker had taken them. */
  direct: number;
  /** Committed from a worker's record. */
  accepted: number;
  /** Of those, records that read a slot forwarded from an earlier record of their worker (ordered-view.ts). */
  forwarded: number;
  /** Worker records that were stale (or failed): run again by the main thread. */
  rejected: number;
  /** The table could not take a publication (full, or its code arena): rebuild it. */
  tableStale: boolean;
  /** ms the main thread spent waiting for a worker's transaction (after any idle work). */
  waitMs: number;
  /** Where the workers went off and the calling thread ran the rest alone (OrderedCommitter.solo), or -1. */
  soloFrom: number;
}

/**
 * Stale records before the workers may be stopped for the block (when the
 * stale ones outnumber the committed ones): on a dependency chain every
 * record is thrown away, and checking and rejecting them only slows the
 * thread that does the work.
 */
const GIVE_UP_MIN_REJECTED = 16;

/**
 * How long the main thread waits for a worker's transaction before running
 * it itself: TAKEOVER_MS, or longer for a transaction whose gas limit says it
 * may run longer (TAKEOVER_MS_PER_UNIT per GAS_UNIT of its gas limit, ~1 ns
 * per gas: about what the main thread would need to run it), up to
 * TAKEOVER_MAX_MS. Taking over a transaction a worker is half-way through
 * wastes the worker's run and makes the main thread run it whole.
 */
const TAKEOVER_MS = 0.1;
const TAKEOVER_MS_PER_UNIT = GAS_UNIT * 1e-6;
const TAKEOVER_MAX_MS = 50;

/** The wait before taking over a transaction whose gas limit is `units` GAS_UNITs (above). */
function takeoverMs(units: number): number {
  return Math.min(TAKEOVER_MAX_MS, Math.max(TAKEOVER_MS, units * TAKEOVER_MS_PER_UNIT));
}

export class OrderedCommitter {
  private readonly reader: SpeculativeReader;
  private readonly index: Int32Array;
  /** Publication stopped (the table is stale): commit nothing more from records, which read it. */
  private degraded = false;

  constructor(
    private readonly table: LocationTable,
    private readonly sched: Scheduler,
    results: SharedArrayBuffer,
    resultIndex: SharedArrayBuffer,
    /** Learns, per transaction target, how often workers' records of calls to it go stale. */
    private readonly contention: ContentionMemory,
    /** Workers in the block. */
    private readonly workers: number,
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
    idle: () => boolean,
    /** Tests: stop the workers here whatever they do (ExecuteOptions.soloAt). */
    soloAt = -1,
  ): BlockResult {
    const a = this.sched.a;
    const fold = new BlockFold();
    const coinbase = env.coinbase;
    const codeless = (slot: number) => !this.table.exists(slot) || this.table.codeLength(slot) === 0;
    const n = txs.length;
    // Records committed as they are, by transaction (reads forwarded from one are valid only if it was).
    const accepted = new Uint8Array(n);
    let i = 0;
    // Once the workers are stopped: past this transaction none holds any, and the rest runs alone (solo).
    let lastHeld = n;
    try {
      for (; i < n; i++) {
        if (lastHeld === n && (Atomics.load(a, ORDERED_IDLE) >= this.workers || Atomics.load(a, ORDERED_OFF) !== 0 || i === soloAt)) lastHeld = this.stopWorkers(i, n);
        if (i > lastHeld) break;
        beforeEach(i);
        Atomics.store(a, ORDERED_COMMIT, i);
        checkGasAllowance(txs[i], env, fold.gasUsed, i);
        const at = this.sched.statusIndex(i);
        let word = Atomics.load(a, at);
        if (word === LANE_RUNNING) word = this.await(at, idle, takeoverMs(this.sched.gasOwn(i)), stats);
        if (word === LANE_FREE && Atomics.compareExchange(a, at, LANE_FREE, LANE_MAIN) !== LANE_FREE) word = Atomics.load(a, at);
        const checked = word === LANE_DONE && !this.degraded && Atomics.load(a, ABORT) === 0;
        if (checked && this.reader.validReads(this.index[16 * i], this.table.vers, accepted, codeless)) {
          const spec = this.reader.decode();
          if (spec.outcome.kind === OUTCOME_OK) {
            this.accept(state, fold, spec, spec.outcome.result, coinbase);
            accepted[i] = 1;
            stats.accepted++;
            if (this.reader.forwardedReads > 0) stats.forwarded++;
            this.contention.accepted(txs[i].to);
            continue;
          }
        } else if (checked && !this.reader.readCoinbase) this.contention.rejected(txs[i].to);
        if (word === LANE_DONE) {
          stats.rejected++;
          // Mostly stale records (a dependency chain): the workers only slow this thread down.
          if (stats.rejected >= GIVE_UP_MIN_REJECTED && stats.rejected > stats.accepted) Atomics.store(a, ORDERED_OFF, 1);
        } else stats.direct++;
        this.direct(state, fold, txs[i], senderAt(i), env, runner, i, coinbase);
      }
      if (i < n) this.solo(state, fold, txs, senderAt, env, runner, stats, i);
    } finally {
      // The workers stop claiming and leave.
      Atomics.store(a, ORDERED_COMMIT, n);
      Atomics.store(a, ORDERED_CURSOR, n);
      Atomics.store(a, ORDERED_END, 1);
      Atomics.notify(a, ORDERED_END);
      // Idle workers sleep on ORDERED_OFF between looks.
      Atomics.notify(a, ORDERED_OFF);
    }
    // The coinbase's fees were kept off the table during the block: publish its final account.
    const cb = fold.changes.get(coinbase);
    if (cb !== undefined) this.publish(coinbase, -1, cb, undefined);
    this.flush();
    stats.tableStale = this.degraded;
    return fold.finish();
  }

  /** Waits for the worker holding the transaction at `at` (doing `idle` work first), up to `limitMs`; then takes it. Returns its status word. */
  private await(at: number, idle: () => boolean, limitMs: number, stats: OrderedStats): number {
    const a = this.sched.a;
    let word = Atomics.load(a, at);
    // Useful work first (it also gives the worker time to finish).
    while (word === LANE_RUNNING && idle()) word = Atomics.load(a, at);
    const t0 = performance.now();
    for (let k = 0; word === LANE_RUNNING; k++) {
      if ((k & 63) === 63 && performance.now() - t0 > limitMs) {
        // Taken over, unless the worker finished meanwhile.
        word = Atomics.compareExchange(a, at, LANE_RUNNING, LANE_MAIN);
        if (word === LANE_RUNNING) word = LANE_MAIN;
        break;
      }
      word = Atomics.load(a, at);
    }
    stats.waitMs += performance.now() - t0;
    return word;
  }

  /**
   * The workers are off for the rest of the block — their records keep
   * going stale, or every one of them found nothing it could take while
   * the commit point moved on (a chain): tells them to stop claiming and
   * returns the last transaction one of them holds or has done (the main
   * thread commits up to it as before, then goes on alone), or `from` - 1.
   */
  private stopWorkers(from: number, n: number): number {
    const a = this.sched.a;
    Atomics.store(a, ORDERED_OFF, 1);
    Atomics.notify(a, ORDERED_OFF);
    let last = from - 1;
    for (let k = from; k < n; k++) {
      const st = Atomics.load(a, this.sched.statusIndex(k));
      if (st === LANE_RUNNING || st === LANE_DONE) last = k;
    }
    return last;
  }

  /**
   * The rest of the block from `from` on, with the workers off: the
   * sequential executor's loop, nothing encoded for the workers and nothing
   * published per transaction; the accounts it changed are published once
   * at the end, from the block's combined changes (their final state,
   * which is what publishing every change in turn leaves in the table).
   * On a dependency chain the workers can take nothing, and per-transaction
   * publication was most of what the ordered mode cost over sequential.
   */
  private solo(state: BlockState, fold: BlockFold, txs: readonly Transaction[], senderAt: (i: number) => bigint, env: BlockEnv, runner: TransactionRunner, stats: OrderedStats, from: number): void {
    stats.soloFrom = from;
    const changed = new Set<bigint>();
    for (let i = from; i < txs.length; i++) {
      checkGasAllowance(txs[i], env, fold.gasUsed, i);
      for (const address of this.runHere(state, fold, txs[i], senderAt(i), env, runner, i).keys()) changed.add(address);
      stats.direct++;
    }
    const coinbase = env.coinbase;
    for (const address of changed) if (address !== coinbase) this.publish(address, -1, fold.changes.get(address) as AccountChange, undefined);
  }

  /** Runs transaction `i` on the caller's state and folds it, as the sequential executor does; returns its changes. */
  private runHere(state: BlockState, fold: BlockFold, tx: Transaction, sender: bigint, env: BlockEnv, runner: TransactionRunner, i: number): StateChanges {
    let result;
    try {
      result = runner(state, tx, sender, env);
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
    state.apply(result.changes);
    fold.add(result);
    return result.changes;
  }

  /** Runs transaction `i` here (runHere) and publishes its writes. */
  private direct(state: BlockState, fold: BlockFold, tx: Transaction, sender: bigint, env: BlockEnv, runner: TransactionRunner, i: number, coinbase: bigint): void {
    for (const [address, ch] of this.runHere(state, fold, tx, sender, env, runner, i)) {
      // A fee to the coinbase is published at the end; anything else it got, now.
      if (address === coinbase && isPlainCredit(ch)) continue;
      this.publish(address, -1, ch, undefined);
    }
  }

  /** Commits a worker's record: its writes, its deferred transfer credit and coinbase fee. */
  private accept(state: BlockState, fold: BlockFold, spec: Speculative, receipt: TxSummary, coinbase: bigint): void {
    const changes: StateChanges = spec.changes;
    // The record's own writes first, with the table slots the worker found for them.
    let k = 0;
    for (const [address, ch] of changes) {
      this.publish(address, spec.accountSlots[k], ch, spec.storageSlots[k]);
      k++;
    }
    const credit = spec.credit;
    if (credit !== undefined) {
      // A positive amount: always a change.
      const ch = paidChange(state, credit.to, credit.amount) as AccountChange;
      changes.set(credit.to, ch);
      this.publish(credit.to, credit.slot, ch, undefined);
    }
    if (spec.fee !== undefined) {
      // Kept off the table until the block ends (workers that read the coinbase are sent back).
      const fee = paidChange(state, coinbase, spec.fee);
      if (fee !== undefined) changes.set(coinbase, fee);
    }
    state.apply(changes);
    fold.addReceipt(receipt);
    mergeChanges(fold.changes, changes);
  }

  /** Writes one account's change into the table for the workers (LocationTable.applyAccountChange). */
  private publish(address: bigint, slot: number, ch: AccountChange, storageSlots: readonly number[] | undefined): void {
    if (this.degraded) return;
    try {
      if (!this.table.applyAccountChange(address, ch, slot, storageSlots)) this.degrade();
    } catch (err) {
      if (!(err instanceof BlockAborted)) throw err;
      this.degrade();
    }
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
