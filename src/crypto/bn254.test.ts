/**
 * src/crypto/bn254.ts (mcl-wasm) against @noble/curves as an independent
 * reference: group law and scalar multiplication on random inputs, the
 * EIP-196/197 decoding rules, pairing checks (including the G2 cache), and
 * the module loading inside a worker thread, as the parallel executor does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { bn254 } from '@noble/curves/bn254.js';
import { bigIntToBytes, concatBytes } from '../primitives/bytes.js';
import { bytesToHex } from '../primitives/hex.js';
import { decodeG1, decodeG2, encodeG1, g1Add, g1Mul, pairingCheck } from './bn254.js';

type NobleG1 = InstanceType<typeof bn254.G1.Point>;
type NobleG2 = InstanceType<typeof bn254.G2.Point>;

const G1 = bn254.G1.Point;
const G2 = bn254.G2.Point;
const P = bn254.fields.Fp.ORDER;
const N = bn254.fields.Fr.ORDER;
const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);
const g1Bytes = (p: NobleG1): Uint8Array => (p.is0() ? new Uint8Array(64) : concatBytes(word(p.toAffine().x), word(p.toAffine().y)));
function g2Bytes(p: NobleG2): Uint8Array {
  const { x, y } = p.toAffine();
  return concatBytes(word(x.c1), word(x.c0), word(y.c1), word(y.c0)); // EIP-197: imaginary part first
}
/** A deterministic pseudo-random 256-bit value (xorshift on a seed). */
function rand256(seed: number): bigint {
  let s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  let out = 0n;
  for (let i = 0; i < 4; i++) {
    s ^= (s << 13n) & ((1n << 64n) - 1n);
    s ^= s >> 7n;
    s ^= (s << 17n) & ((1n << 64n) - 1n);
    out = (out << 64n) | (s & ((1n << 64n) - 1n));
  }
  return out;
}
const nobleMul = (s: bigint): NobleG1 => (s % N === 0n ? G1.ZERO : G1.BASE.multiply(s % N));
const decode1 = (p: NobleG1) => decodeG1(g1Bytes(p), 0)!;

test('G1 add and mul agree with noble on random points and scalars', () => {
  for (let i = 0; i < 12; i++) {
    const a = nobleMul(rand256(2 * i + 1));
    const b = nobleMul(rand256(2 * i + 2));
    const s = rand256(100 + i); // a full 256-bit scalar, usually >= n
    assert.equal(bytesToHex(encodeG1(g1Add(decode1(a), decode1(b)))), bytesToHex(g1Bytes(a.add(b))));
    assert.equal(bytesToHex(encodeG1(g1Mul(decode1(a), s))), bytesToHex(g1Bytes(s % N === 0n ? G1.ZERO : a.multiply(s % N))));
  }
  const g = decode1(G1.BASE);
  for (const s of [0n, 1n, 2n, N - 1n, N, N + 1n, (1n << 256n) - 1n]) {
    assert.equal(bytesToHex(encodeG1(g1Mul(g, s))), bytesToHex(g1Bytes(nobleMul(s))), `scalar ${s}`);
  }
  // Doubling through add, P + (-P), and the point at infinity on either side.
  assert.equal(bytesToHex(encodeG1(g1Add(g, g))), bytesToHex(g1Bytes(G1.BASE.double())));
  assert.deepEqual(encodeG1(g1Add(g, decode1(G1.BASE.negate()))), new Uint8Array(64));
  const inf = decodeG1(new Uint8Array(64), 0)!;
  assert.deepEqual(encodeG1(g1Add(inf, g)), g1Bytes(G1.BASE));
  assert.deepEqual(encodeG1(g1Mul(inf, 5n)), new Uint8Array(64));
});

