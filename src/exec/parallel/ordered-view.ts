/**
 * What the EVM sees when a worker runs a transaction ahead of the commit
 * point in the ordered mode (ordered-lane.ts): the location table as the
 * main thread has published it so far — the block's pre-state plus every
 * transaction committed since — with each read's publication count
 * remembered (TableBuffers.vers). The main thread accepts the result only
 * if no location read was published again before the transaction's turn,
 * so a read may race a publication freely: a torn value always comes with
 * a count that no longer matches.
 *
 * Two reads are not counted: "has `to` no code?" for a lazy value transfer
 * (checked again at commit: a credit does not change the answer), and the
 * coinbase, whose balance the main thread keeps to itself during a block
 * (any read of it sends the transaction back to the main thread).
 *
 * Internal module of the parallel executor.
 */
import type { AccountState, StateReader } from '../../state/types.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import type { LocationTable } from './table.js';

export class OrderedView implements StateReader {
  /** Read log: (slot, count) pairs. */
  reads = new Int32Array(128);
  readsLen = 0;
  /** Slots of lazy-transfer targets seen without code. */
  codeless = new Int32Array(8);
  codelessLen = 0;
  /** The transaction read the coinbase: only the main thread can run it. */
  coinbaseRead = false;
  private coinbase = -1n;
  private readonly s = new KeyScratch();
  /** address -> ACCOUNT slot, and address -> (key -> STORAGE slot), for the block (slots never move while the table lives). */
  private readonly accounts = new Map<bigint, number>();
  private readonly slots = new Map<bigint, Map<bigint, number>>();

  /** `deferTransfer` for the runner (bound once). */
  readonly deferTransfer = (to: bigint): boolean => this.isCodeless(to);

  constructor(private readonly table: LocationTable) {}

  beginBlock(coinbase: bigint): void {
    this.coinbase = coinbase;
    this.accounts.clear();
    this.slots.clear();
  }

  begin(): void {
    this.readsLen = 0;
    this.codelessLen = 0;
    this.coinbaseRead = false;
  }

  /** The ACCOUNT slot of `address` (inserted as absent on first sight). */
  accountSlot(address: bigint): number {
    let slot = this.accounts.get(address);
    if (slot === undefined) {
      this.s.setAccount(KIND_ACCOUNT, address);
      slot = this.table.locate(this.s);
      this.accounts.set(address, slot);
    }
    return slot;
  }

  /** The STORAGE slot of (`address`, `key`). */
  storageSlot(address: bigint, key: bigint): number {
    let m = this.slots.get(address);
    if (m === undefined) {
      m = new Map();
      this.slots.set(address, m);
    }
    let slot = m.get(key);
    if (slot === undefined) {
      this.s.setStorage(address, key);
      slot = this.table.locate(this.s);
      m.set(key, slot);
    }
    return slot;
  }

  /** The ACCOUNT slot of `address` if this block met it, else -1. */
  knownAccountSlot(address: bigint): number {
    return this.accounts.get(address) ?? -1;
  }

  /** The STORAGE slot of (`address`, `key`) if this block met it, else -1. */
  knownStorageSlot(address: bigint, key: bigint): number {
    return this.slots.get(address)?.get(key) ?? -1;
  }

  /** The slot's publication count, waiting out a publication in progress, logged. */
  private count(slot: number): void {
    const vers = this.table.vers;
    let v = Atomics.load(vers, slot);
    while ((v & 1) !== 0) v = Atomics.load(vers, slot);
    if (this.readsLen + 2 > this.reads.length) this.reads = doubled(this.reads);
    this.reads[this.readsLen++] = slot;
    this.reads[this.readsLen++] = v;
  }

  getAccount(address: bigint): AccountState | undefined {
    if (address === this.coinbase) this.coinbaseRead = true;
    const slot = this.accountSlot(address);
    this.count(slot);
    return this.table.account(slot);
  }

  getStorage(address: bigint, key: bigint): bigint {
    const acct = this.accountSlot(address);
    // The account's count covers its storage generation (a wipe is a publication of the account).
    this.count(acct);
    const gen = this.table.generation(acct);
    const slot = this.storageSlot(address, key);
    this.count(slot);
    return this.table.storage(slot, gen);
  }

  hasStorage(address: bigint): boolean {
    const acct = this.accountSlot(address);
    this.count(acct);
    return this.table.hasStorage(acct);
  }

  private isCodeless(to: bigint): boolean {
    const slot = this.accountSlot(to);
    const t = this.table;
    if (t.exists(slot) && t.codeLength(slot) !== 0) return false;
    if (this.codelessLen === this.codeless.length) this.codeless = doubled(this.codeless);
    this.codeless[this.codelessLen++] = slot;
    return true;
  }
}

function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
