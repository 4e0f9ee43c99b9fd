/**
 * What every frame of one transaction shares: the journal, the block and
 * transaction environment, the fork's rules and instruction table, and the
 * pool of frames (one per call depth, reused across transactions).
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import type { Fork } from '../primitives/fork.js';
import type { BlockEnv } from '../exec/types.js';
import { Journal } from '../state/journal.js';
import type { StateReader } from '../state/types.js';
import { Frame } from './frame.js';
import { forkRules, type ForkRules } from './gas.js';
import { instructionTable, type Instruction } from './table.js';

/** Per-transaction values the EVM exposes (ORIGIN, GASPRICE, BLOBHASH). */
export interface TxEnv {
  origin: bigint;
  /** The effective gas price (EIP-1559). */
  gasPrice: bigint;
  blobHashes: Uint8Array[];
}

/** Pooled frames keep memory buffers up to this size between transactions. */
const KEEP_MEMORY = 1 << 20;

export class ExecContext {
  readonly journal: Journal;
  env!: BlockEnv;
  fork!: Fork;
  rules!: ForkRules;
  table!: Instruction[];
  origin = 0n;
  gasPrice = 0n;
  blobHashes: Uint8Array[] = [];
  private readonly frames: Frame[] = [];

  constructor(state: StateReader) {
    this.journal = new Journal(state);
  }

  /** Prepares the context for a transaction. */
  begin(state: StateReader, env: BlockEnv, tx: TxEnv): void {
    this.journal.reset(state);
    this.env = env;
    this.fork = env.fork;
    this.rules = forkRules(env.fork);
    this.table = instructionTable(env.fork);
    this.origin = tx.origin;
    this.gasPrice = tx.gasPrice;
    this.blobHashes = tx.blobHashes;
  }

  /** The pooled frame for call depth `depth`, reset. */
  frame(depth: number): Frame {
    let f = this.frames[depth];
    if (f === undefined) {
      f = new Frame(this, depth);
      this.frames[depth] = f;
    }
    f.reset();
    return f;
  }

  /** The frame at `depth` as it is (the parent of a finishing frame). */
  frameAt(depth: number): Frame {
    return this.frames[depth];
  }

  /** Releases references held by pooled frames after a transaction, and memory grown unusually large. */
  end(): void {
    for (const f of this.frames) {
      f.input = EMPTY_BYTES;
      f.inputViewOf = EMPTY_BYTES;
      f.output = EMPTY_BYTES;
      f.returnData = EMPTY_BYTES;
      if (f.memory.length > KEEP_MEMORY) f.releaseMemory();
    }
  }
}
