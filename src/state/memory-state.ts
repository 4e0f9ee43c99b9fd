/**
 * An in-memory world state: the pre-state of fixtures and benchmarks, and the
 * sequential executor's store. Transactions read it through `StateReader`
 * and their `StateChanges` are committed with `apply`.
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { KECCAK_EMPTY, keccak256 } from '../primitives/keccak.js';
import type { AccountState, StateChanges, StateReader } from './types.js';

/** One account as stored, storage included (zero slots are never kept). */
export interface StoredAccount extends AccountState {
  storage: Map<bigint, bigint>;
}

export interface AccountInit {
  nonce?: bigint;
  balance?: bigint;
  code?: Uint8Array;
}

export class MemoryState implements StateReader {
  private readonly store = new Map<bigint, StoredAccount>();

  /** Creates or replaces an account (its storage is kept if it existed). */
  setAccount(address: bigint, init: AccountInit): void {
    const code = init.code ?? EMPTY_BYTES;
    const existing = this.store.get(address);
    this.store.set(address, {
      nonce: init.nonce ?? 0n,
      balance: init.balance ?? 0n,
      code,
      codeHash: code.length === 0 ? KECCAK_EMPTY : keccak256(code),
      storage: existing?.storage ?? new Map(),
    });
  }

  /** Sets a storage slot (0n deletes it); creates an empty account if needed. */
  setStorage(address: bigint, slot: bigint, value: bigint): void {
    let acct = this.store.get(address);
    if (acct === undefined) {
      this.setAccount(address, {});
      acct = this.store.get(address) as StoredAccount;
    }
    if (value === 0n) acct.storage.delete(slot);
    else acct.storage.set(slot, value);
  }

  /**
   * The account (the stored object itself: readers must not modify it), or
   * undefined when it does not exist.
   */
  getAccount(address: bigint): StoredAccount | undefined {
    return this.store.get(address);
  }

  getStorage(address: bigint, slot: bigint): bigint {
    return this.store.get(address)?.storage.get(slot) ?? 0n;
  }

  hasStorage(address: bigint): boolean {
    const acct = this.store.get(address);
    return acct !== undefined && acct.storage.size > 0;
  }

  /** Removes an account with its storage. */
  deleteAccount(address: bigint): void {
    this.store.delete(address);
  }

  /** Commits a transaction's (or a block's) changes. */
  apply(changes: StateChanges): void {
    for (const [address, change] of changes) {
      if (change.deleted) {
        this.store.delete(address);
        continue;
      }
      const existing = this.store.get(address);
      const storage = existing === undefined || change.storageCleared ? new Map<bigint, bigint>() : existing.storage;
      for (const [slot, value] of change.storage) {
        if (value === 0n) storage.delete(slot);
        else storage.set(slot, value);
      }
      const code = change.code ?? existing?.code ?? EMPTY_BYTES;
      const codeHash =
        change.codeHash ?? (change.code !== undefined ? hashOf(change.code) : existing?.codeHash ?? KECCAK_EMPTY);
      // A fresh object: readers holding the old one (a finished transaction's journal) see no change.
      this.store.set(address, { nonce: change.nonce, balance: change.balance, code, codeHash, storage });
    }
  }

  /** Every account, for state roots and comparisons. */
  accounts(): IterableIterator<[bigint, StoredAccount]> {
    return this.store.entries();
  }

  get size(): number {
    return this.store.size;
  }

  /** A deep copy (storage maps copied; code arrays shared, they are never mutated). */
  clone(): MemoryState {
    const copy = new MemoryState();
    for (const [address, acct] of this.store) {
      // A literal in the order of setAccount/apply: one hidden class for every stored account.
      copy.store.set(address, { nonce: acct.nonce, balance: acct.balance, code: acct.code, codeHash: acct.codeHash, storage: new Map(acct.storage) });
    }
    return copy;
  }
}

function hashOf(code: Uint8Array): Uint8Array {
  return code.length === 0 ? KECCAK_EMPTY : keccak256(code);
}
