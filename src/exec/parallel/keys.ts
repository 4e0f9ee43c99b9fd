/**
 * Location keys for the shared hash tables (the pre-state table and the
 * multi-version memory's location registry).
 *
 * A key is (kind, address, slot) laid out as 32-bit words in a scratch buffer:
 *   words 0..4  the address, little-endian 32-bit words
 *   word  5     the kind (ACCOUNT, STORAGE)
 *   words 6..13 the slot, little-endian (STORAGE only)
 * (and in the table, word 15 the slot's tag).
 * Writing a bigint into a BigUint64Array element truncates it mod 2^64 for
 * free: filling the scratch costs ~37 ns for an address and ~76 ns for a slot
 * here, against ~220 ns through `Number(x & 0xffffffffn)` per word.
 *
 * Internal module of the parallel executor.
 */

/** An account's nonce, balance and code, read and written together. */
export const KIND_ACCOUNT = 1;
/** One storage slot. */
export const KIND_STORAGE = 2;
/**
 * 32-bit words per table slot in the keys array: the key (14 words), then at
 * TAG_WORD the slot's state tag (empty / claimed / ready). One 64-byte line:
 * a probe that hits touches one cache line (separate tag and key arrays cost
 * two or three misses per probe of a big table).
 */
export const KEY_WORDS = 16;
/** Where in a slot's key record its state tag lives. */
export const TAG_WORD = 15;

/** Words of a key that take part in hashing and comparison for this kind. */
export function keyWordsFor(kind: number): number {
  return kind === KIND_STORAGE ? 14 : 6;
}

/** A reusable key buffer: one per thread, filled before each table access. */
export class KeyScratch {
  readonly w64 = new BigUint64Array(7);
  readonly w32 = new Uint32Array(this.w64.buffer);
  kind = 0;
  hash = 0;

  /** Fills the scratch with (kind, address) and computes the hash. */
  setAccount(kind: number, address: bigint): void {
    const w = this.w64;
    w[0] = address;
    w[1] = address >> 64n;
    w[2] = address >> 128n;
    this.w32[5] = kind;
    this.kind = kind;
    this.hash = hashWords(this.w32, 6);
  }

  /** Fills the scratch with (kind, the address of the key stored at keys[base..]). */
  setFromKey(keys: Uint32Array, base: number, kind: number): void {
    const w = this.w32;
    for (let i = 0; i < 5; i++) w[i] = keys[base + i];
    w[5] = kind;
    this.kind = kind;
    this.hash = hashWords(w, 6);
  }

  /** Fills the scratch with (STORAGE, address, slot) and computes the hash. */
  setStorage(address: bigint, slot: bigint): void {
    const w = this.w64;
    w[0] = address;
    w[1] = address >> 64n;
    w[2] = address >> 128n;
    this.w32[5] = KIND_STORAGE;
    if (slot <= 0xffffffffffffffffn) {
      w[3] = slot;
      w[4] = 0n;
      w[5] = 0n;
      w[6] = 0n;
    } else {
      w[3] = slot;
      w[4] = slot >> 64n;
      w[5] = slot >> 128n;
      w[6] = slot >> 192n;
    }
    this.kind = KIND_STORAGE;
    this.hash = hashWords(this.w32, 14);
  }
}

/** A murmur3-style mix over the key's words: cheap, and spreads small slot numbers. */
export function hashWords(w: Uint32Array, n: number): number {
  let h = 0x9e3779b1;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(w[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether the key stored at `keys[base..]` equals the scratch's key. */
export function keyEquals(keys: Uint32Array, base: number, s: KeyScratch): boolean {
  const w = s.w32;
  const n = keyWordsFor(s.kind);
  for (let i = 0; i < n; i++) if (keys[base + i] !== w[i]) return false;
  return true;
}

/** Copies the scratch's key into `keys[base..]` (unused slot words zeroed). */
export function storeKey(keys: Uint32Array, base: number, s: KeyScratch): void {
  const w = s.w32;
  const n = keyWordsFor(s.kind);
  for (let i = 0; i < n; i++) keys[base + i] = w[i];
  for (let i = n; i < 14; i++) keys[base + i] = 0;
}

/** The kind stored in a key. */
export function keyKind(keys: Uint32Array, base: number): number {
  return keys[base + 5];
}

/** The address stored in a key. */
export function keyAddress(keys: Uint32Array, base: number): bigint {
  return (
    (BigInt(keys[base + 4]) << 128n) |
    (BigInt(keys[base + 3]) << 96n) |
    (BigInt(keys[base + 2]) << 64n) |
    (BigInt(keys[base + 1]) << 32n) |
    BigInt(keys[base])
  );
}

/** The slot stored in a STORAGE key. */
export function keySlot(keys: Uint32Array, base: number): bigint {
  let v = 0n;
  for (let i = 13; i >= 6; i--) v = (v << 32n) | BigInt(keys[base + i]);
  return v;
}

/** Smallest power of two >= n (and >= 16). */
export function pow2AtLeast(n: number): number {
  let c = 16;
  while (c < n) c *= 2;
  return c;
}
