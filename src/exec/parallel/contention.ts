/**
 * The ordered mode's memory of contended contracts (ordered-lane.ts,
 * "Affinity"). A worker's record is thrown away when a transaction the
 * calling thread committed after the worker ran it wrote something it read:
 * on mainnet that is mostly calls to one contract close together — a
 * mint, a pool, a counter — split between the two threads. The calling
 * thread counts, per transaction target (`to`), the worker records it
 * accepted and rejected, across blocks (a contract busy in one block is
 * usually busy in the next); a target whose records are rejected often
 * enough is contended, and each block's contended targets get small ids
 * that the scheduler line of every transaction calling one carries.
 *
 * Internal module of the parallel executor.
 */

/** Rejections before a target can be contended. */
const MIN_REJECTED = 1;
/**
 * Contended from this share of rejected records on (of the target's
 * records). Low: once contended, a target's calls are rarely split and
 * rejected, so its accepted records pile up; a target called from both
 * threads all the time (the token of an ERC-20 block) stays far below.
 */
const REJECTED_SHARE = 0.05;
/** Counts are halved past this many records of a target, so that old blocks weigh less. */
const HALVE_AT = 256;
/** Targets remembered at most (then forgotten all at once: the busy ones come back within a block). */
const MAX_TARGETS = 4096;
/** Contended targets given ids per block at most (ids fit the scheduler word many times over). */
const MAX_IDS = 1024;

interface Counts {
  accepted: number;
  rejected: number;
}

export class ContentionMemory {
  private readonly targets = new Map<bigint, Counts>();

  /** A worker's record of a transaction to `to` was committed. */
  accepted(to: bigint | undefined): void {
    // Only targets that were ever rejected are followed (an ERC-20 block never touches the map).
    if (to === undefined || this.targets.size === 0) return;
    const c = this.targets.get(to);
    if (c === undefined) return;
    c.accepted++;
    if (c.accepted + c.rejected > HALVE_AT) halve(c);
  }

  /** A worker's record of a transaction to `to` was stale. */
  rejected(to: bigint | undefined): void {
    if (to === undefined) return;
    let c = this.targets.get(to);
    if (c === undefined) {
      if (this.targets.size >= MAX_TARGETS) this.targets.clear();
      c = { accepted: 0, rejected: 0 };
      this.targets.set(to, c);
    }
    c.rejected++;
    if (c.accepted + c.rejected > HALVE_AT) halve(c);
  }

  /** Whether a record of a call to `to` went stale since the memory last forgot it. */
  follows(to: bigint): boolean {
    return this.targets.has(to);
  }

  isContended(to: bigint): boolean {
    const c = this.targets.get(to);
    return c !== undefined && c.rejected >= MIN_REJECTED && c.rejected >= REJECTED_SHARE * (c.accepted + c.rejected);
  }

  /** This block's ids (1, 2, ...) of the contended targets. */
  contendedIds(): Map<bigint, number> {
    const ids = new Map<bigint, number>();
    for (const to of this.targets.keys()) {
      if (ids.size === MAX_IDS) break;
      if (this.isContended(to)) ids.set(to, ids.size + 1);
    }
    return ids;
  }

  clear(): void {
    this.targets.clear();
  }
}

function halve(c: Counts): void {
  c.accepted >>= 1;
  c.rejected >>= 1;
}
