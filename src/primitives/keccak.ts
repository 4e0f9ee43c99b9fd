/**
 * keccak256 (the pre-FIPS padding Ethereum uses: domain byte 0x01), on the
 * WebAssembly permutation of keccak-wasm.ts: one instance per thread,
 * created synchronously at module load.
 *
 * The input is copied into the module's memory and padded there; the digest
 * is read back from the state. `keccak256Word` returns it as a 256-bit
 * bigint without allocating a byte array (KECCAK256, mapping slots).
 */
import { bytesToHex } from './hex.js';
import { INPUT, MAX_BLOCKS, RATE, instantiateKeccak } from './keccak-wasm.js';

const wasm = instantiateKeccak();
const absorb = wasm.absorb;
// The memory never grows (keccak-wasm.ts), so these views stay valid.
const mem = new Uint8Array(wasm.memory.buffer);
const view = new DataView(wasm.memory.buffer);
/** Inputs up to this size are copied byte by byte: a subarray view costs more. */
const SMALL = 96;
const STATE_BYTES = 200;
const CHUNK = MAX_BLOCKS * RATE;

/** Absorbs data[start, start + length) with padding; the digest is then mem[0, 32). */
function hashInto(data: Uint8Array, start: number, length: number): void {
  mem.fill(0, 0, STATE_BYTES);
  let pos = start;
  let left = length;
  // Whole chunks first, while more than the last (padded) block remains.
  while (left >= CHUNK) {
    mem.set(data.subarray(pos, pos + CHUNK), INPUT);
    absorb(INPUT, MAX_BLOCKS);
    pos += CHUNK;
    left -= CHUNK;
  }
  const blocks = Math.floor(left / RATE) + 1;
  const end = INPUT + blocks * RATE;
  if (left <= SMALL) {
    for (let i = 0; i < left; i++) mem[INPUT + i] = data[pos + i];
  } else {
    mem.set(data.subarray(pos, pos + left), INPUT);
  }
  // pad10*1: 0x01 after the data, 0x80 in the block's last byte (the same byte when left = RATE - 1).
  mem.fill(0, INPUT + left, end);
  mem[INPUT + left] = 0x01;
  mem[end - 1] |= 0x80;
  absorb(INPUT, blocks);
}

export function keccak256(data: Uint8Array): Uint8Array {
  hashInto(data, 0, data.length);
  return mem.slice(0, 32);
}

/** keccak256 of data[start, start + length) as a big-endian 256-bit word; the caller checks the bounds. */
export function keccak256Word(data: Uint8Array, start = 0, length = data.length - start): bigint {
  hashInto(data, start, length);
  return (
    (view.getBigUint64(0) << 192n) |
    (view.getBigUint64(8) << 128n) |
    (view.getBigUint64(16) << 64n) |
    view.getBigUint64(24)
  );
}

export function keccak256Hex(data: Uint8Array): string {
  return bytesToHex(keccak256(data));
}

/** keccak256 of the empty string: the code hash of an account without code. */
export const KECCAK_EMPTY = keccak256(new Uint8Array(0));
/** keccak256(rlp([])): the ommers hash of a block without ommers, and the logs hash of no logs. */
export const KECCAK_RLP_EMPTY_LIST = keccak256(Uint8Array.of(0xc0));
