/**
 * The per-transaction journal: the EVM's view of the world state while one
 * transaction runs, over a `StateReader`.
 *
 * - Accounts are loaded from the reader on first use and cached for this
 *   transaction only (the parallel executor hands each transaction its own
 *   reader and reads the journal's reads through it; nothing is cached across
 *   transactions here).
 * - Every change is recorded as an undo entry (revm style): what changed and
 *   the value before. A checkpoint is an index into the entries plus the log
 *   count and refund counter; reverting walks back to it.
 * - Storage slots keep the value at transaction start (`original`) beside the
 *   current one, for net gas metering (EIP-1283/EIP-2200/EIP-3529).
 * - Warm addresses and slots (EIP-2929), transient storage (EIP-1153), touched
 *   accounts (EIP-161), accounts created in this transaction (EIP-6780) and
 *   self-destructed accounts are journaled the same way.
 *
 * `finalize()` turns the surviving changes into `StateChanges`.
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { KECCAK_EMPTY, keccak256 } from '../primitives/keccak.js';
import type { Log } from '../exec/types.js';
import { NO_STORAGE, type AccountChange, type StateChanges, type StateReader } from './types.js';

export interface StorageSlot {
  /** The value at the start of the transaction (0 for accounts created in it). */
  original: bigint;
  current: bigint;
}

/** The RIPEMD-160 precompile: its touch survives a revert (see `undo`). */
const RIPEMD160 = 3n;

export class JournalAccount {
  exists: boolean;
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
  /** Slots read or written in this transaction (made on first use: most accounts have none). */
  storage: Map<bigint, StorageSlot> | undefined = undefined;
  /** Storage wiped (created anew): slots not in `storage` read as zero. */
  storageCleared = false;
  /** Warm slots (EIP-2929), shared with the journal's per-address table. */
  warmSlots: Set<bigint> | undefined = undefined;
  /** Changed or called in this transaction (EIP-161: deleted at the end if empty). */
  touched = false;
  /** Created in this transaction (EIP-6780). */
  created = false;
  /** Self-destructed: deleted at the end of the transaction. */
  destroyed = false;
  readonly existedBefore: boolean;
  readonly nonceBefore: bigint;
  readonly balanceBefore: bigint;
  readonly codeHashBefore: Uint8Array;

  constructor(
    readonly address: bigint,
    existed: boolean,
    nonce: bigint,
    balance: bigint,
    code: Uint8Array,
    codeHash: Uint8Array,
  ) {
    this.exists = existed;
    this.nonce = nonce;
    this.balance = balance;
    this.code = code;
    this.codeHash = codeHash;
    this.existedBefore = existed;
    this.nonceBefore = nonce;
    this.balanceBefore = balance;
    this.codeHashBefore = codeHash;
  }

  /** EIP-161 empty: no nonce, no balance, no code. */
  isEmpty(): boolean {
    return this.nonce === 0n && this.balance === 0n && this.code.length === 0;
  }
}

// Undo entry kinds.
const WARM_ADDRESS = 1;
const WARM_SLOT = 2;
const STORAGE = 3;
const BALANCE = 4;
const NONCE = 5;
const CODE = 6;
const EXISTS = 7;
const TOUCH = 8;
const CREATED = 9;
const DESTROYED = 10;
const TRANSIENT = 11;

export class Journal {
  state: StateReader;
  private readonly accounts = new Map<bigint, JournalAccount>();
  private readonly warmAddresses = new Set<bigint>();
  private readonly warmSlotSets = new Map<bigint, Set<bigint>>();
  private readonly transient = new Map<bigint, Map<bigint, bigint>>();
  /** Addresses up to 0x100 that are warm for the whole transaction (precompiles): no set, no undo entry. */
  private readonly alwaysWarm = new Uint8Array(0x101);
  /** The flags of the last list given to `warmForTransaction`, and that list. */
  private readonly warmList = new Uint8Array(0x101);
  private warmListOf: readonly bigint[] | undefined = undefined;
  private warmListRest: bigint[] = [];
  logs: Log[] = [];
  /** The refund counter (EIP-3529 caps what the transaction gets back). */
  refund = 0;

