/**
 * Intrinsic gas: what a transaction pays before its first opcode runs, and
 * the EIP-7623 calldata floor it pays at least.
 */
import { Fork } from '../primitives/fork.js';
import type { UnsignedTransaction } from './types.js';

export const TX_BASE_GAS = 21000n;
/** EIP-2: a creation transaction pays CREATE's 32000 on top, from Homestead. */
export const TX_CREATE_GAS = 32000n;
export const TX_DATA_ZERO_GAS = 4n;
/** 68 per nonzero byte until EIP-2028 (Istanbul) lowered it to 16. */
export const TX_DATA_NONZERO_GAS_FRONTIER = 68n;
export const TX_DATA_NONZERO_GAS_ISTANBUL = 16n;
/** EIP-2930 access lists. */
export const ACCESS_LIST_ADDRESS_GAS = 2400n;
export const ACCESS_LIST_STORAGE_KEY_GAS = 1900n;
/** EIP-3860: per 32-byte word of initcode, from Shanghai. */
export const INITCODE_WORD_GAS = 2n;
/** EIP-7702: PER_EMPTY_ACCOUNT_COST, charged per authorization up front. */
export const PER_AUTH_BASE_GAS = 25000n;
/** EIP-7623: TOTAL_COST_FLOOR_PER_TOKEN. */
export const FLOOR_GAS_PER_TOKEN = 10n;

// The constants above as Numbers, for the Number sums below.
const BASE = Number(TX_BASE_GAS);
const CREATE = Number(TX_CREATE_GAS);
const ZERO = Number(TX_DATA_ZERO_GAS);
const NONZERO_FRONTIER = Number(TX_DATA_NONZERO_GAS_FRONTIER);
const NONZERO_ISTANBUL = Number(TX_DATA_NONZERO_GAS_ISTANBUL);
const AL_ADDRESS = Number(ACCESS_LIST_ADDRESS_GAS);
const AL_KEY = Number(ACCESS_LIST_STORAGE_KEY_GAS);
const INITCODE_WORD = Number(INITCODE_WORD_GAS);
const PER_AUTH = Number(PER_AUTH_BASE_GAS);
const FLOOR_PER_TOKEN = Number(FLOOR_GAS_PER_TOKEN);

/** Counts the zero bytes of `data` (a plain loop: no allocation, no BigInt). */
function zeroBytes(data: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros;
}

/** EIP-7623 tokens: one per zero byte, four per nonzero byte. */
export function calldataTokens(data: Uint8Array): bigint {
  const zeros = zeroBytes(data);
  return BigInt(zeros + 4 * (data.length - zeros));
}

/**
 * Gas charged for `tx` before execution under `fork`, as a Number (exact:
 * even a 2^32-byte calldata costs under 2^39 gas). Summed in Numbers and
 * converted once: the same sum in bigint steps measured ~400-700 ns per
 * transaction here, the Number sum ~60 ns (docs/benchmarks.md).
 */
export function intrinsicGasNumber(tx: UnsignedTransaction, fork: Fork): number {
  const data = tx.data;
  const length = data.length;
  const zeros = zeroBytes(data);
  const nonzeroCost = fork >= Fork.Istanbul ? NONZERO_ISTANBUL : NONZERO_FRONTIER;
  let gas = BASE + zeros * ZERO + (length - zeros) * nonzeroCost;
  if (tx.to === undefined) {
    if (fork >= Fork.Homestead) gas += CREATE;
    if (fork >= Fork.Shanghai) gas += INITCODE_WORD * Math.ceil(length / 32);
  }
  const accessList = tx.accessList;
  if (accessList.length > 0) {
    let keys = 0;
    for (let i = 0; i < accessList.length; i++) keys += accessList[i].storageKeys.length;
    gas += AL_ADDRESS * accessList.length + AL_KEY * keys;
  }
  const auths = tx.authorizationList.length;
  if (auths > 0) gas += PER_AUTH * auths;
  return gas;
}

/** Gas charged for `tx` before execution under `fork`. */
export function intrinsicGas(tx: UnsignedTransaction, fork: Fork): bigint {
  return BigInt(intrinsicGasNumber(tx, fork));
}

/**
 * EIP-7623 (Prague): the least gas a transaction is charged,
 * 21000 + 10 * tokens; 0 before Prague, where there is no floor.
 */
export function floorDataGasNumber(tx: UnsignedTransaction, fork: Fork): number {
  if (fork < Fork.Prague) return 0;
  const data = tx.data;
  const zeros = zeroBytes(data);
  return BASE + FLOOR_PER_TOKEN * (zeros + 4 * (data.length - zeros));
}

/**
 * EIP-7623 (Prague): the least gas a transaction is charged,
 * 21000 + 10 * tokens; 0n before Prague, where there is no floor.
 */
export function floorDataGas(tx: UnsignedTransaction, fork: Fork): bigint {
  if (fork < Fork.Prague) return 0n;
  return BigInt(floorDataGasNumber(tx, fork));
}
