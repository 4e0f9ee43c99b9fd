/**
 * Which way to run the next block. Parallel execution pays a fixed price per
 * transaction (encoding, version bookkeeping, validation, commit; a few µs
 * in JavaScript) and loses outright on blocks that are one dependency chain.
 * On a machine with few cores, blocks of cheap transactions or of heavy
 * contention run faster sequentially. The policy measures both modes' cost
 * per gas on the blocks it sees and picks the cheaper, running the other
 * mode for two blocks every `probeEvery` blocks so a change in the workload
 * is noticed.
 *
 * A mode's cost is the lowest of its last WINDOW blocks: wall times on a
 * shared machine are inflated by whatever else runs, never deflated, so the
 * minimum tracks what the mode costs better than a mean does.
 *
 * Internal module of the parallel executor.
 */

export type Mode = 'parallel' | 'sequential';

/** Blocks per mode whose cost is remembered. */
const WINDOW = 4;
/**
 * Blocks of each mode run before choosing (parallel first, then
 * alternating while both are short), and of those the first ones not
 * counted: they pay for compiling the mode's code. The workers' copy of the
 * EVM warms up slowly: on amm a fresh pool's parallel blocks took 185, 86,
 * 63, 60, 56 ms against 24 ms warm.
 */
const MEASURE: Record<Mode, number> = { parallel: 8, sequential: 4 };
const COLD: Record<Mode, number> = { parallel: 4, sequential: 1 };
/** Blocks a probe of the other mode runs (the first not counted). */
const PROBE_BLOCKS = 2;

export class ModePolicy {
  private readonly samples: Record<Mode, number[]> = { parallel: [], sequential: [] };
  private readonly seen: Record<Mode, number> = { parallel: 0, sequential: 0 };
  private blocks = 0;
  /** A probe in progress: its mode and blocks left, and blocks of each mode to leave uncounted. */
  private probeMode: Mode = 'parallel';
  private probeLeft = 0;
  private readonly skip: Record<Mode, number> = { parallel: 0, sequential: 0 };

  constructor(private readonly probeEvery = 8) {}

  /** The mode for the next block, and why. */
  choose(): { mode: Mode; reason: string } {
    const par = this.rate('parallel');
    const seq = this.rate('sequential');
    const needPar = this.seen.parallel < MEASURE.parallel || par === undefined;
    const needSeq = this.seen.sequential < MEASURE.sequential || seq === undefined;
    if (needPar || needSeq) {
      const mode: Mode = needPar && (!needSeq || this.seen.parallel <= this.seen.sequential) ? 'parallel' : 'sequential';
      return { mode, reason: `adaptive: measuring ${mode}` };
    }
    const better: Mode = par <= seq ? 'parallel' : 'sequential';
    const other: Mode = better === 'parallel' ? 'sequential' : 'parallel';
    const rates = `${par.toFixed(2)} vs ${seq.toFixed(2)} ns/gas parallel vs sequential`;
    if (this.probeLeft > 0) {
      this.probeLeft--;
      return { mode: this.probeMode, reason: `adaptive: probing ${this.probeMode} (${rates})` };
    }
    if (++this.blocks % this.probeEvery === 0) {
      // Two blocks, the first not counted: a mode idle for a while runs its first block
      // cold (caches, and on a shared machine the idle threads' cores).
      this.probeMode = other;
      this.probeLeft = PROBE_BLOCKS - 1;
      this.skip[other] = 1;
      return { mode: other, reason: `adaptive: probing ${other} (${rates})` };
    }
    return { mode: better, reason: `adaptive: ${better} is faster here (${rates})` };
  }

  /** A block ran in `mode`, taking `ms` for `gas` gas. */
  record(mode: Mode, ms: number, gas: bigint): void {
    if (gas <= 0n || ++this.seen[mode] <= COLD[mode]) return;
    if (this.skip[mode] > 0) {
      this.skip[mode]--;
      return;
    }
    const s = this.samples[mode];
    s.push((ms * 1e6) / Number(gas));
    if (s.length > WINDOW) s.shift();
  }

  private rate(mode: Mode): number | undefined {
    const s = this.samples[mode];
    return s.length === 0 ? undefined : Math.min(...s);
  }

  /** The current costs (ns per gas). */
  get rates(): Record<Mode, number | undefined> {
    return { parallel: this.rate('parallel'), sequential: this.rate('sequential') };
  }
}
