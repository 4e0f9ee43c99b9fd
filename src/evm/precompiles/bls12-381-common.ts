/**
 * Shared parts of the EIP-2537 precompiles: the MSM gas formula with its
 * discount tables, and the decoding of MSM input.
 */
import { type BlsG1Point, type BlsG2Point, decodeG1, decodeG2, decodeScalar } from '../../crypto/bls12-381.js';

/**
 * Discount per number of pairs k = 1..128, in thousandths (EIP-2537, the
 * final Prague tables); larger k use the last entry.
 */
export const G1_MSM_DISCOUNT = new Uint16Array([
  1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654, 651,
  648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601,
  599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570,
  569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547,
  547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531, 530, 529, 528,
  528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
]);

export const G2_MSM_DISCOUNT = new Uint16Array([
  1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683, 679,
  674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611,
  609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575,
  574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551,
  550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535, 534, 533, 532,
  532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
]);

/** k · multiplication cost · discount(k) / 1000; zero for k = 0 (the call then fails on its length). */
export function msmGas(k: number, multiplicationCost: bigint, discounts: Uint16Array): bigint {
  if (k === 0) return 0n;
  const discount = discounts[Math.min(k, discounts.length) - 1];
  return (BigInt(k) * multiplicationCost * BigInt(discount)) / 1000n;
}

/**
 * Decodes `input` as k >= 1 pairs of a point (`pointLength` bytes,
 * subgroup-checked) and a 32-byte scalar, or null if the length is wrong or
 * a point is invalid.
 */
function decodePairs<T>(
  input: Uint8Array,
  pointLength: number,
  decode: (input: Uint8Array, offset: number) => T | null,
): { points: T[]; scalars: bigint[] } | null {
  const pairLength = pointLength + 32;
  if (input.length === 0 || input.length % pairLength !== 0) return null;
  const points: T[] = [];
  const scalars: bigint[] = [];
  for (let off = 0; off < input.length; off += pairLength) {
    const point = decode(input, off);
    if (point === null) return null;
    points.push(point);
    scalars.push(decodeScalar(input, off + pointLength));
  }
  return { points, scalars };
}

export function decodeG1Pairs(input: Uint8Array): { points: BlsG1Point[]; scalars: bigint[] } | null {
  return decodePairs(input, 128, (data, off) => decodeG1(data, off, true));
}

export function decodeG2Pairs(input: Uint8Array): { points: BlsG2Point[]; scalars: bigint[] } | null {
  return decodePairs(input, 256, (data, off) => decodeG2(data, off, true));
}
