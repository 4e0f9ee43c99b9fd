/**
 * Helpers for the EVM's tests: a block environment, a funded sender, and
 * one call transaction run over a MemoryState with its changes applied.
 */
import type { BlockEnv, TxResult } from '../exec/types.js';
import { applyTransaction } from '../exec/transaction.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { Fork } from '../primitives/fork.js';
import { MemoryState } from '../state/memory-state.js';
import type { Transaction } from '../tx/types.js';

export const SENDER = 0x1000000000000000000000000000000000000001n;
export const CONTRACT = 0xc0de00000000000000000000000000000000c0den;
export const COINBASE = 0xc0ffee0000000000000000000000000000c0ffeen;
export const INTRINSIC = 21000n;

export function testEnv(fork: Fork = Fork.Cancun): BlockEnv {
  return {
    fork,
    chainId: 1n,
    number: 1n,
    timestamp: 1000n,
    coinbase: COINBASE,
    gasLimit: 30_000_000n,
    baseFee: fork >= Fork.London ? 7n : 0n,
    difficulty: 0x20000n,
    prevRandao: 0x1234n,
    blobBaseFee: 1n,
    maxBlobsPerBlock: 6,
    blockHash: (n) => 0xb10c0000n + n,
  };
}

export interface CallOptions {
  fork?: Fork;
  to?: bigint;
  data?: Uint8Array;
  value?: bigint;
  gasLimit?: bigint;
  /** undefined: a creation with `data` as initcode. */
  create?: boolean;
}

/** A state with a funded sender and, when given, `code` at CONTRACT. */
export function stateWith(code?: Uint8Array, storage: [bigint, bigint][] = []): MemoryState {
  const state = new MemoryState();
  state.setAccount(SENDER, { balance: 10n ** 20n });
  if (code !== undefined) state.setAccount(CONTRACT, { code });
  for (const [slot, value] of storage) state.setStorage(CONTRACT, slot, value);
  return state;
}

/** Sends one transaction from SENDER (nonce from the state), applies its changes, returns its result. */
export function call(state: MemoryState, options: CallOptions = {}): TxResult {
  const fork = options.fork ?? Fork.Cancun;
  const env = testEnv(fork);
  const fee = env.baseFee + 1n;
  const tx: Transaction = {
    type: 0,
    chainId: fork >= Fork.SpuriousDragon ? 1n : undefined,
    nonce: state.getAccount(SENDER)?.nonce ?? 0n,
    gasPrice: fee,
    maxFeePerGas: fee,
    maxPriorityFeePerGas: fee,
    gasLimit: options.gasLimit ?? 1_000_000n,
    to: options.create ? undefined : (options.to ?? CONTRACT),
    value: options.value ?? 0n,
    data: options.data ?? EMPTY_BYTES,
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v: 0n,
    r: 0n,
    s: 0n,
  };
  const result = applyTransaction(state, tx, SENDER, env);
  state.apply(result.changes);
  return result;
}
