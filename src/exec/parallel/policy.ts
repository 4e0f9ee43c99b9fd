/**
 * Which way to run the next block. Parallel execution pays a fixed price per
 * transaction (encoding, version bookkeeping, validation, commit; a few µs
 * in JavaScript) and loses outright on blocks that are one dependency chain.
 * On a machine with few cores, blocks of cheap transactions or of heavy
 * contention run faster sequentially. The policy measures both modes' cost
 * per gas on the blocks it sees (exponentially weighted) and picks the
 * cheaper, running the other mode every `probeEvery` blocks so a change in
 * the workload is noticed.
 *
 * Internal module of the parallel executor.
 */

export type Mode = 'parallel' | 'sequential';

/** Weight of the newest block in the running averages. */
const ALPHA = 0.3;
/**
 * Blocks of each mode measured before choosing (alternating, parallel
 * first). The first of each is not counted: it pays for compiling the
 * mode's code (a cold first parallel block measured 10x its steady cost,
 * which kept the policy on sequential for the next 16 blocks).
 */
const MEASURE = 3;

export class ModePolicy {
  private nsPerGas: Record<Mode, number | undefined> = { parallel: undefined, sequential: undefined };
  private readonly seen: Record<Mode, number> = { parallel: 0, sequential: 0 };
  private blocks = 0;

  constructor(private readonly probeEvery = 16) {}

  /** The mode for the next block, and why. */
  choose(): { mode: Mode; reason: string } {
    const par = this.nsPerGas.parallel;
    const seq = this.nsPerGas.sequential;
    if (this.seen.parallel < MEASURE || this.seen.sequential < MEASURE || par === undefined || seq === undefined) {
      const mode: Mode = this.seen.parallel <= this.seen.sequential ? 'parallel' : 'sequential';
      return { mode, reason: `adaptive: measuring ${mode}` };
    }
    const better: Mode = par <= seq ? 'parallel' : 'sequential';
    const other: Mode = better === 'parallel' ? 'sequential' : 'parallel';
    const rates = `${par.toFixed(2)} vs ${seq.toFixed(2)} ns/gas parallel vs sequential`;
    if (++this.blocks % this.probeEvery === 0) return { mode: other, reason: `adaptive: probing ${other} (${rates})` };
    return { mode: better, reason: `adaptive: ${better} is faster here (${rates})` };
  }

  /** A block ran in `mode`, taking `ms` for `gas` gas. */
  record(mode: Mode, ms: number, gas: bigint): void {
    if (gas <= 0n || ++this.seen[mode] === 1) return;
    const rate = (ms * 1e6) / Number(gas);
    const old = this.nsPerGas[mode];
    this.nsPerGas[mode] = old === undefined ? rate : old + ALPHA * (rate - old);
  }

  /** The running averages (ns per gas). */
  get rates(): Record<Mode, number | undefined> {
    return { ...this.nsPerGas };
  }
}
