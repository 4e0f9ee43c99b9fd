/**
 * Strict readers for the fields of decoded RLP block structures (internal).
 * Consensus rejects non-canonical encodings, so each reader checks length and
 * form and throws a BlockError naming the field.
 */
import { bytesToBigInt } from '../primitives/bytes.js';
import type { RlpValue } from '../primitives/rlp.js';
import { BlockError } from './errors.js';

export function asList(value: RlpValue, what: string): RlpValue[] {
  if (!Array.isArray(value)) throw new BlockError('RLP_STRUCTURES_ENCODING', `${what}: expected a list, got a byte string`);
  return value;
}

export function asBytes(value: RlpValue, what: string): Uint8Array {
  if (Array.isArray(value)) throw new BlockError('RLP_STRUCTURES_ENCODING', `${what}: expected a byte string, got a list`);
  return value;
}

export function asFixed(value: RlpValue, length: number, what: string): Uint8Array {
  const bytes = asBytes(value, what);
  if (bytes.length !== length) {
    throw new BlockError('RLP_STRUCTURES_ENCODING', `${what}: expected ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function asAddress(value: RlpValue, what: string): bigint {
  const bytes = asBytes(value, what);
  if (bytes.length !== 20) throw new BlockError('RLP_INVALID_ADDRESS', `${what}: expected 20 bytes, got ${bytes.length}`);
  return bytesToBigInt(bytes);
}

/** A canonical unsigned integer (no leading zero bytes) of at most `maxBits` bits. */
export function asInt(value: RlpValue, what: string, maxBits = 256): bigint {
  const bytes = asBytes(value, what);
  if (bytes.length > 0 && bytes[0] === 0) {
    throw new BlockError('RLP_STRUCTURES_ENCODING', `${what}: integer with a leading zero byte`);
  }
  if (bytes.length * 8 > maxBits) {
    const code = maxBits === 64 ? 'RLP_INVALID_FIELD_OVERFLOW_64' : 'RLP_STRUCTURES_ENCODING';
    throw new BlockError(code, `${what}: integer wider than ${maxBits} bits`);
  }
  return bytesToBigInt(bytes);
}
