/**
 * Header validation against the parent, per fork: what a block must satisfy
 * before any of its transactions run. Each rule throws a BlockError with the
 * fixtures' BlockException code.
 */
import { Fork } from '../primitives/fork.js';
import { bytesEqual } from '../primitives/bytes.js';
import { KECCAK_RLP_EMPTY_LIST } from '../primitives/keccak.js';
import { calcBlobBaseFee, GAS_PER_BLOB, type BlobSchedule } from './blob.js';
import { BlockError } from './errors.js';
import type { BlockHeader } from './header.js';

export const GAS_LIMIT_ADJUSTMENT_FACTOR = 1024n;
export const GAS_LIMIT_MINIMUM = 5000n;
/** Gas limits are 64-bit; geth and the specs cap them at 2^63 - 1. */
export const GAS_LIMIT_MAXIMUM = (1n << 63n) - 1n;
export const MAX_EXTRA_DATA_BYTES = 32;

/** EIP-1559. */
export const INITIAL_BASE_FEE = 1_000_000_000n;
export const ELASTICITY_MULTIPLIER = 2n;
export const BASE_FEE_MAX_CHANGE_DENOMINATOR = 8n;

/** EIP-7918 (Osaka): the execution cost a blob's price is bounded below by. */
export const BLOB_BASE_COST = 1n << 13n;

export const MINIMUM_DIFFICULTY = 131072n;

/** What validating a header needs to know besides the header and its parent. */
export interface HeaderRules {
  /** The fork of the block being validated. */
  fork: Fork;
  /** The fork of its parent (to spot the London fork block). */
  parentFork: Fork;
  /** The blob schedule in force from Cancun on. */
  blobSchedule?: BlobSchedule;
}

/** Header fields each fork requires (and allows): the encoded field count by fork. */
function expectedFieldCount(fork: Fork): number {
  if (fork >= Fork.Prague) return 21;
  if (fork >= Fork.Cancun) return 20;
  if (fork >= Fork.Shanghai) return 17;
  if (fork >= Fork.London) return 16;
  return 15;
}

function fieldCount(h: BlockHeader): number {
  if (h.requestsHash !== undefined) return 21;
  if (h.parentBeaconBlockRoot !== undefined) return 20;
  if (h.excessBlobGas !== undefined) return 19;
  if (h.blobGasUsed !== undefined) return 18;
  if (h.withdrawalsRoot !== undefined) return 17;
  if (h.baseFeePerGas !== undefined) return 16;
  return 15;
}

/** The header carries exactly the fields of its fork (e.g. no blob fields before Cancun, all of them after). */
export function checkHeaderFormat(h: BlockHeader, fork: Fork): void {
  const want = expectedFieldCount(fork);
  const have = fieldCount(h);
  const gap =
    (h.blobGasUsed === undefined) !== (h.excessBlobGas === undefined) ||
    (h.excessBlobGas === undefined) !== (h.parentBeaconBlockRoot === undefined);
  if (have !== want || gap) {
    throw new BlockError('INCORRECT_BLOCK_FORMAT', `header of block ${h.number} has ${have} fields; its fork needs ${want}`);
  }
}

