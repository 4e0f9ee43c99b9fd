/**
 * 0x01 ECRECOVER (Frontier): hash (32) | v (32) | r (32) | s (32), input
 * right-padded to 128 bytes. Returns the signer's address left-padded to 32
 * bytes. An invalid signature is not a failure: the call succeeds with an
 * empty output. v must be exactly 27 or 28 as a full 32-byte word; r and s
 * must be in [1, n-1] (no low-s rule, unlike transactions after EIP-2).
 */
import { recoverAddress } from '../../crypto/secp256k1.js';
import { bigIntToBytes, bytesToBigInt } from '../../primitives/bytes.js';
import { EMPTY_BYTES, rightPad } from './common.js';
import type { Precompile } from './index.js';

const GAS = 3000n;

function run(input: Uint8Array): Uint8Array {
  const data = rightPad(input, 128);
  for (let i = 32; i < 63; i++) if (data[i] !== 0) return EMPTY_BYTES;
  const v = data[63];
  if (v !== 27 && v !== 28) return EMPTY_BYTES;
  const r = bytesToBigInt(data, 64, 96);
  const s = bytesToBigInt(data, 96, 128);
  const address = recoverAddress(data.subarray(0, 32), v - 27, r, s);
  return address === null ? EMPTY_BYTES : bigIntToBytes(address, 32);
}

export const ecrecover: Precompile = { gas: () => GAS, run };
