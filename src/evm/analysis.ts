/**
 * Code analysis, done once per code (evmone style): the code padded with 33
 * zero bytes, so a PUSH truncated by the end of code reads zeros and running
 * off the end reads STOP without a bounds check; a jump-destination map; and
 * every PUSH's immediate decoded to a bigint up front, so PUSHn at run time is
 * one array read instead of n byte reads and a BigInt build.
 *
 * Cached by the code's Uint8Array identity in a WeakMap: states hand out the
 * same array for the same account, and arrays of dead code are collected.
 * When a caller knows the code hash, a miss there falls back to a bounded
 * cache by hash: a state that hands out a fresh array for the same code (a
 * parallel executor's view decoding shared memory, a fixture reloaded) does
 * not pay for the analysis again (for a 5 KB contract, ~thousands of PUSH
 * immediates decoded to bigints).
 */
import { viewOf } from './word.js';

export interface CodeAnalysis {
  /** The code followed by 33 zero bytes. */
  padded: Uint8Array;
  /** The code's real length. */
  length: number;
  /** 1 at offsets holding a JUMPDEST that is not inside PUSH data. */
  jumpdests: Uint8Array;
  /** At the offset of each PUSHn (n >= 1), its immediate as a bigint. */
  pushValues: bigint[];
}

const cache = new WeakMap<Uint8Array, CodeAnalysis>();
const byHash = new Map<string, CodeAnalysis>();
/** Analyses kept by hash; the cache is emptied when full (contracts in use come back in one miss each). */
const BY_HASH_MAX = 4096;
/** Code shorter than this is analyzed again rather than keyed by hash (the key costs about as much). */
const BY_HASH_MIN_LENGTH = 64;

/** The analysis of `code`; `codeHash` (its keccak256), when given, lets equal code in another array share it. */
export function analyze(code: Uint8Array, codeHash?: Uint8Array): CodeAnalysis {
  let analysis = cache.get(code);
  if (analysis !== undefined) return analysis;
  if (codeHash !== undefined && code.length >= BY_HASH_MIN_LENGTH) {
    const key = hashKey(codeHash);
    analysis = byHash.get(key);
    if (analysis === undefined || analysis.length !== code.length) {
      analysis = build(code);
      if (byHash.size >= BY_HASH_MAX) byHash.clear();
      byHash.set(key, analysis);
    }
  } else {
    analysis = build(code);
  }
  cache.set(code, analysis);
  return analysis;
}

/** The 32-byte hash as a string key (one char per byte). */
function hashKey(hash: Uint8Array): string {
  let key = '';
  for (let i = 0; i < hash.length; i++) key += String.fromCharCode(hash[i]);
  return key;
}

const EMPTY_ANALYSIS: CodeAnalysis = build(new Uint8Array(0));

/** The analysis of empty code (shared). */
export function emptyAnalysis(): CodeAnalysis {
  return EMPTY_ANALYSIS;
}

function build(code: Uint8Array): CodeAnalysis {
  const length = code.length;
  const padded = new Uint8Array(length + 33);
  padded.set(code);
  const jumpdests = new Uint8Array(length);
  const pushValues = new Array<bigint>(length);
  const view = viewOf(padded);
  for (let pc = 0; pc < length; pc++) {
    const op = padded[pc];
    if (op === 0x5b) {
      jumpdests[pc] = 1;
    } else if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      pushValues[pc] = readImmediate(padded, view, pc + 1, n);
      pc += n;
    }
  }
  return { padded, length, jumpdests, pushValues };
}

function readImmediate(padded: Uint8Array, view: DataView, start: number, n: number): bigint {
  if (n <= 6) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + padded[start + i];
    return BigInt(v);
  }
  let v = 0n;
  let i = 0;
  // Leading bytes so the rest is whole 8-byte chunks.
  const lead = n % 8;
  if (lead > 0) {
    // At most 6 bytes fit a double exactly; a 7-byte head goes in two parts.
    let head = 0;
    const split = lead === 7 ? 3 : lead;
    for (; i < split; i++) head = head * 256 + padded[start + i];
    v = BigInt(head);
    if (lead === 7) {
      v = (v << 32n) | BigInt(view.getUint32(start + 3));
      i = 7;
    }
  }
  for (; i < n; i += 8) v = (v << 64n) | view.getBigUint64(start + i);
  return v;
}
