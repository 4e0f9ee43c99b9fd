/**
 * The multi-version memory's layout: entry flags and sizes, read-record
 * markers, the control words' positions, the shared buffers and their
 * allocation, and the worker-local read-set builder. The algorithm on top
 * of them is mv-memory.ts (whose header describes the layout in prose).
 *
 * Internal module of the parallel executor.
 */
/** Entry flags. */
export const F_WRITE = 1;
export const F_ESTIMATE = 4;
/** ACCOUNT entries: the account does not exist after this write (deleted). */
export const F_ABSENT = 8;
/**
 * ACCOUNT entries: the block's combined change for this account carries code
 * (set by some transaction since the account's last deletion in the block,
 * or the account was revived after one: then its code is explicitly empty).
 */
export const F_CODESET = 16;
/**
 * ACCOUNT locations: a lazy credit (deltas.ts), not a full version: the
 * amount (value words, as a STORAGE entry's) adds to the balance of the
 * first full version below it (or the pre-state).
 */
export const F_DELTA = 32;

/** Entry sizes in 64-bit words. */
export const WORDS_STORAGE = 6;
export const WORDS_ACCOUNT = 13;

/** Code source of an ACCOUNT entry. */
export const CODE_EMPTY = 0;
export const CODE_PRESTATE = 1;
export const CODE_MV = 2;

/** Read record flag (on the incarnation): a coinbase read, its fee records follow. */
export const COIN = 1 << 30;
/** Read record locations of a coinbase read's fees, and of its end (also ends a DELTAS group). */
export const FEE = -2;
export const FEE_END = -3;
/** Read record flag: a full account read that folded lazy credits; its DELTA records follow, then FEE_END. */
export const DELTAS = 1 << 29;
/** Read record flag: a code-only read that skipped lazy credits (no records follow). */
export const SKIP = 1 << 28;
/** Read record location of one lazy credit of a DELTAS group. */
export const DELTA = -4;
/** The incarnation of a read record without its flags. */
export const INC_MASK = SKIP - 1;
/** A read that resolved to the pre-state. */
export const PRESTATE = -1;

// A transaction's fee slot, in its line of `sets`: state, incarnation, value (words 8..15).
export const FEE_STATE = 4;
export const FEE_INC = 5;
export const FEE_NONE = 0;
export const FEE_PRESENT = 1;
export const FEE_ESTIMATE = 2;

// Control words, each on its own cache line (every thread bumps them).
/** Locations in the written list. */
export const LOC_COUNT = 0;
export const ENTRY_CURSOR = 16;
export const RS_CURSOR = 32;
export const WS_CURSOR = 48;
export const CODE_CURSOR = 64;
/** Entries in the rewritten list, and whether it overflowed. */
export const REWRITE_COUNT = 80;
export const REWRITE_OVERFLOW = 81;

/**
 * Threads take arena space in chunks and bump a private cursor inside
 * (allocation buffers, as in a JVM's TLABs): one shared atomic per chunk
 * instead of one per entry.
 */
export const ENTRY_CHUNK = 2048;
export const SET_CHUNK = 4096;
/** Written-list positions a thread reserves at a time (unused ones stay holes, read as -1). */
export const LIST_CHUNK = 32;
/** Per-transaction words of `sets`: one cache line (neighbours are run by different threads). */
export const SET_WORDS = 16;

export interface MVCapacities {
  /** Locations a block may write. */
  locations: number;
  /** Entry arena, 64-bit words. */
  entryWords: number;
  /** Read-set arena, Int32 words (3 per record). */
  readWords: number;
  /** Write-set arena, Int32 words (1 per location). */
  writeWords: number;
  /** Code arena for contracts created in the block, bytes. */
  codeBytes: number;
  /** Transactions. */
  txs: number;
}

/** The shared buffers of one MVMemory (sent to every worker). */
export interface MVBuffers {
  caps: MVCapacities;
  ctl: SharedArrayBuffer;
  entries: SharedArrayBuffer;
  reads: SharedArrayBuffer;
  writes: SharedArrayBuffer;
  /** Per tx: read-set offset, length, write-set offset, length. */
  sets: SharedArrayBuffer;
  code: SharedArrayBuffer;
  /** The block's location ids in insertion order (LOC_COUNT of them). */
  list: SharedArrayBuffer;
  /**
   * Locations written again (or unlinked) after their first write in the
   * block, as they happen; duplicates possible. The main thread's
   * collector re-reads only these at the end (collect.ts).
   */
  rewrites: SharedArrayBuffer;
}

export function allocateMV(caps: MVCapacities): MVBuffers {
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  return {
    caps,
    ctl: sab(4 * 96),
    entries: sab(8 * caps.entryWords),
    reads: sab(4 * caps.readWords),
    writes: sab(4 * caps.writeWords),
    sets: sab(4 * SET_WORDS * caps.txs),
    code: sab(caps.codeBytes),
    list: sab(4 * caps.locations),
    rewrites: sab(4 * caps.locations),
  };
}

/** A worker-local, growable list of read records. */
export class ReadSetBuilder {
  words = new Int32Array(3 * 256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(loc: number, tx: number, inc: number): void {
    let n = this.length;
    if (n + 3 > this.words.length) {
      const bigger = new Int32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    const w = this.words;
    w[n] = loc;
    w[n + 1] = tx;
    w[n + 2] = inc;
    this.length = n + 3;
  }
}
