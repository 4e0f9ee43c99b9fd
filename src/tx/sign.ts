/**
 * Signing and sender recovery for transactions (EIP-155 for legacy v, y
 * parity for typed transactions) and EIP-7702 authorizations.
 *
 * Recovery runs on the native libsecp256k1 binding of src/crypto/secp256k1.ts;
 * its cost (one ECDSA recovery, ≈65 µs) dwarfs the RLP and keccak around it.
 */
import { recoverAddress, sign, SECP256K1_HALF_N, SECP256K1_N } from '../crypto/secp256k1.js';
import { authorizationSigningHash, chainIdFromV, signingHash } from './codec.js';
import { TxError } from './errors.js';
import type { Authorization, Transaction, UnsignedAuthorization, UnsignedTransaction } from './types.js';

/**
 * Signs a transaction. Legacy: v = 27 + recovery without a chain id, or
 * chainId * 2 + 35 + recovery with one (EIP-155). Typed: v is the y parity.
 */
export function signTransaction(unsigned: UnsignedTransaction, privateKey: Uint8Array): Transaction {
  const { r, s, recovery } = sign(signingHash(unsigned), privateKey);
  const rec = BigInt(recovery);
  let v: bigint;
  if (unsigned.type !== 0) v = rec;
  else if (unsigned.chainId === undefined) v = 27n + rec;
  else v = unsigned.chainId * 2n + 35n + rec;
  return withSignature(unsigned, v, r, s);
}

/**
 * The signed transaction: every field copied into one object literal, in
 * the order decodeTransaction writes them, so that all transactions share
 * one hidden class. `{ ...unsigned, v, r, s }` gave nearly every transaction
 * its own (575 maps for 583 benchmark transactions), which made each read of
 * a transaction field on the execution path a megamorphic lookup: raw
 * transfers ran ~3x slower (docs/benchmarks.md).
 */
export function withSignature(u: UnsignedTransaction, v: bigint, r: bigint, s: bigint): Transaction {
  return {
    type: u.type,
    chainId: u.chainId,
    nonce: u.nonce,
    gasPrice: u.gasPrice,
    maxFeePerGas: u.maxFeePerGas,
    maxPriorityFeePerGas: u.maxPriorityFeePerGas,
    gasLimit: u.gasLimit,
    to: u.to,
    value: u.value,
    data: u.data,
    accessList: u.accessList,
    maxFeePerBlobGas: u.maxFeePerBlobGas,
    blobVersionedHashes: u.blobVersionedHashes,
    authorizationList: u.authorizationList,
    v,
    r,
    s,
  };
}

export interface RecoverOptions {
  /** Accept s > n/2: only Frontier does (EIP-2 made high s invalid from Homestead). */
  allowHighS?: boolean;
}

/** The recovery id (0/1) that a transaction's v encodes, or -1 if v is malformed. */
function recoveryId(tx: Transaction): number {
  const v = tx.v;
  if (tx.type !== 0) return v === 0n || v === 1n ? Number(v) : -1;
  if (v === 27n || v === 28n) return tx.chainId === undefined ? Number(v - 27n) : -1;
  // EIP-155: v = chainId * 2 + 35 + recovery; v must agree with the chain id the hash commits to.
  if (v < 35n || tx.chainId === undefined || chainIdFromV(v) !== tx.chainId) return -1;
  return Number((v - 35n) & 1n);
}

/**
 * The sender of a signed transaction. Throws `TxError('INVALID_SIGNATURE')`
 * for a malformed v, r or s outside [1, n-1], s above n/2 (EIP-2, unless
 * `allowHighS`), or a signature that recovers no key.
 */
export function recoverSender(tx: Transaction, opts?: RecoverOptions): bigint {
  const rec = recoveryId(tx);
  if (rec < 0) throw new TxError('INVALID_SIGNATURE', `v = ${tx.v} is not a valid ${tx.type === 0 ? 'legacy v' : 'y parity'} for this transaction`);
  if (tx.r === 0n || tx.r >= SECP256K1_N) throw new TxError('INVALID_SIGNATURE', 'r is outside [1, n-1]');
  if (tx.s === 0n || tx.s >= SECP256K1_N) throw new TxError('INVALID_SIGNATURE', 's is outside [1, n-1]');
  if (tx.s > SECP256K1_HALF_N && !opts?.allowHighS) throw new TxError('INVALID_SIGNATURE', 's is above n/2 (EIP-2 requires low s)');
  const sender = recoverAddress(signingHash(tx), rec, tx.r, tx.s);
  if (sender === null) throw new TxError('INVALID_SIGNATURE', 'the signature recovers no public key');
  return sender;
}

/**
 * The authority (signer) of an EIP-7702 authorization, or null when the
 * tuple must be skipped: y parity not 0/1, r or s out of range, s above n/2,
 * or no key recovers. Chain id and nonce checks need state and the chain, so
 * they belong to the caller.
 */
export function recoverAuthority(auth: Authorization): bigint | null {
  if (auth.yParity > 1n) return null;
  if (auth.r === 0n || auth.r >= SECP256K1_N) return null;
  if (auth.s === 0n || auth.s > SECP256K1_HALF_N) return null;
  return recoverAddress(authorizationSigningHash(auth), Number(auth.yParity), auth.r, auth.s);
}

/** Signs an EIP-7702 authorization (for tests and tools). */
export function signAuthorization(unsigned: UnsignedAuthorization, privateKey: Uint8Array): Authorization {
  const { r, s, recovery } = sign(authorizationSigningHash(unsigned), privateKey);
  return { chainId: unsigned.chainId, address: unsigned.address, nonce: unsigned.nonce, yParity: BigInt(recovery), r, s };
}
