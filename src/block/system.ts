/**
 * System calls: the protocol calling a predeployed contract at the start or
 * end of a block, as SYSTEM_ADDRESS, with 30,000,000 gas that nobody pays
 * for and no value, outside any transaction (EIP-4788, EIP-2935, EIP-7002,
 * EIP-7251; execution-specs `process_system_transaction`). The system
 * address is neither charged nor touched, so it never appears in the state.
 *
 * Built from the EVM's public pieces (ExecContext, a frame, beginCall /
 * execute) rather than applyTransaction, which would buy gas and bump a
 * nonce.
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import type { BlockEnv } from '../exec/types.js';
import { ExecContext } from '../evm/context.js';
import { isSuccess, Kind } from '../evm/frame.js';
import { beginCall, execute, finishFrame } from '../evm/message.js';
import type { StateChanges, StateReader } from '../state/types.js';

export const SYSTEM_ADDRESS = 0xfffffffffffffffffffffffffffffffffffffffen;
export const SYSTEM_CALL_GAS = 30_000_000n;

/** EIP-4788: stores the parent beacon block root, keyed by timestamp. */
export const BEACON_ROOTS_ADDRESS = 0x000f3df6d732807ef1319fb7b8bb8522d0beac02n;
/** EIP-2935: stores recent block hashes. */
export const HISTORY_STORAGE_ADDRESS = 0x0000f90827f1c53a10cb7a02335b175320002935n;
/** EIP-7002: execution-layer triggered withdrawal requests. */
export const WITHDRAWAL_REQUEST_ADDRESS = 0x00000961ef480eb55e80d19ad83579a64c007002n;
/** EIP-7251: consolidation requests. */
export const CONSOLIDATION_REQUEST_ADDRESS = 0x0000bbddc7ce488642fb579f8b00f3a590007251n;

export interface SystemCallResult {
  /** The call returned normally (no revert, no exceptional halt). */
  success: boolean;
  /** Its return data. */
  output: Uint8Array;
  /** Its writes, to apply to the state (empty when it failed). */
  changes: StateChanges;
}

/** Calls `target` with `data` as the system; the state is read, not written: apply `changes`. */
export function systemCall(state: StateReader, env: BlockEnv, target: bigint, data: Uint8Array): SystemCallResult {
  const ctx = new ExecContext(state);
  try {
    ctx.begin(state, env, { origin: SYSTEM_ADDRESS, gasPrice: env.baseFee, blobHashes: [] });
    const journal = ctx.journal;
    const top = ctx.frame(0);
    top.setGas(SYSTEM_CALL_GAS);
    top.kind = Kind.Call;
    top.caller = SYSTEM_ADDRESS;
    top.value = 0n;
    top.transfersValue = false;
    top.isStatic = false;
    top.address = target;
    top.codeAddress = target;
    top.self = journal.account(target);
    top.input = data;
    top.setCode(top.self.code);
    if (beginCall(top)) execute(top);
    else finishFrame(top);
    const success = isSuccess(top.status);
    // EIP-161 cleanup applies as after a transaction (execution-specs destroys touched empty accounts).
    return { success, output: success ? top.output : EMPTY_BYTES, changes: journal.finalize(ctx.rules.eip161) };
  } finally {
    ctx.end();
  }
}
