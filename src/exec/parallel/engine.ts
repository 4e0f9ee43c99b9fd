/**
 * One thread's share of a block: the Block-STM worker loop (the paper's
 * Algorithm 1: take the next task, execute or validate, repeat until the
 * scheduler says done), plus parallel sender recovery before it. It runs
 * inside a worker thread (worker.ts), and on the calling thread, which
 * takes its share of every block (executor.ts) a few tasks at a time.
 *
 * Internal module of the parallel executor.
 */
import { Fork } from '../../primitives/fork.js';
import type { StateReader } from '../../state/types.js';
import { TxError } from '../../tx/errors.js';
import type { Transaction } from '../../tx/types.js';
import type { BlockEnv, TxResult } from '../types.js';
import type { SharedBuffers } from './buffers.js';
import { MVMemory } from './mv-memory.js';
import { LocationTable } from './table.js';
import { TableCommitter } from './table-commit.js';
import { OUTCOME_ERROR, OUTCOME_INVALID, OUTCOME_OK, writeOutcome, type Outcome } from './results.js';
import { ABORT, EXECUTED, RECOVER_DONE, RECOVER_GATE, RECOVER_IDX, Scheduler, TXS_READY } from './scheduler.js';
import { readEnv, readTransaction, WordReader, WordWriter } from './tx-codec.js';
import { ABORT_CAPACITY, ABORT_TIMEOUT, BlockAborted, DependencyAbort, TASK_EXECUTE, TASK_NONE, TASK_VALIDATE, type Incarnation, type TaskKind, type TxIdx } from './types.js';
import { TxView } from './view.js';
import { OrderedLane, type LaneStats } from './ordered-lane.js';
import { OrderedView } from './ordered-view.js';
import { readAddress, writeAddress } from './words.js';

/** What a worker runs a transaction with: applyTransaction's signature. */
export type TxRunner = (
  state: StateReader,
  tx: Transaction,
  sender: bigint,
  env: BlockEnv,
  options?: { deferCoinbasePayment?: boolean; deferTransfer?: (to: bigint) => boolean },
) => TxResult;

export type SenderRecovery = (tx: Transaction, opts?: { allowHighS?: boolean }) => bigint;

/** Fault injection for tests: what to do when about to execute transaction `tx`. */
export interface FaultInjection {
  tx: number;
  /** throw: an exception escapes the worker loop; evm-throw: the EVM throws (an internal error); exit: the thread exits; hang: it spins forever; oom: it allocates until it dies. */
  kind: 'throw' | 'evm-throw' | 'exit' | 'hang' | 'oom';
  /** Only this worker (by index) injects; default: whichever executes `tx`. */
  worker?: number;
}

export interface BlockJob {
  seq: number;
  /** Transactions and environment (tx-codec layout: [n, envOffset, txOffsets...]). */
  block: SharedArrayBuffer;
  /** Recover senders first (else the main thread wrote them). */
  recover: boolean;
  /** Threads in the Block-STM loop and the recovery barrier: the workers, plus the main thread when it takes part. */
  executors: number;
  /** Pass deferCoinbasePayment to the runner. */
  defer: boolean;
  /** With `defer`, pass deferTransfer too (lazy value transfers, deltas.ts). */
  lazyTransfers: boolean;
  /** Time each execution (performance.now costs ~0.4 µs a call in a worker). */
  profile: boolean;
  fault?: FaultInjection;
  /** Run the ordered mode (ordered-lane.ts) instead of Block-STM: workers stay `gap` past the commit point. */
  ordered?: { gap: number; lead: number };
}

/** Per-worker counters for one block. */
export interface WorkerStats {
  executions: number;
  validations: number;
  /** Validations that failed and aborted an incarnation. */
  validationAborts: number;
  /** Reads that hit an ESTIMATE and parked the transaction. */
  dependencyAborts: number;
  /** Transactions parked before running on their sender's previous transaction. */
  knownDependencyWaits: number;
  sleeps: number;
  recovered: number;
  /** Time in the block, and the part spent waiting (encoding not there yet, idle sleeps). */
  busyMs: number;
  waitMs: number;
  /** Time folding the block into the location table (table-commit.ts). */
  commitMs: number;
}

