/**
 * Telling a bad pre-state from a wrong result. pre_state.json lists every
 * account a block touches that existed before it; an account it does not
 * list reads as non-existent. That is right for new accounts (a transfer to
 * a fresh address, a contract creation) and wrong when the file simply
 * lacks the account. Both look alike while the block runs, so this state
 * wrapper records every read of an address the pre-state does not list and
 * the block has not written; when a block's result then differs from its
 * header, those reads are the first suspects and the report names them.
 *
 * Known absences that are not faults (fixtures README): the EIP-4788
 * beacon-roots contract (its system call only writes storage) and
 * withdrawal recipients (credited as new accounts).
 */
import { BEACON_ROOTS_ADDRESS } from '../block/system.js';
import type { BlockState } from '../exec/sequential.js';
import type { MemoryState } from '../state/memory-state.js';
import type { AccountState, StateChanges } from '../state/types.js';
import { addressToHex } from '../primitives/hex.js';
import type { Transaction } from '../tx/types.js';

/** An address read while absent from the pre-state, with the transaction that first read it. */
export interface AbsentRead {
  address: bigint;
  tx: number;
}

/**
 * A MemoryState seen through the reads the sequential executor makes. The
 * executor commits each transaction's changes with one `apply`, so the
 * number of applies so far is the index of the transaction running.
 */
export class AbsentReadRecorder implements BlockState {
  private readonly firstRead = new Map<bigint, number>();
  private readonly written = new Set<bigint>();
  private tx = 0;

  constructor(
    private readonly inner: MemoryState,
    private readonly listed: ReadonlySet<bigint>,
    private readonly exempt: ReadonlySet<bigint> = new Set([BEACON_ROOTS_ADDRESS]),
  ) {}

  getAccount(address: bigint): AccountState | undefined {
    const account = this.inner.getAccount(address);
    if (account === undefined) this.note(address);
    return account;
  }

  getStorage(address: bigint, slot: bigint): bigint {
    if (!this.listed.has(address)) this.note(address);
    return this.inner.getStorage(address, slot);
  }

  hasStorage(address: bigint): boolean {
    return this.inner.hasStorage(address);
  }

  apply(changes: StateChanges): void {
    for (const address of changes.keys()) this.written.add(address);
    this.inner.apply(changes);
    this.tx++;
  }

  private note(address: bigint): void {
    if (this.listed.has(address) || this.written.has(address) || this.exempt.has(address) || this.firstRead.has(address)) return;
    this.firstRead.set(address, this.tx);
  }

  /** Addresses read while absent, in the order first read. */
  reads(): AbsentRead[] {
    return [...this.firstRead].map(([address, tx]) => ({ address, tx }));
  }
}

/**
 * Why a block's failure is the pre-state's fault, in words, or undefined
 * when nothing suggests so. A transaction's sender that must pay something
 * (gas at a non-zero price, or value) exists: unlisted, it is missing for
 * certain. Other unlisted reads may be new accounts, so they are named as
 * suspects only. (Zero-price transactions from fresh accounts are real:
 * mainnet block 2,688,148 has three.)
 */
export function describeMissing(reads: readonly AbsentRead[], txs: readonly Transaction[], senders: readonly bigint[]): string | undefined {
  if (reads.length === 0) return undefined;
  const payers = reads.filter((r) => senders[r.tx] === r.address && txs[r.tx].gasLimit * txs[r.tx].maxFeePerGas + txs[r.tx].value > 0n);
  const others = reads.filter((r) => !payers.includes(r));
  const parts: string[] = [];
  if (payers.length > 0) {
    parts.push(`pre-state lacks ${payers.map((r) => `${addressToHex(r.address)}, the sender of tx ${r.tx}`).join('; ')}`);
  }
  if (others.length > 0) {
    parts.push(`${payers.length > 0 ? 'it also does not list' : 'pre-state does not list'} accounts the block read (missing, or new): ${describeAbsentReads(others)}`);
  }
  return parts.join('; ');
}

/** "0xab.. (tx 3), 0xcd.. (tx 7) and 4 more". */
export function describeAbsentReads(reads: readonly AbsentRead[], max = 5): string {
  const shown = reads.slice(0, max).map((r) => `${addressToHex(r.address)} (tx ${r.tx})`);
  const more = reads.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
