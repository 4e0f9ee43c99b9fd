/**
 * Pieces the ordered-mode tests share (forwarding, affinity, solo): a
 * counter contract at a fixed address, and senders funded on first use.
 */
import type { BlockBuilder } from '../../bench/workloads/block.js';
import type { KeyPair } from '../../bench/workloads/keys.js';

export const COUNTER = 0xc0c0c0n;
/** slot 0 += 1: PUSH1 0 SLOAD PUSH1 1 ADD PUSH1 0 SSTORE STOP */
export const COUNTER_CODE = Uint8Array.of(0x60, 0x00, 0x54, 0x60, 0x01, 0x01, 0x60, 0x00, 0x55, 0x00);

/** Puts `code` (default: the counter) at COUNTER in the pre-state. */
export function deployCounter(b: BlockBuilder, code: Uint8Array = COUNTER_CODE): void {
  b.account(COUNTER).code = code;
  b.account(COUNTER).nonce = 1n;
}

/** The `i`th key of `role`, funded in the pre-state. */
export function funded(b: BlockBuilder, role: string, i: number): KeyPair {
  const k = b.key(role, i);
  b.fund(k.address);
  return k;
}