  // Undo entries as four parallel arrays (no object per entry).
  private kinds: number[] = [];
  private targets: unknown[] = [];
  private keys: unknown[] = [];
  private prevs: unknown[] = [];
  private length = 0;

  // Checkpoints: a stack, since frames nest.
  // Setting an array's length shrinks its backing store, and the next push
  // grows it again (an allocation per transaction): a depth counter instead.
  private cpEntries: number[] = [];
  private cpLogs: number[] = [];
  private cpRefund: number[] = [];
  private cpDepth = 0;

  constructor(state: StateReader) {
    this.state = state;
  }

  /** Forgets everything, to run another transaction over `state`. */
  reset(state: StateReader): void {
    this.state = state;
    // Map#clear allocates a fresh table even for an empty map: skip the empty ones.
    if (this.accounts.size > 0) this.accounts.clear();
    if (this.warmAddresses.size > 0) this.warmAddresses.clear();
    if (this.warmSlotSets.size > 0) this.warmSlotSets.clear();
    if (this.transient.size > 0) this.transient.clear();
    this.alwaysWarm.fill(0);
    this.logs = [];
    this.refund = 0;
    // Keep the arrays' capacity; drop the references they hold.
    for (let i = 0; i < this.length; i++) {
      this.targets[i] = undefined;
      this.keys[i] = undefined;
      this.prevs[i] = undefined;
    }
    this.length = 0;
    this.cpDepth = 0;
  }

  // ---- accounts ----

  /** The account, loaded from the state on first use (a non-existent one reads as empty). */
  account(address: bigint): JournalAccount {
    let acct = this.accounts.get(address);
    if (acct === undefined) {
      const a = this.state.getAccount(address);
      acct =
        a === undefined
          ? new JournalAccount(address, false, 0n, 0n, EMPTY_BYTES, KECCAK_EMPTY)
          : new JournalAccount(address, true, a.nonce, a.balance, a.code, a.codeHash);
      this.accounts.set(address, acct);
    }
    return acct;
  }

  /** Marks the account changed (EIP-161) and, if it did not exist, creates it. */
  touch(acct: JournalAccount): void {
    if (!acct.exists) {
      this.record(EXISTS, acct, undefined, undefined);
      acct.exists = true;
    }
    if (!acct.touched) {
      this.record(TOUCH, acct, undefined, undefined);
      acct.touched = true;
    }
  }

  setBalance(acct: JournalAccount, balance: bigint): void {
    this.record(BALANCE, acct, undefined, acct.balance);
    acct.balance = balance;
    this.touch(acct);
  }

  /** Moves `value` wei; the caller has checked the sender's balance. */
  transfer(from: JournalAccount, to: JournalAccount, value: bigint): void {
    this.setBalance(from, from.balance - value);
    this.setBalance(to, to.balance + value);
  }

  incrementNonce(acct: JournalAccount): void {
    this.record(NONCE, acct, undefined, acct.nonce);
    acct.nonce += 1n;
    this.touch(acct);
  }

  setNonce(acct: JournalAccount, nonce: bigint): void {
    this.record(NONCE, acct, undefined, acct.nonce);
    acct.nonce = nonce;
    this.touch(acct);
  }

  setCode(acct: JournalAccount, code: Uint8Array): void {
    this.record(CODE, acct, acct.codeHash, acct.code);
    acct.code = code;
    acct.codeHash = code.length === 0 ? KECCAK_EMPTY : keccak256(code);
    this.touch(acct);
  }

  /** A contract is being created at this account: storage starts empty (EIP-6780 tracks it). */
  markCreated(acct: JournalAccount): void {
    this.record(CREATED, acct, acct.created, acct.storageCleared);
    acct.created = true;
    acct.storageCleared = true;
  }

  markDestroyed(acct: JournalAccount): void {
    if (acct.destroyed) return;
    this.record(DESTROYED, acct, undefined, undefined);
    acct.destroyed = true;
  }

  /** EIP-7610: a creation collides with an account that has storage. */
  hasStorage(acct: JournalAccount): boolean {
    if (acct.storage !== undefined) for (const slot of acct.storage.values()) if (slot.current !== 0n) return true;
    if (acct.storageCleared) return false;
    return this.state.hasStorage?.(acct.address) ?? false;
  }

  // ---- storage ----

