/**
 * The ordered mode, worker side. Block-STM lets every thread execute any
 * transaction and keeps every write in a multi-version memory so others can
 * read it; on two cores that bookkeeping costs more than the second core
 * gives (docs/parallel.md). The ordered mode keeps one thread — the main
 * thread — on the sequential executor's own path, committing transactions
 * in order to the caller's state, and lets the workers run a little ahead
 * of it:
 *
 *   - a worker claims a transaction at least GAP past the commit point (the
 *     ones before are the main thread's), runs it over the location table
 *     as published so far (ordered-view.ts), and leaves a record of its
 *     reads, receipt and writes (ordered-codec.ts);
 *   - the main thread, at each transaction's turn, runs it itself if no
 *     worker took it, or checks the worker's record — every location read
 *     still has the publication count it had — and commits it without
 *     running it; a stale record is thrown away and the transaction run
 *     directly. Every commit is published to the table at once, so the
 *     workers' next reads see it.
 *
 * Results are exactly sequential by construction: a record is used only
 * if the values it read are the values sequential execution would have
 * read at that point. A worker that fails or stalls costs nothing but its
 * records: the main thread takes over any transaction a worker has held
 * too long, so it never waits for one.
 *
 * Balance. The two threads are busy at once only if the main thread has
 * work while a worker runs: a worker that always takes the next free
 * transaction runs ahead while the main thread commits its records (a few
 * microseconds each), until the main thread catches up and waits on the
 * transaction the worker is running — lock-step, each thread idle half the
 * time (1.0-1.35 ms of waiting per erc20 block, 4.7-5.9 ms per amm or
 * mixed block). So a worker whose claim is fewer than `lead` transactions
 * past the commit point skips the next one: the main thread gets every
 * other transaction to run itself while the worker rebuilds its lead, and
 * the worker takes consecutive ones again once it is far enough ahead.
 * Waiting fell to 0.02-0.2 ms per erc20 block and under 1 ms per amm or
 * mixed block (docs/parallel.md has the figures).
 *
 * Affinity. Calls to one busy contract close together (a mint, a pool)
 * read what the one before wrote; split between the threads, the worker's
 * records of them are thrown away (15537394: 23 of 45 per run, all slots
 * of one contract called by 34 of its 80 transactions). The calling thread
 * learns which targets' records go stale (contention.ts); a transaction to
 * such a target carries the target's id, and a worker passes it over while
 * an earlier uncommitted call to the same target is the calling thread's
 * (mainHoldsEarlier), coming back to it once that one is committed. The
 * calls then run in runs on one thread or the other, and a worker's run
 * of them holds through forwarding.
 *
 * Each transaction's state is the scheduler's status word, reused (LANE_*).
 *
 * Internal module of the parallel executor.
 */
import type { Transaction } from '../../tx/types.js';
import { TxError } from '../../tx/errors.js';
import type { BlockEnv } from '../types.js';
import { describe } from './fallback.js';
import { writeSpeculative } from './ordered-codec.js';
import { OrderedView } from './ordered-view.js';
import { OUTCOME_ERROR, OUTCOME_INVALID, OUTCOME_OK, type Outcome } from './results.js';
import type { Scheduler } from './scheduler.js';
import { ABORT, ORDERED_COMMIT, ORDERED_CURSOR, ORDERED_END, ORDERED_IDLE, ORDERED_OFF, TXS_READY } from './scheduler.js';
import type { TxRunner } from './engine.js';
import type { WordWriter } from './tx-codec.js';
import { BlockAborted, ABORT_TIMEOUT } from './types.js';

/** Nobody has the transaction yet. */
export const LANE_FREE = 0;
/** A worker is running it. */
export const LANE_RUNNING = 1;
/** A worker's record of it is in the arena. */
export const LANE_DONE = 2;
/** The main thread took it (a worker's later record is dropped). */
export const LANE_MAIN = 3;

/**
 * Claiming by cost (worthClaiming). A transaction whose gas limit is at most
 * this many GAS_UNITs (~260k gas) is claimed whatever it costs: it runs in
 * well under a millisecond.
 */
