/**
 * The scaling model's input: a block reduced to per-transaction costs and
 * dependencies, usually taken from the parallel executor's `BlockProfile`.
 */
import type { BlockProfile } from '../exec/parallel/executor.js';

/** A block as the scaling model sees it. */
export interface ScalingInput {
  /** ms one execution of transaction j costs (every incarnation costs the same). */
  costMs: readonly number[];
  /** deps[j]: lower transactions whose writes j's final execution read. */
  deps: readonly (readonly number[])[];
  /**
   * knownDeps[j]: the previous transaction of j's sender, or -1. The executor
   * parks j on it before running (senders and nonces are known in advance).
   */
  knownDeps?: readonly number[];
}

export interface ProfileOptions {
  /**
   * Which time stands for a transaction's cost: its final execution
   * (`final`, default) or the mean of its completed executions (`mean`).
   * Executions cut short by an ESTIMATE read are not timed by the executor.
   */
  cost?: 'final' | 'mean';
  /** senders[j] signed transaction j: fills `knownDeps`. */
  senders?: readonly bigint[];
}

/** The scaling model's view of an executor profile. */
export function fromProfile(profile: BlockProfile, options: ProfileOptions = {}): ScalingInput {
  return fromProfiles([profile], options);
}

/**
 * The scaling model's view of several profiles of the same block. A
 * transaction's time in one run can include a garbage collection or a
 * recompilation that happened to fall into it (single transactions of a few
 * µs measured at several ms); as one node of the DAG such an outlier can
 * become the critical path on its own. So each transaction costs its
 * fastest time over the runs, and all costs are scaled so that their sum
 * is the median run's total: the shape without the accidents, the work as
 * measured. Dependencies are the block's (the final read sets are the same
 * in every run) and are taken from the first profile.
 */
export function fromProfiles(profiles: readonly BlockProfile[], options: ProfileOptions = {}): ScalingInput {
  if (profiles.length === 0) throw new RangeError('fromProfiles needs at least one profile');
  const n = profiles[0].execMs.length;
  const mean = options.cost === 'mean';
  const costMs = new Array<number>(n).fill(Infinity);
  const totals: number[] = [];
  for (const p of profiles) {
    if (p.execMs.length !== n) throw new RangeError(`profiles of different blocks (${p.execMs.length} and ${n} transactions)`);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const runs = p.executions[j] ?? 1;
      const c = mean && runs > 0 ? p.totalMs[j] / runs : p.execMs[j];
      total += c;
      if (c < costMs[j]) costMs[j] = c;
    }
    totals.push(total);
  }
  if (profiles.length > 1) {
    let sum = 0;
    for (const c of costMs) sum += c;
    totals.sort((a, b) => a - b);
    const scale = sum > 0 ? totals[(totals.length - 1) >> 1] / sum : 1;
    for (let j = 0; j < n; j++) costMs[j] *= scale;
  }
  return { costMs, deps: profiles[0].deps, knownDeps: options.senders === undefined ? undefined : prevSameSender(options.senders) };
}

/** prev[j] = the previous transaction from the same sender, or -1. */
export function prevSameSender(senders: readonly bigint[]): number[] {
  const last = new Map<bigint, number>();
  return senders.map((s, j) => {
    const p = last.get(s);
    last.set(s, j);
    return p ?? -1;
  });
}

/** Throws unless every dependency points at a lower transaction (the DAG is then acyclic). */
export function checkInput(input: ScalingInput): void {
  const n = input.costMs.length;
  if (input.deps.length !== n) throw new RangeError(`deps has ${input.deps.length} entries for ${n} transactions`);
  if (input.knownDeps !== undefined && input.knownDeps.length !== n) throw new RangeError(`knownDeps has ${input.knownDeps.length} entries for ${n} transactions`);
  for (let j = 0; j < n; j++) {
    const c = input.costMs[j];
    if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`transaction ${j}: cost ${c} is not a finite non-negative number`);
    for (const i of input.deps[j]) {
      if (!Number.isInteger(i) || i < 0 || i >= j) throw new RangeError(`transaction ${j} depends on ${i}: dependencies must be lower transactions`);
    }
    const k = input.knownDeps?.[j] ?? -1;
    if (k !== -1 && (!Number.isInteger(k) || k < 0 || k >= j)) throw new RangeError(`transaction ${j}: known dependency ${k} is not a lower transaction`);
  }
}
