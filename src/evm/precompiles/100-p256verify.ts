/**
 * 0x100 P256VERIFY (Osaka, EIP-7951): hash (32) | r (32) | s (32) | qx (32)
 * | qy (32), exactly 160 bytes. Returns the 32-byte word 1 for a valid
 * secp256r1 signature; any invalid input, including a wrong length, returns
 * empty output and the call still succeeds. Gas 6900.
 */
import { p256Verify } from '../../crypto/p256.js';
import { bytesToBigInt } from '../../primitives/bytes.js';
import { EMPTY_BYTES, wordOne } from './common.js';
import type { Precompile } from './index.js';

export const p256verify: Precompile = {
  gas: () => 6900n,
  run: (input) => {
    if (input.length !== 160) return EMPTY_BYTES;
    const ok = p256Verify(
      bytesToBigInt(input, 0, 32),
      bytesToBigInt(input, 32, 64),
      bytesToBigInt(input, 64, 96),
      bytesToBigInt(input, 96, 128),
      bytesToBigInt(input, 128, 160),
    );
    return ok ? wordOne() : EMPTY_BYTES;
  },
};