const SMALL_TX_UNITS = 256;
/** How much slower than the main thread a worker is assumed to run a transaction (reads through the table, another core). */
const WORKER_SLOWDOWN = 2;
/** Transactions past the commit point looked at to estimate the main thread's work ahead of a claim. */
const CLAIM_SCAN = 256;

/** Transactions past the cursor one claim looks at, at most (a chain of one sender or target is passed over whole). */
const CLAIM_WINDOW = 256;
/** Transactions passed over for affinity a worker keeps to look at again, at most. */
const PASSED_MAX = 64;

/** Loads of the commit point a worker spins through when it finds nothing to claim. */
const IDLE_SPINS = 4096;
/** Claims in a row that found nothing before a worker sleeps between looks, and for how long (ms). */
const MISSES_BEFORE_SLEEP = 16;
const IDLE_SLEEP_MS = 0.2;
/**
 * Claims in a row that found nothing, the commit point moving on between
 * them, before a worker counts itself idle (ORDERED_IDLE): once every
 * worker is, the main thread stops publishing and runs the rest alone
 * (OrderedCommitter.solo).
 */
const MISSES_BEFORE_IDLE = 16;

/** What a lane needs from its thread's engine. */
export interface LaneHost {
  readonly sched: Scheduler;
  readonly run: TxRunner;
  readonly out: WordWriter;
  txAt(i: number): Transaction;
  senderAt(i: number): bigint;
  /** Copies `out` into the arena as transaction `tx`'s record. */
  storeRecord(tx: number): void;
  /** Fault injection (tests): before the transaction, and (`inEvm`) where the EVM runs. */
  injectFaultFor(tx: number, inEvm: boolean): void;
}

export interface LaneStats {
  executions: number;
  /** Records the main thread had taken over before they were written. */
  dropped: number;
  waitMs: number;
}

export class OrderedLane {
  readonly view: OrderedView;
  private readonly deferFees = { deferCoinbasePayment: true };
  private readonly deferAll: { deferCoinbasePayment: boolean; deferTransfer: (to: bigint) => boolean };

  constructor(
    private readonly host: LaneHost,
    view: OrderedView,
  ) {
    this.view = view;
    this.deferAll = { deferCoinbasePayment: true, deferTransfer: view.deferTransfer };
  }

