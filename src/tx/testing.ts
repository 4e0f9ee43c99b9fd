/**
 * Test helpers: small, valid transactions of each type to modify in tests.
 * Internal to the tests of src/tx (and usable by other tests); not part of
 * the library's API.
 */
import { hexToBytes } from '../primitives/hex.js';
import type { TxType, UnsignedTransaction } from './types.js';

/** Hardhat's first development key; its address is 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266. */
export const TEST_KEY = hexToBytes('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
export const TEST_KEY_ADDRESS = 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n;

/** A blob versioned hash with the KZG version byte (EIP-4844). */
export function blobHash(fill: number): Uint8Array {
  const h = new Uint8Array(32).fill(fill);
  h[0] = 0x01;
  return h;
}

/**
 * A valid unsigned transaction of `type` on chain 1 (legacy: EIP-155), a
 * call with 3 bytes of data and gas to spare; `overrides` replace fields.
 */
export function sampleTx(type: TxType, overrides: Partial<UnsignedTransaction> = {}): UnsignedTransaction {
  const dynamicFee = type >= 2;
  const tx: UnsignedTransaction = {
    type,
    chainId: 1n,
    nonce: 7n,
    gasPrice: dynamicFee ? 30_000_000_000n : 20_000_000_000n,
    maxFeePerGas: dynamicFee ? 30_000_000_000n : 20_000_000_000n,
    maxPriorityFeePerGas: dynamicFee ? 2_000_000_000n : 20_000_000_000n,
    gasLimit: 100_000n,
    to: 0x3535353535353535353535353535353535353535n,
    value: 10n ** 18n,
    data: Uint8Array.of(0x00, 0x12, 0xff),
    accessList: type >= 1 ? [{ address: 0x1234n, storageKeys: [0n, 1n << 255n] }] : [],
    maxFeePerBlobGas: type === 3 ? 100n : 0n,
    blobVersionedHashes: type === 3 ? [blobHash(0xaa), blobHash(0xbb)] : [],
    authorizationList:
      type === 4 ? [{ chainId: 1n, address: 0xdeadn, nonce: 3n, yParity: 1n, r: 0x1111n, s: 0x2222n }] : [],
  };
  return { ...tx, ...overrides };
}
