/**
 * Merkle-Patricia trie roots (Ethereum Yellow Paper, appendix D), computed in
 * one pass from the sorted keys: no node store, no incremental updates.
 *
 * A node is referenced from its parent by its RLP when that is shorter than
 * 32 bytes, by keccak256 of its RLP otherwise; the root is always hashed.
 * Keys are walked as nibbles straight out of the key bytes (no nibble
 * arrays), and every node is written as its final RLP at once, so a node
 * costs one allocation plus its hash.
 */
import { keccak256 } from '../primitives/keccak.js';
import { rlpEncode } from '../primitives/rlp.js';

/** keccak256(rlp("")): the root of a trie with nothing in it. */
export const EMPTY_TRIE_ROOT = keccak256(Uint8Array.of(0x80));

/** RLP of the empty string: an empty branch slot. */
const RLP_EMPTY = Uint8Array.of(0x80);

type Entry = [key: Uint8Array, value: Uint8Array];

/**
 * The root of the trie holding `entries`. Entries with an empty value are
 * left out (in a trie, writing the empty value deletes the key); of two
 * entries with the same key, the later one wins.
 */
export function trieRoot(entries: Iterable<Entry>): Uint8Array {
  const sorted = prepare(entries);
  if (sorted.length === 0) return EMPTY_TRIE_ROOT;
  return keccak256(buildNode(sorted, 0, sorted.length, 0));
}

/** The root of a "secure" trie: each key is replaced by its keccak256 (state and storage tries). */
export function secureTrieRoot(entries: Iterable<Entry>): Uint8Array {
  const hashed: Entry[] = [];
  for (const [key, value] of entries) hashed.push([keccak256(key), value]);
  return trieRoot(hashed);
}

/**
 * The root of the trie mapping rlp(i) to values[i]: transactions, receipts
 * and withdrawals roots.
 */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  const entries: Entry[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) entries[i] = [rlpEncode(i), values[i]];
  return trieRoot(entries);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Sorted by key, duplicates resolved to the last write, empty values dropped. */
function prepare(entries: Iterable<Entry>): Entry[] {
  const list: Entry[] = [];
  for (const e of entries) list.push(e);
  // Array.prototype.sort is stable: among equal keys the input order stays.
  list.sort((x, y) => compareBytes(x[0], y[0]));
  const out: Entry[] = [];
  for (let i = 0; i < list.length; i++) {
    if (i + 1 < list.length && compareBytes(list[i][0], list[i + 1][0]) === 0) continue;
    if (list[i][1].length > 0) out.push(list[i]);
  }
  return out;
}

function nibbleAt(key: Uint8Array, i: number): number {
  const b = key[i >> 1];
  return i & 1 ? b & 0x0f : b >> 4;
}

/** Nibbles shared by sorted[lo..hi) from `depth` on (first and last key bound it). */
function commonPrefixEnd(sorted: Entry[], lo: number, hi: number, depth: number): number {
  const a = sorted[lo][0];
  const b = sorted[hi - 1][0];
  const end = Math.min(a.length, b.length) * 2;
  let i = depth;
  while (i < end && nibbleAt(a, i) === nibbleAt(b, i)) i++;
  return i;
}

/** The RLP of the node holding sorted[lo..hi), whose keys agree on their first `depth` nibbles. */
function buildNode(sorted: Entry[], lo: number, hi: number, depth: number): Uint8Array {
  if (hi - lo === 1) {
    const [key, value] = sorted[lo];
    return encodePathNode(key, depth, key.length * 2, true, value, false);
  }
  const prefixEnd = commonPrefixEnd(sorted, lo, hi, depth);
  if (prefixEnd > depth) {
    // Extension: the keys share nibbles [depth, prefixEnd); a branch follows.
    const child = buildBranch(sorted, lo, hi, prefixEnd);
    return encodePathNode(sorted[lo][0], depth, prefixEnd, false, reference(child), true);
  }
  return buildBranch(sorted, lo, hi, depth);
}

