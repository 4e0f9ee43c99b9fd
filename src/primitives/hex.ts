/**
 * Hex <-> bytes <-> bigint conversions. Used at the edges (fixtures, RPC, CLI);
 * the interpreter itself works on bigints and Uint8Arrays.
 */
import { MultilaneError } from '../errors.js';

const HEX_CHARS = '0123456789abcdef';
const BYTE_TO_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_TO_HEX.push(HEX_CHARS[i >> 4] + HEX_CHARS[i & 15]);

/** Bytes to lowercase hex with a 0x prefix. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]];
  return out;
}

function nibble(code: number, hex: string): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  throw new MultilaneError(`invalid hex character '${String.fromCharCode(code)}' in ${truncate(hex)}`);
}

function truncate(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** Hex (with or without 0x, odd length allowed as a leading 0) to bytes. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new MultilaneError(`expected a hex string, got ${typeof hex}`);
  let start = hex.startsWith('0x') || hex.startsWith('0X') ? 2 : 0;
  const digits = hex.length - start;
  const odd = digits & 1;
  const out = new Uint8Array((digits + odd) >> 1);
  let j = 0;
  if (odd) out[j++] = nibble(hex.charCodeAt(start++), hex);
  for (let i = start; i < hex.length; i += 2) {
    out[j++] = (nibble(hex.charCodeAt(i), hex) << 4) | nibble(hex.charCodeAt(i + 1), hex);
  }
  return out;
}

/** Hex quantity (0x-prefixed or not; "0x" and "" mean zero) to bigint. */
export function hexToBigInt(hex: string): bigint {
  if (typeof hex !== 'string') throw new MultilaneError(`expected a hex quantity, got ${typeof hex}`);
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (body.length === 0) return 0n;
  if (!/^[0-9a-fA-F]+$/.test(body)) throw new MultilaneError(`invalid hex quantity ${truncate(hex)}`);
  return BigInt('0x' + body);
}

/** bigint to a minimal 0x-prefixed hex quantity ("0x0" for zero). */
export function bigIntToHex(value: bigint): string {
  return '0x' + value.toString(16);
}

/** bigint to a 0x-prefixed hex string of exactly `bytes` bytes. */
export function bigIntToPaddedHex(value: bigint, bytes: number): string {
  return '0x' + value.toString(16).padStart(bytes * 2, '0');
}

/** An address (160-bit bigint) as 0x-prefixed lowercase 40-digit hex. */
export function addressToHex(address: bigint): string {
  return bigIntToPaddedHex(address, 20);
}

/** A 0x-prefixed 20-byte hex address to its bigint form. */
export function hexToAddress(hex: string): bigint {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (body.length !== 40) throw new MultilaneError(`invalid address ${truncate(hex)}: expected 20 bytes of hex`);
  return hexToBigInt(body);
}
