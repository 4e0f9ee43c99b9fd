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
import { collectChanges } from './commit.js';
import { fillPrevSameSender, type FaultInjection, type WorkerStats } from './engine.js';
import { MVMemory, PRESTATE } from './mv-memory.js';
import { BlockFailure, WorkerPool } from './pool.js';
import { PreStateTable, type StateSnapshot } from './prestate.js';
import { OUTCOME_ERROR, OUTCOME_INVALID, OUTCOME_OK, readOutcome } from './results.js';
import { ABORT, EXECUTED, RECOVER_GATE, Scheduler } from './scheduler.js';
import { WordReader, WordWriter, writeEnv, writeTransaction } from './tx-codec.js';
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

export class ParallelExecutor {
  private readonly threads: number;
  private readonly pool: WorkerPool;
  private caps: Capacities;
  private scale = 1;
  private buffers!: SharedBuffers;
  private sched!: Scheduler;
  private mv!: MVMemory;
  private table: PreStateTable | undefined;
  /** The state `table` mirrors; another state (or a failed block) forces a rebuild. */
  private tableState: ExecState | undefined;
  private version = 0;
  private seq = 0;
  private readonly blockWriter = new WordWriter(1 << 16);

  private constructor(private readonly options: ParallelExecutorOptions) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.caps = defaultCapacities(256);
    this.pool = new WorkerPool({ threads: this.threads, runnerModule: options.runnerModule, memoryLimitMb: options.workerMemoryLimitMb }, (reason) =>
      this.sched.abort(reason),
    );
  }

  /** Starts the workers (once; they are reused for every block). */
  static async create(options: ParallelExecutorOptions = {}): Promise<ParallelExecutor> {
    const ex = new ParallelExecutor(options);
    ex.table = PreStateTable.create(1024, 1024);
    ex.allocate();
    await ex.pool.ensureStarted(ex.buffers);
    return ex;
  }

  private allocate(): void {
    this.buffers = allocateShared(this.caps, (this.table as PreStateTable).buffers, ++this.version);
    this.sched = new Scheduler(this.buffers.sched, this.buffers.txCapacity);
    this.mv = new MVMemory(this.buffers.mv, this.sched.a, ABORT);
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
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.parallel(state, txs, env, opts, t0);
      } catch (err) {
        if (!(err instanceof BlockFailure)) throw err;
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
    this.table = PreStateTable.fromState(state);
    this.tableState = state;
    this.buffers = { ...this.buffers, pre: this.table.buffers, version: ++this.version };
  }

  /** Forget the shared copy of the pre-state (the state was changed outside the executor). */
  invalidatePreState(): void {
    this.tableState = undefined;
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
    this.syncTable(state, result.changes);
    const totalMs = performance.now() - t0;
    const stats: ParallelRunStats = {
      mode: 'sequential', reason, threads: 1, txs: txs.length, executions: txs.length, reexecutions: 0, validations: 0,
      validationAborts: 0, dependencyAborts: 0, knownDependencyWaits: 0, sleeps: 0, locations: 0, prepareMs: 0, parallelMs: totalMs,
      foldMs: 0, totalMs,
    };
    return { ...result, stats };
  }

  /** After a block: commit to the state and mirror the changes into the shared table. */
  private syncTable(state: ExecState, changes: StateChanges): void {
    if (this.tableState === state && (this.table as PreStateTable).applyChanges(changes)) return;
    this.tableState = undefined;
  }

  private prepare(state: ExecState, n: number): void {
    let grown = false;
    if (this.tableState !== state) this.loadPreState(state);
    const want = defaultCapacities(n, this.scale);
    if (want.txs > this.caps.txs || want.mv.locations > this.caps.mv.locations || want.mv.entryWords > this.caps.mv.entryWords || want.resultWords > this.caps.resultWords) {
      this.caps = want;
      grown = true;
    }
    if (grown) this.allocate();
  }

  private encodeBlock(txs: readonly Transaction[], env: BlockEnv): SharedArrayBuffer {
    const w = this.blockWriter;
    const n = txs.length;
    w.pos = 0;
    w.ensure(2 + n);
    w.pos = 2 + n;
    const index = new Int32Array(2 + n);
    index[0] = n;
    index[1] = w.pos;
    writeEnv(w, env);
    for (let i = 0; i < n; i++) {
      index[2 + i] = w.pos;
      writeTransaction(w, txs[i]);
    }
    // Offsets are known only now (the writer may have grown): word i holds index[i].
    for (let i = 0; i < 2 + n; i++) {
      w.i32[2 * i] = index[i];
      w.i32[2 * i + 1] = 0;
    }
    return w.w64.buffer as SharedArrayBuffer;
  }

  private async parallel(state: ExecState, txs: readonly Transaction[], env: BlockEnv, opts: ExecuteOptions, t0: number): Promise<ParallelBlockResult> {
    const n = txs.length;
    await this.pool.ensureStarted(this.buffers);
    this.prepare(state, n);
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
    const recover = opts.senders === undefined;
    if (!recover) {
      const w = new BigUint64Array(b.senders);
      const senders = opts.senders as readonly bigint[];
      for (let i = 0; i < n; i++) writeAddress(w, 3 * i, senders[i]);
      fillPrevSameSender(w, n, this.sched.a, this.sched.prevSameSenderAt);
    }
    const block = this.encodeBlock(txs, env);
    const defer = env.fork >= Fork.SpuriousDragon;
    const t1 = performance.now();
    const job = { seq: ++this.seq, block, recover, workers: this.threads, defer, profile: opts.profile === true, fault: opts.fault };
    const workerStats = await this.pool.runBlock(job, b, this.options.blockTimeoutMs ?? 120_000);
    const t2 = performance.now();
    if (recover && Atomics.load(this.sched.a, RECOVER_GATE) === 2) throw firstRecoveryError(txs, env, new Int32Array(b.senderErrors));
    const result = this.fold(state, txs, env);
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
   * Reads the winning incarnation of every transaction in order for the
   * receipts, and the block's changes from the multi-version memory. Commits
   * to `state` — up to the first invalid transaction, like the sequential
   * executor, when there is one.
   */
  private fold(state: ExecState, txs: readonly Transaction[], env: BlockEnv): BlockResult {
    const b = this.buffers;
    const idx = new Int32Array(b.resultIndex);
    const reader = new WordReader(b.results);
    const fold = new BlockFold();
    for (let i = 0; i < txs.length; i++) {
      if (this.sched.status(i) !== EXECUTED || idx[3 * i + 2] !== this.sched.incarnation(i)) {
        throw new BlockFailure(`transaction ${i} has no result for its final incarnation`, ABORT_NEEDS_SEQUENTIAL);
      }
      let invalid: BlockExecutionError | undefined;
      try {
        checkGasAllowance(txs[i], env, fold.gasUsed, i);
      } catch (err) {
        invalid = err as BlockExecutionError;
      }
      reader.pos = idx[3 * i];
      const o = invalid === undefined ? readOutcome(reader) : undefined;
      if (o?.kind === OUTCOME_ERROR) throw new BlockFailure(`transaction ${i}: ${o.message}`, ABORT_NEEDS_SEQUENTIAL);
      if (o?.kind === OUTCOME_INVALID) invalid = new BlockExecutionError(i, o.error);
      if (invalid !== undefined) {
        this.commit(state, env, i);
        throw invalid;
      }
      if (o?.kind === OUTCOME_OK) fold.addReceipt(o.result);
    }
    const result = fold.finish();
    const changes = this.commit(state, env, txs.length);
    return { ...result, changes };
  }

  /** Collects the changes of transactions [0, upTo) and commits them to the state and the shared table. */
  private commit(state: ExecState, env: BlockEnv, upTo: number): StateChanges {
    const t0 = performance.now();
    const changes = collectChanges(this.mv, this.table as PreStateTable, state, env.coinbase, upTo);
    const t1 = performance.now();
    state.apply(changes);
    const t2 = performance.now();
    this.syncTable(state, changes);
    const t3 = performance.now();
    if (process.env.ML_DEBUG) console.log(`collect ${(t1 - t0).toFixed(2)} apply ${(t2 - t1).toFixed(2)} table ${(t3 - t2).toFixed(2)} changes ${changes.size}`);
    return changes;
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
      for (let k = 0; k < rs.length; k += 3) if (rs[k + 1] !== PRESTATE) deps.add(rs[k + 1]);
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
    knownDependencyWaits: 0, sleeps: 0, locations: 0, prepareMs: 0, parallelMs: 0, foldMs: 0, totalMs: 0,
  };
  for (const w of ws) {
    s.executions += w.executions;
    s.validations += w.validations;
    s.validationAborts += w.validationAborts;
    s.dependencyAborts += w.dependencyAborts;
    s.knownDependencyWaits += w.knownDependencyWaits;
    s.sleeps += w.sleeps;
  }
  s.reexecutions = s.executions - n;
  return s;
}