test('encodeG1 keeps leading zero bytes of small coordinates', () => {
  // Walk k·G until a coordinate has a zero top byte (about 1 in 128 points).
  let p = G1.BASE;
  let found = 0;
  for (let k = 1; k < 3000 && found < 2; k++, p = p.add(G1.BASE)) {
    const { x, y } = p.toAffine();
    if (x >> 248n === 0n || y >> 248n === 0n) {
      assert.deepEqual(encodeG1(decode1(p)), g1Bytes(p));
      assert.deepEqual(encodeG1(g1Add(decode1(p.subtract(G1.BASE)), decode1(G1.BASE))), g1Bytes(p));
      found++;
    }
  }
  assert.equal(found, 2);
});

test('decodeG1: coordinates >= p and points off the curve are rejected, (0, 0) is infinity', () => {
  assert.ok(decodeG1(new Uint8Array(64), 0)!.isZero());
  assert.ok(decodeG1(g1Bytes(G1.BASE), 0) !== null);
  assert.equal(decodeG1(concatBytes(word(1n), word(2n + P)), 0), null);
  assert.equal(decodeG1(concatBytes(word(1n + P), word(2n)), 0), null);
  assert.equal(decodeG1(concatBytes(word(P), word(0n)), 0), null); // p ≡ 0: still rejected
  assert.equal(decodeG1(concatBytes(word(0n), word(P)), 0), null);
  assert.equal(decodeG1(concatBytes(word(P - 1n), word(P - 1n)), 0), null); // in range, off the curve
  assert.equal(decodeG1(concatBytes(word(0n), word(1n)), 0), null);
  assert.equal(decodeG1(concatBytes(word(1n), word(0n)), 0), null);
  assert.equal(decodeG1(concatBytes(new Uint8Array(32).fill(0xff), word(2n)), 0), null);
  // The offset is honoured.
  assert.deepEqual(encodeG1(decodeG1(concatBytes(new Uint8Array(7), g1Bytes(G1.BASE)), 7)!), g1Bytes(G1.BASE));
});

