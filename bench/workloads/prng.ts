/**
 * A small seeded PRNG so that a workload is the same block on every run and
 * every engine. sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator,
 * from PractRand): 128 bits of state, passes PractRand/BigCrush, and is a few
 * lines of 32-bit integer arithmetic. Not for cryptography: keys are derived
 * by hashing (keys.ts), not from this stream.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = (seed ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
    // Discard the first outputs: sfc32 mixes a low-entropy seed within ~12 rounds.
    for (let i = 0; i < 16; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer in [0, n), n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A bigint in [lo, hi], built from as many 32-bit draws as the range needs. */
  bigint(lo: bigint, hi: bigint): bigint {
    const range = hi - lo + 1n;
    let r = 0n;
    for (let bits = 0n; 1n << bits < range * 1024n; bits += 32n) r = (r << 32n) | BigInt(this.nextU32());
    return lo + (r % range);
  }

  /** Shuffles in place (Fisher-Yates). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