/** A thread's figures before its block. */
export function emptyWorkerStats(): WorkerStats {
  return { executions: 0, validations: 0, validationAborts: 0, dependencyAborts: 0, knownDependencyWaits: 0, sleeps: 0, recovered: 0, busyMs: 0, waitMs: 0, commitMs: 0 };
}

/** Outcome arena words a thread claims at a time. */
const RESULT_CHUNK = 4096;
/** Per-transaction words of the outcome index: offset, length, incarnation (a cache line each). */
export const RESULT_INDEX_WORDS = 16;

/** Senders recovered per claim of the shared counter. */
const RECOVER_CHUNK = 8;
/** Tries of the task counters before an idle worker sleeps. */
const IDLE_SPINS = 32;

/** What `work` stopped on: the block is done, nothing to do now (wait on the wake word), or its task budget ran out. */
export const WORK_DONE = 0;
export const WORK_IDLE = 1;
export const WORK_MORE = 2;
export type WorkState = typeof WORK_DONE | typeof WORK_IDLE | typeof WORK_MORE;

export class WorkerEngine {
  private b!: SharedBuffers;
  private sched!: Scheduler;
  private mv!: MVMemory;
  private table!: LocationTable;
  private view!: TxView;
  private committer!: TableCommitter;
  private lane!: OrderedLane;
  private senders!: BigUint64Array;
  private senderErrors!: Int32Array;
  private results!: BigUint64Array;
  private results32!: Int32Array;
  private resultPos = 0;
  private resultEnd = 0;
  private resultIndex!: Int32Array;
  private resultsCtl!: Int32Array;
  private txTimes!: Float64Array;
  private txCounts!: Int32Array;
  private readonly out = new WordWriter(1024);
  private reader!: WordReader;
  private env!: BlockEnv;
  /** The main thread's engine runs the caller's transaction objects (nothing to decode). */
  private local: readonly Transaction[] | undefined;
  /**
   * The main thread's engine keeps its outcomes as objects instead of
   * encoding them (its collector reads them here): `localInc[tx]` is the
   * incarnation `localOutcomes[tx]` belongs to, -1 for none.
   */
  localOutcomes: (Outcome | undefined)[] = [];
  localInc = new Int32Array(0);
  private keepOutcomes = false;
  /** The task `work` holds between calls, and the idle tries so far. */
  private kind: TaskKind = TASK_NONE;
  private idle = 0;
  /** The wake word's value when `work` last found nothing to do. */
  wakeSeq = 0;
  /** performance.now() past which the main thread's engine gives up a blocking wait (workers: never). */
  deadline = Infinity;
  private job!: BlockJob;
  /** The runner's options when the block defers: lazy coinbase, and lazy credits (deltas.ts) or not. */
  private deferAll!: { deferCoinbasePayment: boolean; deferTransfer?: (to: bigint) => boolean };
  private readonly deferFees = { deferCoinbasePayment: true };
  private stats!: WorkerStats;

  constructor(
    buffers: SharedBuffers,
    private readonly run: TxRunner,
    private readonly recover: SenderRecovery,
    /** This worker's index (fault injection). */
    readonly index = 0,
  ) {
    this.setBuffers(buffers);
  }

