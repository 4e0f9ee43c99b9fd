/**
 * Block-STM's collaborative scheduler (Gelashvili et al., PPoPP 2023,
 * Algorithms 4 and 5), ported to one Int32Array over a SharedArrayBuffer so
 * that every worker thread drives the same instance.
 *
 * Two counters hand out work: `execution_idx` (the next transaction to try
 * executing) and `validation_idx` (the next one to validate). A thread always
 * takes the lower of the two, so validation never lags far behind execution
 * and aborts are found early. Re-executions and re-validations are scheduled
 * by lowering a counter; `decrease_cnt` counts those lowerings so the "are we
 * done?" check can tell that nothing moved while it looked.
 *
 * The paper's `num_active_tasks` counter is replaced by one "holds a task"
 * flag per worker, each on its own cache line: a worker holds at most one
 * task at a time and sets and clears its flag exactly where the counter
 * would be incremented and decremented, so "no task in flight" is "every
 * flag clear". The shared counter was the hottest line of the scheduler
 * (about four updates per transaction, from every worker).
 *
 * Each transaction's (incarnation, status) pair lives in one Int32 word,
 * `incarnation * 4 + status`, so the paper's per-status mutex becomes a CAS.
 * Dependency sets need a real lock (see `addDependency`): each is a linked
 * list threaded through `depHead[blocking]` and `depNext[waiting]`, which
 * works because a waiting transaction waits on exactly one other at a time.
 *
 * Status of one transaction:
 *
 *                 tryIncarnate                  finishExecution
 *   READY(i) ──────────────────▶ EXECUTING(i) ──────────────────▶ EXECUTED(i)
 *      ▲                            │                                  │
 *      │ setReadyStatus             │ addDependency (read hit an      │ tryValidationAbort
 *      │ (incarnation i+1)          │ ESTIMATE of a lower tx that     │ (a read is stale)
 *      │                            ▼ has not executed again yet)     │
 *      └─────────────────────── ABORTING(i) ◀───────────────────────────┘
 *
 * Internal module of the parallel executor.
 */
import { lock, unlock } from './sync.js';
import { BlockAborted, TASK_EXECUTE, TASK_NONE, TASK_VALIDATE, type Incarnation, type TaskKind, type TxIdx } from './types.js';

