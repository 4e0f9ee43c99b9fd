/**
 * Block-STM with virtual threads and virtual time: a prediction of how a
 * profiled block would run on a machine with more cores than this one.
 *
 * The scheduling is not a model of Block-STM but the executor's own
 * `Scheduler` (src/exec/parallel/scheduler.ts), driven from one thread: it
 * is plain Atomics over a SharedArrayBuffer, which behave on one thread
 * exactly as on many. Each virtual thread holds its own view of it (its
 * task slot and "holds a task" flag, as each worker does) and replays the worker loop of
 * src/exec/parallel/engine.ts (take a task, execute or validate, hand
 * over the task `finish*` returns, spin IDLE_SPINS times on an empty
 * scheduler, then sleep until its wake counter moves) at its own virtual
 * clock; the thread with the earliest clock acts next, so every call into
 * the scheduler happens in virtual-time order.
 *
 * What stands in for the EVM and the multi-version memory (the model's
 * assumptions, see also docs/scaling.md):
 * - A transaction's execution costs `costMs[j]`, every incarnation alike,
 *   and writes the same locations every time (so only its first completed
 *   execution "wrote a new location" and lowers the validation counter).
 * - It reads its dependencies (`deps[j]`: the lower transactions whose
 *   writes its final execution read) all at one instant, `readFraction` of
 *   the way through. For each dependency i at that instant:
 *     i EXECUTED (incarnation k)  → reads version (i, k);
 *     i executed before, not now  → ESTIMATE: j parks on i (addDependency),
 *                                   its thread having spent the time so far;
 *     i never executed            → reads a stale value (an older write or the
 *                                   pre-state): validation will catch it once
 *                                   i writes.
 *   Reads of lower writers that the final execution did not see are not
 *   modelled.
 * - Known dependencies (`knownDeps`: the sender's previous transaction) park
 *   a transaction before it runs, as the engine does.
 * - A validation costs `validationFraction × costMs[j] + validationMs` and
 *   checks, when it ends, that every dependency still resolves to the
 *   version read; a dependency now ESTIMATE or re-executed fails it.
 * - Every task taken costs `taskOverheadMs` of scheduling on top.
 * - Threads never wait for a core, memory bandwidth or each other's locks
 *   (unless `preemption` models a machine shared with other processes).
 */
import { EXECUTED, MAX_WORKERS, Scheduler, schedulerWords } from '../exec/parallel/scheduler.js';
import { TASK_NONE, TASK_VALIDATE, type TaskKind } from '../exec/parallel/types.js';
import { checkInput, type ScalingInput } from './profile.js';

export interface SimOptions {
  /** Validation cost as a fraction of the transaction's execution cost. */
  validationFraction?: number;
  /** Validation cost in ms, on top of the fraction. */
  validationMs?: number;
  /** Scheduling overhead per task taken (ms). */
  taskOverheadMs?: number;
  /** How far into an execution (fraction of its cost) it reads its dependencies. */
  readFraction?: number;
  /**
   * A machine with fewer free cores than runnable threads (off by default):
   * each thread gets the CPU for `share` of the wall time and is descheduled
   * `sliceMs` at a time (the OS time slice another process runs in), each
   * thread with its own random phase. While one worker is off, the others
   * run ahead on what it has not yet finished or validated, which is what
   * multiplies aborts on an oversubscribed machine.
   */
  preemption?: { share: number; sliceMs: number; seed?: number };
}

/**
 * Defaults. A validation re-reads a read set of ~5-20 locations (~1 µs)
 * where an execution runs the EVM (20-60 µs measured in the workers): ~5%.
 * Scheduling a task is a few atomics (~0.1 µs); `calibrateOverhead`
 * (calibrate.ts) fits it from a 1-thread run. Reads are spread over an execution: half way.
 */
export const DEFAULT_SIM: Required<Omit<SimOptions, 'preemption'>> & Pick<SimOptions, 'preemption'> = {
  validationFraction: 0.05,
  validationMs: 0,
  taskOverheadMs: 0,
  readFraction: 0.5,
  preemption: undefined,
};

