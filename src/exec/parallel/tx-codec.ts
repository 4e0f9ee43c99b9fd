/**
 * Transactions and the block environment, moved to the workers through one
 * shared buffer per block instead of a structured clone per worker. The
 * layout is a flat run of 64-bit words per transaction (offsets in an index
 * table); workers decode a transaction the first time they execute it.
 * 256-bit fields take 4 words, addresses 3, byte strings a length word and
 * their bytes padded to 8.
 *
 * Internal module of the parallel executor.
 */
import type { BlockEnv } from '../types.js';
import type { Fork } from '../../primitives/fork.js';
import type { AccessListEntry, Authorization, Transaction, TxType } from '../../tx/types.js';
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { readAddress, readU256, writeAddress, writeU256 } from './words.js';

/** A growable word writer (main thread). */
export class WordWriter {
  w64: BigUint64Array;
  i32: Int32Array;
  u8: Uint8Array;
  pos = 0;

  constructor(words: number) {
    this.w64 = new BigUint64Array(new SharedArrayBuffer(8 * Math.max(16, words)));
    this.i32 = new Int32Array(this.w64.buffer);
    this.u8 = new Uint8Array(this.w64.buffer);
  }

  ensure(words: number): void {
    if (this.pos + words <= this.w64.length) return;
    let n = this.w64.length * 2;
    while (n < this.pos + words) n *= 2;
    const next = new BigUint64Array(new SharedArrayBuffer(8 * n));
    next.set(this.w64.subarray(0, this.pos));
    this.w64 = next;
    this.i32 = new Int32Array(next.buffer);
    this.u8 = new Uint8Array(next.buffer);
  }

  u256(v: bigint): void {
    this.ensure(4);
    writeU256(this.w64, this.pos, v);
    this.pos += 4;
  }

  address(a: bigint): void {
    this.ensure(3);
    writeAddress(this.w64, this.pos, a);
    this.pos += 3;
  }

  /** A non-negative integer below 2^31 in one word. */
  int(n: number): void {
    this.ensure(1);
    const i = 2 * this.pos++;
    this.i32[i] = n;
    this.i32[i + 1] = 0;
  }

  /** An optional 256-bit value: a presence word, then the value. */
  optU256(v: bigint | undefined): void {
    this.int(v === undefined ? 0 : 1);
    if (v !== undefined) this.u256(v);
  }

  bytes(b: Uint8Array): void {
    const words = (b.length + 7) >> 3;
    this.ensure(1 + words);
    this.i32[2 * this.pos] = b.length;
    this.i32[2 * this.pos + 1] = 0;
    this.u8.set(b, (this.pos + 1) * 8);
    this.pos += 1 + words;
  }
}

/** The arena `bytes` copies small strings into, and the largest string it takes. */
const ARENA_BYTES = 1 << 16;
const ARENA_MAX = 1024;

/** A word reader (workers). */
export class WordReader {
  readonly w64: BigUint64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  pos = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.w64 = new BigUint64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  u256(): bigint {
    const v = readU256(this.w64, this.i32, this.pos);
    this.pos += 4;
    return v;
  }

  address(): bigint {
    const v = readAddress(this.w64, this.pos);
    this.pos += 3;
    return v;
  }

  int(): number {
    return this.i32[2 * this.pos++];
  }

  optU256(): bigint | undefined {
    return this.int() === 0 ? undefined : this.u256();
  }

  bytes(): Uint8Array {
    const len = this.int();
    const start = this.pos * 8;
    this.pos += (len + 7) >> 3;
    if (len === 0) return EMPTY_BYTES; // a fresh zero-length array still costs an ArrayBuffer
    // A copy: the buffer is rewritten by the next block, and the EVM may keep data (logs, code).
    const arena = this.arena;
    if (arena === undefined || len > ARENA_MAX) return this.u8.slice(start, start + len);
    // Small strings share one private arena (a typed array of more than 64 bytes gets a
    // backing store of its own, ~300-450 ns here; a view into the arena ~50 ns).
    if (this.arenaPos + len > arena.length) {
      this.arena = new Uint8Array(ARENA_BYTES);
      this.arenaPos = 0;
      return this.bytesAt(start, len);
    }
    return this.bytesAt(start, len);
  }

  private bytesAt(start: number, len: number): Uint8Array {
    const arena = this.arena as Uint8Array;
    const at = this.arenaPos;
    const u8 = this.u8;
    for (let i = 0; i < len; i++) arena[at + i] = u8[start + i];
    this.arenaPos = at + len;
    return arena.subarray(at, at + len);
  }

