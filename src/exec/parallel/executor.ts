/**
 * The parallel block executor: Block-STM on the calling thread and a
 * persistent pool of worker threads, giving exactly what
 * `executeSequential` gives for every thread count. See docs/parallel.md
 * for the design.
 *
 * @example
 * const executor = await ParallelExecutor.create({ threads: 2 });
 * const result = await executor.execute(state, txs, env); // senders recovered on the workers
 * await executor.close();
 */
import { availableParallelism } from 'node:os';
import { Fork } from '../../primitives/fork.js';
import type { StateChanges } from '../../state/types.js';
import { recoverSender } from '../../tx/sign.js';
import type { Transaction } from '../../tx/types.js';
import { applyTransaction } from '../transaction.js';
import { executeSequential, type BlockResult, type BlockState } from '../sequential.js';
import type { BlockEnv } from '../types.js';
import { allocateShared, defaultCapacities, type Capacities, type SharedBuffers } from './buffers.js';
import { ChangeCollector } from './collect.js';
import { foldBlock, ReceiptFold } from './fold.js';
import { emptyWorkerStats, WORK_DONE, WORK_IDLE, WorkerEngine, type BlockJob, type TxRunner, type WorkerStats } from './engine.js';
import { MVMemory } from './mv-memory.js';
import { ModePolicy } from './policy.js';
import { BlockFailure, WorkerPool } from './pool.js';
import { LocationTable, type StateSnapshot } from './table.js';
import { OutcomeCollector } from './results.js';
import { ABORT, EXECUTED, GAS_UNIT, MAX_WORKERS, RECOVER_GATE, Scheduler, TXS_READY } from './scheduler.js';
import { BlockEncoder } from './tx-codec.js';
import { ABORT_CAPACITY, ABORT_CONTENTION, ABORT_NEEDS_SEQUENTIAL, ABORT_WORKER_FAILED, BlockAborted, ParallelExecutionError } from './types.js';
import { blockProfile, orderedRunStats, sumStats, type BlockProfile, type ParallelRunStats } from './stats.js';
import { readAddress, writeAddress } from './words.js';

import { defaultStrategy, type ExecuteOptions, type ParallelBlockResult, type ParallelExecutorOptions, type ParallelStrategy } from './options.js';
import { OrderedCommitter, type OrderedStats } from './ordered-commit.js';
import { ContentionMemory } from './contention.js';
import { describe, firstRecoveryError, recoverAll, runWith } from './fallback.js';

export { defaultStrategy, type ExecuteOptions, type ParallelBlockResult, type ParallelExecutorOptions, type ParallelStrategy } from './options.js';
export type { BlockProfile, ParallelRunStats } from './stats.js';


type ExecState = BlockState & StateSnapshot;

/** Capacity doublings tried before a block falls back to sequential. */
const MAX_GROWTH = 3;
/** Sequential blocks whose changes are kept for the table; past this, it is rebuilt. */
const MAX_PENDING = 64;
/**
 * New locations (absent accounts, zero slots) the table is built with room
 * for per transaction of a block, and must have room for before one starts;
 * a block that inserts more aborts and is retried with twice the room. A
 * bigger table costs cache and TLB misses on every probe: 64 per
 * transaction made raw-transfers' table 45 MB.
 */
const TABLE_SPARE_PER_TX = 16;
const TABLE_ROOM_PER_TX = 8;
/** Transactions encoded before the workers are told to start, then per chunk. */
const ENCODE_FIRST = 8;
const ENCODE_CHUNK = 32;
/** How long the main thread waits for the workers to report leaving an ordered block in shared memory (ms). */
const LEAVE_WAIT_MS = 5;
/** Locations the main thread decodes per turn while the workers run. */
const COLLECT_BUDGET = 256;

