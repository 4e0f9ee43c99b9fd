/**
 * What executing a transaction takes and gives. Shared by the sequential
 * reference executor, the parallel executor and the fixture runners.
 */
import type { Fork } from '../primitives/fork.js';
import type { StateChanges } from '../state/types.js';

/** The block a transaction runs in, as the EVM sees it. */
export interface BlockEnv {
  fork: Fork;
  chainId: bigint;
  number: bigint;
  timestamp: bigint;
  coinbase: bigint;
  gasLimit: bigint;
  /** EIP-1559 base fee; 0n before London. */
  baseFee: bigint;
  /** Pre-merge difficulty (DIFFICULTY opcode). */
  difficulty: bigint;
  /** Post-merge PREVRANDAO (EIP-4399); what opcode 0x44 returns from Paris on. */
  prevRandao: bigint;
  /** EIP-4844/EIP-7516 blob base fee, computed from excessBlobGas and the fork's blob schedule. */
  blobBaseFee: bigint;
  /** Most blobs a block may carry under this fork's blob schedule (EIP-4844/EIP-7691). */
  maxBlobsPerBlock: number;
  /** BLOCKHASH: the hash of block `n`, or undefined when unknown (the opcode then returns 0). */
  blockHash(n: bigint): bigint | undefined;
}

export interface Log {
  address: bigint;
  /** 32-byte topics. */
  topics: Uint8Array[];
  data: Uint8Array;
}

/** The outcome of one valid transaction. */
export interface TxResult {
  /** 1 success, 0 failure (revert, out of gas, any exceptional halt). */
  status: 0 | 1;
  /** Gas charged to the sender, after refunds and the EIP-7623 floor. */
  gasUsed: bigint;
  logs: Log[];
  /** The return data of the top call, or the revert data. */
  output: Uint8Array;
  /** The address of a contract creation transaction's new contract. */
  contractAddress?: bigint;
  /** Every account write the transaction made, coinbase fee included. */
  changes: StateChanges;
  /** For type-3 transactions: blob gas used (blobs * 2^17). */
  blobGasUsed: bigint;
  /**
   * Set only with `deferCoinbasePayment` (parallel executor): the priority fee
   * that was NOT paid to the coinbase (not in `changes`); add it to the
   * coinbase balance.
   */
  coinbaseFee?: bigint;
  /**
   * Set only with `deferTransfer` (parallel executor): a value transfer to a
   * code-less account that was NOT applied (`to` is not in `changes`); add
   * `amount` to `to`'s balance (creating it if absent).
   */
  credit?: { to: bigint; amount: bigint };
}
