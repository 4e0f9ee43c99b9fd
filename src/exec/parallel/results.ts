/**
 * A transaction's outcome, written by the worker that executed it into a
 * shared arena and read back by the main thread for the incarnation that
 * won: what its receipt needs (status, gas, logs, created address), or why
 * it is invalid. Its state changes are not here: the main thread reads the
 * block's from the multi-version memory (commit.ts).
 *
 * Internal module of the parallel executor.
 */
import { TxError, type TxErrorCode } from '../../tx/errors.js';
import type { Log, TxResult } from '../types.js';
import { WordReader, WordWriter } from './tx-codec.js';

export const OUTCOME_OK = 0;
/** The transaction is invalid (TxError) in this incarnation. */
export const OUTCOME_INVALID = 1;
/** The EVM threw something else (a bug, or an impossible state seen speculatively). */
export const OUTCOME_ERROR = 2;

/** A valid transaction's receipt fields. */
export type TxSummary = Pick<TxResult, 'status' | 'gasUsed' | 'logs' | 'contractAddress' | 'blobGasUsed'>;

export type Outcome =
  | { kind: typeof OUTCOME_OK; result: TxSummary }
  | { kind: typeof OUTCOME_INVALID; error: TxError }
  | { kind: typeof OUTCOME_ERROR; message: string };

const te = new TextEncoder();
const td = new TextDecoder();

export function writeOutcome(w: WordWriter, o: Outcome): void {
  w.int(o.kind);
  if (o.kind === OUTCOME_INVALID) {
    w.bytes(te.encode(o.error.code));
    w.bytes(te.encode(o.error.message));
    return;
  }
  if (o.kind === OUTCOME_ERROR) {
    w.bytes(te.encode(o.message));
    return;
  }
  const r = o.result;
  w.int(r.status);
  w.u256(r.gasUsed);
  w.u256(r.blobGasUsed);
  w.int(r.contractAddress === undefined ? 0 : 1);
  if (r.contractAddress !== undefined) w.address(r.contractAddress);
  w.int(r.logs.length);
  for (const log of r.logs) {
    w.address(log.address);
    w.int(log.topics.length);
    for (const t of log.topics) w.bytes(t);
    w.bytes(log.data);
  }
}

export function readOutcome(r: WordReader): Outcome {
  const kind = r.int();
  if (kind === OUTCOME_INVALID) {
    const code = td.decode(r.bytes()) as TxErrorCode;
    const message = td.decode(r.bytes());
    const error = new TxError(code, '');
    error.message = message;
    return { kind, error };
  }
  if (kind === OUTCOME_ERROR) return { kind, message: td.decode(r.bytes()) };
  const status = r.int() as 0 | 1;
  const gasUsed = r.u256();
  const blobGasUsed = r.u256();
  const contractAddress = r.int() === 0 ? undefined : r.address();
  const logs: Log[] = [];
  for (let n = r.int(); n > 0; n--) {
    const address = r.address();
    const topics: Uint8Array[] = [];
    for (let t = r.int(); t > 0; t--) topics.push(r.bytes());
    logs.push({ address, topics, data: r.bytes() });
  }
  const result: TxSummary = { status, gasUsed, logs, blobGasUsed };
  if (contractAddress !== undefined) result.contractAddress = contractAddress;
  return { kind: OUTCOME_OK, result };
}

/**
 * The main thread's copy of each transaction's latest outcome, decoded
 * while the workers run (`step`) and checked against the final incarnations
 * at the end (`finish`): a transaction that ran again is decoded again.
 */
export class OutcomeCollector {
  private readonly decodedInc: Int32Array;
  private readonly outcomes: (Outcome | undefined)[];
  private readonly reader: WordReader;
  private readonly index: Int32Array;

  constructor(
    results: SharedArrayBuffer,
    resultIndex: SharedArrayBuffer,
    private readonly n: number,
    /** The scheduler's status word of a transaction: incarnation * 4 + status. */
    private readonly statusWord: (tx: number) => number,
    private readonly executed: number,
    /** The main thread's own executions, kept as objects: `inc[tx]` is the incarnation of `outcomes[tx]` (-1 none). */
    private readonly local?: { localOutcomes: readonly (Outcome | undefined)[]; localInc: Int32Array },
  ) {
    this.decodedInc = new Int32Array(n).fill(-1);
    this.outcomes = new Array(n);
    this.reader = new WordReader(results);
    // Topics and data as views into one private arena (an ERC-20 transfer's log is four byte strings).
    this.reader.useArena();
    this.index = new Int32Array(resultIndex);
  }

  /** The first transaction not yet looked at by `step`. */
  private scan = 0;

  /**
   * Decodes the outcomes of the executed transactions after the last one
   * looked at, stopping at the first not executed yet: each is looked at
   * once here (re-executions are caught by `final`).
   */
  step(): boolean {
    const start = this.scan;
    while (this.scan < this.n && this.refresh(this.scan)) this.scan++;
    return this.scan > start;
  }

  private refresh(i: number): boolean {
    const word = this.statusWord(i);
    if ((word & 3) !== this.executed) return false;
    const inc = word >>> 2;
    if (this.decodedInc[i] === inc) return false;
    const local = this.local;
    if (local !== undefined && local.localInc[i] === inc) {
      this.outcomes[i] = local.localOutcomes[i];
    } else {
      if (this.index[16 * i + 2] !== inc) return false;
      this.reader.pos = this.index[16 * i];
      this.outcomes[i] = readOutcome(this.reader);
    }
    this.decodedInc[i] = inc;
    return true;
  }

  /** The incarnation whose outcome `decoded(i)` holds, -1 for none yet. */
  decodedIncarnation(i: number): number {
    return this.decodedInc[i];
  }

  /** Transaction i's latest decoded outcome (speculative while the block runs), or undefined. */
  decoded(i: number): Outcome | undefined {
    return this.decodedInc[i] < 0 ? undefined : this.outcomes[i];
  }

  /** Transaction i's final outcome (all workers stopped), or undefined if it has none. */
  final(i: number): Outcome | undefined {
    this.refresh(i);
    const word = this.statusWord(i);
    if ((word & 3) !== this.executed || this.decodedInc[i] !== word >>> 2) return undefined;
    return this.outcomes[i];
  }
}