  setBuffers(b: SharedBuffers): void {
    this.b = b;
    this.sched = new Scheduler(b.sched, b.txCapacity, this.index);
    this.table = new LocationTable(b.table);
    this.mv = new MVMemory(b.mv, this.table, this.sched.a, ABORT);
    this.view = new TxView(this.mv, this.table);
    this.deferAll = { deferCoinbasePayment: true, deferTransfer: this.view.deferTransfer };
    this.committer = new TableCommitter(this.table, this.mv, this.sched.a, ABORT);
    const host = {
      sched: this.sched, run: this.run, out: this.out,
      txAt: (i: number) => this.txAt(i),
      senderAt: (i: number) => this.senderAt(i),
      storeRecord: (tx: number) => this.storeRecord(tx, 0),
      injectFaultFor: (tx: number, inEvm: boolean) => this.injectFaultFor(tx, inEvm),
    };
    this.lane = new OrderedLane(host, new OrderedView(this.table));
    this.senders = new BigUint64Array(b.senders);
    this.senderErrors = new Int32Array(b.senderErrors);
    this.results = new BigUint64Array(b.results);
    this.results32 = new Int32Array(b.results);
    this.resultIndex = new Int32Array(b.resultIndex);
    this.resultsCtl = new Int32Array(b.resultsCtl);
    this.txTimes = new Float64Array(b.txTimes);
    this.txCounts = new Int32Array(b.txCounts);
  }

  /** Executions and aborts so far in the block, over all threads. */
  progress(): { executions: number; aborts: number } {
    return this.sched.progress();
  }

  /** Abandons the current block (this thread failed outside a transaction). */
  abort(reason: number): void {
    this.sched.abort(reason);
  }

  get buffersVersion(): number {
    return this.b.version;
  }

  /** Runs this thread's part of a block; returns when the scheduler is done (or throws BlockAborted). */
  runBlock(job: BlockJob): WorkerStats {
    const t0 = performance.now();
    this.beginBlock(job);
    if (job.recover && !this.recoverSenders()) {
      this.stats.busyMs = performance.now() - t0;
      return this.stats;
    }
    if (job.ordered !== undefined) {
      this.runLane(job.ordered.gap, job.ordered.lead);
      this.stats.busyMs = performance.now() - t0;
      // Left normally: the main thread may return the block without waiting for this thread's message.
      this.sched.reportLeft(this.stats.executions, this.stats.validationAborts, this.stats.busyMs, this.stats.waitMs);
      return this.stats;
    }
    this.work(Infinity, true);
    this.commit();
    this.stats.busyMs = performance.now() - t0;
    return this.stats;
  }

  /** A worker's part of an ordered-mode block (ordered-lane.ts). */
  private runLane(gap: number, lead: number): void {
    const lane: LaneStats = { executions: 0, dropped: 0, waitMs: 0 };
    try {
      this.lane.run(this.env, this.sched.blockSize, gap, lead, this.job.defer, this.job.lazyTransfers, this.deadline, lane);
    } finally {
      this.stats.executions += lane.executions;
      this.stats.validationAborts += lane.dropped;
      this.stats.waitMs += lane.waitMs;
      this.table.flushUsed();
    }
  }

  /**
   * Fault injection for the ordered mode, where a worker runs only what it
   * claims: the fault fires once, at the first transaction from `fault.tx`
   * on that this worker runs (`inEvm`: where the EVM runs).
   */
  private injectFaultFor(tx: number, inEvm: boolean): void {
    const fault = this.job.fault;
    if (fault === undefined || this.faultFired || tx < fault.tx || (fault.worker !== undefined && fault.worker !== this.index)) return;
    if ((fault.kind === 'evm-throw') !== inEvm) return;
    this.faultFired = true;
    if (inEvm) throw new Error('injected fault: EVM failure');
    this.injectFault(fault.kind);
  }

  private faultFired = false;

  /**
   * Sets up this thread for a block. `local`: the block's transactions as
   * objects (the main thread's engine), else decoded from the job's buffer.
   */
  beginBlock(job: BlockJob, local?: readonly Transaction[]): void {
    this.job = job;
    this.faultFired = false;
    this.stats = emptyWorkerStats();
    this.reader = new WordReader(job.block);
    this.reader.useArena();
    this.reader.pos = this.reader.i32[2]; // word 1: where the environment starts
    this.env = readEnv(this.reader);
    this.sched.begin(job.executors);
    this.table.begin();
    this.mv.begin();
    this.resultPos = this.resultEnd = 0;
    this.view.beginBlock(this.env.coinbase);
    const n = this.sched.blockSize;
    this.local = local;
    this.keepOutcomes = local !== undefined;
    if (this.keepOutcomes) {
      if (this.localInc.length < n) this.localInc = new Int32Array(Math.max(n, 2 * this.localInc.length));
      this.localInc.fill(-1, 0, n);
      this.localOutcomes = new Array(n);
    }
    this.kind = TASK_NONE;
    this.idle = 0;
  }