  /** The slot's entry, loaded on first use. */
  slot(acct: JournalAccount, key: bigint): StorageSlot {
    let storage = acct.storage;
    if (storage === undefined) storage = acct.storage = new Map();
    let slot = storage.get(key);
    if (slot === undefined) {
      const value = acct.storageCleared ? 0n : this.state.getStorage(acct.address, key);
      slot = { original: value, current: value };
      storage.set(key, slot);
    }
    return slot;
  }

  sload(acct: JournalAccount, key: bigint): bigint {
    return this.slot(acct, key).current;
  }

  sstore(slot: StorageSlot, value: bigint): void {
    this.record(STORAGE, slot, undefined, slot.current);
    slot.current = value;
  }

  // ---- warm sets (EIP-2929) ----

  /** Marks the address warm; returns whether it already was. */
  warmAddress(address: bigint): boolean {
    if (address <= 0x100n && this.alwaysWarm[Number(address)] === 1) return true;
    if (this.warmAddresses.has(address)) return true;
    this.warmAddresses.add(address);
    this.record(WARM_ADDRESS, address, undefined, undefined);
    return false;
  }

  isWarm(address: bigint): boolean {
    if (address <= 0x100n && this.alwaysWarm[Number(address)] === 1) return true;
    return this.warmAddresses.has(address);
  }

  /**
   * Marks small addresses (the precompiles, EIP-2929) warm for the rest of
   * the transaction: a flag per address instead of a set entry and an undo
   * entry each (Osaka has 18 precompiles, every transaction warms them).
   */
  warmForTransaction(addresses: readonly bigint[]): void {
    // The same list comes every transaction of a block: its flags are copied in one go.
    if (addresses !== this.warmListOf) {
      this.warmList.fill(0);
      this.warmListRest = [];
      for (const address of addresses) {
        if (address <= 0x100n) this.warmList[Number(address)] = 1;
        else this.warmListRest.push(address);
      }
      this.warmListOf = addresses;
    }
    this.alwaysWarm.set(this.warmList);
    for (let i = 0; i < this.warmListRest.length; i++) this.warmAddress(this.warmListRest[i]);
  }

  /** Marks the slot warm; returns whether it already was. */
  warmSlot(acct: JournalAccount, key: bigint): boolean {
    let set = acct.warmSlots;
    if (set === undefined) set = acct.warmSlots = this.slotSet(acct.address);
    if (set.has(key)) return true;
    set.add(key);
    this.record(WARM_SLOT, set, key, undefined);
    return false;
  }

  /** Warms a slot without loading its account (access lists). */
  warmSlotOf(address: bigint, key: bigint): void {
    const set = this.slotSet(address);
    if (set.has(key)) return;
    set.add(key);
    this.record(WARM_SLOT, set, key, undefined);
  }

  private slotSet(address: bigint): Set<bigint> {
    let set = this.warmSlotSets.get(address);
    if (set === undefined) {
      set = new Set();
      this.warmSlotSets.set(address, set);
    }
    return set;
  }

  // ---- transient storage (EIP-1153) ----

  tload(address: bigint, key: bigint): bigint {
    return this.transient.get(address)?.get(key) ?? 0n;
  }

  tstore(address: bigint, key: bigint, value: bigint): void {
    let map = this.transient.get(address);
    if (map === undefined) {
      map = new Map();
      this.transient.set(address, map);
    }
    this.record(TRANSIENT, map, key, map.get(key) ?? 0n);
    map.set(key, value);
  }

  // ---- logs and refunds ----

  log(entry: Log): void {
    this.logs.push(entry);
  }

  // ---- checkpoints ----

  checkpoint(): number {
    const id = this.cpDepth++;
    this.cpEntries[id] = this.length;
    this.cpLogs[id] = this.logs.length;
    this.cpRefund[id] = this.refund;
    return id;
  }

  /** Keeps the changes since checkpoint `id` (and drops the checkpoints above it). */
  commit(id: number): void {
    this.cpDepth = id;
  }

  /** Undoes every change since checkpoint `id`. */
  revert(id: number): void {
    const to = this.cpEntries[id];
    for (let i = this.length - 1; i >= to; i--) this.undo(i);
    this.length = to;
    this.logs.length = this.cpLogs[id];
    this.refund = this.cpRefund[id];
    this.commit(id);
  }