/** A point on the twist outside the order-n subgroup: lift some x to the curve. */
function nonSubgroupG2(): NobleG2 {
  const Fp2 = bn254.fields.Fp2;
  const b = G2.CURVE().b;
  for (let i = 1n; ; i++) {
    const x = Fp2.fromBigTuple([i, 3n]);
    let y;
    try {
      y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const point = G2.fromAffine({ x, y });
    if (!point.isTorsionFree()) return point;
  }
}

test('decodeG2: range, twist and subgroup checks (EIP-197), also once the point was cached', () => {
  assert.equal(decodeG2(new Uint8Array(128), 0)!.key, null); // infinity
  const gen = g2Bytes(G2.BASE);
  assert.ok(decodeG2(gen, 0) !== null);
  for (let w = 0; w < 4; w++) {
    const bad = gen.slice();
    bad.set(word(P + (w === 0 ? 0n : 1n)), 32 * w);
    assert.equal(decodeG2(bad, 0), null, `word ${w} >= p`);
  }
  const swapped = concatBytes(gen.subarray(32, 64), gen.subarray(0, 32), gen.subarray(96), gen.subarray(64, 96));
  assert.equal(decodeG2(swapped, 0), null); // re/im swapped: off the twist
  const outside = g2Bytes(nonSubgroupG2());
  assert.equal(decodeG2(outside, 0), null);
  // A pairing with the generator puts it in the cache; lookups stay exact.
  const one = g1Bytes(G1.BASE);
  assert.equal(pairingCheck([{ g1: decodeG1(one, 0)!, g2: decodeG2(gen, 0)! }]), false);
  assert.ok(decodeG2(gen, 0) !== null);
  assert.equal(decodeG2(outside, 0), null);
  const nearly = gen.slice();
  nearly[127]! ^= 1;
  assert.equal(decodeG2(nearly, 0), null);
});

/** k pairs (a_i·G1, Q_i) with distinct Q_i whose pairing product is one when `balanced`. */
function pairs(k: number, seed: number, balanced: boolean): { g1: Uint8Array; g2: Uint8Array }[] {
  const out: { g1: Uint8Array; g2: Uint8Array }[] = [];
  let q = G2.BASE.multiply((rand256(seed) % (N - 1n)) + 1n);
  let sum = 0n;
  let b = 0n;
  for (let i = 0; i < k; i++) {
    b = i === 0 ? (rand256(seed) % (N - 1n)) + 1n : b + 1n; // Q_i = b_i·G2, b_i consecutive
    if (i > 0) q = q.add(G2.BASE);
    const a = i === k - 1 ? (((N - sum) % N) * bn254.fields.Fr.inv(b)) % N : (rand256(seed + 1000 + i) % (N - 1n)) + 1n;
    if (i < k - 1) sum = (sum + a * b) % N;
    out.push({ g1: g1Bytes(nobleMul(balanced || i < k - 1 ? a : a + 1n)), g2: g2Bytes(q) });
  }
  return out;
}
function check(list: { g1: Uint8Array; g2: Uint8Array }[]): boolean {
  return pairingCheck(list.map((p) => ({ g1: decodeG1(p.g1, 0)!, g2: decodeG2(p.g2, 0)! })));
}

test('pairingCheck: bilinearity on random pairs, repeated calls through the G2 cache', () => {
  assert.equal(pairingCheck([]), true);
  for (let round = 0; round < 3; round++) {
    // The same inputs again: the second and third rounds hit the cache.
    assert.equal(check(pairs(2, 1, true)), true);
    assert.equal(check(pairs(2, 1, false)), false);
    assert.equal(check(pairs(4, 2, true)), true);
    assert.equal(check(pairs(4, 2, false)), false);
  }
  // Pairs with a point at infinity contribute one.
  const list = pairs(3, 3, true);
  list.push({ g1: new Uint8Array(64), g2: g2Bytes(G2.BASE) }, { g1: g1Bytes(G1.BASE), g2: new Uint8Array(128) });
  assert.equal(check(list), true);
  // Agrees with noble's pairing on random sets, balanced or not.
  for (const balanced of [true, false]) {
    const a = rand256(21) % N;
    const b = rand256(22) % N;
    const c = balanced ? (a * b) % N : (a * b + 1n) % N;
    const nobleOne = bn254.fields.Fp12.eql(
      bn254.pairingBatch([
        { g1: G1.BASE.multiply(a), g2: G2.BASE.multiply(b) },
        { g1: G1.BASE.multiply(c).negate(), g2: G2.BASE },
      ]),
      bn254.fields.Fp12.ONE,
    );
    const ours = check([
      { g1: g1Bytes(G1.BASE.multiply(a)), g2: g2Bytes(G2.BASE.multiply(b)) },
      { g1: g1Bytes(G1.BASE.multiply(c).negate()), g2: g2Bytes(G2.BASE) },
    ]);
    assert.equal(ours, nobleOne);
    assert.equal(ours, balanced);
  }
});

test('pairingCheck: more distinct G2 points in one call than the cache holds, then reuse', () => {
  const big = pairs(40, 11, true); // 40 distinct G2 points > G2_CACHE_SIZE
  assert.equal(check(big), true);
  assert.equal(check(pairs(2, 1, true)), true); // evicts from a cache over its size
  assert.equal(check(big), true);
  const unbalanced = pairs(40, 11, false);
  assert.equal(check(unbalanced), false);
  assert.equal(check(big.slice(0, 20)), false);
});

test('the module loads and computes inside a worker thread', async () => {
  // Under tsx the worker needs tsx's loader registered in its own thread.
  const here = import.meta.url;
  const target = JSON.stringify(here.replace(/\.test\.(ts|js)$/, '.$1'));
  const body = `const m = await import(${target});
    const { parentPort } = await import('node:worker_threads');
    const g = new Uint8Array(64); g[31] = 1; g[63] = 2;
    parentPort.postMessage(Array.from(m.encodeG1(m.g1Mul(m.decodeG1(g, 0), 12345n))));`;
  const code = here.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((t) => { t.register(); return (async () => { ${body} })(); })`
    : `(async () => { ${body} })()`;
  const worker = new Worker(code, { eval: true });
  const result = await new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(Uint8Array.from(result), g1Bytes(G1.BASE.multiply(12345n)));
});