  /** Copies byte strings of up to ARENA_MAX bytes into a private arena shared by many (`useArena`). */
  private arena: Uint8Array | undefined;
  private arenaPos = 0;

  /** From now on `bytes` copies small strings into a shared private arena instead of one allocation each. */
  useArena(): void {
    this.arena = new Uint8Array(ARENA_BYTES);
    this.arenaPos = 0;
  }

}

/** `signature`: also v, r, s (workers need them only to recover senders). */
export function writeTransaction(w: WordWriter, tx: Transaction, signature = true): void {
  w.int(tx.type);
  w.optU256(tx.chainId);
  w.u256(tx.nonce);
  w.u256(tx.gasPrice);
  w.u256(tx.maxFeePerGas);
  w.u256(tx.maxPriorityFeePerGas);
  w.u256(tx.gasLimit);
  w.int(tx.to === undefined ? 0 : 1);
  if (tx.to !== undefined) w.address(tx.to);
  w.u256(tx.value);
  w.bytes(tx.data);
  w.int(tx.accessList.length);
  for (const e of tx.accessList) {
    w.address(e.address);
    w.int(e.storageKeys.length);
    for (const k of e.storageKeys) w.u256(k);
  }
  w.u256(tx.maxFeePerBlobGas);
  w.int(tx.blobVersionedHashes.length);
  for (const h of tx.blobVersionedHashes) w.bytes(h);
  w.int(tx.authorizationList.length);
  for (const a of tx.authorizationList) {
    w.u256(a.chainId);
    w.address(a.address);
    w.u256(a.nonce);
    w.u256(a.yParity);
    w.u256(a.r);
    w.u256(a.s);
  }
  w.int(signature ? 1 : 0);
  if (signature) {
    w.u256(tx.v);
    w.u256(tx.r);
    w.u256(tx.s);
  }
}

export function readTransaction(r: WordReader): Transaction {
  const type = r.int() as TxType;
  const chainId = r.optU256();
  const nonce = r.u256();
  const gasPrice = r.u256();
  const maxFeePerGas = r.u256();
  const maxPriorityFeePerGas = r.u256();
  const gasLimit = r.u256();
  const to = r.int() === 0 ? undefined : r.address();
  const value = r.u256();
  const data = r.bytes();
  const accessList: AccessListEntry[] = [];
  for (let n = r.int(); n > 0; n--) {
    const address = r.address();
    const storageKeys: bigint[] = [];
    for (let k = r.int(); k > 0; k--) storageKeys.push(r.u256());
    accessList.push({ address, storageKeys });
  }
  const maxFeePerBlobGas = r.u256();
  const blobVersionedHashes: Uint8Array[] = [];
  for (let n = r.int(); n > 0; n--) blobVersionedHashes.push(r.bytes());
  const authorizationList: Authorization[] = [];
  for (let n = r.int(); n > 0; n--) {
    authorizationList.push({ chainId: r.u256(), address: r.address(), nonce: r.u256(), yParity: r.u256(), r: r.u256(), s: r.u256() });
  }
  const signed = r.int() !== 0;
  const v = signed ? r.u256() : 0n;
  const rr = signed ? r.u256() : 0n;
  const s = signed ? r.u256() : 0n;
  return {
    type, chainId, nonce, gasPrice, maxFeePerGas, maxPriorityFeePerGas, gasLimit, to, value, data, accessList,
    maxFeePerBlobGas, blobVersionedHashes, authorizationList, v, r: rr, s,
  };
}

/** BlockEnv without its function: the hashes BLOCKHASH can return (the 256 blocks before). */
export function writeEnv(w: WordWriter, env: BlockEnv): void {
  w.int(env.fork);
  w.u256(env.chainId);
  w.u256(env.number);
  w.u256(env.timestamp);
  w.address(env.coinbase);
  w.u256(env.gasLimit);
  w.u256(env.baseFee);
  w.u256(env.difficulty);
  w.u256(env.prevRandao);
  w.u256(env.blobBaseFee);
  w.int(env.maxBlobsPerBlock);
  const first = env.number > 256n ? env.number - 256n : 0n;
  w.u256(first);
  for (let n = first; n < env.number; n++) w.optU256(env.blockHash(n));
}

