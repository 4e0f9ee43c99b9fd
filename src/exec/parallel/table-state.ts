/**
 * The location table as a block's state, on one thread: reads through the
 * view the ordered mode's workers run with (ordered-view.ts), each change
 * published as the calling thread publishes a commit
 * (LocationTable.applyAccountChange, with the slots the reads found), and
 * optionally mirrored into a `MemoryState` (the caller's copy); `accounts()`
 * enumerates the table itself, so a state root computed from it checks
 * every publication. Used to check the workers' read path and the
 * publication path against the fixture suites (`statetest --state table`,
 * `blocktest --state table`) and to measure what the table costs as a
 * state (bench/table-state.ts; docs/shared-state.md).
 *
 * Internal module of the parallel executor.
 */
import type { MemoryState } from '../../state/memory-state.js';
import type { AccountState, StateChanges } from '../../state/types.js';
import { OrderedView } from './ordered-view.js';
import { LocationTable, type TableAccount } from './table.js';
import { ABORT_CAPACITY, BlockAborted } from './types.js';

export class TableState {
  private readonly view: OrderedView;

  constructor(
    readonly table: LocationTable,
    /** Receives every change too (the caller's state, for what it reads after the block). */
    private readonly mirror?: MemoryState,
  ) {
    this.view = new OrderedView(table);
    // No coinbase set apart: fees are paid as the sequential executor pays them.
    this.view.beginBlock(-1n);
  }

  getAccount(address: bigint): AccountState | undefined {
    this.view.begin();
    return this.view.getAccount(address);
  }

  getStorage(address: bigint, key: bigint): bigint {
    this.view.begin();
    return this.view.getStorage(address, key);
  }

  hasStorage(address: bigint): boolean {
    this.view.begin();
    return this.view.hasStorage(address);
  }

  apply(changes: StateChanges): void {
    // The slots the view found for the locations read (a worker's record carries them the same way).
    const view = this.view;
    for (const [address, ch] of changes) {
      const slots = ch.storage.size === 0 ? undefined : [...ch.storage.keys()].map((key) => view.knownStorageSlot(address, key));
      if (!this.table.applyAccountChange(address, ch, view.knownAccountSlot(address), slots)) throw new BlockAborted(ABORT_CAPACITY);
    }
    this.mirror?.apply(changes);
  }

  /** The accounts as the table holds them (a state root computed from them checks every publication). */
  accounts(): Iterable<[bigint, TableAccount]> {
    return this.table.accountsInTable();
  }
}

/**
 * Runs `body` over a table built from `state` (the mirror), small first and
 * sixteen times larger each time the body fills it (a transaction looping
 * over thousands of slots): `fresh()` gives the state to start from each
 * time, since a filled attempt has already changed its own.
 */
export function withTableState<T>(fresh: () => MemoryState, body: (state: TableState) => T): T {
  for (let spare = 1024; ; spare *= 16) {
    const mirror = fresh();
    const state = new TableState(LocationTable.fromState(mirror, spare, true), mirror);
    try {
      return body(state);
    } catch (e) {
      if (!(e instanceof BlockAborted && e.reason === ABORT_CAPACITY) || spare >= 1 << 22) throw e;
    }
  }
}
