/**
 * The parallel block executor: Block-STM over a persistent pool of worker
 * threads, giving exactly what `executeSequential` gives for every thread
 * count. See docs/parallel.md for the design.
 *
 * @example
 * const executor = await ParallelExecutor.create({ threads: 2 });
 * const result = await executor.execute(state, txs, env); // senders recovered on the workers
 * await executor.close();
 */
import { availableParallelism } from 'node:os';
import { Fork } from '../../primitives/fork.js';
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import type { AccountChange, AccountState, StateChanges, StateReader } from '../../state/types.js';
import { TxError } from '../../tx/errors.js';
import { recoverSender } from '../../tx/sign.js';
import type { Transaction } from '../../tx/types.js';
import { BlockExecutionError, BlockFold, checkGasAllowance, executeSequential, type BlockResult, type BlockState } from '../sequential.js';
import type { BlockEnv } from '../types.js';
import { allocateShared, defaultCapacities, type Capacities, type SharedBuffers } from './buffers.js';
import { ChangeCollector } from './collect.js';
import type { BlockJob, FaultInjection, WorkerStats } from './engine.js';
import { FEE_END, MVMemory, PRESTATE } from './mv-memory.js';
import { ModePolicy } from './policy.js';
import { BlockFailure, WorkerPool } from './pool.js';
import { LocationTable, type StateSnapshot } from './table.js';
import { OUTCOME_ERROR, OUTCOME_INVALID, OUTCOME_OK, OutcomeCollector } from './results.js';
import { ABORT, EXECUTED, MAX_WORKERS, RECOVER_GATE, Scheduler, TXS_READY } from './scheduler.js';
import { BlockEncoder } from './tx-codec.js';
import { ABORT_CAPACITY, ABORT_NEEDS_SEQUENTIAL, ParallelExecutionError } from './types.js';
import { writeAddress } from './words.js';

export interface ParallelExecutorOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /** Blocks with fewer than threads × this many transactions run sequentially (default 4). */
  minTxsPerThread?: number;
  /** Blocks whose gas limits add up to less run sequentially (default 0). */
  minBlockGas?: bigint;
  /** On a worker failure or timeout, redo the block sequentially (default true) instead of throwing. */
  fallbackOnFailure?: boolean;
  /** Deadline for one parallel block (ms, default 120 000). */
  blockTimeoutMs?: number;
  /** Heap limit per worker in MiB (a worker over it dies: the block fails over). */
  workerMemoryLimitMb?: number;
  /**
   * Run each block the way that has been faster (measured per gas over the
   * blocks seen, re-probed every 16 blocks; see policy.ts). Default true;
   * `forceParallel` on a block overrides it.
   */
  adaptive?: boolean;
  /** Module (URL) exporting `applyTransaction` for the workers to run instead of the EVM's (tests). */
  runnerModule?: string;
  /** Runs transactions on the main thread (sequential path); default: the EVM's applyTransaction. */
  runner?: (state: StateReader, tx: Transaction, sender: bigint, env: BlockEnv) => import('../types.js').TxResult;
}

export interface ExecuteOptions {
  /** senders[i] signed txs[i]; recovered on the workers when absent. */
  senders?: readonly bigint[];
  /** Run in parallel even when the block is small. */
  forceParallel?: boolean;
  /** Record per-transaction times and dependencies (BlockProfile). */
  profile?: boolean;
  /** Tests: make a worker fail at a transaction. */
  fault?: FaultInjection;
}

export interface ParallelRunStats {
  mode: 'parallel' | 'sequential';
  /** Why the block ran sequentially. */
  reason?: string;
  threads: number;
  txs: number;
  executions: number;
  /** executions − txs. */
  reexecutions: number;
  validations: number;
  validationAborts: number;
  dependencyAborts: number;
  knownDependencyWaits: number;
  sleeps: number;
  /** The busiest worker's time in the block, and its waits (for encoding, idle). */
  workerBusyMs: number;
  workerWaitMs: number;
  /** Distinct locations in the multi-version memory. */
  locations: number;
  /** Time spent before the workers start (encoding, table upkeep), in the workers, and folding results. */
  prepareMs: number;
  parallelMs: number;
  foldMs: number;
  totalMs: number;
}

/** Per-transaction figures for a scaling model (replay with virtual threads). */
export interface BlockProfile {
  /** ms of each transaction's final execution. */
  execMs: number[];
  /** ms of all its executions. */
  totalMs: number[];
  executions: number[];
  /** Lower transactions whose writes the final execution read. */
  deps: number[][];
}

export interface ParallelBlockResult extends BlockResult {
  stats: ParallelRunStats;
  profile?: BlockProfile;
}

type ExecState = BlockState & StateSnapshot;