  get blockStats(): WorkerStats {
    return this.stats;
  }

  /** Takes part in folding the block into the location table (table-commit.ts); returns when no part is left to claim. */
  commit(): void {
    const t1 = performance.now();
    this.committer.run(this.env.coinbase, this.sched.blockSize, this.deadline);
    this.table.flushUsed();
    this.stats.commitMs = performance.now() - t1;
  }

  /**
   * The Block-STM loop (the paper's Algorithm 1): takes tasks and runs them
   * until the scheduler is done, or `budget` tasks have run (WORK_MORE: the
   * task in hand is kept for the next call). With nothing to do, a worker
   * (`block`) sleeps on the wake word; the main thread's engine returns
   * WORK_IDLE instead, to wait without blocking its event loop.
   */
  work(budget: number, block: boolean): WorkState {
    const sched = this.sched;
    let kind = this.kind;
    let done = 0;
    for (;;) {
      if (kind === TASK_EXECUTE) kind = this.tryExecute(sched.taskTx, sched.taskInc);
      else if (kind === TASK_VALIDATE) kind = this.validate(sched.taskTx, sched.taskInc);
      else {
        const seq = sched.wakeSeq();
        kind = sched.nextTask();
        if (kind !== TASK_NONE) {
          this.idle = 0;
          continue;
        }
        if (sched.done()) {
          this.kind = TASK_NONE;
          return WORK_DONE;
        }
        if (++this.idle < IDLE_SPINS) continue;
        this.idle = 0;
        if (!block) {
          this.kind = TASK_NONE;
          this.wakeSeq = seq;
          return WORK_IDLE;
        }
        this.stats.sleeps++;
        const t = performance.now();
        sched.sleep(seq);
        this.stats.waitMs += performance.now() - t;
        continue;
      }
      if (++done >= budget) {
        this.kind = kind;
        return WORK_MORE;
      }
    }
  }

  /** The main thread's idle wait (after WORK_IDLE): until the wake word moves, or `ms` pass. */
  async idleWait(ms: number): Promise<void> {
    this.stats.sleeps++;
    const t = performance.now();
    await this.sched.sleepAsync(this.wakeSeq, ms);
    this.stats.waitMs += performance.now() - t;
    if (performance.now() > this.deadline) throw new BlockAborted(ABORT_TIMEOUT);
  }

  /**
   * Transaction `i`, decoded afresh on each use: objects kept for the whole
   * block would survive young-generation collections and be copied and
   * promoted (re-executions are few, decoding is cheap).
   */
  txAt(i: TxIdx): Transaction {
    if (this.local !== undefined) return this.local[i];
    this.waitEncoded(i);
    const r = this.reader;
    r.pos = r.i32[2 * (2 + i)];
    return readTransaction(r);
  }

  /** The main thread encodes transactions while the workers start: wait until `i` is there. */
  private waitEncoded(i: TxIdx): void {
    const a = this.sched.a;
    if (Atomics.load(a, TXS_READY) > i) return;
    const t = performance.now();
    for (let ready = Atomics.load(a, TXS_READY); ready <= i; ready = Atomics.load(a, TXS_READY)) {
      Atomics.wait(a, TXS_READY, ready, 20);
      const reason = this.sched.abortReason();
      if (reason !== 0) throw new BlockAborted(reason);
    }
    this.stats.waitMs += performance.now() - t;
  }

  private senderAt(i: TxIdx): bigint {
    return readAddress(this.senders, 3 * i);
  }

