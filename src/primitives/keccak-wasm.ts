/**
 * Keccak-f[1600] as a small WebAssembly module, generated here at load time
 * (FIPS 202 §3; Keccak reference, "Keccak-f pseudo-code"). The 25 lanes live
 * in i64 locals while a run of blocks is absorbed, so a 64-byte hash (one
 * block) is one call with no JavaScript-side allocation.
 *
 * Why not a library: hash-wasm's keccak took ~610 ns per 64-byte hash in a
 * warm loop here, and its wrapper makes three typed arrays per hash; this
 * module with the thin caller of keccak.ts takes ~450 ns, and hashes a
 * range of EVM memory to a bigint without any (docs/benchmarks.md).
 *
 * Memory layout (2 pages):
 *   [0, 200)       the state, 25 little-endian lanes (lane x + 5y at 8(x + 5y))
 *   [256, 448)     the 24 round constants
 *   [INPUT, END)   input blocks, 136 bytes each (the keccak256 rate)
 *
 * Export `absorb(ptr, blocks)`: for each 136-byte block at ptr, XOR it into
 * the first 17 lanes and permute. The caller zeroes the state, pads the
 * input (keccak's pad10*1 with domain byte 0x01) and reads the digest from
 * bytes [0, 32).
 */

/** Byte offset of the round constants. */
const RC_OFFSET = 256;
/** Byte offset of the input area. */
export const INPUT = 512;
/** Size of the module's memory. */
export const MEMORY_BYTES = 2 * 65536;
/** The keccak256 rate (1600 - 2 * 256 bits) in bytes. */
export const RATE = 136;
/** Whole blocks that fit the input area at once. */
export const MAX_BLOCKS = Math.floor((MEMORY_BYTES - INPUT) / RATE);

/** Rotation offsets r[x][y] (FIPS 202 Table 2). */
const ROT = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
];

/** Round constants RC[i] for ι (FIPS 202 Algorithm 5/6), as unsigned 64-bit values. */
export const ROUND_CONSTANTS: readonly bigint[] = [
  0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
  0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
  0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
  0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
  0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
  0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
];

// WebAssembly opcodes used below (WebAssembly core spec §5.4).
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i64Load: 0x29, i64Store: 0x37, i32Const: 0x41, i64Const: 0x42,
  i32Eqz: 0x45, i32Ne: 0x47, i32Add: 0x6a, i32Sub: 0x6b,
  i64And: 0x83, i64Xor: 0x85, i64Rotl: 0x89,
} as const;
const I32 = 0x7f;
const I64 = 0x7e;
const VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a small integer (|n| < 2^31). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

// Locals: params 0 (ptr) and 1 (blocks); then the round offset (i32); then
// the lanes A[25], the permuted lanes B[25], the column parities C[5] and D (i64).
const PTR = 0;
const BLOCKS = 1;
const ROUND = 2;
const A = 3;
const B = A + 25;
const C = B + 25;
const D = C + 5;
const I64_LOCALS = 25 + 25 + 5 + 1;

/** The body of `absorb(ptr, blocks)`. */
function absorbBody(): number[] {
  const code: number[] = [];
  const get = (i: number) => code.push(OP.localGet, ...uleb(i));
  const set = (i: number) => code.push(OP.localSet, ...uleb(i));
  const load = (offset: number) => code.push(OP.i64Load, 3, ...uleb(offset));
  const store = (offset: number) => code.push(OP.i64Store, 3, ...uleb(offset));
  const i32 = (n: number) => code.push(OP.i32Const, ...sleb(n));

  // Lanes from memory.
  for (let j = 0; j < 25; j++) {
    i32(0);
    load(8 * j);
    set(A + j);
  }
  code.push(OP.block, VOID, OP.loop, VOID);
  // No blocks left: leave.
  get(BLOCKS);
  code.push(OP.i32Eqz, OP.brIf, 1);
  // Absorb: the block's 17 lanes into the state.
  for (let j = 0; j < RATE / 8; j++) {
    get(A + j);
    get(PTR);
    load(8 * j);
    code.push(OP.i64Xor);
    set(A + j);
  }
  // 24 rounds; ROUND steps through the round constants' byte offsets.
  i32(0);
  set(ROUND);
  code.push(OP.loop, VOID);
  round(code, get, set, load);
  get(ROUND);
  i32(8);
  code.push(OP.i32Add, OP.localTee, ...uleb(ROUND));
  i32(8 * 24);
  code.push(OP.i32Ne, OP.brIf, 0, OP.end);
  // Next block.
  get(PTR);
  i32(RATE);
  code.push(OP.i32Add);
  set(PTR);
  get(BLOCKS);
  i32(1);
  code.push(OP.i32Sub);
  set(BLOCKS);
  code.push(OP.br, 0, OP.end, OP.end);
  // Lanes back to memory.
  for (let j = 0; j < 25; j++) {
    i32(0);
    get(A + j);
    store(8 * j);
  }
  code.push(OP.end);
  return code;
}