  /**
   * Claims and runs transactions until the main thread has committed the
   * block. `gap`: how many transactions past the commit point stay the main
   * thread's; `lead`: below this distance from the commit point, leave every
   * other transaction to the main thread (see "Balance" above). `defer`:
   * lazy coinbase fees (and `lazy`: value transfers).
   */
  run(env: BlockEnv, n: number, gap: number, lead: number, defer: boolean, lazy: boolean, deadline: number, stats: LaneStats): void {
    const sched = this.host.sched;
    const a = sched.a;
    const view = this.view;
    view.beginBlock(env.coinbase, { words: a, at: ORDERED_COMMIT });
    this.passed.length = 0;
    const options = defer ? (lazy ? this.deferAll : this.deferFees) : undefined;
    let misses = 0;
    let lastMiss = -1;
    let idle = false;
    for (;;) {
      const reason = Atomics.load(a, ABORT);
      if (reason !== 0) throw new BlockAborted(reason);
      if (Atomics.load(a, ORDERED_OFF) !== 0) {
        // The main thread found this block's records mostly stale (a dependency chain):
        // sleep until it ends, leaving the core to the thread that does the work.
        const t = performance.now();
        while (Atomics.load(a, ORDERED_END) === 0 && Atomics.load(a, ABORT) === 0) Atomics.wait(a, ORDERED_END, 0, 50);
        stats.waitMs += performance.now() - t;
        if (Atomics.load(a, ORDERED_END) !== 0) return;
        continue;
      }
      const j = this.claim(n, gap, lead);
      if (j < 0) {
        if (Atomics.load(a, ORDERED_END) !== 0) {
          // A fault injected past what this worker got to run fires as it leaves (tests).
          this.host.injectFaultFor(n, false);
          return;
        }
        // Nothing to claim yet: the commit point moves every few microseconds, so spin until
        // it does (a futex sleep's wake-up alone takes longer) — unless the commit point keeps
        // moving and still nothing is claimable (a chain of one sender or one contended
        // target): then each look is a scan of lines the main thread is writing, and a short
        // sleep leaves it the core and its cache lines.
        const t = performance.now();
        // A miss counts towards idle only when work was there but held back by the main thread's
        // (a chain), and the commit point has moved since the last one (not a long transaction).
        const commit = Atomics.load(a, ORDERED_COMMIT);
        if (this.blocked > 0 && commit !== lastMiss) misses++;
        lastMiss = commit;
        if (misses >= MISSES_BEFORE_IDLE && !idle) {
          idle = true;
          Atomics.add(a, ORDERED_IDLE, 1);
        }
        if (misses > MISSES_BEFORE_SLEEP) Atomics.wait(a, ORDERED_OFF, 0, IDLE_SLEEP_MS);
        else {
          const c0 = Atomics.load(a, ORDERED_COMMIT);
          for (let k = 0; k < IDLE_SPINS && Atomics.load(a, ORDERED_COMMIT) === c0; k++);
        }
        stats.waitMs += performance.now() - t;
        if (performance.now() > deadline) throw new BlockAborted(ABORT_TIMEOUT);
        continue;
      }
      misses = 0;
      if (idle) {
        idle = false;
        Atomics.sub(a, ORDERED_IDLE, 1);
      }
      this.host.injectFaultFor(j, false);
      const tx = this.host.txAt(j);
      view.begin();
      let outcome: Outcome;
      let result;
      try {
        this.host.injectFaultFor(j, true);
        result = this.host.run(view, tx, this.host.senderAt(j), env, options);
        outcome = { kind: OUTCOME_OK, result };
      } catch (err) {
        if (err instanceof BlockAborted) throw err;
        outcome = err instanceof TxError ? { kind: OUTCOME_INVALID, error: err } : { kind: OUTCOME_ERROR, message: describe(err) };
      }
      stats.executions++;
      const w = this.host.out;
      w.pos = 0;
      writeSpeculative(w, view, outcome, result);
      const at = sched.statusIndex(j);
      // The main thread may have taken it over meanwhile: then the record is not wanted.
      if (Atomics.load(a, at) !== LANE_RUNNING) {
        stats.dropped++;
        continue;
      }
      this.host.storeRecord(j);
      if (Atomics.compareExchange(a, at, LANE_RUNNING, LANE_DONE) !== LANE_RUNNING) stats.dropped++;
      // Its writes are what this worker's next transactions read (a record that read the coinbase is always sent back).
      else if (result !== undefined && !view.coinbaseRead) view.remember(j, result.changes);
    }
  }

  /**
   * Transactions passed over for affinity (mainHoldsEarlier), in index
   * order: looked at again first by each claim, since the calling thread's
   * transactions that held them back are usually committed a few
   * microseconds later. This worker's own; emptied each block.
   */
  private passed: number[] = [];
  /** Free transactions the last claim passed over for their sender's or their target's earlier one (not for cost). */
  private blocked = 0;

  /** The first transaction passed over for affinity that may now be run here, claimed; -1 if none (stale entries dropped). */
  private claimPassed(commit: number, gap: number): number {
    const sched = this.host.sched;
    const a = sched.a;
    const passed = this.passed;
    for (let k = 0; k < passed.length; ) {
      const j = passed[k];
      if (j < commit || Atomics.load(a, sched.statusIndex(j)) !== LANE_FREE) {
        passed.splice(k, 1);
        continue;
      }
      if (j >= commit + gap && sched.prevSameSender(j) < commit && !mainHoldsEarlier(sched, j, commit) && worthClaiming(sched, j, commit)) {
        passed.splice(k, 1);
        if (Atomics.compareExchange(a, sched.statusIndex(j), LANE_FREE, LANE_RUNNING) === LANE_FREE) return j;
        continue;
      }
      k++;
    }
    return -1;
  }

