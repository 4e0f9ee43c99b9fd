/**
 * Account objects handed to the EVM, in the very shape MemoryState stores
 * its accounts (nonce, balance, code, codeHash, storage; the same order):
 * the main thread runs the EVM over both (its share of a parallel block,
 * the sequential fallback), and one hidden class keeps the journal's
 * property loads monomorphic there. `storage` is an empty map nobody
 * writes: the EVM reads slots through the StateReader, never from here.
 *
 * Internal module of the parallel executor.
 */
import type { AccountState } from '../../state/types.js';

const NO_STORAGE: ReadonlyMap<bigint, bigint> = new Map();

export function accountState(nonce: bigint, balance: bigint, code: Uint8Array, codeHash: Uint8Array): AccountState {
  return { nonce, balance, code, codeHash, storage: NO_STORAGE } as AccountState;
}
