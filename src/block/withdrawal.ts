/**
 * Withdrawals from the beacon chain (EIP-4895, Shanghai): system-level
 * balance credits, in gwei, applied after a block's transactions.
 */
import { bigIntToBytes } from '../primitives/bytes.js';
import { hexToBigInt } from '../primitives/hex.js';
import type { RlpInput, RlpValue } from '../primitives/rlp.js';
import { FixtureError } from '../errors.js';
import { asAddress, asInt, asList } from './fields.js';
import { BlockError } from './errors.js';

export interface Withdrawal {
  index: bigint;
  validatorIndex: bigint;
  address: bigint;
  /** In gwei; credited as amount * 1e9 wei. */
  amount: bigint;
}

export const GWEI = 1_000_000_000n;

/** rlp([index, validatorIndex, address, amount]), as it sits in the block and the withdrawals trie. */
export function withdrawalToRlpInput(w: Withdrawal): RlpInput {
  return [w.index, w.validatorIndex, bigIntToBytes(w.address, 20), w.amount];
}

export function withdrawalFromRlp(value: RlpValue, i: number): Withdrawal {
  const f = asList(value, `withdrawal ${i}`);
  if (f.length !== 4) throw new BlockError('RLP_STRUCTURES_ENCODING', `withdrawal ${i}: ${f.length} fields, expected 4`);
  return {
    index: asInt(f[0], `withdrawal ${i}.index`, 64),
    validatorIndex: asInt(f[1], `withdrawal ${i}.validatorIndex`, 64),
    address: asAddress(f[2], `withdrawal ${i}.address`),
    amount: asInt(f[3], `withdrawal ${i}.amount`, 64),
  };
}

/** From fixture / JSON-RPC JSON: `{index, validatorIndex, address, amount}` as hex. */
export function withdrawalFromJson(obj: Record<string, unknown>): Withdrawal {
  const field = (name: string): string => {
    const v = obj[name];
    if (typeof v !== 'string') throw new FixtureError(`withdrawal lacks ${name}`);
    return v;
  };
  return {
    index: hexToBigInt(field('index')),
    validatorIndex: hexToBigInt(field('validatorIndex')),
    address: hexToBigInt(field('address')),
    amount: hexToBigInt(field('amount')),
  };
}
