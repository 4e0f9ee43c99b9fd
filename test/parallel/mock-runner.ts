/**
 * A stand-in for applyTransaction that exercises Block-STM without the EVM:
 * a transaction's data is a little program over one contract's storage.
 * Each 4-byte op is [kind, slot, arg, 0]: kind 1 reads `slot` into the
 * accumulator, kind 2 writes `accumulator * 31 + arg + txNonce` to `slot`,
 * kind 3 spins `arg * 100` rounds (a slow transaction). Reads see the
 * transaction's own writes. Invalid when the sender's nonce does not match
 * (TxError), like the real thing. Used by the executor's workers through
 * `runnerModule` and by the main thread through `runner`.
 */
import type { AccountChange, StateChanges, StateReader } from '../../src/state/types.js';
import { TxError } from '../../src/tx/errors.js';
import type { Transaction } from '../../src/tx/types.js';
import type { BlockEnv, TxResult } from '../../src/exec/types.js';

/** The contract whose storage the programs use. */
export const MOCK_CONTRACT = 0xc0de000000000000000000000000000000000000n;

export function applyTransaction(state: StateReader, tx: Transaction, sender: bigint, _env: BlockEnv): TxResult {
  const acct = state.getAccount(sender);
  const nonce = acct?.nonce ?? 0n;
  if (tx.nonce !== nonce) throw new TxError(tx.nonce < nonce ? 'NONCE_MISMATCH_TOO_LOW' : 'NONCE_MISMATCH_TOO_HIGH', `nonce ${tx.nonce}, account has ${nonce}`);
  const written = new Map<bigint, bigint>();
  const original = new Map<bigint, bigint>();
  let acc = 0n;
  for (let i = 0; i + 3 < tx.data.length; i += 4) {
    const kind = tx.data[i];
    const slot = BigInt(tx.data[i + 1]);
    const arg = BigInt(tx.data[i + 2]);
    if (kind === 1) {
      let v = written.get(slot);
      if (v === undefined) {
        v = original.get(slot) ?? state.getStorage(MOCK_CONTRACT, slot);
        original.set(slot, v);
      }
      acc = v;
    } else if (kind === 2) {
      if (!original.has(slot) && !written.has(slot)) original.set(slot, state.getStorage(MOCK_CONTRACT, slot));
      written.set(slot, (acc * 31n + arg + tx.nonce) & ((1n << 256n) - 1n));
    } else if (kind === 3) {
      let x = 0;
      for (let k = 0; k < Number(arg) * 100; k++) x = (x * 1103515245 + 12345) | 0;
      if (x === 42) acc++;
    }
  }
  const changes: StateChanges = new Map();
  changes.set(sender, { deleted: false, storageCleared: false, nonce: nonce + 1n, balance: acct?.balance ?? 0n, storage: new Map() });
  const storage = new Map<bigint, bigint>();
  for (const [slot, v] of written) if (v !== original.get(slot)) storage.set(slot, v);
  if (storage.size > 0) {
    const c = state.getAccount(MOCK_CONTRACT);
    const change: AccountChange = { deleted: false, storageCleared: false, nonce: c?.nonce ?? 1n, balance: c?.balance ?? 0n, storage };
    changes.set(MOCK_CONTRACT, change);
  }
  return { status: 1, gasUsed: 21000n + BigInt(tx.data.length), logs: [], output: new Uint8Array(0), changes, blobGasUsed: 0n };
}
