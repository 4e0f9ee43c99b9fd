/**
 * The block's combined StateChanges, read from the multi-version memory's
 * final versions instead of folding every transaction's changes: one pass
 * over the locations the block wrote, on the main thread, with nothing
 * encoded by the workers.
 *
 * It must equal what `mergeChanges` folds in the sequential executor, field
 * by field. Per account, with the highest versions below `upTo`:
 *   - an entry exists iff some transaction changed the account: it wrote its
 *     ACCOUNT, CLEAR or a STORAGE location (workers write ACCOUNT only when
 *     nonce, balance or code changed, exactly when the journal would list
 *     it), or, for the coinbase, a lazy fee changed it;
 *   - deleted: the final ACCOUNT version is absent;
 *   - nonce, balance: the final ACCOUNT version, else the pre-state;
 *   - storageCleared: some transaction wiped it (CLEAR written);
 *   - storage: the slots whose final writer is not below the last wipe;
 *   - code: present iff the final version carries F_CODESET.
 *
 * Internal module of the parallel executor.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import type { AccountChange, StateChanges, StateReader } from '../../state/types.js';
import { ABSENT, applyFee, type AccountRead } from './coinbase.js';
import { KEY_WORDS, KIND_ACCOUNT, KIND_CLEAR, KIND_STORAGE, keyAddress, keyKind, keySlot } from './keys.js';
import { CODE_MV, CODE_PRESTATE, F_ABSENT, F_CODESET, F_DELTA, type MVMemory } from './mv-memory.js';
import type { PreStateReader } from './prestate.js';
import { readU256 } from './words.js';

interface Touched {
  /** ACCOUNT location, or -1. */
  account: number;
  /** Highest transaction below `upTo` that wiped the account's storage, or -1. */
  clearTx: number;
  /** STORAGE locations. */
  slots: number[];
}

/**
 * The combined changes of transactions [0, upTo). `pre` is the state before
 * the block (for accounts whose storage alone changed, and the coinbase);
 * `table` holds the pre-state's code bytes.
 */
export function collectChanges(mv: MVMemory, table: PreStateReader, pre: StateReader, coinbase: bigint, upTo: number): StateChanges {
  const touched = new Map<bigint, Touched>();
  const keys = mv.keys;
  for (let loc = 0; loc < mv.caps.locations; loc++) {
    if (!mv.isLive(loc)) continue;
    const e = mv.firstBelow(loc, upTo);
    if (e === -1) continue;
    const kind = keyKind(keys, loc * KEY_WORDS);
    if (kind !== KIND_ACCOUNT && kind !== KIND_CLEAR && kind !== KIND_STORAGE) continue;
    const address = keyAddress(keys, loc * KEY_WORDS);
    let t = touched.get(address);
    if (t === undefined) {
      t = { account: -1, clearTx: -1, slots: [] };
      touched.set(address, t);
    }
    if (kind === KIND_ACCOUNT) t.account = loc;
    else if (kind === KIND_CLEAR) t.clearTx = mv.entryTx(e);
    else t.slots.push(loc);
  }
  const changes: StateChanges = new Map();
  for (const [address, t] of touched) {
    const change = accountChange(mv, table, pre, address, t, address === coinbase, upTo);
    if (change !== undefined) changes.set(address, change);
  }
  return changes;
}

function accountChange(
  mv: MVMemory,
  table: PreStateReader,
  pre: StateReader,
  address: bigint,
  t: Touched,
  isCoinbase: boolean,
  upTo: number,
): AccountChange | undefined {
  let read: AccountRead | undefined;
  let changed = t.clearTx !== -1 || t.slots.length > 0;
  let clearTx = t.clearTx;
  if (t.account !== -1) {
    const r = isCoinbase ? resolveLazy(mv, table, pre, address, t.account, upTo) : { read: decodeAccount(mv, table, mv.firstBelow(t.account, upTo)), changed: true };
    read = r.read;
    changed ||= r.changed;
    if (read.feeWipe > clearTx) clearTx = read.feeWipe;
  }
  if (!changed) return undefined;
  if (read !== undefined && read.state === undefined) {
    return { deleted: true, storageCleared: true, nonce: 0n, balance: 0n, storage: new Map() };
  }
  const state = read?.state ?? pre.getAccount(address);
  const change: AccountChange = {
    deleted: false,
    storageCleared: clearTx !== -1,
    nonce: state?.nonce ?? 0n,
    balance: state?.balance ?? 0n,
    storage: new Map(),
  };
  if (read !== undefined && read.codeSet) {
    change.code = read.state?.code ?? EMPTY_BYTES;
    change.codeHash = read.state?.codeHash ?? KECCAK_EMPTY;
  }
  for (const loc of t.slots) {
    const e = mv.firstBelow(loc, upTo);
    if (mv.entryTx(e) >= clearTx) change.storage.set(keySlot(mv.keys, loc * KEY_WORDS), readU256(mv.w64, mv.i32, e + 2));
  }
  return change;
}

/** An ACCOUNT version as the block's final value (code copied out of the shared arenas). */
function decodeAccount(mv: MVMemory, table: PreStateReader, e: number): AccountRead {
  const flags = mv.entryFlags(e);
  if ((flags & F_ABSENT) !== 0) return { ...ABSENT, deletedInBlock: true };
  const i32 = mv.i32;
  const src = i32[2 * (e + 12)];
  const off = i32[2 * (e + 11)];
  const len = i32[2 * (e + 11) + 1];
  let code: Uint8Array = EMPTY_BYTES;
  let codeHash: Uint8Array = KECCAK_EMPTY;
  if (src === CODE_PRESTATE || src === CODE_MV) {
    code = src === CODE_MV ? mv.code.slice(off, off + len) : table.codeAt(off, len).slice();
    codeHash = mv.u8.slice((e + 7) * 8, (e + 7) * 8 + 32);
  }
  return {
    state: { nonce: mv.w64[e + 2], balance: readU256(mv.w64, i32, e + 3), codeHash, code },
    codeSrc: src, codeOff: off, codeLen: len, codeSet: (flags & F_CODESET) !== 0, deletedInBlock: false, feeWipe: -1,
  };
}

/**
 * The coinbase: its lazy fees above the last explicit write (or the
 * pre-state), replayed oldest first. It changed if some transaction wrote it
 * or a fee changed it (a zero fee on a non-empty account does not).
 */
function resolveLazy(mv: MVMemory, table: PreStateReader, pre: StateReader, address: bigint, loc: number, upTo: number): { read: AccountRead; changed: boolean } {
  const deltas: number[] = [];
  let e = mv.firstBelow(loc, upTo);
  while (e !== -1 && (mv.entryFlags(e) & F_DELTA) !== 0) {
    deltas.push(e);
    e = mv.nextEntry(e);
  }
  let changed = e !== -1;
  let read: AccountRead;
  if (e !== -1) read = decodeAccount(mv, table, e);
  else {
    const a = pre.getAccount(address);
    read = a === undefined ? ABSENT : { ...ABSENT, state: { nonce: a.nonce, balance: a.balance, code: a.code, codeHash: a.codeHash } };
  }
  for (let i = deltas.length - 1; i >= 0; i--) {
    const next = applyFee(read, mv.entryTx(deltas[i]), readU256(mv.w64, mv.i32, deltas[i] + 2));
    if (next !== read) changed = true;
    read = next;
  }
  return { read, changed };
}
