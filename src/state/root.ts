/**
 * The state root and the logs hash, as block headers and state-test fixtures
 * commit to them (Yellow Paper sections 4.1 and 4.3.1).
 */
import { bigIntToBytes, bigIntToMinimalBytes, writeBigInt } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpEncode, type RlpInput } from '../primitives/rlp.js';
import type { Log } from '../exec/types.js';
import { EMPTY_TRIE_ROOT, trieRoot } from './trie.js';

/** What the state root needs of an account. */
export interface RootAccount {
  nonce: bigint;
  balance: bigint;
  codeHash: Uint8Array;
  storage: ReadonlyMap<bigint, bigint>;
}

/**
 * The root of the storage trie: rlp(value) as a minimal integer under
 * keccak256(slot as 32 bytes); zero values are not stored.
 */
export function storageRoot(storage: ReadonlyMap<bigint, bigint>): Uint8Array {
  if (storage.size === 0) return EMPTY_TRIE_ROOT;
  const entries: Array<[Uint8Array, Uint8Array]> = [];
  const slotBytes = new Uint8Array(32);
  for (const [slot, value] of storage) {
    if (value === 0n) continue;
    writeBigInt(slotBytes, 0, slot, 32);
    entries.push([keccak256(slotBytes), rlpEncode(bigIntToMinimalBytes(value))]);
  }
  return trieRoot(entries);
}

/** rlp([nonce, balance, storageRoot, codeHash]): an account's leaf in the state trie. */
export function encodeAccount(nonce: bigint, balance: bigint, root: Uint8Array, codeHash: Uint8Array): Uint8Array {
  return rlpEncode([nonce, balance, root, codeHash]);
}

/** The state root: each account's leaf under keccak256(address as 20 bytes). */
export function stateRoot(accounts: Iterable<[bigint, RootAccount]>): Uint8Array {
  const entries: Array<[Uint8Array, Uint8Array]> = [];
  for (const [address, account] of accounts) {
    const leaf = encodeAccount(account.nonce, account.balance, storageRoot(account.storage), account.codeHash);
    entries.push([keccak256(bigIntToBytes(address, 20)), leaf]);
  }
  return trieRoot(entries);
}

/** keccak256(rlp([[address, [topics...], data], ...])): the `logs` field of state-test fixtures. */
export function logsHash(logs: readonly Log[]): Uint8Array {
  const list: RlpInput[] = new Array(logs.length);
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    list[i] = [bigIntToBytes(log.address, 20), log.topics, log.data];
  }
  return keccak256(rlpEncode(list));
}