/** Tasks the main thread runs between looks at the results. */
const MAIN_TASKS_PER_TURN = 4;
/** Locations it decodes per look. */
const MAIN_COLLECT_BUDGET = 16;
/** Ordered mode: transactions encoded ahead of the commit point (the workers' claims stay close to it). */
const ORDERED_LOOKAHEAD = 128;
/** Incarnations before a block may be given up for contention, and the share of aborts that does it (see checkContention). */
const CONTENTION_MIN_EXECUTIONS = 32;
const CONTENTION_ABORT_SHARE = 0.2;
/** Its idle wait before looking again (it is woken as soon as a task may exist). */
const IDLE_WAIT_MS = 20;

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ParallelExecutor {
  private readonly threads: number;
  private readonly pool: WorkerPool;
  private caps: Capacities;
  private scale = 1;
  private buffers!: SharedBuffers;
  private sched!: Scheduler;
  private mv!: MVMemory;
  private table!: LocationTable;
  /** The ordered mode: per transaction target, how often workers' records of calls to it went stale (across blocks). */
  private readonly targets = new ContentionMemory();
  /** The ordered block's ids of contended targets: each transaction's affinity word (Block-STM does not read it). */
  private affinityIds = new Map<bigint, number>();
  /** The state `table` mirrors; another state (or a failed block) forces a rebuild. */
  private tableState: ExecState | undefined;
  private version = 0;
  private seq = 0;
  private readonly encoder = new BlockEncoder();
  private readonly policy = new ModePolicy();
  /** Changes of blocks run sequentially since the table was last in step with the state. */
  private readonly pending: StateChanges[] = [];
  /** sender -> its latest transaction so far in the block (known dependencies). */
  private readonly lastOfSender = new Map<bigint, number>();
  /** Whether the calling thread runs Block-STM tasks itself (see the option). */
  private readonly mainExecutes: boolean;
  /** options.strategy, or the environment's default. */
  private readonly strategy: ParallelStrategy;
  /** Lazy value transfers (options.lazyTransfers). */
  private readonly lazyTransfers: boolean;
  /** The calling thread's engine (created with the buffers, replaced when they are). */
  private mainEngine: WorkerEngine | undefined;
  /** A transaction's status word (one function for the executor's life: see `lastCollectors`). */
  private readonly statusWord = (tx: number): number => Atomics.load(this.sched.a, this.sched.statusIndex(tx));
  /**
   * The last block's collectors, kept until the next block: optimized code
   * embeds the hidden classes (and call targets) of the objects it handled
   * weakly, and a full garbage collection between blocks that finds none of
   * them alive deoptimizes it (V8's "weak objects" deopt). Measured: every
   * block after a forced collection ran its fold partly unoptimized.
   */
  private lastCollectors: unknown;

  private constructor(private readonly options: ParallelExecutorOptions) {
    this.threads = Math.min(MAX_WORKERS, Math.max(1, options.threads ?? availableParallelism()));
    this.mainExecutes = options.mainExecutes !== false;
    this.lazyTransfers = options.lazyTransfers ?? process.env.MULTILANE_LAZY_TRANSFERS !== '0';
    this.strategy = options.strategy ?? defaultStrategy(this.threads);
    this.caps = defaultCapacities(256);
    // The calling thread is one of the threads when it takes part; a fault test needs a worker, though.
    const workers = this.mainExecutes ? Math.max(1, this.threads) - 1 : this.threads;
    this.pool = new WorkerPool({ threads: workers, runnerModule: options.runnerModule, memoryLimitMb: options.workerMemoryLimitMb }, (reason) =>
      this.sched.abort(reason),
    );
  }

  /** Starts the workers (once; they are reused for every block). */
  static async create(options: ParallelExecutorOptions = {}): Promise<ParallelExecutor> {
    const ex = new ParallelExecutor(options);
    ex.table = LocationTable.allocate(1 << 10, 1 << 10);
    ex.allocate();
    await ex.pool.ensureStarted(ex.buffers);
    return ex;
  }

  private allocate(): void {
    this.buffers = allocateShared(this.caps, this.table.buffers, ++this.version);
    this.sched = new Scheduler(this.buffers.sched, this.buffers.txCapacity);
    this.mv = new MVMemory(this.buffers.mv, this.table, this.sched.a, ABORT);
    this.mainEngine?.setBuffers(this.buffers);
  }

  /** The calling thread's engine; its index follows the workers' (its "holds a task" flag). */
  private engine(): WorkerEngine {
    if (this.mainEngine === undefined) {
      const runner: TxRunner = this.options.runner ?? applyTransaction;
      this.mainEngine = new WorkerEngine(this.buffers, runner, recoverSender, this.pool.threads);
    }
    return this.mainEngine;
  }

  async close(): Promise<void> {
    await this.awaitLeaving();
    await this.pool.close();
  }

  /**
   * The workers' reports of the last ordered block, when it returned on
   * their shared-memory departure (leftWorkers) before their messages came:
   * awaited before anything else uses the pool.
   */
  private leaving: Promise<unknown> | undefined;

  private async awaitLeaving(): Promise<void> {
    if (this.leaving === undefined) return;
    const p = this.leaving;
    this.leaving = undefined;
    await p;
  }

  /**
   * The ordered block's worker figures once every worker has reported
   * leaving it in shared memory (Scheduler.reportLeft), waiting up to
   * LEAVE_WAIT_MS; undefined if one has not (it failed, or is still
   * finishing a transaction the main thread took over): then its message
   * is awaited. The message itself crosses the event loops in 0.1-0.3 ms
   * here, a few percent of a block.
   */
  private leftWorkers(workers: number): WorkerStats[] | undefined {
    const t0 = performance.now();
    for (let w = 0, k = 0; w < workers; k++) {
      if (this.sched.hasLeft(w)) {
        w++;
        continue;
      }
      if ((k & 255) === 255 && performance.now() - t0 > LEAVE_WAIT_MS) return undefined;
    }
    const out: WorkerStats[] = [];
    for (let w = 0; w < workers; w++) {
      const f = this.sched.leftFigures(w);
      out.push({ ...emptyWorkerStats(), executions: f.executions, validationAborts: f.dropped, busyMs: f.busyMs, waitMs: f.waitMs });
    }
    return out;
  }

  /**
   * Executes a block over `state` and commits its changes to it, like
   * `executeSequential`. `state` must not change between blocks except
   * through this executor (its shared copy would go stale); after outside
   * changes, call `invalidatePreState()`.
   */
  async execute(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions = {}): Promise<ParallelBlockResult> {
    await this.awaitLeaving();
    const t0 = performance.now();
    const n = txs.length;
    let gas = 0n;
    for (const tx of txs) gas += tx.gasLimit;
    const minTxs = this.threads * (this.options.minTxsPerThread ?? 4);
    if (!opts.forceParallel && (n < minTxs || gas < (this.options.minBlockGas ?? 0n))) {
      return this.sequential(state, txs, env, opts, t0, n < minTxs ? `${n} txs < ${minTxs}` : 'too little gas');
    }
    if (!opts.forceParallel && this.options.adaptive !== false) {
      const { mode, reason } = this.policy.choose();
      if (mode === 'sequential') {
        const r = this.sequential(state, txs, env, opts, t0, reason);
        this.policy.record('sequential', r.stats.totalMs, r.gasUsed);
        return r;
      }
    }
    // A profile is Block-STM's (its read sets give the dependencies).
    const strategy = opts.profile === true ? 'block-stm' : opts.strategy ?? this.strategy;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = strategy === 'ordered' ? await this.ordered(state, txs, env, opts, t0) : await this.parallel(state, txs, env, opts, t0);
        this.policy.record('parallel', r.stats.totalMs, r.gasUsed);
        return r;
      } catch (err) {
        if (!(err instanceof BlockFailure)) throw err;
        if (err.reason === ABORT_CONTENTION) {
          // Given up before anything was committed: the table is still in step. The
          // policy counts the attempt as what parallel cost here (the start, then sequential).
          const r = this.sequential(state, txs, env, opts, t0, this.contention);
          this.policy.record('parallel', r.stats.totalMs, r.gasUsed);
          return r;
        }
        // The workers may have committed part of the block into the table.
        this.tableState = undefined;
        if (err.reason === ABORT_CAPACITY && attempt < MAX_GROWTH) {
          this.scale *= 2;
          continue;
        }
        if (err.reason === ABORT_CAPACITY || err.reason === ABORT_NEEDS_SEQUENTIAL || this.options.fallbackOnFailure !== false) {
          return this.sequential(state, txs, env, opts, t0, err.message);
        }
        throw err;
      }
    }
  }

  /**
   * Builds the shared copy of `state` now (otherwise the first block over it
   * does): lets a benchmark keep the one-time load out of block timings.
   */
  loadPreState(state: ExecState): void {
    this.pending.length = 0;
    this.table = LocationTable.fromState(state, TABLE_SPARE_PER_TX * this.caps.txs * this.scale);
    this.tableState = state;
    this.buffers = { ...this.buffers, table: this.table.buffers, version: ++this.version };
    this.mv = new MVMemory(this.buffers.mv, this.table, this.sched.a, ABORT);
    this.mainEngine?.setBuffers(this.buffers);
  }

  /**
   * Benchmarks: a copy of the shared pre-state as it is now, to put back
   * with `restorePreState` together with an equal copy of the state, so one
   * block can be replayed over a warm table (as a chain's next block would
   * find it) without rebuilding it.
   */
  snapshotPreState(): unknown {
    return { table: this.table, snap: this.table.snapshot() };
  }

  restorePreState(snapshot: unknown, state: ExecState): void {
    const s = snapshot as { table: LocationTable; snap: Uint8Array[] };
    if (s.table !== this.table) throw new ParallelExecutionError('the snapshot belongs to another table');
    this.table.restore(s.snap);
    this.tableState = state;
    this.pending.length = 0;
  }

  /** Forget the shared copy of the pre-state (the state was changed outside the executor). */
  invalidatePreState(): void {
    this.tableState = undefined;
    this.pending.length = 0;
  }

  private sequential(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions, t0: number, reason: string): ParallelBlockResult {
    const senders = opts.senders ?? recoverAll(txs, env);
    let result: BlockResult;
    try {
      result = this.options.runner === undefined ? executeSequential(state, txs, senders, env) : runWith(this.options.runner, state, txs, senders, env);
    } catch (err) {
      this.tableState = undefined; // partly applied
      throw err;
    }
    // Kept for the table, applied before the next parallel block (cheaper than a rebuild).
    if (this.tableState === state && this.pending.length < MAX_PENDING) this.pending.push(result.changes);
    else this.tableState = undefined;
    const totalMs = performance.now() - t0;
    const stats: ParallelRunStats = {
      mode: 'sequential', reason, threads: 1, txs: txs.length, executions: txs.length, reexecutions: 0, validations: 0,
      validationAborts: 0, dependencyAborts: 0, knownDependencyWaits: 0, sleeps: 0, workerBusyMs: 0, workerWaitMs: 0, locations: 0, prepareMs: 0, parallelMs: totalMs,
      foldMs: 0, changesMs: 0, applyMs: 0, totalMs,
    };
    return { ...result, stats };
  }

  private prepare(state: ExecState, n: number): void {
    let grown = false;
    if (this.tableState === state && this.pending.length > 0) this.catchUp();
    if (this.tableState !== state || this.table.stale || !this.table.hasRoom(TABLE_ROOM_PER_TX * n * this.scale)) this.loadPreState(state);
    const want = defaultCapacities(n, this.scale);
    if (want.txs > this.caps.txs || want.mv.locations > this.caps.mv.locations || want.mv.entryWords > this.caps.mv.entryWords || want.resultWords > this.caps.resultWords) {
      this.caps = want;
      grown = true;
    }
    if (grown) this.allocate();
  }

  /** Applies the sequential blocks' changes the table has not seen (or gives up on it: rebuild). */
  private catchUp(): void {
    let size = 0;
    for (const c of this.pending) size += c.size;
    if (!this.table.stale && this.table.hasRoom(4 * size + 1024)) for (const c of this.pending) this.table.applyChanges(c);
    else this.tableState = undefined;
    this.pending.length = 0;
  }

  /** Resets the shared per-block state (no worker running). */
  private resetBlock(n: number, profile: boolean): void {
    const b = this.buffers;
    this.sched.reset(n);
    this.mv.resetBlock();
    this.mv.resetSets(n);
    new Int32Array(b.resultsCtl)[0] = 0;
    if (profile) {
      // Written only when profiling (engine.ts).
      new Float64Array(b.txTimes).fill(0, 0, 2 * n);
      const counts = new Int32Array(b.txCounts);
      for (let i = 0; i < n; i++) {
        counts[2 * i] = 0;
        counts[2 * i + 1] = -1;
      }
    }
    new Int32Array(b.senderErrors).fill(0, 0, n);
    this.lastOfSender.clear();
  }

  /**
   * Encodes transactions up to `count` in all and, when the caller gave the
   * senders, their known dependencies (each one's previous transaction from
   * the same sender); then tells the workers they are there.
   */
  private feed(count: number, senders: readonly bigint[] | undefined): void {
    const from = this.encoder.encoded;
    const to = this.encoder.encode(count - from);
    // For the ordered mode: each transaction's gas limit (its cost estimate, ordered-lane.ts
    // worthClaiming) and its contended target's id (ordered-lane.ts, "Affinity").
    const txs = this.encoder.transactions;
    const ids = this.affinityIds;
    for (let i = from; i < to; i++) {
      this.sched.setGas(i, Math.max(1, Math.ceil(Number(txs[i].gasLimit) / GAS_UNIT)));
      this.sched.setAffinity(i, ids.size === 0 ? 0 : (ids.get(txs[i].to as bigint) ?? 0));
    }
    if (senders !== undefined) {
      const w = new BigUint64Array(this.buffers.senders);
      for (let i = from; i < to; i++) {
        const s = senders[i];
        writeAddress(w, 3 * i, s);
        this.sched.setPrevSameSender(i, this.lastOfSender.get(s) ?? -1);
        this.lastOfSender.set(s, i);
      }
    }
    Atomics.store(this.sched.a, TXS_READY, to);
    Atomics.notify(this.sched.a, TXS_READY);
  }

  /**
   * One block on the workers and, unless it only coordinates, the calling
   * thread. The main thread posts the job after encoding the first
   * transactions, encodes the rest (the workers start meanwhile), then runs
   * Block-STM tasks itself, decoding outcomes and changed locations between
   * them; it waits on the wake word (without blocking its event loop) when
   * it has nothing to do. At the end it re-decodes only what changed, folds
   * receipts in order and commits to the caller's state while the workers
   * fold the block into the shared table.
   */
  private async parallel(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions, t0: number): Promise<ParallelBlockResult> {
    const n = txs.length;
    await this.pool.ensureStarted(this.buffers);
    this.prepare(state, n);
    const b = this.buffers;
    this.resetBlock(n, opts.profile === true);
    const workers = this.pool.threads;
    // Without workers, nobody decodes the transactions: only the environment is written.
    const block = this.encoder.start(txs, env, opts.senders === undefined, workers > 0);
    const main = this.mainExecutes && opts.fault === undefined ? this.engine() : undefined;
    if (main === undefined && workers === 0) throw new ParallelExecutionError('a block needs a worker when the main thread does not execute');
    this.feed(ENCODE_FIRST, opts.senders);
    const recover = opts.senders === undefined;
    const timeout = this.options.blockTimeoutMs ?? 120_000;
    const job: BlockJob = {
      seq: ++this.seq, block, recover, executors: workers + (main === undefined ? 0 : 1),
      defer: env.fork >= Fork.SpuriousDragon, lazyTransfers: this.lazyTransfers, profile: opts.profile === true, fault: opts.fault,
    };
    const t1 = performance.now();
    let settled = workers === 0;
    const running = workers === 0 ? Promise.resolve([]) : this.pool.runBlock(job, b, timeout);
    const stopped = running.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!this.encoder.done) this.feed(this.encoder.encoded + ENCODE_CHUNK, opts.senders);
    const sched = this.sched;
    const outcomes = new OutcomeCollector(b.results, b.resultIndex, n, this.statusWord, EXECUTED, main);
    const changes = new ChangeCollector(this.mv, this.table, state, env.coinbase);
    const receipts = new ReceiptFold(txs, env, outcomes);
    this.lastCollectors = [outcomes, changes, receipts];
    let mainStats: WorkerStats | undefined;
    try {
      if (main !== undefined) {
        main.deadline = t1 + timeout;
        main.beginBlock(job, txs);
        const bail = !opts.forceParallel && this.options.adaptive !== false;
        mainStats = await this.runMain(main, job, outcomes, changes, receipts, bail);
      } else {
        while (!settled && !process.env.ML_NOPOLL) {
          const busy = changes.step(COLLECT_BUDGET) || outcomes.step();
          await (busy ? immediate() : Promise.race([stopped, delay(1)]));
        }
        await running; // a worker's failure fails the block
      }
    } catch (err) {
      // The main thread's loop stopped: make the workers stop too, and report the root cause.
      this.sched.abort(err instanceof BlockAborted ? err.reason : ABORT_WORKER_FAILED);
      await stopped;
      await running; // rejects with the workers' failure, if any
      if (err instanceof BlockAborted) throw new BlockFailure(`block aborted (reason ${err.reason})`, err.reason);
      throw new BlockFailure(`the main thread failed: ${describe(err)}`, ABORT_WORKER_FAILED);
    }
    const t2 = performance.now();
    if (recover && Atomics.load(sched.a, RECOVER_GATE) === 2) {
      await running;
      throw firstRecoveryError(txs, env, new Int32Array(b.senderErrors));
    }
    let result: BlockResult;
    try {
      result = this.fold(state, txs, env, outcomes, changes, receipts);
    } finally {
      // The workers fold the block into the table meanwhile: wait for them either way.
      await this.finishCommit(main, running);
    }
    const workerStats = await running;
    const t3 = performance.now();
    const stats = sumStats(mainStats === undefined ? workerStats : [...workerStats, mainStats], n, job.executors);
    stats.locations = this.mv.locationCount();
    stats.prepareMs = t1 - t0;
    stats.parallelMs = t2 - t1;
    stats.foldMs = t3 - t2;
    stats.changesMs = this.changesMs;
    stats.applyMs = this.applyMs;
    stats.totalMs = t3 - t0;
    const out: ParallelBlockResult = { ...result, stats };
    if (opts.profile) out.profile = this.profile(n);
    return out;
  }

  /**
   * One block in the ordered mode (ordered-lane.ts): the workers run ahead
   * of the commit point and leave records; the calling thread commits in
   * order, from a record whose reads are still current or by running the
   * transaction itself. A worker that fails costs only its records: the
   * calling thread finishes the block alone and the result stands (the
   * failure is reported in `stats.reason`).
   */
  private async ordered(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions, t0: number): Promise<ParallelBlockResult> {
    const n = txs.length;
    await this.pool.ensureStarted(this.buffers);
    this.prepare(state, n);
    const b = this.buffers;
    this.resetBlock(n, false);
    const workers = this.pool.threads;
    const recover = opts.senders === undefined;
    const block = this.encoder.start(txs, env, recover, workers > 0);
    this.affinityIds = this.targets.contendedIds();
    this.feed(ENCODE_FIRST, opts.senders);
    const timeout = this.options.blockTimeoutMs ?? 120_000;
    const main = this.engine();
    const job: BlockJob = {
      seq: ++this.seq, block, recover, executors: workers + 1, defer: env.fork >= Fork.SpuriousDragon, lazyTransfers: this.lazyTransfers,
      profile: false, fault: opts.fault, ordered: { gap: this.options.orderedGap ?? 2, lead: this.options.orderedLead ?? 12 },
    };
    const t1 = performance.now();
    const running = workers === 0 ? Promise.resolve([] as WorkerStats[]) : this.pool.runBlock(job, b, timeout);
    let failure: string | undefined;
    const settled = running.then(
      (ws) => ws,
      (err: unknown) => {
        failure = describe(err);
        return [] as WorkerStats[];
      },
    );
    let senderAt: (i: number) => bigint;
    if (recover) {
      while (!this.encoder.done) this.feed(this.encoder.encoded + ENCODE_CHUNK, undefined);
      main.deadline = t1 + timeout;
      main.beginBlock(job, txs);
      let recovered: boolean;
      try {
        recovered = main.recoverSenders();
      } catch (err) {
        this.sched.abort(ABORT_WORKER_FAILED);
        await settled;
        throw err instanceof BlockAborted ? new BlockFailure(`block aborted (reason ${err.reason})`, err.reason) : err;
      }
      if (!recovered) {
        await settled;
        throw firstRecoveryError(txs, env, new Int32Array(b.senderErrors));
      }
      const words = new BigUint64Array(b.senders);
      senderAt = (i) => readAddress(words, 3 * i);
    } else {
      const senders = opts.senders as readonly bigint[];
      senderAt = (i) => senders[i];
    }
    const os: OrderedStats = { direct: 0, accepted: 0, forwarded: 0, rejected: 0, tableStale: false, waitMs: 0, soloFrom: -1 };
    const committer = new OrderedCommitter(this.table, this.sched, b.results, b.resultIndex, this.targets, workers);
    // One more chunk for the workers (false: all encoded); ahead of each commit, and while waiting.
    const encodeMore = () => {
      if (this.encoder.done) return false;
      this.feed(this.encoder.encoded + ENCODE_CHUNK, opts.senders);
      return true;
    };
    const encodeAhead = (i: number) => {
      if (this.encoder.encoded < i + ORDERED_LOOKAHEAD) encodeMore();
    };
    let result: BlockResult;
    try {
      result = committer.run(state, txs, senderAt, env, this.options.runner ?? applyTransaction, os, encodeAhead, encodeMore, opts.soloAt);
    } catch (err) {
      // The state holds a prefix of the block; the table, part of it.
      this.tableState = undefined;
      await settled;
      throw err;
    }
    const t2 = performance.now();
    let workerStats = this.leftWorkers(workers);
    if (workerStats === undefined) workerStats = await settled;
    else this.leaving = settled;
    if (failure !== undefined || os.tableStale || this.sched.abortReason() !== 0) this.tableState = undefined;
    else this.tableState = state;
    const t3 = performance.now();
    const stats = orderedRunStats(workerStats, os, n, job.executors, failure);
    stats.prepareMs = t1 - t0;
    stats.parallelMs = t2 - t1;
    stats.foldMs = t3 - t2;
    stats.totalMs = t3 - t0;
    return { ...result, stats };
  }

  /**
   * The calling thread's share: sender recovery (with the workers), then
   * Block-STM tasks a few at a time, decoding outcomes and written
   * locations between turns. Throws BlockAborted when the block is abandoned.
   */
  private async runMain(
    main: WorkerEngine,
    job: BlockJob,
    outcomes: OutcomeCollector,
    changes: ChangeCollector,
    receipts: ReceiptFold,
    bail: boolean,
  ): Promise<WorkerStats> {
    const t0 = performance.now();
    if (job.recover && !main.recoverSenders()) return main.blockStats;
    for (let turn = 1; ; turn++) {
      const state = main.work(MAIN_TASKS_PER_TURN, false);
      if (state === WORK_DONE) break;
      // With nothing to run, take more of the fold out of the block's tail before waiting.
      const idle = state === WORK_IDLE;
      if (outcomes.step() || idle) receipts.advance();
      changes.step(idle ? COLLECT_BUDGET : MAIN_COLLECT_BUDGET);
      if (bail && turn % 2 === 0 && job.executors > 1) this.checkContention(main);
      if (idle) await main.idleWait(IDLE_WAIT_MS);
    }
    const stats = main.blockStats;
    stats.busyMs = performance.now() - t0;
    return stats;
  }

  /**
   * Gives up on a block that is mostly one dependency chain: once enough
   * incarnations ran, if most were aborted, parallel execution can only
   * lose (every transaction waits for the one before it, and pays for the
   * bookkeeping and a wasted execution). Nothing is committed before the
   * end, so the block is simply redone sequentially (ABORT_CONTENTION); the
   * cost is the few transactions run so far.
   */
  private checkContention(main: WorkerEngine): void {
    const { executions, aborts } = main.progress();
    if (executions >= CONTENTION_MIN_EXECUTIONS && aborts > CONTENTION_ABORT_SHARE * executions) {
      this.contention = `contention: ${aborts} of the first ${executions} incarnations aborted`;
      throw new BlockAborted(ABORT_CONTENTION);
    }
  }

  /** The last fold's split (stats). */
  private changesMs = 0;
  private applyMs = 0;

  /** Why the last block was given up (ABORT_CONTENTION). */
  private contention = '';

  /**
   * After the fold: the workers have been committing the block to the table
   * meanwhile; the main thread takes what is left (all of it when there are
   * no workers). A commit that fails after the block succeeded leaves the
   * table to be rebuilt; the block's result stands.
   */
  private async finishCommit(main: WorkerEngine | undefined, running: Promise<WorkerStats[]>): Promise<void> {
    try {
      main?.commit();
      await running;
    } catch (err) {
      if (!(err instanceof BlockFailure) && !(err instanceof BlockAborted)) throw err;
      this.tableState = undefined;
    }
  }

  /**
   * Folds the winning incarnations' receipts in order and commits the
   * block's changes to `state` — up to the first invalid transaction, like
   * the sequential executor, when there is one.
   */
  private fold(state: ExecState, txs: readonly Transaction[], env: BlockEnv, outcomes: OutcomeCollector, changes: ChangeCollector, receipts: ReceiptFold): BlockResult {
    const r = foldBlock(txs, env, outcomes, changes, receipts, (all, complete) => this.commit(state, all, complete));
    this.changesMs = r.changesMs;
    this.applyMs = r.applyMs;
    return r.result;
  }

  /** Commits to the caller's state (the workers have committed to the table). */
  private commit(state: ExecState, changes: StateChanges, complete: boolean): void {
    state.apply(changes);
    if (!complete) this.tableState = undefined; // the table holds the whole block, the state a prefix
  }

  private profile(n: number): BlockProfile {
    return blockProfile(this.buffers, this.mv, n);
  }
}
