/** Small helpers shared by the precompiles. */
import { EMPTY_BYTES } from '../../primitives/bytes.js';

export { EMPTY_BYTES };

/** The number of 32-byte words `length` bytes occupy, rounded up (the per-word gas unit). */
export function wordCount(length: number): bigint {
  return BigInt(Math.ceil(length / 32));
}

/**
 * `input` read as if right-padded with zeros to at least `length` bytes
 * (calldata semantics). Returns `input` itself when it is long enough:
 * callers only read the first `length` bytes.
 */
export function rightPad(input: Uint8Array, length: number): Uint8Array {
  if (input.length >= length) return input;
  const out = new Uint8Array(length);
  out.set(input);
  return out;
}

/** A 32-byte word holding 1: the "true" output of the pairing and signature checks. */
export function wordOne(): Uint8Array {
  const out = new Uint8Array(32);
  out[31] = 1;
  return out;
}