  private record(kind: number, target: unknown, key: unknown, prev: unknown): void {
    const i = this.length++;
    this.kinds[i] = kind;
    this.targets[i] = target;
    this.keys[i] = key;
    this.prevs[i] = prev;
  }

  private undo(i: number): void {
    const target = this.targets[i];
    switch (this.kinds[i]) {
      case WARM_ADDRESS:
        this.warmAddresses.delete(target as bigint);
        break;
      case WARM_SLOT:
        (target as Set<bigint>).delete(this.keys[i] as bigint);
        break;
      case STORAGE:
        (target as StorageSlot).current = this.prevs[i] as bigint;
        break;
      case BALANCE:
        (target as JournalAccount).balance = this.prevs[i] as bigint;
        break;
      case NONCE:
        (target as JournalAccount).nonce = this.prevs[i] as bigint;
        break;
      case CODE: {
        const acct = target as JournalAccount;
        acct.code = this.prevs[i] as Uint8Array;
        acct.codeHash = this.keys[i] as Uint8Array;
        break;
      }
      case EXISTS:
        (target as JournalAccount).exists = false;
        break;
      case TOUCH: {
        // Block 2675119: a touch of the empty RIPEMD-160 precompile by a call
        // that ran out of gas was kept by the clients of the day; the rule
        // was kept since (execution-specs' incorporate_child_on_error).
        const acct = target as JournalAccount;
        if (acct.address !== RIPEMD160) acct.touched = false;
        break;
      }
      case CREATED: {
        const acct = target as JournalAccount;
        acct.created = this.keys[i] as boolean;
        acct.storageCleared = this.prevs[i] as boolean;
        break;
      }
      case DESTROYED:
        (target as JournalAccount).destroyed = false;
        break;
      case TRANSIENT:
        (target as Map<bigint, bigint>).set(this.keys[i] as bigint, this.prevs[i] as bigint);
        break;
    }
    this.targets[i] = undefined;
    this.prevs[i] = undefined;
  }

  // ---- the end of the transaction ----

  /**
   * The transaction's writes: accounts created, changed or deleted, with the
   * final values of the storage slots that changed. Self-destructed accounts
   * and, when `deleteEmptyTouched` (EIP-161), touched accounts left empty are
   * deleted.
   */
  finalize(deleteEmptyTouched: boolean): StateChanges {
    const changes: StateChanges = new Map();
    for (const acct of this.accounts.values()) {
      const change = this.accountChange(acct, deleteEmptyTouched);
      if (change !== undefined) changes.set(acct.address, change);
    }
    return changes;
  }

  private accountChange(acct: JournalAccount, deleteEmptyTouched: boolean): AccountChange | undefined {
    const deleted = acct.destroyed || (deleteEmptyTouched && acct.touched && acct.exists && acct.isEmpty());
    if (deleted) {
      if (!acct.existedBefore) return undefined;
      return { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: NO_STORAGE };
    }
    if (!acct.exists) return undefined;
    let storage = NO_STORAGE;
    if (acct.storage !== undefined) {
      for (const [key, slot] of acct.storage) {
        if (acct.storageCleared ? slot.current !== 0n : slot.current !== slot.original) {
          if (storage === NO_STORAGE) storage = new Map<bigint, bigint>();
          storage.set(key, slot.current);
        }
      }
    }
    const codeChanged = acct.codeHash !== acct.codeHashBefore;
    const storageCleared = acct.storageCleared && acct.existedBefore;
    if (
      acct.existedBefore &&
      !codeChanged &&
      !storageCleared &&
      storage.size === 0 &&
      acct.nonce === acct.nonceBefore &&
      acct.balance === acct.balanceBefore
    ) {
      return undefined;
    }
    const change: AccountChange = {
      deleted: false,
      storageCleared,
      nonce: acct.nonce,
      balance: acct.balance,
      storage,
    };
    if (codeChanged) {
      change.code = acct.code;
      change.codeHash = acct.codeHash;
    }
    return change;
  }

  /** Accounts loaded so far (for the parallel executor's read/write bookkeeping and tests). */
  loadedAccounts(): IterableIterator<JournalAccount> {
    return this.accounts.values();
  }
}