/** One round: θ, ρ and π, χ, ι (FIPS 202 §3.2). */
function round(code: number[], get: (i: number) => void, set: (i: number) => void, load: (offset: number) => void): void {
  const lane = (x: number, y: number) => ((x + 5) % 5) + 5 * ((y + 5) % 5);
  // θ: C[x] = xor of column x; D[x] = C[x-1] ^ rotl(C[x+1], 1); A[x,y] ^= D[x].
  for (let x = 0; x < 5; x++) {
    get(A + lane(x, 0));
    for (let y = 1; y < 5; y++) {
      get(A + lane(x, y));
      code.push(OP.i64Xor);
    }
    set(C + x);
  }
  for (let x = 0; x < 5; x++) {
    get(C + ((x + 4) % 5));
    get(C + ((x + 1) % 5));
    code.push(OP.i64Const, 1, OP.i64Rotl, OP.i64Xor);
    set(D);
    for (let y = 0; y < 5; y++) {
      get(A + lane(x, y));
      get(D);
      code.push(OP.i64Xor);
      set(A + lane(x, y));
    }
  }
  // ρ and π: B[y, 2x + 3y] = rotl(A[x, y], r[x][y]).
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      get(A + lane(x, y));
      if (ROT[x][y] !== 0) code.push(OP.i64Const, ...sleb(ROT[x][y]), OP.i64Rotl);
      set(B + lane(y, 2 * x + 3 * y));
    }
  }
  // χ: A[x, y] = B[x, y] ^ (~B[x+1, y] & B[x+2, y]).
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      get(B + lane(x, y));
      get(B + lane(x + 1, y));
      code.push(OP.i64Const, ...sleb(-1), OP.i64Xor);
      get(B + lane(x + 2, y));
      code.push(OP.i64And, OP.i64Xor);
      set(A + lane(x, y));
    }
  }
  // ι: A[0, 0] ^= RC[round].
  get(A);
  get(ROUND);
  load(RC_OFFSET);
  code.push(OP.i64Xor);
  set(A);
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
}

/** The module's bytes. */
export function keccakModuleBytes(): Uint8Array {
  const body = absorbBody();
  const locals = [2, ...uleb(1), I32, ...uleb(I64_LOCALS), I64];
  const func = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, I32, I32, 0]), // type 0: (i32, i32) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, ...uleb(MEMORY_BYTES / 65536)]), // one memory, fixed minimum
    ...section(7, [2, ...name('absorb'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ];
  return Uint8Array.from(bytes);
}

// The few WebAssembly globals used here (the project's lib setting, ES2022
// without DOM, declares none).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

export interface KeccakWasm {
  absorb(ptr: number, blocks: number): void;
  memory: { buffer: ArrayBuffer };
}

/** A fresh instance, round constants in place. Synchronous: the module is small. */
export function instantiateKeccak(): KeccakWasm {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(keccakModuleBytes()));
  const exports = instance.exports as unknown as KeccakWasm;
  const view = new DataView(exports.memory.buffer);
  for (let i = 0; i < 24; i++) view.setBigUint64(RC_OFFSET + 8 * i, ROUND_CONSTANTS[i], true);
  return exports;
}
