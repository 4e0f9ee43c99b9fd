/**
 * Blob gas pricing (EIP-4844), with per-fork schedules (EIP-7691, EIP-7892).
 */

export const GAS_PER_BLOB = 131072n; // 2^17
export const MIN_BLOB_BASE_FEE = 1n;

export interface BlobSchedule {
  target: number;
  max: number;
  baseFeeUpdateFraction: bigint;
}

/** fake_exponential of EIP-4844: factor * e^(numerator / denominator), in integers. */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  let i = 1n;
  let output = 0n;
  let acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * numerator) / (denominator * i);
    i += 1n;
  }
  return output / denominator;
}

/** The blob base fee for a block with `excessBlobGas`. */
export function calcBlobBaseFee(excessBlobGas: bigint, baseFeeUpdateFraction: bigint): bigint {
  return fakeExponential(MIN_BLOB_BASE_FEE, excessBlobGas, baseFeeUpdateFraction);
}
