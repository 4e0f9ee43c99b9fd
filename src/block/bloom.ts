/**
 * The 2048-bit logs bloom filter (Yellow Paper 4.3.1): for the address and
 * each topic of each log, three bits chosen by the low 11 bits of the first
 * three byte pairs of its keccak256 hash.
 */
import type { Log } from '../exec/types.js';
import { writeBigInt } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';

export const BLOOM_BYTES = 256;

/** Sets the three bits of `item` in `bloom` (256 bytes, big-endian bit order). */
export function bloomAdd(bloom: Uint8Array, item: Uint8Array): void {
  const h = keccak256(item);
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & 2047;
    bloom[BLOOM_BYTES - 1 - (bit >> 3)] |= 1 << (bit & 7);
  }
}

/** The bloom of a list of logs (one receipt's, or with `into` a block's accumulation). */
export function logsBloom(logs: readonly Log[], into: Uint8Array = new Uint8Array(BLOOM_BYTES)): Uint8Array {
  const address = new Uint8Array(20);
  for (const log of logs) {
    writeBigInt(address, 0, log.address, 20);
    bloomAdd(into, address);
    for (const topic of log.topics) bloomAdd(into, topic);
  }
  return into;
}

/** ORs `bloom` into `acc` (a block's bloom is the union of its receipts'). */
export function bloomOr(acc: Uint8Array, bloom: Uint8Array): void {
  for (let i = 0; i < BLOOM_BYTES; i++) acc[i] |= bloom[i];
}