/** Capacity doublings tried before a block falls back to sequential. */
const MAX_GROWTH = 3;
/** Sequential blocks whose changes are kept for the table; past this, it is rebuilt. */
const MAX_PENDING = 64;
/** Transactions encoded before the workers are told to start, then per chunk. */
const ENCODE_FIRST = 8;
const ENCODE_CHUNK = 32;
/** Locations the main thread decodes per turn while the workers run. */
const COLLECT_BUDGET = 256;

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

  private constructor(private readonly options: ParallelExecutorOptions) {
    this.threads = Math.min(MAX_WORKERS, Math.max(1, options.threads ?? availableParallelism()));
    this.caps = defaultCapacities(256);
    this.pool = new WorkerPool({ threads: this.threads, runnerModule: options.runnerModule, memoryLimitMb: options.workerMemoryLimitMb }, (reason) =>
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
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Executes a block over `state` and commits its changes to it, like
   * `executeSequential`. `state` must not change between blocks except
   * through this executor (its shared copy would go stale); after outside
   * changes, call `invalidatePreState()`.
   */
  async execute(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions = {}): Promise<ParallelBlockResult> {
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
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.parallel(state, txs, env, opts, t0);
        this.policy.record('parallel', r.stats.totalMs, r.gasUsed);
        return r;
      } catch (err) {
        if (!(err instanceof BlockFailure)) throw err;
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
    this.table = LocationTable.fromState(state, 64 * this.caps.txs * this.scale);
    this.tableState = state;
    this.buffers = { ...this.buffers, table: this.table.buffers, version: ++this.version };
    this.mv = new MVMemory(this.buffers.mv, this.table, this.sched.a, ABORT);
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
      foldMs: 0, totalMs,
    };
    return { ...result, stats };
  }

  private prepare(state: ExecState, n: number): void {
    let grown = false;
    if (this.tableState === state && this.pending.length > 0) this.catchUp();
    if (this.tableState !== state || this.table.stale || !this.table.hasRoom(32 * n * this.scale)) this.loadPreState(state);
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
  private resetBlock(n: number): void {
    const b = this.buffers;
    this.sched.reset(n);
    this.mv.resetBlock();
    this.mv.resetSets(n);
    new Int32Array(b.resultsCtl)[0] = 0;
    new Float64Array(b.txTimes).fill(0, 0, 2 * n);
    const counts = new Int32Array(b.txCounts);
    for (let i = 0; i < n; i++) {
      counts[2 * i] = 0;
      counts[2 * i + 1] = -1;
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
   * One block on the workers. The main thread does not wait idle: it posts
   * the job, encodes the transactions in chunks (workers start on the first
   * ones), then decodes outcomes and changed locations as they appear,
   * sleeping 1 ms whenever it has caught up. At the end it only re-decodes
   * what changed since, folds receipts in order and commits.
   */
  private async parallel(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions, t0: number): Promise<ParallelBlockResult> {
    const n = txs.length;
    await this.pool.ensureStarted(this.buffers);
    this.prepare(state, n);
    const b = this.buffers;
    this.resetBlock(n);
    const block = this.encoder.start(txs, env, opts.senders === undefined);
    const ready = this.sched.a;
    this.feed(ENCODE_FIRST, opts.senders);
    const recover = opts.senders === undefined;
    const job: BlockJob = {
      seq: ++this.seq, block, recover, workers: this.threads, defer: env.fork >= Fork.SpuriousDragon, profile: opts.profile === true,
      fault: opts.fault,
    };
    const t1 = performance.now();
    let settled = false;
    const running = this.pool.runBlock(job, b, this.options.blockTimeoutMs ?? 120_000);
    const stopped = running.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!this.encoder.done) this.feed(this.encoder.encoded + ENCODE_CHUNK, opts.senders);
    const sched = this.sched;
    const executed = (tx: number) => Atomics.load(ready, sched.statusIndex(tx));
    const outcomes = new OutcomeCollector(b.results, b.resultIndex, n, executed, EXECUTED);
    const changes = new ChangeCollector(this.mv, this.table, state, env.coinbase);
    while (!settled && !process.env.ML_NOPOLL) {
      const busy = changes.step(COLLECT_BUDGET) || outcomes.step();
      await (busy ? immediate() : Promise.race([stopped, delay(1)]));
    }
    const workerStats = await running;
    const t2 = performance.now();
    if (recover && Atomics.load(ready, RECOVER_GATE) === 2) throw firstRecoveryError(txs, env, new Int32Array(b.senderErrors));
    const result = this.fold(state, txs, env, outcomes, changes);
    const t3 = performance.now();
    const stats = sumStats(workerStats, n, this.threads);
    stats.locations = this.mv.locationCount();
    stats.prepareMs = t1 - t0;
    stats.parallelMs = t2 - t1;
    stats.foldMs = t3 - t2;
    stats.totalMs = t3 - t0;
    const out: ParallelBlockResult = { ...result, stats };
    if (opts.profile) out.profile = this.profile(n);
    return out;
  }

  /**
   * Folds the winning incarnations' receipts in order and commits the
   * block's changes to `state` — up to the first invalid transaction, like
   * the sequential executor, when there is one.
   */
  private fold(state: ExecState, txs: readonly Transaction[], env: BlockEnv, outcomes: OutcomeCollector, changes: ChangeCollector): BlockResult {
    const n = txs.length;
    const fold = new BlockFold();
    for (let i = 0; i < n; i++) {
      const o = outcomes.final(i);
      if (o === undefined) throw new BlockFailure(`transaction ${i} has no result for its final incarnation`, ABORT_NEEDS_SEQUENTIAL);
      let invalid: BlockExecutionError | undefined;
      try {
        checkGasAllowance(txs[i], env, fold.gasUsed, i);
      } catch (err) {
        invalid = err as BlockExecutionError;
      }
      if (invalid === undefined && o.kind === OUTCOME_ERROR) throw new BlockFailure(`transaction ${i}: ${o.message}`, ABORT_NEEDS_SEQUENTIAL);
      if (invalid === undefined && o.kind === OUTCOME_INVALID) invalid = new BlockExecutionError(i, o.error);
      if (invalid !== undefined) {
        this.commit(state, changes.finish(i, n), false);
        throw invalid;
      }
      if (o.kind === OUTCOME_OK) fold.addReceipt(o.result);
    }
    const result = fold.finish();
    const all = changes.finish(n, n);
    this.commit(state, all, true);
    return { ...result, changes: all };
  }

  /** Commits to the caller's state (the workers have committed to the table). */
  private commit(state: ExecState, changes: StateChanges, complete: boolean): void {
    state.apply(changes);
    if (!complete) this.tableState = undefined; // the table holds the whole block, the state a prefix
  }

  private profile(n: number): BlockProfile {
    const times = new Float64Array(this.buffers.txTimes);
    const counts = new Int32Array(this.buffers.txCounts);
    const p: BlockProfile = { execMs: [], totalMs: [], executions: [], deps: [] };
    for (let i = 0; i < n; i++) {
      p.execMs.push(times[2 * i]);
      p.totalMs.push(times[2 * i + 1]);
      p.executions.push(counts[2 * i]);
      const rs = this.mv.readSet(i);
      const deps = new Set<number>();
      for (let k = 0; k < rs.length; k += 3) if (rs[k] !== FEE_END && rs[k + 1] !== PRESTATE) deps.add(rs[k + 1]);
      p.deps.push([...deps].sort((a, c) => a - c));
    }
    return p;
  }
}

/** One-shot convenience: a pool for one block. Prefer a long-lived ParallelExecutor. */
export async function executeParallel(
  state: ExecState,
  txs: readonly Transaction[],
  env: BlockEnv,
  options: ParallelExecutorOptions & ExecuteOptions = {},
): Promise<ParallelBlockResult> {
  const ex = await ParallelExecutor.create(options);
  try {
    return await ex.execute(state, txs, env, options);
  } finally {
    await ex.close();
  }
}

function recoverAll(txs: readonly Transaction[], env: BlockEnv): bigint[] {
  const allowHighS = env.fork < Fork.Homestead;
  return txs.map((tx, i) => {
    try {
      return recoverSender(tx, { allowHighS });
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
  });
}

function firstRecoveryError(txs: readonly Transaction[], env: BlockEnv, errors: Int32Array): Error {
  for (let i = 0; i < txs.length; i++) {
    if (errors[i] === 0) continue;
    try {
      recoverSender(txs[i], { allowHighS: env.fork < Fork.Homestead });
    } catch (err) {
      if (err instanceof TxError) return new BlockExecutionError(i, err);
      return err as Error;
    }
  }
  return new ParallelExecutionError('sender recovery failed on a worker but not on the main thread');
}

function runWith(
  runner: NonNullable<ParallelExecutorOptions['runner']>,
  state: BlockState,
  txs: readonly Transaction[],
  senders: readonly bigint[],
  env: BlockEnv,
): BlockResult {
  const fold = new BlockFold();
  for (let i = 0; i < txs.length; i++) {
    checkGasAllowance(txs[i], env, fold.gasUsed, i);
    let r;
    try {
      r = runner(state, txs[i], senders[i], env);
    } catch (err) {
      if (err instanceof TxError) throw new BlockExecutionError(i, err);
      throw err;
    }
    state.apply(r.changes);
    fold.add(r);
  }
  return fold.finish();
}

function sumStats(ws: WorkerStats[], n: number, threads: number): ParallelRunStats {
  const s: ParallelRunStats = {
    mode: 'parallel', threads, txs: n, executions: 0, reexecutions: 0, validations: 0, validationAborts: 0, dependencyAborts: 0,
    knownDependencyWaits: 0, sleeps: 0, workerBusyMs: 0, workerWaitMs: 0, locations: 0, prepareMs: 0, parallelMs: 0, foldMs: 0, totalMs: 0,
  };
  for (const w of ws) {
    s.executions += w.executions;
    s.validations += w.validations;
    s.validationAborts += w.validationAborts;
    s.dependencyAborts += w.dependencyAborts;
    s.knownDependencyWaits += w.knownDependencyWaits;
    s.sleeps += w.sleeps;
    if (w.busyMs > s.workerBusyMs) {
      s.workerBusyMs = w.busyMs;
      s.workerWaitMs = w.waitMs;
    }
  }
  s.reexecutions = s.executions - n;
  return s;
}
