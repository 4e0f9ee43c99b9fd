/**
 * `mixed`: a block that looks like mainnet: 60% ERC-20 transfers, 25% raw
 * transfers, 15% AMM swaps, interleaved at random.
 */
import { AmmSwapPart, DEFAULT_POOLS } from './amm.js';
import { BlockBuilder } from './block.js';
import { Erc20TransferPart } from './erc20.js';
import { Prng } from './prng.js';
import { RawTransferPart } from './raw-transfers.js';
import type { Workload } from './types.js';

export const MIXED_SHARES = { erc20: 0.6, raw: 0.25, amm: 0.15 } as const;

export function buildMixed(b: BlockBuilder, n: number, pools = DEFAULT_POOLS): Workload {
  const seed = b.seed;
  const order = new Prng(seed, 6);
  const erc20 = new Erc20TransferPart(b, new Prng(seed, 7));
  const raw = new RawTransferPart(b, new Prng(seed, 8));
  const amm = new AmmSwapPart(b, new Prng(seed, 9), pools);
  for (let i = 0; i < n; i++) {
    const x = order.next();
    if (x < MIXED_SHARES.erc20) erc20.add();
    else if (x < MIXED_SHARES.erc20 + MIXED_SHARES.raw) raw.add();
    else amm.add();
  }
  return b.finish('mixed');
}
