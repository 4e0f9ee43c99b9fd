/** Contract addresses (CREATE: Yellow Paper eq. 85; CREATE2: EIP-1014) and EIP-7702 designators. */
import { bigIntToBytes, bytesToBigInt } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpEncode } from '../primitives/rlp.js';

/** keccak256(rlp([sender, nonce]))[12:]. */
export function createAddress(sender: bigint, nonce: bigint): bigint {
  return bytesToBigInt(keccak256(rlpEncode([bigIntToBytes(sender, 20), nonce])), 12, 32);
}

/** keccak256(0xff ++ sender ++ salt ++ keccak256(initcode))[12:]. */
export function create2Address(sender: bigint, salt: bigint, initcodeHash: Uint8Array): bigint {
  const buf = new Uint8Array(85);
  buf[0] = 0xff;
  buf.set(bigIntToBytes(sender, 20), 1);
  buf.set(bigIntToBytes(salt, 32), 21);
  buf.set(initcodeHash, 53);
  return bytesToBigInt(keccak256(buf), 12, 32);
}

/** EIP-7702: a delegation designator is 0xef0100 followed by the 20-byte target. */
export const DELEGATION_PREFIX = Uint8Array.of(0xef, 0x01, 0x00);
export const DELEGATION_LENGTH = 23;

export function isDelegation(code: Uint8Array): boolean {
  return code.length === DELEGATION_LENGTH && code[0] === 0xef && code[1] === 0x01 && code[2] === 0x00;
}

/** The address a delegation designator points to, or undefined when `code` is not one. */
export function delegationTarget(code: Uint8Array): bigint | undefined {
  return isDelegation(code) ? bytesToBigInt(code, 3, DELEGATION_LENGTH) : undefined;
}

/** The designator delegating to `target`. */
export function delegationCode(target: bigint): Uint8Array {
  const code = new Uint8Array(DELEGATION_LENGTH);
  code.set(DELEGATION_PREFIX, 0);
  code.set(bigIntToBytes(target, 20), 3);
  return code;
}
