/**
 * A disk cache for the slow part of building a big block: secp256k1 public
 * keys (≈45 µs each) and signatures (≈60 µs each). A 1-gigagas block of raw
 * transfers takes ≈9 s to build without it, ≈2 s with it.
 *
 * Generation is deterministic, so keys are derived and transactions signed
 * in the same order every time: the cache is just two arrays in that order
 * (sender addresses, then signatures), stored under .tmp/bench-cache/ and
 * named by everything that shapes the block. Whatever reads a workload
 * recovers every sender before executing and compares it with the expected
 * one, so a stale file cannot pass unnoticed; `makeWorkload` also recovers a
 * few senders of a cached block and rebuilds it when they disagree.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToBigInt, writeBigInt } from '../../src/primitives/bytes.js';

/** Bump when a generator changes what it derives or signs, or in what order. */
export const GENERATOR_VERSION = 1;
/** Blocks smaller than this build in well under a second: not worth a file. */
export const CACHE_MIN_TXS = 2000;

export interface Signature {
  v: bigint;
  r: bigint;
  s: bigint;
}

const ADDRESS_BYTES = 20;
const SIGNATURE_BYTES = 65;

function cacheDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, '.tmp', 'bench-cache');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '.bench-cache');
}

/**
 * Addresses and signatures in derivation order. On a miss it records what
 * the builder computes; `save` writes it. On a hit it replays the file.
 */
export class BlockCache {
  private readonly addresses: bigint[] = [];
  private readonly signatures: Signature[] = [];
  private nextAddr = 0;
  private nextSig = 0;
  private constructor(readonly path: string, readonly hit: boolean) {}

  /**
   * Opens the cache file for `id` (a file-name-safe description of the block);
   * with `reuse` false, ignores an existing file and overwrites it on save.
   */
  static open(id: string, reuse = true): BlockCache {
    const path = join(cacheDir(), `${id}-v${GENERATOR_VERSION}.bin`);
    if (!reuse || !existsSync(path)) return new BlockCache(path, false);
    const cache = new BlockCache(path, true);
    try {
      cache.load(readFileSync(path));
      return cache;
    } catch {
      return new BlockCache(path, false);
    }
  }

  /** A cache that neither reads nor writes. */
  static disabled(): BlockCache {
    return new BlockCache('', false);
  }

  address(compute: () => bigint): bigint {
    if (this.hit) return this.addresses[this.nextAddr++] ?? compute();
    const a = compute();
    this.addresses.push(a);
    return a;
  }

  signature(compute: () => Signature): Signature {
    if (this.hit) return this.signatures[this.nextSig++] ?? compute();
    const s = compute();
    this.signatures.push(s);
    return s;
  }

  /** Writes what a miss recorded (atomically: a half-written file is never read). */
  save(): void {
    if (this.hit || this.path === '') return;
    const buf = new Uint8Array(8 + this.addresses.length * ADDRESS_BYTES + this.signatures.length * SIGNATURE_BYTES);
    const view = new DataView(buf.buffer);
    view.setUint32(0, this.addresses.length);
    view.setUint32(4, this.signatures.length);
    let off = 8;
    for (const a of this.addresses) {
      writeBigInt(buf, off, a, ADDRESS_BYTES);
      off += ADDRESS_BYTES;
    }
    for (const s of this.signatures) {
      buf[off] = Number(s.v);
      writeBigInt(buf, off + 1, s.r, 32);
      writeBigInt(buf, off + 33, s.s, 32);
      off += SIGNATURE_BYTES;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, buf);
    renameSync(tmp, this.path);
  }

  private load(buf: Uint8Array): void {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const na = view.getUint32(0);
    const ns = view.getUint32(4);
    if (buf.length !== 8 + na * ADDRESS_BYTES + ns * SIGNATURE_BYTES) throw new Error('truncated cache file');
    let off = 8;
    for (let i = 0; i < na; i++, off += ADDRESS_BYTES) this.addresses.push(bytesToBigInt(buf, off, off + ADDRESS_BYTES));
    for (let i = 0; i < ns; i++, off += SIGNATURE_BYTES) {
      this.signatures.push({
        v: BigInt(buf[off]),
        r: bytesToBigInt(buf, off + 1, off + 33),
        s: bytesToBigInt(buf, off + 33, off + 65),
      });
    }
  }
}