export interface SimResult {
  threads: number;
  /** Virtual time from the first task to the scheduler's done. */
  makespanMs: number;
  /** Σ costMs: the same transactions executed once each, in order. */
  workMs: number;
  /** workMs ÷ makespanMs. */
  speedup: number;
  executions: number;
  reexecutions: number;
  validations: number;
  validationAborts: number;
  /** Executions that stopped at an ESTIMATE and parked. */
  dependencyAborts: number;
  /** Transactions parked on their sender's previous transaction before running. */
  knownDependencyWaits: number;
  /** Busy thread time ÷ (threads × makespan). */
  utilization: number;
  /** Times every thread slept at once (the engine then waits for its sleep timeout). */
  stalls: number;
}

/** The engine's tries of the task counters before an idle worker sleeps (engine.ts IDLE_SPINS). */
const IDLE_SPINS = 32;

// What a virtual thread does next. At equal times, events that change the
// scheduler (read, executed, validated) go before picks, so a thread looking
// for work sees everything that finished at that instant.
const EV_READ = 0;
const EV_EXECUTED = 1;
const EV_VALIDATED = 2;
const EV_PICK = 3;
const EV_IDLE = 4;
const EV_STOPPED = 5;

interface VThread {
  /** This thread's view of the scheduler (its own task slot and "holds a task" flag). */
  s: Scheduler;
  at: number;
  ev: number;
  tx: number;
  inc: number;
  /** Wake sequence seen before the last failed pick (EV_IDLE). */
  seq: number;
  /** CPU time spent on tasks (wall time minus preemption). */
  busyMs: number;
  /** Preemption: this thread runs while (wall + phase) mod (on + off) < on. */
  phase: number;
  /** The versions this execution read, one per dependency (-1: stale). */
  reads: Int32Array;
}

/** Replays a block through Block-STM's scheduler with `threads` virtual threads. */
export function simulateBlockStm(input: ScalingInput, threads: number, options: SimOptions = {}): SimResult {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  checkInput(input);
  return new Simulation(input, threads, { ...DEFAULT_SIM, ...options }).run();
}

class Simulation {
  private readonly n: number;
  private readonly sched: Scheduler;
  private readonly th: VThread[] = [];
  /** Transaction has completed an execution: its writes (data or ESTIMATE) are in memory. */
  private readonly hasWrites: Uint8Array;
  /** Versions the latest completed execution of each transaction read. */
  private readonly readSet: Int32Array[];
  private now = 0;
  private tasks = 0;
  /** Preemption pattern: CPU time, then time off (off = 0: never preempted). */
  private on = Infinity;
  private off = 0;
  private readonly r: SimResult;