  /**
   * Recovers senders, RECOVER_CHUNK transactions per claim, then meets the
   * other workers at a barrier; the last to arrive fills the known-dependency
   * table (each transaction's previous one from the same sender). Returns
   * false when some signature did not recover: the block is invalid, and the
   * main thread reports the lowest such transaction.
   */
  recoverSenders(): boolean {
    const a = this.sched.a;
    const n = this.sched.blockSize;
    const allowHighS = this.env.fork < Fork.Homestead;
    for (;;) {
      const start = Atomics.add(a, RECOVER_IDX, RECOVER_CHUNK);
      if (start >= n) break;
      for (let i = start; i < Math.min(n, start + RECOVER_CHUNK); i++) {
        try {
          writeAddress(this.senders, 3 * i, this.recover(this.txAt(i), { allowHighS }));
        } catch (err) {
          if (!(err instanceof TxError)) throw err;
          this.senderErrors[i] = 1;
        }
        this.stats.recovered++;
      }
    }
    if (Atomics.add(a, RECOVER_DONE, 1) + 1 === this.job.executors) {
      let failed = false;
      for (let i = 0; i < n; i++) if (this.senderErrors[i] !== 0) failed = true;
      if (!failed) fillPrevSameSender(this.senders, n, this.sched);
      Atomics.store(a, RECOVER_GATE, failed ? 2 : 1);
      Atomics.notify(a, RECOVER_GATE);
    } else {
      while (Atomics.load(a, RECOVER_GATE) === 0) {
        Atomics.wait(a, RECOVER_GATE, 0, 50);
        const reason = this.sched.abortReason();
        if (reason !== 0) throw new BlockAborted(reason);
        if (performance.now() > this.deadline) throw new BlockAborted(ABORT_TIMEOUT);
      }
    }
    return Atomics.load(a, RECOVER_GATE) === 1;
  }

  private injectFault(kind: FaultInjection['kind']): void {
    if (kind === 'throw') throw new Error('injected fault: worker failure');
    if (kind === 'exit') process.exit(3);
    if (kind === 'hang') for (;;);
    if (kind === 'oom') {
      const hog: number[][] = [];
      for (;;) hog.push(new Array(1 << 20).fill(hog.length));
    }
  }

  /** The paper's try_execute: run one incarnation and record it, or park on a dependency. */
  private tryExecute(tx: TxIdx, inc: Incarnation): TaskKind {
    const sched = this.sched;
    this.waitEncoded(tx);
    const fault = this.job.fault;
    if (fault !== undefined && fault.tx === tx && (fault.worker === undefined || fault.worker === this.index) && fault.kind !== 'evm-throw') {
      this.injectFault(fault.kind);
    }
    // Senders and nonces are known in advance: a transaction whose sender's
    // previous transaction has not executed would read a stale nonce. Park it
    // now rather than after a wasted execution.
    const prev = sched.prevSameSender(tx);
    if (prev !== -1 && sched.status(prev) !== EXECUTED && sched.addDependency(tx, prev)) {
      this.stats.knownDependencyWaits++;
      if (this.job.profile) this.txCounts[2 * tx + 1] = prev;
      return TASK_NONE;
    }
    const view = this.view;
    const t = this.txAt(tx);
    const sender = this.senderAt(tx);
    const env = this.env;
    for (;;) {
      view.begin(tx, inc);
      const t0 = this.job.profile ? performance.now() : 0;
      let outcome: Outcome;
      try {
        if (fault?.kind === 'evm-throw' && fault.tx === tx) throw new Error('injected fault: EVM failure');
        const r = this.run(view, t, sender, env, this.job.defer ? (this.job.lazyTransfers ? this.deferAll : this.deferFees) : undefined);
        view.writeResult(r.changes, r.coinbaseFee, r.credit);
        // The receipt's fields only: the changes are in the multi-version memory now.
        outcome = { kind: OUTCOME_OK, result: { status: r.status, gasUsed: r.gasUsed, logs: r.logs, contractAddress: r.contractAddress, blobGasUsed: r.blobGasUsed } };
      } catch (err) {
        if (err instanceof DependencyAbort) {
          this.stats.dependencyAborts++;
          sched.noteAbort();
          if (this.job.profile) this.txCounts[2 * tx + 1] = err.blocking;
          if (sched.addDependency(tx, err.blocking)) return TASK_NONE;
          continue; // the blocking transaction finished meanwhile: run again at once
        }
        if (err instanceof BlockAborted) throw err;
        outcome = err instanceof TxError ? { kind: OUTCOME_INVALID, error: err } : { kind: OUTCOME_ERROR, message: describe(err) };
      }
      // No result, no fee (an earlier incarnation's fee must not survive).
      if (outcome.kind !== OUTCOME_OK) this.mv.setFee(tx, inc, undefined);
      const wroteNew = this.mv.record(tx, view.ws, view.wsLen, view.rs) || (outcome.kind === OUTCOME_OK && view.newFee);
      if (view.needsSequential && outcome.kind === OUTCOME_OK) outcome = { kind: OUTCOME_ERROR, message: 'needs sequential execution (EIP-7610 storage check after in-block storage writes)' };
      this.storeOutcome(tx, inc, outcome);
      // Per-transaction counters only when profiling: eight transactions share a cache
      // line of txCounts, and threads running neighbours would pass it back and forth.
      if (this.job.profile) {
        const ms = performance.now() - t0;
        this.txTimes[2 * tx] = ms;
        this.txTimes[2 * tx + 1] += ms;
        this.txCounts[2 * tx]++;
      }
      this.stats.executions++;
      sched.noteExecution();
      return sched.finishExecution(tx, inc, wroteNew);
    }
  }