  /**
   * The transaction to run next: first, one passed over for affinity that
   * is now free of it; else the first free transaction at least `gap` past
   * the commit point and past the cursor whose sender has no uncommitted
   * earlier transaction (its nonce would be stale), whose cost is worth it
   * (worthClaiming) and whose contended target (if any) the calling thread
   * is not about to call first (mainHoldsEarlier); -1 when none is left.
   * Claimed fewer than `lead` past the commit point, the cursor skips the
   * next transaction.
   */
  private claim(n: number, gap: number, lead: number): number {
    const sched = this.host.sched;
    const a = sched.a;
    const commit = Atomics.load(a, ORDERED_COMMIT);
    this.blocked = 0;
    const again = this.claimPassed(commit, gap);
    if (again >= 0) return again;
    const passed = this.passed;
    let j = Math.max(Atomics.load(a, ORDERED_CURSOR), commit + gap);
    // Only encoded transactions: their known dependencies are filled in with them.
    const end = Math.min(n, Atomics.load(a, TXS_READY), j + CLAIM_WINDOW);
    for (; j < end; j++) {
      if (sched.prevSameSender(j) >= commit) {
        this.blocked++;
        continue;
      }
      if (sched.affinity(j) !== 0 && mainHoldsEarlier(sched, j, commit)) {
        this.blocked++;
        // A rescan from the same cursor meets it again: listed once.
        if (passed.length < PASSED_MAX && (passed.length === 0 || passed[passed.length - 1] < j)) passed.push(j);
        continue;
      }
      if (!worthClaiming(sched, j, commit)) continue;
      if (Atomics.compareExchange(a, sched.statusIndex(j), LANE_FREE, LANE_RUNNING) === LANE_FREE) {
        const next = nearCommit(sched, commit, j, lead) ? j + 2 : j + 1;
        // The cursor only moves forward (another worker may have moved it further).
        let cur = Atomics.load(a, ORDERED_CURSOR);
        while (cur < next) {
          const seen = Atomics.compareExchange(a, ORDERED_CURSOR, cur, next);
          if (seen === cur) break;
          cur = seen;
        }
        return j;
      }
    }
    return -1;
  }
}

/**
 * Whether `j` is within `lead` transactions of the commit point, in gas:
 * fewer than `lead` transactions and less than `lead` times `j`'s gas limit
 * to go before the calling thread reaches it. Counted in transactions
 * alone, a worker went on leaving every other transaction to the calling
 * thread while that thread ran one long transaction — 52 ms in 15537394,
 * while the worker, done with the rest, waited 29 ms.
 */
export function nearCommit(sched: Scheduler, commit: number, j: number, lead: number): boolean {
  if (j - commit >= lead) return false;
  const limit = lead * sched.gasOwn(j);
  let ahead = 0;
  for (let k = commit; k < j; k++) {
    ahead += sched.gasOwn(k);
    if (ahead >= limit) return false;
  }
  return true;
}

/**
 * Affinity: whether an earlier uncommitted transaction calling the same
 * contended target as `j` (sched.affinity) is the calling thread's —
 * running there now, or free and so left to it. `j` would then most likely
 * read what that one writes before it is committed, and its record be
 * thrown away; left alone, it goes to the calling thread after the other,
 * or to this worker once the other is committed. Earlier calls a worker
 * holds do not count: `j` reads their writes forwarded (ordered-view.ts).
 */
export function mainHoldsEarlier(sched: Scheduler, j: number, commit: number): boolean {
  const id = sched.affinity(j);
  const a = sched.a;
  for (let k = j - 1; k >= commit && k >= j - CLAIM_SCAN; k--) {
    if (sched.affinity(k) !== id) continue;
    const st = Atomics.load(a, sched.statusIndex(k));
    if (st === LANE_FREE || st === LANE_MAIN) return true;
  }
  return false;
}

/**
 * Whether a worker is likely to finish transaction `j` before the main
 * thread reaches it (else the main thread would take it over and both
 * would run it). Estimated from gas limits: the main thread must first run
 * the transactions from the commit point to `j` that no worker holds; a
 * transaction of a few hundred thousand gas is always worth it.
 */
export function worthClaiming(sched: Scheduler, j: number, commit: number): boolean {
  const own = sched.gasOwn(j);
  if (own <= SMALL_TX_UNITS) return true;
  const need = own * WORKER_SLOWDOWN;
  const a = sched.a;
  let ahead = 0;
  for (let k = commit; k < j && k < commit + CLAIM_SCAN; k++) {
    const st = Atomics.load(a, sched.statusIndex(k));
    if (st !== LANE_RUNNING && st !== LANE_DONE) ahead += sched.gasOwn(k);
    if (ahead >= need) return true;
  }
  return false;
}
