/**
 * The vocabulary of the benchmark: a workload is one deterministic block
 * (pre-state, signed transactions, environment) plus a check that an
 * engine's result is the one intended. Engines (bench/engines) run it.
 * See shared/guide/workloads.md for what each workload stresses.
 */
import type { BlockEnv, Log } from '../../src/exec/types.js';
import type { Transaction } from '../../src/tx/types.js';

/** An account of the pre-state, contracts included (runtime code, storage laid out by hand). */
export interface PreAccount {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  storage: Map<bigint, bigint>;
}

/** What an engine reports per transaction. */
export interface BenchReceipt {
  status: 0 | 1;
  gasUsed: bigint;
  logs: Log[];
}

/**
 * Read access to an engine's state after the block. Values may come back as
 * promises (@ethereumjs/vm's state manager is async); checks await them.
 */
export interface StateProbe {
  balance(address: bigint): bigint | Promise<bigint>;
  nonce(address: bigint): bigint | Promise<bigint>;
  storage(address: bigint, slot: bigint): bigint | Promise<bigint>;
}

/**
 * Verifies an engine's outcome. `receipts` covers a prefix of the block when
 * an engine ran only the first transactions (a capped slow engine); the check
 * then expects the state after that prefix. Returns the problems found,
 * empty when all is as intended.
 */
export type WorkloadCheck = (probe: StateProbe, receipts: readonly BenchReceipt[]) => Promise<string[]>;

export interface Workload {
  /** The workload's name as given on the command line, e.g. `amm` or `contention-100`. */
  name: string;
  seed: number;
  env: BlockEnv;
  pre: Map<bigint, PreAccount>;
  txs: Transaction[];
  /** senders[i] signed txs[i]; known in advance so engines and checks can cross-check recovery. */
  senders: bigint[];
  check: WorkloadCheck;
}

export interface WorkloadOptions {
  /** Transactions in the block; default: about 30M gas' worth (or 1G with `gigagas`). */
  txs?: number;
  /** Size the block to about 1,000,000,000 gas (as risechain/pevm's benchmarks). */
  gigagas?: boolean;
  /** Seeds the PRNG that picks keys, amounts and order. Default 1. */
  seed?: number;
  /** Pools for `amm` (default 100) and the amm share of `mixed`. */
  pools?: number;
  /** Keep big blocks' keys and signatures in .tmp/bench-cache/ (default true). */
  cache?: boolean;
}