// Atomics.waitAsync (ES2024, in Node since 16) is missing from the ES2022 library this project compiles against.
declare global {
  interface Atomics {
    waitAsync(a: Int32Array, index: number, value: number, timeout?: number): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
}

export const READY_TO_EXECUTE = 0;
export const EXECUTING = 1;
export const EXECUTED = 2;
export const ABORTING = 3;

// Header words. Every counter that all threads update is alone on its 64-byte
// cache line: false sharing between the hot counters cost each task extra
// coherence misses.
const EXECUTION_IDX = 0;
const VALIDATION_IDX = 16;
const DECREASE_CNT = 32;
/** Bumped whenever a task may have appeared or the block ended; idle workers sleep on it. */
const WAKE = 64;
/** How many workers sleep on WAKE (notify is skipped when none do). */
const SLEEPERS = 65;
const DONE = 80;
/**
 * The ordered mode (ordered-lane.ts) uses the header, not the Block-STM
 * counters: the next transaction to commit (written by the main thread
 * alone, on a line of its own), the workers' claim cursor (on
 * execution_idx's line), an end flag the idle workers wait on, and a flag
 * that sends them to wait for it at once (ORDERED_OFF).
 */
export const ORDERED_COMMIT = 48;
/** Set by the main thread when workers' records keep going stale or they find nothing to take: the workers stop for the block. */
export const ORDERED_OFF = 49;
/** Workers that found nothing to claim for a while as the commit point moved on (ordered-lane.ts): when all have, the main thread goes on alone. */
export const ORDERED_IDLE = 50;
export const ORDERED_CURSOR = EXECUTION_IDX;
export const ORDERED_END = DONE;
/** Nonzero: the block is abandoned (an ABORT_* reason). */
export const ABORT = 81;
const BLOCK_SIZE = 82;
/** Sender recovery: next transaction to recover, and how many workers finished. */
export const RECOVER_IDX = 96;
export const RECOVER_DONE = 112;
/** Sender recovery: 1 once the known-dependency table is filled and execution may start (2: a signature failed). */
export const RECOVER_GATE = 113;
/** Transactions the main thread has encoded so far (it encodes while workers start). */
export const TXS_READY = 128;
/** Table commit after the block (table-commit.ts): chunk counters and the barrier between its phases. */
export const COMMIT_A = 144;
export const COMMIT_A_DONE = 160;
export const COMMIT_B = 176;
/** Set by the worker that commits the coinbase. */
export const COMMIT_COINBASE = 177;
/**
 * Per-worker lines: word 0 the "holds a task" flag; words 1 and 2 this
 * thread's executions and aborts so far in the block (read by the main
 * thread to detect a contended block; each thread writes only its own line).
 */
const ACTIVE = 192;
const LINE_EXECUTIONS = 1;
const LINE_ABORTS = 2;
/**
 * The ordered mode: a worker's figures for the block and, written last, a
 * flag that it has left it (reportLeft), so that the main thread need not
 * wait for its message to return the block.
 */
const LINE_LEFT = 3;
const LINE_DROPPED = 4;
const LINE_BUSY_US = 5;
const LINE_WAIT_US = 6;
export const MAX_WORKERS = 64;
const HEADER = ACTIVE + 16 * MAX_WORKERS;

/**
 * Per transaction, one 64-byte line (16 words): neighbours are usually run by
 * different threads. Word 0 status, 1 lock of its dependency list, 2 head of
 * the list, 3 next in the list it waits in, 4 previous transaction of the
 * same sender, 5 its gas limit (in units of GAS_UNIT: the ordered mode's
 * cost estimates), 6 its affinity (the ordered mode: the block's id of its
 * target when that contract is contended, else 0; contention.ts).
 */
const TX_WORDS = 16;
const STATUS = 0;
const DEP_LOCK = 1;
const DEP_HEAD = 2;
const DEP_NEXT = 3;
const PREV_SAME_SENDER = 4;
const GAS_OWN = 5;
const AFFINITY = 6;
/** Gas per unit of the per-transaction gas word (sums of a block's gas limits fit an Int32 many times over). */
export const GAS_UNIT = 1024;

/** Int32 words a scheduler for `capacity` transactions needs. */
export function schedulerWords(capacity: number): number {
  return HEADER + TX_WORDS * capacity;
}

/** How long an idle worker sleeps before re-checking ABORT (ms). */
const IDLE_SLEEP_MS = 50;

export class Scheduler {
  readonly a: Int32Array;
  readonly capacity: number;
  private n = 0;
  private workers = 0;
  /** This thread's flag word (-1: the main thread, which never holds tasks). */
  private active = -1;

  /** The task `nextTask`, `finishExecution` and `finishValidation` hand back (no allocation). */
  taskKind: TaskKind = TASK_NONE;
  taskTx: TxIdx = 0;
  taskInc: Incarnation = 0;

  constructor(buffer: SharedArrayBuffer, capacity: number, worker = -1) {
    this.a = new Int32Array(buffer);
    this.capacity = capacity;
    if (worker >= MAX_WORKERS) throw new RangeError(`at most ${MAX_WORKERS} workers`);
    this.active = worker < 0 ? -1 : ACTIVE + 16 * worker;
  }

  /** Index of a transaction's status word (incarnation * 4 + status). */
  statusIndex(tx: TxIdx): number {
    return HEADER + tx * TX_WORDS + STATUS;
  }

  /** Main thread, before a block (no worker running): every transaction READY, incarnation 0. */
  reset(n: number): void {
    if (n > this.capacity) throw new RangeError(`block of ${n} txs exceeds scheduler capacity ${this.capacity}`);
    const a = this.a;
    a.fill(0, 0, HEADER);
    a[BLOCK_SIZE] = n;
    for (let i = 0, at = HEADER; i < n; i++, at += TX_WORDS) {
      a[at + STATUS] = 0;
      a[at + DEP_LOCK] = 0;
      a[at + DEP_HEAD] = -1;
      a[at + PREV_SAME_SENDER] = -1;
    }
  }

  /** Every thread, at the start of a block: read the block size; `workers` take part. */
  begin(workers = 1): void {
    this.n = Atomics.load(this.a, BLOCK_SIZE);
    this.workers = workers;
    this.executions = 0;
    this.aborts = 0;
  }

  private executions = 0;
  private aborts = 0;

  /** This thread ran an incarnation (counted on its own line). */
  noteExecution(): void {
    if (this.active >= 0) Atomics.store(this.a, this.active + LINE_EXECUTIONS, ++this.executions);
  }

  /** An incarnation was aborted (validation failed, or a read met an ESTIMATE). */
  noteAbort(): void {
    if (this.active >= 0) Atomics.store(this.a, this.active + LINE_ABORTS, ++this.aborts);
  }

  /** A worker, leaving an ordered-mode block normally: its figures, then the flag (hasLeft). */
  reportLeft(executions: number, dropped: number, busyMs: number, waitMs: number): void {
    const at = this.active;
    if (at < 0) return;
    const a = this.a;
    a[at + LINE_EXECUTIONS] = executions;
    a[at + LINE_DROPPED] = dropped;
    a[at + LINE_BUSY_US] = Math.min(0x7fffffff, Math.round(busyMs * 1000));
    a[at + LINE_WAIT_US] = Math.min(0x7fffffff, Math.round(waitMs * 1000));
    Atomics.store(a, at + LINE_LEFT, 1);
  }

  /** Main thread: whether worker `w` has left the block (reportLeft); its figures are then readable. */
  hasLeft(w: number): boolean {
    return Atomics.load(this.a, ACTIVE + 16 * w + LINE_LEFT) !== 0;
  }

  /** Main thread: worker `w`'s figures as it reported them on leaving. */
  leftFigures(w: number): { executions: number; dropped: number; busyMs: number; waitMs: number } {
    const at = ACTIVE + 16 * w;
    const a = this.a;
    return { executions: a[at + LINE_EXECUTIONS], dropped: a[at + LINE_DROPPED], busyMs: a[at + LINE_BUSY_US] / 1000, waitMs: a[at + LINE_WAIT_US] / 1000 };
  }

  /** Executions and aborts so far in the block, over all threads (approximate while they run). */
  progress(): { executions: number; aborts: number } {
    let executions = 0;
    let aborts = 0;
    for (let w = 0; w < this.workers; w++) {
      executions += Atomics.load(this.a, ACTIVE + 16 * w + LINE_EXECUTIONS);
      aborts += Atomics.load(this.a, ACTIVE + 16 * w + LINE_ABORTS);
    }
    return { executions, aborts };
  }

  /** The paper's num_active_tasks increment (true) and decrement (false), for this worker. */
  private hold(yes: boolean): void {
    Atomics.store(this.a, this.active, yes ? 1 : 0);
  }

  get blockSize(): number {
    return this.n;
  }

  status(tx: TxIdx): number {
    return Atomics.load(this.a, this.statusIndex(tx)) & 3;
  }

  incarnation(tx: TxIdx): Incarnation {
    return Atomics.load(this.a, this.statusIndex(tx)) >>> 2;
  }

  done(): boolean {
    return Atomics.load(this.a, DONE) !== 0;
  }

  abortReason(): number {
    return Atomics.load(this.a, ABORT);
  }

  /** Abandons the block (any thread): workers unwind at their next check. */
  abort(reason: number): void {
    Atomics.compareExchange(this.a, ABORT, 0, reason);
    this.wake();
  }

  private checkAbort(): void {
    const r = Atomics.load(this.a, ABORT);
    if (r !== 0) throw new BlockAborted(r);
  }

  private wake(): void {
    Atomics.add(this.a, WAKE, 1);
    if (Atomics.load(this.a, SLEEPERS) > 0) Atomics.notify(this.a, WAKE);
  }

  /**
   * After lowering a counter: wakes sleepers, if there are any. The WAKE
   * bump is skipped when none sleep (a contended update on every task
   * otherwise): a thread about to sleep registers in SLEEPERS first and
   * then looks at the counters again (`mayHaveTask`), so either it sees
   * the lowered counter or this sees it registered (sequentially consistent
   * atomics order the two).
   */
  private wakeSleepers(): void {
    if (Atomics.load(this.a, SLEEPERS) > 0) this.wake();
  }

  /** Whether a task may be there to take, or the block ended: then a thread must not sleep. */
  private mayHaveTask(): boolean {
    const a = this.a;
    return Math.min(Atomics.load(a, EXECUTION_IDX), Atomics.load(a, VALIDATION_IDX)) < this.n || Atomics.load(a, DONE) !== 0 || Atomics.load(a, ABORT) !== 0;
  }

  /** The value to pass to `sleep` (read before looking for a task, so no wake-up is lost). */
  wakeSeq(): number {
    return Atomics.load(this.a, WAKE);
  }

  /**
   * Idles until a task may exist. Tasks only appear when a counter is lowered
   * or the block ends. The block's end bumps WAKE always, a lowering when
   * someone sleeps (`wakeSleepers`); a sleeper registers first and then looks
   * at the counters once more, so it either sees the lowering or is woken
   * (a bump after `seq` was read makes the wait return at once). The
   * timeout is a safety net for ABORT, which a dead worker cannot announce.
   */
  sleep(seq: number): void {
    Atomics.add(this.a, SLEEPERS, 1);
    if (!this.mayHaveTask()) Atomics.wait(this.a, WAKE, seq, IDLE_SLEEP_MS);
    Atomics.sub(this.a, SLEEPERS, 1);
    this.checkAbort();
  }

  /**
   * `sleep` for the main thread when it takes part: waits without blocking
   * its event loop (worker exits and the block's deadline are events there).
   */
  async sleepAsync(seq: number, ms = IDLE_SLEEP_MS): Promise<void> {
    Atomics.add(this.a, SLEEPERS, 1);
    try {
      if (!this.mayHaveTask()) {
        const w = Atomics.waitAsync(this.a, WAKE, seq, ms);
        if (w.async) await w.value;
      }
    } finally {
      Atomics.sub(this.a, SLEEPERS, 1);
    }
    this.checkAbort();
  }

  private decreaseExecutionIdx(target: TxIdx): void {
    atomicMin(this.a, EXECUTION_IDX, target);
    Atomics.add(this.a, DECREASE_CNT, 1);
    this.wakeSleepers();
  }

  private decreaseValidationIdx(target: TxIdx): void {
    atomicMin(this.a, VALIDATION_IDX, target);
    Atomics.add(this.a, DECREASE_CNT, 1);
    this.wakeSleepers();
  }

  /**
   * The block is done when both counters are past the end and no task is in
   * flight. A task in flight may lower a counter after we read it, so the
   * check is only trusted if `decrease_cnt` did not move while we looked
   * (the paper's argument: a lowering always precedes the decrement of
   * `num_active_tasks` by the task that caused it).
   */
  private checkDone(): void {
    const a = this.a;
    const observed = Atomics.load(a, DECREASE_CNT);
    if (Math.min(Atomics.load(a, EXECUTION_IDX), Atomics.load(a, VALIDATION_IDX)) < this.n) return;
    for (let w = 0; w < this.workers; w++) if (Atomics.load(a, ACTIVE + 16 * w) !== 0) return;
    if (observed === Atomics.load(a, DECREASE_CNT)) {
      Atomics.store(a, DONE, 1);
      this.wake();
    }
  }

  /** READY(i) → EXECUTING(i), or give the task slot back. */
  private tryIncarnate(tx: TxIdx): boolean {
    if (tx < this.n) {
      const at = this.statusIndex(tx);
      const word = Atomics.load(this.a, at);
      // CAS: another thread may take the same index after a counter was lowered.
      if ((word & 3) === READY_TO_EXECUTE && Atomics.compareExchange(this.a, at, word, word + EXECUTING) === word) {
        this.setTask(TASK_EXECUTE, tx, word >>> 2);
        return true;
      }
    }
    this.hold(false);
    return false;
  }

  private nextVersionToExecute(): boolean {
    if (Atomics.load(this.a, EXECUTION_IDX) >= this.n) {
      this.checkDone();
      return false;
    }
    this.hold(true);
    return this.tryIncarnate(Atomics.add(this.a, EXECUTION_IDX, 1));
  }

  private nextVersionToValidate(): boolean {
    if (Atomics.load(this.a, VALIDATION_IDX) >= this.n) {
      this.checkDone();
      return false;
    }
    this.hold(true);
    const tx = Atomics.add(this.a, VALIDATION_IDX, 1);
    if (tx < this.n) {
      const word = Atomics.load(this.a, this.statusIndex(tx));
      // Only an executed incarnation has a read set to check; a transaction that is
      // executing now will be validated when it finishes (finishExecution).
      if ((word & 3) === EXECUTED) {
        this.setTask(TASK_VALIDATE, tx, word >>> 2);
        return true;
      }
    }
    this.hold(false);
    return false;
  }

  /** Sets `task*` to the lower-numbered available task, or TASK_NONE. */
  nextTask(): TaskKind {
    this.checkAbort();
    this.taskKind = TASK_NONE;
    if (Atomics.load(this.a, VALIDATION_IDX) < Atomics.load(this.a, EXECUTION_IDX)) {
      this.nextVersionToValidate();
    } else {
      this.nextVersionToExecute();
    }
    return this.taskKind;
  }

  /**
   * Transaction `tx` (EXECUTING) read an ESTIMATE of `blocking`. Returns false
   * if `blocking` has executed again meanwhile (re-execute at once), true if
   * `tx` is now parked on it. The lock on `blocking`'s dependency list orders
   * this against `finishExecution(blocking)`, which sets EXECUTED *before*
   * taking the same lock to empty the list: either we see EXECUTED, or our
   * entry is in the list it empties. No wake-up can be lost.
   */
  addDependency(tx: TxIdx, blocking: TxIdx): boolean {
    const a = this.a;
    const b = HEADER + blocking * TX_WORDS;
    lock(a, b + DEP_LOCK, a, ABORT);
    if ((Atomics.load(a, b + STATUS) & 3) === EXECUTED) {
      unlock(a, b + DEP_LOCK);
      return false;
    }
    // Only the thread executing `tx` changes an EXECUTING status: a plain update suffices.
    const at = HEADER + tx * TX_WORDS;
    Atomics.store(a, at + STATUS, (Atomics.load(a, at + STATUS) & ~3) | ABORTING);
    a[at + DEP_NEXT] = a[b + DEP_HEAD];
    a[b + DEP_HEAD] = tx;
    unlock(a, b + DEP_LOCK);
    this.hold(false);
    return true;
  }

  /** ABORTING(i) → READY(i+1). Only the thread that owns the abort calls this. */
  private setReadyStatus(tx: TxIdx): void {
    const at = this.statusIndex(tx);
    const word = Atomics.load(this.a, at);
    Atomics.store(this.a, at, ((word >>> 2) + 1) * 4 + READY_TO_EXECUTE);
  }

  private resumeDependencies(head: number): void {
    let min = -1;
    for (let t = head; t !== -1; ) {
      // Read the link first: once READY, `t` may be re-executed and park elsewhere.
      const next = this.a[HEADER + t * TX_WORDS + DEP_NEXT];
      this.setReadyStatus(t);
      if (min === -1 || t < min) min = t;
      t = next;
    }
    if (min !== -1) this.decreaseExecutionIdx(min);
  }

  /**
   * EXECUTING → EXECUTED, wake the transactions parked on this one, and decide
   * what to validate: everything above `tx` if this incarnation wrote a
   * location the previous one did not (a later read may now resolve to it),
   * otherwise just `tx` itself (returned as the next task, saving a trip
   * through the counters).
   */
  finishExecution(tx: TxIdx, incarnation: Incarnation, wroteNewLocation: boolean): TaskKind {
    const a = this.a;
    const at = HEADER + tx * TX_WORDS;
    Atomics.store(a, at + STATUS, incarnation * 4 + EXECUTED);
    lock(a, at + DEP_LOCK, a, ABORT);
    const head = a[at + DEP_HEAD];
    a[at + DEP_HEAD] = -1;
    unlock(a, at + DEP_LOCK);
    this.resumeDependencies(head);
    this.taskKind = TASK_NONE;
    if (Atomics.load(a, VALIDATION_IDX) > tx) {
      if (wroteNewLocation) {
        this.decreaseValidationIdx(tx);
      } else {
        this.setTask(TASK_VALIDATE, tx, incarnation);
        return TASK_VALIDATE;
      }
    }
    this.hold(false);
    return TASK_NONE;
  }

  /**
   * EXECUTED(i) → ABORTING(i) if the validated incarnation is still the
   * current one. Of several validations failing on the same incarnation, the
   * CAS lets exactly one abort it.
   */
  tryValidationAbort(tx: TxIdx, incarnation: Incarnation): boolean {
    const expect = incarnation * 4 + EXECUTED;
    return Atomics.compareExchange(this.a, this.statusIndex(tx), expect, incarnation * 4 + ABORTING) === expect;
  }

  /**
   * After a validation. An abort makes `tx` READY again, schedules every
   * higher transaction for re-validation (they may have read its writes, now
   * ESTIMATEs), and if the execution counter is already past `tx`, returns
   * its re-execution directly (nobody else would pick it up).
   */
  finishValidation(tx: TxIdx, aborted: boolean): TaskKind {
    this.taskKind = TASK_NONE;
    if (aborted) {
      this.setReadyStatus(tx);
      this.decreaseValidationIdx(tx + 1);
      if (Atomics.load(this.a, EXECUTION_IDX) > tx) {
        // tryIncarnate gives the task slot back itself when it fails.
        return this.tryIncarnate(tx) ? TASK_EXECUTE : TASK_NONE;
      }
    }
    this.hold(false);
    return TASK_NONE;
  }

  private setTask(kind: TaskKind, tx: TxIdx, inc: Incarnation): void {
    this.taskKind = kind;
    this.taskTx = tx;
    this.taskInc = inc;
  }

  /** The known dependency of `tx` (previous transaction of its sender), or -1. */
  prevSameSender(tx: TxIdx): TxIdx {
    return this.a[HEADER + tx * TX_WORDS + PREV_SAME_SENDER];
  }

  /** Sets a known dependency (before `tx` is published to the workers). */
  setPrevSameSender(tx: TxIdx, prev: TxIdx): void {
    this.a[HEADER + tx * TX_WORDS + PREV_SAME_SENDER] = prev;
  }

  /** Main thread, as it encodes: `tx`'s gas limit, in GAS_UNITs. */
  setGas(tx: TxIdx, own: number): void {
    this.a[HEADER + tx * TX_WORDS + GAS_OWN] = own;
  }

  /** `tx`'s own gas limit (GAS_UNITs, at least 1). */
  gasOwn(tx: TxIdx): number {
    return this.a[HEADER + tx * TX_WORDS + GAS_OWN];
  }

  /** Main thread, as it encodes: the id of `tx`'s contended target, or 0. */
  setAffinity(tx: TxIdx, id: number): void {
    this.a[HEADER + tx * TX_WORDS + AFFINITY] = id;
  }

  /** The id of `tx`'s contended target (0: none). */
  affinity(tx: TxIdx): number {
    return this.a[HEADER + tx * TX_WORDS + AFFINITY];
  }
}

/** a[i] = min(a[i], v), atomically. */
function atomicMin(a: Int32Array, i: number, v: number): void {
  let cur = Atomics.load(a, i);
  while (v < cur) {
    const seen = Atomics.compareExchange(a, i, cur, v);
    if (seen === cur) return;
    cur = seen;
  }
}