export function readEnv(r: WordReader): BlockEnv {
  const fork = r.int() as Fork;
  const chainId = r.u256();
  const number = r.u256();
  const timestamp = r.u256();
  const coinbase = r.address();
  const gasLimit = r.u256();
  const baseFee = r.u256();
  const difficulty = r.u256();
  const prevRandao = r.u256();
  const blobBaseFee = r.u256();
  const maxBlobsPerBlock = r.int();
  const first = r.u256();
  const hashes: (bigint | undefined)[] = [];
  for (let n = first; n < number; n++) hashes.push(r.optU256());
  return {
    fork, chainId, number, timestamp, coinbase, gasLimit, baseFee, difficulty, prevRandao, blobBaseFee, maxBlobsPerBlock,
    blockHash: (n: bigint) => (n >= first && n < number ? hashes[Number(n - first)] : undefined),
  };
}

/** Words `writeTransaction` takes for `tx` (so a block's buffer is sized once, before workers see it). */
export function txWords(tx: Transaction, signature = true): number {
  let n = 1 + 1 + (tx.chainId === undefined ? 0 : 4) + 20 + 1 + (tx.to === undefined ? 0 : 3) + 4;
  n += 1 + ((tx.data.length + 7) >> 3);
  n += 1;
  for (const e of tx.accessList) n += 4 + 4 * e.storageKeys.length;
  n += 4 + 1 + 5 * tx.blobVersionedHashes.length;
  n += 1 + 23 * tx.authorizationList.length;
  return n + 1 + (signature ? 12 : 0);
}

/** Words `writeEnv` takes. */
export function envWords(env: BlockEnv): number {
  const hashes = env.number > 256n ? 256 : Number(env.number);
  return 1 + 12 + 3 + 24 + 1 + 4 + 5 * hashes;
}

/**
 * Encodes a block into one shared buffer, in chunks: the workers start on
 * the first transactions while the main thread encodes the rest, and wait
 * (rarely: encoding is ~20x faster than executing) for any not yet there.
 * Layout: word 0 = n, word 1 = environment offset, words 2.. = transaction
 * offsets, then the environment and the transactions.
 */
export class BlockEncoder {
  private readonly w = new WordWriter(1 << 16);
  private txs: readonly Transaction[] = [];
  private next = 0;
  private signatures = true;
  private write = true;
  /** The last environment and its words: BLOCKHASH's 256 hashes can be costly to ask for again. */
  private lastEnv: BlockEnv | undefined;
  private lastEnvWords: BigUint64Array | undefined;

  /** The block's transactions (as given to `start`). */
  get transactions(): readonly Transaction[] {
    return this.txs;
  }

  /**
   * Sizes the buffer, writes the header and the environment; returns the
   * buffer (stable until the next block). Without `signatures` the
   * transactions' v, r, s are left out (the senders are known); without
   * `write`, the transactions are not written at all (no thread decodes them).
   */
  start(txs: readonly Transaction[], env: BlockEnv, signatures = true, write = true): SharedArrayBuffer {
    const n = txs.length;
    this.signatures = signatures;
    this.write = write;
    let words = 2 + n + envWords(env);
    if (write) for (const tx of txs) words += txWords(tx, signatures);
    const w = this.w;
    w.pos = 0;
    w.ensure(words);
    this.txs = txs;
    this.next = 0;
    w.i32[0] = n;
    w.i32[1] = 0;
    w.pos = 2 + n;
    w.i32[2] = w.pos;
    w.i32[3] = 0;
    if (env === this.lastEnv && this.lastEnvWords !== undefined) {
      w.w64.set(this.lastEnvWords, w.pos);
      w.pos += this.lastEnvWords.length;
    } else {
      const from = w.pos;
      writeEnv(w, env);
      this.lastEnv = env;
      this.lastEnvWords = w.w64.slice(from, w.pos);
    }
    return w.w64.buffer as SharedArrayBuffer;
  }

  /** Encodes up to `count` more transactions; returns how many are encoded in all. */
  encode(count: number): number {
    const w = this.w;
    const end = Math.min(this.txs.length, this.next + count);
    for (let i = this.next; i < end && this.write; i++) {
      w.i32[2 * (2 + i)] = w.pos;
      w.i32[2 * (2 + i) + 1] = 0;
      writeTransaction(w, this.txs[i], this.signatures);
    }
    this.next = end;
    return end;
  }

  get done(): boolean {
    return this.next >= this.txs.length;
  }

  /** Transactions encoded so far. */
  get encoded(): number {
    return this.next;
  }
}