  constructor(
    private readonly input: ScalingInput,
    threads: number,
    private readonly o: typeof DEFAULT_SIM,
  ) {
    const n = input.costMs.length;
    this.n = n;
    if (threads > MAX_WORKERS) throw new RangeError(`the scheduler takes at most ${MAX_WORKERS} threads, asked for ${threads}`);
    const buffer = new SharedArrayBuffer(4 * schedulerWords(n));
    this.sched = new Scheduler(buffer, n);
    this.sched.reset(n);
    const known = input.knownDeps;
    if (known !== undefined) for (let j = 0; j < n; j++) this.sched.setPrevSameSender(j, known[j]);
    this.hasWrites = new Uint8Array(n);
    let maxDeps = 0;
    this.readSet = input.deps.map((d) => {
      maxDeps = Math.max(maxDeps, d.length);
      return new Int32Array(d.length);
    });
    for (let t = 0; t < threads; t++) {
      const s = new Scheduler(buffer, n, t);
      s.begin(threads);
      this.th.push({ s, at: 0, ev: EV_PICK, tx: 0, inc: 0, seq: 0, busyMs: 0, phase: 0, reads: new Int32Array(maxDeps) });
    }
    const pre = o.preemption;
    if (pre !== undefined) {
      if (!(pre.share > 0 && pre.share <= 1) || !(pre.sliceMs > 0)) throw new RangeError('preemption needs 0 < share <= 1 and sliceMs > 0');
      this.off = pre.share === 1 ? 0 : pre.sliceMs;
      this.on = pre.share === 1 ? Infinity : (pre.sliceMs * pre.share) / (1 - pre.share);
      let x = (pre.seed ?? 1) >>> 0 || 1;
      for (const t of this.th) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0; // a fixed LCG: phases are reproducible
        t.phase = (x / 2 ** 32) * (this.on + this.off);
      }
    }
    let workMs = 0;
    for (const c of input.costMs) workMs += c;
    this.r = {
      threads, makespanMs: 0, workMs, speedup: 1, executions: 0, reexecutions: 0, validations: 0, validationAborts: 0,
      dependencyAborts: 0, knownDependencyWaits: 0, utilization: 1, stalls: 0,
    };
  }

  run(): SimResult {
    let stopped = 0;
    let tasksAtStall = -1;
    while (stopped < this.th.length) {
      const t = this.earliest();
      if (t === undefined) {
        // Every thread sleeps: the engine's sleep times out and they look again.
        if (tasksAtStall === this.tasks) throw new Error(`simulation deadlocked at ${this.now} ms (scheduler not done, no task)`);
        tasksAtStall = this.tasks;
        this.r.stalls++;
        for (const u of this.th) if (u.ev === EV_IDLE) this.schedule(u, EV_PICK, this.now);
        continue;
      }
      this.now = t.at;
      this.step(t);
      if (t.ev === EV_STOPPED) stopped++;
      this.wakeSleepers();
    }
    return this.finish();
  }

  /** The next thread to act: earliest clock, then state changes before picks, then lowest index. */
  private earliest(): VThread | undefined {
    let best: VThread | undefined;
    for (const t of this.th) {
      if (t.ev >= EV_IDLE) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.ev < best.ev)) best = t;
    }
    return best;
  }

  /** The engine's sleepers return once the wake counter moved (a counter was lowered, or done). */
  private wakeSleepers(): void {
    const seq = this.sched.wakeSeq();
    for (const t of this.th) if (t.ev === EV_IDLE && t.seq !== seq) this.schedule(t, EV_PICK, this.now);
  }

  private schedule(t: VThread, ev: number, at: number): void {
    t.ev = ev;
    t.at = at;
  }

  /** Wall time at which `t`, starting at `from`, has done `ms` of CPU work (preemption skipped over). */
  private work(t: VThread, from: number, ms: number): number {
    t.busyMs += ms;
    if (this.off === 0) return from + ms;
    // Walk the thread's on-periods [k·period − phase, … + on) by index: exact, and k only grows.
    const period = this.on + this.off;
    let k = Math.floor((from + t.phase) / period);
    let x = from;
    let left = ms;
    for (;;) {
      const onStart = k * period - t.phase;
      const onEnd = onStart + this.on;
      if (x < onStart) x = onStart;
      if (x < onEnd) {
        if (left <= onEnd - x) return x + left;
        left -= onEnd - x;
      }
      k++;
    }
  }

  private step(t: VThread): void {
    switch (t.ev) {
      case EV_PICK:
        return this.pick(t);
      case EV_READ:
        return this.read(t);
      case EV_EXECUTED:
        return this.executed(t);
      case EV_VALIDATED:
        return this.validated(t);
    }
  }

  /** The engine loop's `nextTask` with its IDLE_SPINS retries. */
  private pick(t: VThread): void {
    const s = t.s;
    for (let spins = 0; ; ) {
      const seq = s.wakeSeq();
      const kind = s.nextTask();
      if (kind !== TASK_NONE) return this.start(t, kind, s.taskTx, s.taskInc);
      if (s.done()) return this.schedule(t, EV_STOPPED, this.now);
      if (++spins >= IDLE_SPINS) {
        t.seq = seq;
        return this.schedule(t, EV_IDLE, this.now);
      }
    }
  }

  private start(t: VThread, kind: TaskKind, tx: number, inc: number): void {
    this.tasks++;
    t.tx = tx;
    t.inc = inc;
    const at = this.work(t, this.now, this.o.taskOverheadMs);
    if (kind === TASK_VALIDATE) {
      const cost = this.o.validationFraction * this.input.costMs[tx] + this.o.validationMs;
      return this.schedule(t, EV_VALIDATED, this.work(t, at, cost));
    }
    // engine.ts tryExecute: park on the sender's previous transaction rather than run on a stale nonce.
    const s = t.s;
    const prev = s.prevSameSender(tx);
    if (prev !== -1 && s.status(prev) !== EXECUTED && s.addDependency(tx, prev)) {
      this.r.knownDependencyWaits++;
      return this.schedule(t, EV_PICK, at);
    }
    this.schedule(t, EV_READ, this.work(t, at, this.o.readFraction * this.input.costMs[tx]));
  }

  /** The execution reaches its reads: data, a stale value, or an ESTIMATE that parks it. */
  private read(t: VThread): void {
    const s = t.s;
    const deps = this.input.deps[t.tx];
    for (let k = 0; k < deps.length; k++) {
      const i = deps[k];
      if (s.status(i) === EXECUTED) t.reads[k] = s.incarnation(i);
      else if (this.hasWrites[i] === 0) t.reads[k] = -1;
      else {
        this.r.dependencyAborts++;
        if (s.addDependency(t.tx, i)) return this.schedule(t, EV_PICK, this.now);
        // i finished meanwhile: run again at once (cannot happen on one thread, kept for fidelity).
        return this.schedule(t, EV_READ, this.work(t, this.now, this.o.readFraction * this.input.costMs[t.tx]));
      }
    }
    this.schedule(t, EV_EXECUTED, this.work(t, this.now, (1 - this.o.readFraction) * this.input.costMs[t.tx]));
  }

  private executed(t: VThread): void {
    const tx = t.tx;
    this.r.executions++;
    this.readSet[tx].set(t.reads.subarray(0, this.readSet[tx].length));
    const wroteNew = this.hasWrites[tx] === 0;
    this.hasWrites[tx] = 1;
    const next = t.s.finishExecution(tx, t.inc, wroteNew);
    this.continueWith(t, next);
  }

  private validated(t: VThread): void {
    this.r.validations++;
    const s = t.s;
    const aborted = !this.valid(t.tx) && s.tryValidationAbort(t.tx, t.inc);
    if (aborted) this.r.validationAborts++;
    this.continueWith(t, s.finishValidation(t.tx, aborted));
  }

  /** Does every dependency still resolve to the version read? */
  private valid(tx: number): boolean {
    const s = this.sched;
    const deps = this.input.deps[tx];
    const rs = this.readSet[tx];
    for (let k = 0; k < deps.length; k++) {
      const i = deps[k];
      if (s.status(i) === EXECUTED) {
        if (rs[k] !== s.incarnation(i)) return false;
      } else if (this.hasWrites[i] !== 0) return false; // ESTIMATE
    }
    return true;
  }

  /** A task handed back by finishExecution / finishValidation runs next on the same thread. */
  private continueWith(t: VThread, kind: TaskKind): void {
    if (kind === TASK_NONE) return this.schedule(t, EV_PICK, this.now);
    this.start(t, kind, t.s.taskTx, t.s.taskInc);
  }

  private finish(): SimResult {
    const r = this.r;
    let busy = 0;
    for (const t of this.th) {
      r.makespanMs = Math.max(r.makespanMs, t.at);
      busy += t.busyMs;
    }
    r.reexecutions = r.executions - this.n;
    r.speedup = r.makespanMs > 0 ? r.workMs / r.makespanMs : 1;
    r.utilization = r.makespanMs > 0 ? busy / (r.threads * r.makespanMs) : 1;
    return r;
  }
}