  /** The paper's validation task: re-check the read set; abort (ESTIMATEs) if it is stale. */
  private validate(tx: TxIdx, inc: Incarnation): TaskKind {
    this.stats.validations++;
    const valid = this.mv.validate(tx);
    const aborted = !valid && this.sched.tryValidationAbort(tx, inc);
    if (aborted) {
      this.stats.validationAborts++;
      this.sched.noteAbort();
      this.mv.convertWritesToEstimates(tx);
    }
    return this.sched.finishValidation(tx, aborted);
  }

  private storeOutcome(tx: TxIdx, inc: Incarnation, o: Outcome): void {
    if (this.keepOutcomes) {
      this.localOutcomes[tx] = o;
      this.localInc[tx] = inc;
      return;
    }
    const w = this.out;
    w.pos = 0;
    writeOutcome(w, o);
    this.storeRecord(tx, inc);
  }

  /** Copies `out` into this thread's chunk of the outcome arena as transaction `tx`'s record. */
  private storeRecord(tx: TxIdx, inc: Incarnation): void {
    const w = this.out;
    const len = w.pos;
    // This thread's chunk of the arena (one shared atomic per chunk, not per outcome).
    let off = this.resultPos;
    if (off + len > this.resultEnd) {
      const chunk = len > RESULT_CHUNK ? len : RESULT_CHUNK;
      off = Atomics.add(this.resultsCtl, 0, chunk);
      if (off + chunk > this.results.length) {
        this.sched.abort(ABORT_CAPACITY);
        throw new BlockAborted(ABORT_CAPACITY);
      }
      this.resultEnd = off + chunk;
    }
    this.resultPos = off + len;
    // Copied as 32-bit words: a BigUint64Array copy from another shared buffer is slow.
    const src = w.i32;
    const dst = this.results32;
    for (let i = 0, j = 2 * off; i < 2 * len; i++, j++) dst[j] = src[i];
    const idx = this.resultIndex;
    idx[RESULT_INDEX_WORDS * tx] = off;
    idx[RESULT_INDEX_WORDS * tx + 1] = len;
    idx[RESULT_INDEX_WORDS * tx + 2] = inc;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Each transaction's known dependency: the previous transaction with the same sender, or -1. */
export function fillPrevSameSender(senders: BigUint64Array, n: number, sched: Scheduler): void {
  const last = new Map<bigint, number>();
  for (let i = 0; i < n; i++) {
    const s = readAddress(senders, 3 * i);
    sched.setPrevSameSender(i, last.get(s) ?? -1);
    last.set(s, i);
  }
}
