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
 * Forwarding. A worker that runs several transactions ahead reads the
 * storage slots its own earlier records wrote as those records left them,
 * not as the table still has them: a stored record's written slots become
 * entries of the worker's overlay, each with the count the slot will have
 * once that record is committed (the count the record read it at, plus one
 * publication) and the record's transaction. A read that finds an entry
 * returns its value and is logged with that count and that writer; the
 * main thread accepts it only if the writer's record was accepted and the
 * slot's count is the one expected — nothing else was published there in
 * between — so the value is the one sequential execution reads. A chain of
 * transactions on one hot slot (a pool's reserves, a counter) can then run
 * ahead on a worker instead of every record after the first being stale.
 * An entry whose writer is behind the commit point is dropped: the table
 * has that transaction's effects. Accounts are not forwarded (their reads
 * go to the table as before): the slots are what chains of calls share.
 *
 * Internal module of the parallel executor.
 */
import type { AccountState, StateChanges, StateReader } from '../../state/types.js';
import { KIND_ACCOUNT, KeyScratch } from './keys.js';
import type { LocationTable } from './table.js';

export class OrderedView implements StateReader {
  /** Read log: (slot, count) pairs. */
  reads = new Int32Array(128);
  readsLen = 0;
  /** Slots of lazy-transfer targets seen without code. */
  codeless = new Int32Array(8);
  codelessLen = 0;
  /** Reads forwarded from the overlay: (slot, expected count, writer) triples. */
  forwarded = new Int32Array(48);
  forwardedLen = 0;
  /** The transaction read the coinbase: only the main thread can run it. */
  coinbaseRead = false;
  private coinbase = -1n;
  /** Forwarding (above): STORAGE slot -> the value a stored record left there, the count expected once it is committed, and its transaction. */
  private readonly overlay = new Map<number, { value: bigint; count: number; writer: number }>();
  /** The shared word holding the commit point (set per block), or null: no forwarding. */
  private commitWords: Int32Array | null = null;
  private commitAt = 0;
  private readonly s = new KeyScratch();
  /** address -> ACCOUNT slot, and address -> (key -> STORAGE slot), for the block (slots never move while the table lives). */
  private readonly accounts = new Map<bigint, number>();
  private readonly slots = new Map<bigint, Map<bigint, number>>();

  /** `deferTransfer` for the runner (bound once). */
  readonly deferTransfer = (to: bigint): boolean => this.isCodeless(to);

  constructor(private readonly table: LocationTable) {}

  /** `commit`: the shared words and index of the commit point, to forward the worker's own writes (absent: no forwarding). */
  beginBlock(coinbase: bigint, commit?: { words: Int32Array; at: number }): void {
    this.coinbase = coinbase;
    this.accounts.clear();
    this.slots.clear();
    this.overlay.clear();
    this.commitWords = commit?.words ?? null;
    this.commitAt = commit?.at ?? 0;
  }

  begin(): void {
    this.readsLen = 0;
    this.forwardedLen = 0;
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
    if (this.overlay.size > 0) {
      const entry = this.overlay.get(slot);
      if (entry !== undefined) {
        if (entry.writer >= Atomics.load(this.commitWords as Int32Array, this.commitAt)) return this.forward(slot, entry);
        this.overlay.delete(slot);
      }
    }
    this.count(slot);
    return this.table.storage(slot, gen);
  }

  /** Logs a read of `slot` from the overlay (its writer's value). */
  private forward(slot: number, entry: { value: bigint; count: number; writer: number }): bigint {
    if (this.forwardedLen + 3 > this.forwarded.length) this.forwarded = doubled(this.forwarded);
    this.forwarded[this.forwardedLen++] = slot;
    this.forwarded[this.forwardedLen++] = entry.count;
    this.forwarded[this.forwardedLen++] = entry.writer;
    return entry.value;
  }

  /**
   * After the worker stored transaction `tx`'s record with these changes:
   * its written slots become overlay entries (above), each expected one
   * publication past the count the transaction read it at. A slot written
   * without being read first, or of an account deleted or wiped, is dropped
   * instead: its reads go to the table, and the count check sends back what
   * they get wrong.
   */
  remember(tx: number, changes: StateChanges): void {
    if (this.commitWords === null) return;
    for (const [address, ch] of changes) {
      if (ch.storage.size === 0) continue;
      const m = this.slots.get(address);
      for (const [key, value] of ch.storage) {
        const slot = m?.get(key) ?? -1;
        if (slot < 0) continue;
        const seen = ch.deleted || ch.storageCleared ? -1 : this.countRead(slot);
        if (seen < 0) this.overlay.delete(slot);
        else this.overlay.set(slot, { value, count: seen + 2, writer: tx });
      }
    }
  }

  /** The count the running transaction read `slot` at (from the table or the overlay), or -1. */
  private countRead(slot: number): number {
    const r = this.reads;
    for (let k = 0; k < this.readsLen; k += 2) if (r[k] === slot) return r[k + 1];
    const f = this.forwarded;
    for (let k = 0; k < this.forwardedLen; k += 3) if (f[k] === slot) return f[k + 1];
    return -1;
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