/** A branch at `depth`: 16 children by the next nibble, and the value of a key that ends here. */
function buildBranch(sorted: Entry[], lo: number, hi: number, depth: number): Uint8Array {
  const children: Uint8Array[] = new Array(16);
  let i = lo;
  let value: Uint8Array | undefined;
  // Sorted order puts a key that ends at `depth` first (it is a prefix of the others).
  if (sorted[i][0].length * 2 === depth) value = sorted[i++][1];
  let payload = value === undefined ? 1 : stringLength(value);
  for (let nibble = 0; nibble < 16; nibble++) {
    let j = i;
    while (j < hi && nibbleAt(sorted[j][0], depth) === nibble) j++;
    const child = j > i ? reference(buildNode(sorted, i, j, depth + 1)) : RLP_EMPTY;
    children[nibble] = child;
    payload += child.length;
    i = j;
  }
  const out = new Uint8Array(headerLength(payload) + payload);
  let off = writeHeader(out, 0, payload, 0xc0);
  for (let n = 0; n < 16; n++) {
    out.set(children[n], off);
    off += children[n].length;
  }
  if (value === undefined) out[off] = 0x80;
  else writeString(out, off, value);
  return out;
}

/** How a parent embeds a child: inline under 32 bytes, else as the 32-byte hash string. */
function reference(node: Uint8Array): Uint8Array {
  if (node.length < 32) return node;
  const out = new Uint8Array(33);
  out[0] = 0xa0;
  out.set(keccak256(node), 1);
  return out;
}

/**
 * A leaf or extension node, rlp([hexPrefix(path), second]), written in one
 * buffer. The path is the key's nibbles [start, end), hex-prefix encoded
 * (Yellow Paper appendix C); `second` is a leaf's value (RLP-encoded here)
 * or an extension's child reference (already RLP: `secondIsRlp`).
 */
function encodePathNode(key: Uint8Array, start: number, end: number, leaf: boolean, second: Uint8Array, secondIsRlp: boolean): Uint8Array {
  const nibbles = end - start;
  const odd = nibbles & 1;
  const pathLen = (nibbles >> 1) + 1;
  const firstByte = ((leaf ? 2 : 0) + odd) << 4 | (odd ? nibbleAt(key, start) : 0);
  const pathRlpLen = pathLen === 1 && firstByte < 0x80 ? 1 : headerLength(pathLen) + pathLen;
  const secondLen = secondIsRlp ? second.length : stringLength(second);
  const payload = pathRlpLen + secondLen;
  const out = new Uint8Array(headerLength(payload) + payload);
  let off = writeHeader(out, 0, payload, 0xc0);
  if (pathRlpLen !== 1) off = writeHeader(out, off, pathLen, 0x80);
  out[off++] = firstByte;
  for (let i = start + odd; i < end; i += 2) out[off++] = (nibbleAt(key, i) << 4) | nibbleAt(key, i + 1);
  if (secondIsRlp) out.set(second, off);
  else writeString(out, off, second);
  return out;
}

/** Bytes of the RLP header for a payload of `len` bytes. */
function headerLength(len: number): number {
  if (len < 56) return 1;
  let n = 1;
  for (let l = len; l > 0xff; l = Math.floor(l / 256)) n++;
  return 1 + n;
}

/** Writes an RLP header (string base 0x80, list base 0xc0); returns the offset after it. */
function writeHeader(out: Uint8Array, off: number, len: number, base: number): number {
  if (len < 56) {
    out[off] = base + len;
    return off + 1;
  }
  const lenOfLen = headerLength(len) - 1;
  out[off] = base + 55 + lenOfLen;
  for (let i = lenOfLen, l = len; i >= 1; i--, l = Math.floor(l / 256)) out[off + i] = l & 0xff;
  return off + 1 + lenOfLen;
}

/** Bytes of `bytes` as an RLP string. */
function stringLength(bytes: Uint8Array): number {
  return bytes.length === 1 && bytes[0] < 0x80 ? 1 : headerLength(bytes.length) + bytes.length;
}

function writeString(out: Uint8Array, off: number, bytes: Uint8Array): number {
  if (bytes.length !== 1 || bytes[0] >= 0x80) off = writeHeader(out, off, bytes.length, 0x80);
  out.set(bytes, off);
  return off + bytes.length;
}