/** The EIP-1559 base fee of the child of `parent` (INITIAL_BASE_FEE when the parent predates London). */
export function calcBaseFee(parent: BlockHeader): bigint {
  const parentBaseFee = parent.baseFeePerGas;
  if (parentBaseFee === undefined) return INITIAL_BASE_FEE;
  const target = parent.gasLimit / ELASTICITY_MULTIPLIER;
  if (target === 0n) return parentBaseFee;
  if (parent.gasUsed === target) return parentBaseFee;
  if (parent.gasUsed > target) {
    const delta = (parentBaseFee * (parent.gasUsed - target)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
    return parentBaseFee + (delta > 1n ? delta : 1n);
  }
  const delta = (parentBaseFee * (target - parent.gasUsed)) / target / BASE_FEE_MAX_CHANGE_DENOMINATOR;
  return parentBaseFee - delta;
}

/**
 * The excess blob gas of the child of `parent` (EIP-4844), under the child's
 * blob schedule. From Osaka, EIP-7918: while the execution cost of a blob
 * (BLOB_BASE_COST * base fee) exceeds its blob-gas price, excess grows by a
 * share of the blob gas used and never shrinks, so the blob price catches up.
 */
export function calcExcessBlobGas(parent: BlockHeader, schedule: BlobSchedule, fork: Fork): bigint {
  const excess = parent.excessBlobGas ?? 0n;
  const used = parent.blobGasUsed ?? 0n;
  const target = BigInt(schedule.target) * GAS_PER_BLOB;
  if (excess + used < target) return 0n;
  if (fork >= Fork.Osaka) {
    const blobPrice = GAS_PER_BLOB * calcBlobBaseFee(excess, schedule.baseFeeUpdateFraction);
    if (BLOB_BASE_COST * (parent.baseFeePerGas ?? 0n) > blobPrice) {
      const max = BigInt(schedule.max);
      return excess + (used * (max - BigInt(schedule.target))) / max;
    }
  }
  return excess + used - target;
}

/** Proof-of-work difficulty of a child of `parent` (Frontier, Homestead EIP-2, Byzantium EIP-100, bomb delays). */
export function calcDifficulty(header: BlockHeader, parent: BlockHeader, fork: Fork): bigint {
  const adjustment = parent.difficulty / 2048n;
  const elapsed = header.timestamp - parent.timestamp;
  let difficulty: bigint;
  if (fork === Fork.Frontier) {
    difficulty = parent.difficulty + (elapsed < 13n ? adjustment : -adjustment);
  } else {
    const parentHasOmmers = !bytesEqual(parent.ommersHash, KECCAK_RLP_EMPTY_LIST);
    let factor = fork >= Fork.Byzantium ? (parentHasOmmers ? 2n : 1n) - elapsed / 9n : 1n - elapsed / 10n;
    if (factor < -99n) factor = -99n;
    difficulty = parent.difficulty + adjustment * factor;
  }
  // The bomb; numbers before the delay floor to negative periods (Python floor division).
  const shifted = header.number - bombDelay(fork);
  const periods = (shifted >= 0n ? shifted / 100000n : -1n) - 2n;
  if (periods >= 0n) difficulty += 1n << periods;
  return difficulty > MINIMUM_DIFFICULTY ? difficulty : MINIMUM_DIFFICULTY;
}

/** EIP-649, 1234, 2384, 3554, 4345, 5133: how far each fork pushed the difficulty bomb back. */
function bombDelay(fork: Fork): bigint {
  if (fork >= Fork.GrayGlacier) return 11_400_000n;
  if (fork >= Fork.ArrowGlacier) return 10_700_000n;
  if (fork >= Fork.London) return 9_700_000n;
  if (fork >= Fork.MuirGlacier) return 9_000_000n;
  if (fork >= Fork.Constantinople) return 5_000_000n;
  if (fork >= Fork.Byzantium) return 3_000_000n;
  return 0n;
}

function checkGasLimit(h: BlockHeader, parentGasLimit: bigint): void {
  const delta = parentGasLimit / GAS_LIMIT_ADJUSTMENT_FACTOR;
  if (h.gasLimit >= parentGasLimit + delta || h.gasLimit <= parentGasLimit - delta) {
    throw new BlockError('INVALID_GASLIMIT', `gas limit ${h.gasLimit} moves more than 1/1024 from the parent's ${parentGasLimit}`);
  }
  if (h.gasLimit < GAS_LIMIT_MINIMUM) throw new BlockError('INVALID_GASLIMIT', `gas limit ${h.gasLimit} below ${GAS_LIMIT_MINIMUM}`);
  if (h.gasLimit > GAS_LIMIT_MAXIMUM) throw new BlockError('INVALID_GASLIMIT', `gas limit ${h.gasLimit} above 2^63-1`);
}

function checkBlobFields(h: BlockHeader, parent: BlockHeader, rules: HeaderRules): void {
  const schedule = rules.blobSchedule;
  if (!schedule) throw new BlockError('INCORRECT_BLOCK_FORMAT', `no blob schedule for block ${h.number}`);
  // blobGasUsed is checked against the transactions after execution: the
  // fixtures expect the transaction-level error when a block carries too many blobs.
  const expected = calcExcessBlobGas(parent, schedule, rules.fork);
  if (h.excessBlobGas !== expected) {
    throw new BlockError('INCORRECT_EXCESS_BLOB_GAS', `excess blob gas ${h.excessBlobGas}, expected ${expected}`);
  }
}

function checkConsensusFields(h: BlockHeader, parent: BlockHeader, fork: Fork): void {
  if (fork >= Fork.Paris) {
    // EIP-3675: proof of stake leaves the PoW fields constant.
    if (h.difficulty !== 0n) throw new BlockError('INVALID_DIFFICULTY', `difficulty ${h.difficulty} after the merge`);
    if (h.nonce !== 0n) throw new BlockError('INVALID_NONCE', `nonce ${h.nonce} after the merge`);
    if (!bytesEqual(h.ommersHash, KECCAK_RLP_EMPTY_LIST)) {
      throw new BlockError('INVALID_UNCLES_HASH', 'ommers hash is not the empty list after the merge');
    }
    return;
  }
  const expected = calcDifficulty(h, parent, fork);
  if (h.difficulty !== expected) throw new BlockError('INVALID_DIFFICULTY', `difficulty ${h.difficulty}, expected ${expected}`);
}

/** Everything about `h` that can be checked from `parent` alone (the parent hash link is the caller's). */
export function validateHeader(h: BlockHeader, parent: BlockHeader, rules: HeaderRules): void {
  const { fork } = rules;
  checkHeaderFormat(h, fork);
  if (h.number !== parent.number + 1n) {
    throw new BlockError('INVALID_BLOCK_NUMBER', `block number ${h.number} after parent ${parent.number}`);
  }
  if (h.timestamp <= parent.timestamp) {
    throw new BlockError('INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT', `timestamp ${h.timestamp} not after the parent's ${parent.timestamp}`);
  }
  if (h.extraData.length > MAX_EXTRA_DATA_BYTES) {
    throw new BlockError('EXTRA_DATA_TOO_BIG', `extra data of ${h.extraData.length} bytes (max ${MAX_EXTRA_DATA_BYTES})`);
  }
  if (h.gasUsed > h.gasLimit) throw new BlockError('INVALID_GAS_USED_ABOVE_LIMIT', `gas used ${h.gasUsed} above limit ${h.gasLimit}`);
  // EIP-1559: the London fork block doubles the gas limit (elasticity) and starts the base fee.
  const londonForkBlock = fork >= Fork.London && rules.parentFork < Fork.London;
  checkGasLimit(h, londonForkBlock ? parent.gasLimit * ELASTICITY_MULTIPLIER : parent.gasLimit);
  if (fork >= Fork.London) {
    const expected = londonForkBlock ? INITIAL_BASE_FEE : calcBaseFee(parent);
    if (h.baseFeePerGas !== expected) {
      throw new BlockError('INVALID_BASEFEE_PER_GAS', `base fee ${h.baseFeePerGas}, expected ${expected}`);
    }
  }
  if (fork >= Fork.Cancun) checkBlobFields(h, parent, rules);
  checkConsensusFields(h, parent, fork);
}
