/**
 * 0x0a point evaluation (Cancun, EIP-4844): versioned_hash (32) | z (32) |
 * y (32) | commitment (48) | proof (48), exactly 192 bytes. Fails unless
 * the versioned hash matches the commitment and the KZG proof shows that
 * the committed polynomial takes the value y at z. Returns
 * FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte words. Gas 50000.
 */
import {
  BLS_MODULUS,
  FIELD_ELEMENTS_PER_BLOB,
  kzgToVersionedHash,
  verifyKzgProof,
} from '../../crypto/kzg.js';
import { bytesEqual, bytesToBigInt, writeBigInt } from '../../primitives/bytes.js';
import type { Precompile } from './index.js';

const GAS = 50000n;

/** The constant success output, copied per call so callers may keep it. */
const RESULT = new Uint8Array(64);
writeBigInt(RESULT, 0, FIELD_ELEMENTS_PER_BLOB, 32);
writeBigInt(RESULT, 32, BLS_MODULUS, 32);

function run(input: Uint8Array): Uint8Array | null {
  if (input.length !== 192) return null;
  const commitment = input.subarray(96, 144);
  if (!bytesEqual(kzgToVersionedHash(commitment), input.subarray(0, 32))) return null;
  const z = bytesToBigInt(input, 32, 64);
  const y = bytesToBigInt(input, 64, 96);
  if (!verifyKzgProof(commitment, z, y, input.subarray(144, 192))) return null;
  return RESULT.slice();
}

export const pointEvaluation: Precompile = { gas: () => GAS, run };
