/**
 * Static transaction validity: every rule that needs the transaction, the
 * fork and a few block parameters, but no account state. (Nonce, balance
 * and SENDER_NOT_EOA checks need state and live with the executor.)
 *
 * Each failure is a `TxError` whose code is the execution-spec-tests name,
 * so a rejection can be compared with a fixture's `expectException`.
 * Checks run in the order: type by fork, chain id, shape, nonce and size,
 * fees, gas; fixtures that could fail on several rules list alternatives.
 */
import { Fork } from '../primitives/fork.js';
import { TxError, type TxErrorCode } from './errors.js';
import { floorDataGas, intrinsicGas } from './intrinsic.js';
import type { UnsignedTransaction } from './types.js';

/** EIP-2681: a nonce must stay below 2^64 - 1 so that it can still be incremented. */
export const MAX_NONCE = 2n ** 64n - 1n;
/** EIP-3860: MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE (24576). */
export const MAX_INITCODE_SIZE = 49152;
/** EIP-7825 (Osaka): TX_GAS_LIMIT_CAP. */
export const TX_GAS_LIMIT_CAP = 2n ** 24n;
/** EIP-7594 (Osaka): MAX_BLOBS_PER_TX. */
export const MAX_BLOBS_PER_TX = 6;
/** EIP-4844: VERSIONED_HASH_VERSION_KZG, the first byte of a blob versioned hash. */
export const VERSIONED_HASH_VERSION_KZG = 0x01;

const UINT256_LIMIT = 2n ** 256n;

/** The fork that introduced each transaction type (EIP-2930, EIP-1559, EIP-4844, EIP-7702). */
const TYPE_FORK: readonly Fork[] = [Fork.Frontier, Fork.Berlin, Fork.London, Fork.Cancun, Fork.Prague];
/** Index = type; type 0 is valid from Frontier, so its entry is never used. */
const PRE_FORK_CODE: readonly TxErrorCode[] = ['TYPE_NOT_SUPPORTED', 'TYPE_1_TX_PRE_FORK', 'TYPE_2_TX_PRE_FORK', 'TYPE_3_TX_PRE_FORK', 'TYPE_4_TX_PRE_FORK'];

export interface TxLimits {
  /** The fork's blob schedule maximum (EIP-4844/EIP-7691); a type-3 tx may not carry more. */
  maxBlobsPerBlock: number;
  /** The chain's id: a transaction signed for another chain is INVALID_CHAINID (EIP-155). */
  chainId?: bigint;
  /** The block's gas limit: a transaction asking for more is GAS_ALLOWANCE_EXCEEDED. */
  blockGasLimit?: bigint;
  /** The block's base fee (London+): a max fee below it is INSUFFICIENT_MAX_FEE_PER_GAS. */
  baseFee?: bigint;
  /** The block's blob base fee (Cancun+): a blob fee cap below it is INSUFFICIENT_MAX_FEE_PER_BLOB_GAS. */
  blobBaseFee?: bigint;
}

/**
 * Throws the `TxError` of the first static rule `tx` breaks under `fork`.
 * A caller that needs the intrinsic gas and the EIP-7623 floor anyway (the
 * executor) passes them, so they are computed once per transaction.
 */
export function validateTransaction(tx: UnsignedTransaction, fork: Fork, limits: TxLimits, intrinsic?: bigint, floor?: bigint): void {
  if (fork < TYPE_FORK[tx.type]) {
    throw new TxError(PRE_FORK_CODE[tx.type], `type-${tx.type} transactions are not valid before ${Fork[TYPE_FORK[tx.type]]}`);
  }
  checkChainId(tx, fork, limits.chainId);
  if (tx.type === 3) checkBlobShape(tx, fork, limits.maxBlobsPerBlock);
  else if (tx.type === 4) checkSetCodeShape(tx);
  if (tx.nonce >= MAX_NONCE) throw new TxError('NONCE_IS_MAX', `nonce ${tx.nonce} is at or above 2^64-1 (EIP-2681)`);
  if (tx.to === undefined && fork >= Fork.Shanghai && tx.data.length > MAX_INITCODE_SIZE) {
    throw new TxError('INITCODE_SIZE_EXCEEDED', `initcode is ${tx.data.length} bytes, over the ${MAX_INITCODE_SIZE}-byte limit (EIP-3860)`);
  }
  checkFees(tx, limits);
  checkGas(tx, fork, limits, intrinsic ?? intrinsicGas(tx, fork), floor ?? floorDataGas(tx, fork));
}

