/**
 * The surface through which the EVM reads the world state. The interpreter
 * never sees a concrete store: the sequential executor passes an in-memory or
 * on-disk store, the parallel executor a per-transaction view over its
 * multi-version memory. Addresses and slots are bigints.
 */

export interface AccountState {
  nonce: bigint;
  balance: bigint;
  /** keccak256 of the code (KECCAK_EMPTY without code). */
  codeHash: Uint8Array;
  code: Uint8Array;
}

/** Read access to the state a transaction starts from. */
export interface StateReader {
  /** undefined when the account does not exist. */
  getAccount(address: bigint): AccountState | undefined;
  /** The committed value of a storage slot (0n when unset). */
  getStorage(address: bigint, slot: bigint): bigint;
  /**
   * Whether the account has any non-zero storage slot: a creation at such an
   * address collides (EIP-7610). Readers that cannot tell may leave it out
   * (read as false).
   */
  hasStorage?(address: bigint): boolean;
}

/** What one account looks like after a transaction, as a delta to apply. */
export interface AccountChange {
  /** The account no longer exists (self-destructed, or touched-and-empty under EIP-161). */
  deleted: boolean;
  /** Its storage was wiped before `storage` applies (created anew or self-destructed). */
  storageCleared: boolean;
  nonce: bigint;
  balance: bigint;
  /** Present when the code changed (creation, EIP-7702 delegation). */
  code?: Uint8Array;
  codeHash?: Uint8Array;
  /** Slots written, with their final values (0n deletes). */
  storage: Map<bigint, bigint>;
}

/** A transaction's (or a block's) writes: address -> change. */
export type StateChanges = Map<bigint, AccountChange>;

/**
 * The `storage` of an AccountChange that wrote no slot, shared by all of
 * them: most changes (a sender's nonce and balance, a fee, a transfer) write
 * none, and a map each was a few percent of a plain transfer's cost. Code
 * that adds slots to a change it did not build must give it a map of its
 * own first (`mergeChanges` does): this one throws on any write. A plain
 * Map with non-enumerable guards, so it still compares equal to any empty
 * Map (assert.deepStrictEqual, the tests' comparisons of results).
 */
export const NO_STORAGE: Map<bigint, bigint> = new Map();
for (const method of ['set', 'delete', 'clear']) {
  Object.defineProperty(NO_STORAGE, method, {
    enumerable: false,
    value: () => {
      throw new Error('NO_STORAGE is shared: give the change a storage map of its own');
    },
  });
}
