import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bigIntToBytes, concatBytes } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { bytesToHex, hexToBytes } from '../../primitives/hex.js';
import { modexp, modPow } from './05-modexp.js';

const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn; // secp256k1's p

/** Header plus the three values written with the given byte lengths. */
function encode(base: bigint, baseLen: number, exp: bigint, expLen: number, mod: bigint, modLen: number): Uint8Array {
  return concatBytes(
    word(BigInt(baseLen)),
    word(BigInt(expLen)),
    word(BigInt(modLen)),
    bigIntToBytes(base, baseLen),
    bigIntToBytes(exp, expLen),
    bigIntToBytes(mod, modLen),
  );
}

test('EIP-198 example 1: 3^(p-1) mod p = 1 (Fermat), with gas per fork', () => {
  const input = encode(3n, 1, P - 1n, 32, P, 32);
  assert.deepEqual(modexp.run(input, Fork.Byzantium), word(1n));
  // complexity(32) = 1024, adjusted exponent length 255: 1024 * 255 / 20
  assert.equal(modexp.gas(input, Fork.Byzantium), 13056n);
  // EIP-2565: ceil(32/8)^2 = 16, 16 * 255 / 3
  assert.equal(modexp.gas(input, Fork.Berlin), 1360n);
  // EIP-7883: 16 * 255, no division
  assert.equal(modexp.gas(input, Fork.Osaka), 4080n);
});

test('EIP-198 example 2: an empty base gives 0; the output has the modulus length', () => {
  const input = concatBytes(word(0n), word(32n), word(32n), word(P - 1n), word(P));
  assert.deepEqual(modexp.run(input, Fork.Byzantium), new Uint8Array(32));
  const short = encode(2n, 1, 10n, 1, 1000n, 5);
  assert.equal(bytesToHex(modexp.run(short, Fork.Osaka)!), '0x0000000018'); // 1024 mod 1000
});

test('EIP-198 example 3: a huge modulus length makes the gas huge, and fails in Osaka', () => {
  const input = hexToBytes(
    '0x' +
      '0000000000000000000000000000000000000000000000000000000000000000' +
      '0000000000000000000000000000000000000000000000000000000000000020' +
      'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' +
      'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e',
  );
  assert.ok(modexp.gas(input, Fork.Byzantium) > 1n << 200n);
  assert.ok(modexp.gas(input, Fork.Berlin) > 1n << 200n);
  assert.ok(modexp.gas(input, Fork.Osaka) >= 1n << 64n);
  assert.equal(modexp.run(input, Fork.Osaka), null);
});

test('minimum gas: 0 in Byzantium, 200 from Berlin, 500 in Osaka', () => {
  const input = encode(2n, 1, 1n, 1, 3n, 1);
  assert.equal(modexp.gas(input, Fork.Byzantium), 0n); // 1 * 1 / 20
  assert.equal(modexp.gas(input, Fork.Berlin), 200n);
  assert.equal(modexp.gas(input, Fork.Osaka), 500n);
  assert.equal(modexp.gas(new Uint8Array(0), Fork.Osaka), 500n);
  assert.deepEqual(modexp.run(new Uint8Array(0), Fork.Osaka), new Uint8Array(0));
});

test('long exponents: 8 (16 in Osaka) iterations per byte past the first 32', () => {
  // A 40-byte exponent 2^311: its first 32 bytes hold 2^247 (bit length 248, so 247 iterations).
  const exp = 1n << 311n;
  const input = encode(2n, 1, exp, 40, 5n, 1);
  assert.equal(modexp.gas(input, Fork.Byzantium), (1n * (8n * 8n + 247n)) / 20n);
  assert.equal(modexp.gas(input, Fork.Berlin), 200n); // 1 * (64 + 247) / 3 = 103, below the minimum
  const wide = encode(2n, 64, exp, 40, 5n, 1);
  assert.equal(modexp.gas(wide, Fork.Berlin), (64n * (8n * 8n + 247n)) / 3n);
  // Osaka: max length <= 32 gives complexity 16; 16 * 8 + 247 iterations.
  assert.equal(modexp.gas(input, Fork.Osaka), 16n * (16n * 8n + 247n));
  assert.equal(modexp.gas(wide, Fork.Osaka), 2n * 64n * (16n * 8n + 247n));
  assert.deepEqual(modexp.run(input, Fork.Osaka), bigIntToBytes(modPow(2n, exp, 5n), 1));
});

test('EIP-7823: lengths up to 1024 bytes run in Osaka, 1025 fail (earlier forks have no bound)', () => {
  const ok = encode(3n, 1024, 5n, 1, 7n, 1);
  assert.deepEqual(modexp.run(ok, Fork.Osaka), bigIntToBytes(modPow(3n, 5n, 7n), 1));
  for (const bad of [encode(3n, 1025, 5n, 1, 7n, 1), encode(3n, 1, 5n, 1025, 7n, 1), encode(3n, 1, 5n, 1, 7n, 1025)]) {
    assert.equal(modexp.run(bad, Fork.Osaka), null);
    assert.equal(modexp.gas(bad, Fork.Osaka), 1n << 64n);
    assert.notEqual(modexp.run(bad, Fork.Prague), null);
  }
});

test('modulus 0 or 1 gives zeros; zero exponent gives 1; values past the input read as zero', () => {
  assert.deepEqual(modexp.run(encode(5n, 1, 3n, 1, 0n, 2), Fork.Osaka), new Uint8Array(2));
  assert.deepEqual(modexp.run(encode(5n, 1, 3n, 1, 1n, 2), Fork.Osaka), new Uint8Array(2));
  assert.deepEqual(modexp.run(encode(5n, 1, 0n, 1, 7n, 1), Fork.Osaka), new Uint8Array([1]));
  assert.deepEqual(modexp.run(encode(0n, 1, 0n, 1, 7n, 1), Fork.Osaka), new Uint8Array([1]));
  // Modulus length 2 but only its first byte present: 0x07 -> 0x0700.
  const truncated = encode(3n, 1, 5n, 1, 7n, 1);
  truncated.set(word(2n), 64);
  assert.deepEqual(modexp.run(truncated, Fork.Osaka), bigIntToBytes(modPow(3n, 5n, 0x700n), 2));
});

test('modPow agrees with square-and-multiply on random-ish inputs', () => {
  let x = 0x1234567890abcdefn;
  for (let i = 0; i < 20; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 256n) - 1n);
    const base = x >> 3n;
    const exp = x >> 100n;
    const mod = (x >> 50n) | 3n;
    let expect = 1n;
    let b = base % mod;
    for (let e = exp; e > 0n; e >>= 1n) {
      if (e & 1n) expect = (expect * b) % mod;
      b = (b * b) % mod;
    }
    assert.equal(modPow(base, exp, mod), expect);
  }
});