function checkChainId(tx: UnsignedTransaction, fork: Fork, chainId: bigint | undefined): void {
  if (tx.chainId === undefined) return;
  // Before EIP-155 a legacy v had to be 27 or 28: a chain id cannot be encoded.
  if (tx.type === 0 && fork < Fork.SpuriousDragon) {
    throw new TxError('INVALID_SIGNATURE', 'an EIP-155 signature (v >= 35) is not valid before SpuriousDragon');
  }
  if (chainId !== undefined && tx.chainId !== chainId) {
    throw new TxError('INVALID_CHAINID', `transaction is signed for chain ${tx.chainId}, this chain is ${chainId}`);
  }
}

/**
 * EIP-4844 shape rules. The per-block allowance goes before the per-tx cap:
 * the Osaka fixtures reject 10 blobs (over a block's 9) with the allowance
 * code alone, and 7..9 blobs with the per-tx count code.
 */
function checkBlobShape(tx: UnsignedTransaction, fork: Fork, maxBlobsPerBlock: number): void {
  if (tx.to === undefined) throw new TxError('TYPE_3_TX_CONTRACT_CREATION', 'a blob transaction cannot create a contract');
  const hashes = tx.blobVersionedHashes;
  if (hashes.length === 0) throw new TxError('TYPE_3_TX_ZERO_BLOBS', 'a blob transaction must carry at least one blob');
  if (hashes.length > maxBlobsPerBlock) {
    throw new TxError('TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED', `${hashes.length} blobs exceed the block maximum of ${maxBlobsPerBlock}`);
  }
  if (fork >= Fork.Osaka && hashes.length > MAX_BLOBS_PER_TX) {
    throw new TxError('TYPE_3_TX_BLOB_COUNT_EXCEEDED', `${hashes.length} blobs exceed the per-transaction maximum of ${MAX_BLOBS_PER_TX} (EIP-7594)`);
  }
  for (let i = 0; i < hashes.length; i++) {
    if (hashes[i][0] !== VERSIONED_HASH_VERSION_KZG) {
      throw new TxError('TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH', `blobVersionedHashes[${i}] has version 0x${hashes[i][0].toString(16).padStart(2, '0')}, expected 0x01`);
    }
  }
}

/** EIP-7702 shape rules. */
function checkSetCodeShape(tx: UnsignedTransaction): void {
  if (tx.to === undefined) throw new TxError('TYPE_4_TX_CONTRACT_CREATION', 'a set-code transaction cannot create a contract');
  if (tx.authorizationList.length === 0) throw new TxError('TYPE_4_EMPTY_AUTHORIZATION_LIST', 'a set-code transaction needs at least one authorization');
}

function checkFees(tx: UnsignedTransaction, limits: TxLimits): void {
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    throw new TxError('PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS', `max priority fee ${tx.maxPriorityFeePerGas} exceeds max fee ${tx.maxFeePerGas}`);
  }
  if (tx.gasLimit * tx.maxFeePerGas >= UINT256_LIMIT) {
    throw new TxError('GASLIMIT_PRICE_PRODUCT_OVERFLOW', `gas limit * max fee per gas does not fit 256 bits`);
  }
  if (limits.baseFee !== undefined && tx.maxFeePerGas < limits.baseFee) {
    throw new TxError('INSUFFICIENT_MAX_FEE_PER_GAS', `max fee per gas ${tx.maxFeePerGas} is below the base fee ${limits.baseFee}`);
  }
  if (tx.type === 3 && limits.blobBaseFee !== undefined && tx.maxFeePerBlobGas < limits.blobBaseFee) {
    throw new TxError('INSUFFICIENT_MAX_FEE_PER_BLOB_GAS', `max fee per blob gas ${tx.maxFeePerBlobGas} is below the blob base fee ${limits.blobBaseFee}`);
  }
}

function checkGas(tx: UnsignedTransaction, fork: Fork, limits: TxLimits, intrinsic: bigint, floor: bigint): void {
  if (fork >= Fork.Osaka && tx.gasLimit > TX_GAS_LIMIT_CAP) {
    throw new TxError('GAS_LIMIT_EXCEEDS_MAXIMUM', `gas limit ${tx.gasLimit} is over the cap of 2^24 (EIP-7825)`);
  }
  if (limits.blockGasLimit !== undefined && tx.gasLimit > limits.blockGasLimit) {
    throw new TxError('GAS_ALLOWANCE_EXCEEDED', `gas limit ${tx.gasLimit} is over the block's gas limit ${limits.blockGasLimit}`);
  }
  if (tx.gasLimit < intrinsic) throw new TxError('INTRINSIC_GAS_TOO_LOW', `gas limit ${tx.gasLimit} is below the intrinsic gas ${intrinsic}`);
  if (tx.gasLimit < floor) {
    throw new TxError('INTRINSIC_GAS_BELOW_FLOOR_GAS_COST', `gas limit ${tx.gasLimit} is below the calldata floor ${floor} (EIP-7623)`);
  }
}
