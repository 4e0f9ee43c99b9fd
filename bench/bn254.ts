/**
 * Speed of the alt_bn128 precompiles 0x06-0x08 through their `run`
 * functions: ECADD, ECMUL with a full 256-bit scalar, and pairing checks of
 * 2 and 6 pairs (a Groth16 verifier does 4; 6 bounds the common cases).
 * Run: npx tsx bench/bn254.ts   (not part of the test suite)
 *
 * Inputs are built with @noble/curves, independent of src/crypto/bn254.ts,
 * so this script times whichever implementation that module uses.
 */
import { bn254 } from '@noble/curves/bn254.js';
import { bigIntToBytes, concatBytes } from '../src/primitives/bytes.js';
import { Fork } from '../src/primitives/fork.js';
import { bn254Add } from '../src/evm/precompiles/06-bn254-add.js';
import { bn254Mul } from '../src/evm/precompiles/07-bn254-mul.js';
import { bn254Pairing } from '../src/evm/precompiles/08-bn254-pairing.js';
import type { Precompile } from '../src/evm/precompiles/index.js';

type G1 = InstanceType<typeof bn254.G1.Point>;
type G2 = InstanceType<typeof bn254.G2.Point>;

const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);
const g1Bytes = (p: G1): Uint8Array => {
  const { x, y } = p.toAffine();
  return concatBytes(word(x), word(y));
};
const g2Bytes = (p: G2): Uint8Array => {
  const { x, y } = p.toAffine();
  return concatBytes(word(x.c1), word(x.c0), word(y.c1), word(y.c0));
};
const G1_BASE = bn254.G1.Point.BASE;
const G2_BASE = bn254.G2.Point.BASE;

/**
 * k pairs (a_i·G1, b_i·G2) whose pairing product is one: the last pair
 * cancels the others. `salt` varies the G2 points, so that inputs with
 * different salts share none (verifiers repeat theirs; see src/crypto/bn254.ts).
 */
function pairingInput(k: number, salt = 0): Uint8Array {
  const n = bn254.fields.Fr.ORDER;
  const parts: Uint8Array[] = [];
  let sum = 0n;
  for (let i = 0; i < k; i++) {
    const a = 1234567n + BigInt(i) * 7919n;
    const b = 7654321n + BigInt(i) * 104729n + BigInt(salt) * 1000003n;
    if (i === k - 1) {
      parts.push(g1Bytes(G1_BASE.multiply(((n - sum) * inverse(b, n)) % n)), g2Bytes(G2_BASE.multiply(b)));
    } else {
      sum = (sum + a * b) % n;
      parts.push(g1Bytes(G1_BASE.multiply(a)), g2Bytes(G2_BASE.multiply(b)));
    }
  }
  return concatBytes(...parts);
}

function inverse(a: bigint, n: bigint): bigint {
  return bn254.fields.Fr.inv(a % n);
}

function measure(label: string, pre: Precompile, inputs: Uint8Array[], iterations: number, expectOne = false): void {
  for (const input of inputs) {
    const out = pre.run(input, Fork.Osaka);
    if (out === null) throw new Error(`${label}: call failed`);
    if (expectOne && out[31] !== 1) throw new Error(`${label}: pairing check is not one`);
  }
  for (let i = 0; i < Math.min(iterations, 100); i++) pre.run(inputs[i % inputs.length]!, Fork.Osaka); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) pre.run(inputs[i % inputs.length]!, Fork.Osaka);
  const us = Number(process.hrtime.bigint() - start) / 1000 / iterations;
  console.log(`${label.padEnd(24)} ${us.toFixed(1).padStart(9)} µs/call  (${iterations} calls)`);
}

const scale = Number(process.env.SCALE ?? 1);
const A = g1Bytes(G1_BASE.multiply(0xdeadbeefn));
const B = g1Bytes(G1_BASE.multiply(0xcafebaben));
measure('ecAdd', bn254Add, [concatBytes(A, B)], Math.ceil(20000 * scale));
measure('ecMul', bn254Mul, [concatBytes(A, word((1n << 256n) - 0x1234567n))], Math.ceil(500 * scale));
measure('ecPairing x2', bn254Pairing, [pairingInput(2)], Math.ceil(40 * scale), true);
measure('ecPairing x6', bn254Pairing, [pairingInput(6)], Math.ceil(20 * scale), true);
// Every call with G2 points not seen before (a pairing cache never hits).
const fresh = Array.from({ length: 40 }, (_, salt) => pairingInput(2, salt + 1));
measure('ecPairing x2, new G2s', bn254Pairing, fresh, 40, true);
