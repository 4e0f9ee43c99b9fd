/**
 * `amm`: P constant-product pools (contracts/Pair.sol, Uniswap-V2-style, 0.3%
 * fee), each over its own two ERC-20s; N swaps spread uniformly over the
 * pools, each from a distinct trader who holds the input token and has
 * given the pair an unlimited allowance (as wallets give routers). A swap is
 * one self-contained transaction: `swapExactIn` pulls the input with
 * transferFrom, sends the output, checks K, updates reserves and the TWAP
 * accumulators. Swaps in one pool conflict; pools do not. Tune with P.
 */
import { addressToHex } from '../../src/primitives/hex.js';
import { BLOCK_TIMESTAMP, BlockBuilder, expectLogs, expectValue } from './block.js';
import { encodeCall, SEL, slotOf, TOPIC } from './contracts.js';
import { allowanceSlot, balanceSlot, deployToken, mint } from './erc20.js';
import { deriveAddress } from './keys.js';
import { Prng } from './prng.js';
import type { BenchReceipt, StateProbe, Workload } from './types.js';

export const DEFAULT_POOLS = 100;
/** Gas limit of a swap (≈100k used). */
const SWAP_GAS = 250_000n;
const MAX_UINT256 = (1n << 256n) - 1n;
const MASK112 = (1n << 112n) - 1n;
/** The pools were last touched one slot (12 s) before this block. */
const LAST_UPDATE = BLOCK_TIMESTAMP - 12n;

interface Pool {
  pair: bigint;
  token0: bigint;
  token1: bigint;
  reserve0: bigint;
  reserve1: bigint;
  price0Cumulative: bigint;
  price1Cumulative: bigint;
}

interface SwapRecord {
  index: number;
  pool: number;
  trader: bigint;
  zeroForOne: boolean;
  amountIn: bigint;
  /** The trader's input-token balance before the swap. */
  held: bigint;
}

/** Uniswap V2's getAmountOut: the output for `amountIn` after the 0.3% fee. */
export function getAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  const withFee = amountIn * 997n;
  return (withFee * reserveOut) / (reserveIn * 1000n + withFee);
}

/** Packs slot 2 of Pair.sol: reserve0 | reserve1 << 112 | blockTimestampLast << 224. */
export function packReserves(r0: bigint, r1: bigint, timestamp: bigint): bigint {
  return r0 | (r1 << 112n) | ((timestamp & 0xffffffffn) << 224n);
}

/** Adds swaps to a block; usable alone or as a share of `mixed`. */
export class AmmSwapPart {
  readonly pools: Pool[] = [];
  private count = 0;
  private readonly swaps: SwapRecord[] = [];

  constructor(private readonly b: BlockBuilder, private readonly rng: Prng, poolCount: number) {
    if (!Number.isInteger(poolCount) || poolCount < 1) throw new Error(`amm: pools must be a positive integer, got ${poolCount}`);
    for (let p = 0; p < poolCount; p++) this.pools.push(this.createPool(p));
    b.addCheck((probe, receipts) => this.check(probe, receipts));
  }

  private createPool(p: number): Pool {
    const seed = this.b.seed;
    const pair = deriveAddress(seed, 'amm-pair', p);
    const a = deriveAddress(seed, 'amm-token', 2 * p);
    const c = deriveAddress(seed, 'amm-token', 2 * p + 1);
    // V2 orders a pair's tokens by address.
    const [token0, token1] = a < c ? [a, c] : [c, a];
    const pool: Pool = {
      pair,
      token0,
      token1,
      reserve0: this.rng.bigint(10n ** 24n, 10n ** 25n),
      reserve1: this.rng.bigint(10n ** 24n, 10n ** 25n),
      price0Cumulative: this.rng.bigint(1n, 1n << 200n),
      price1Cumulative: this.rng.bigint(1n, 1n << 200n),
    };
    deployToken(this.b, token0);
    deployToken(this.b, token1);
    mint(this.b, token0, pair, pool.reserve0);
    mint(this.b, token1, pair, pool.reserve1);
    const s = this.b.deploy(pair, 'Pair').storage;
    s.set(slotOf('Pair', 'token0'), token0);
    s.set(slotOf('Pair', 'token1'), token1);
    s.set(slotOf('Pair', 'reserve0'), packReserves(pool.reserve0, pool.reserve1, LAST_UPDATE));
    s.set(slotOf('Pair', 'price0CumulativeLast'), pool.price0Cumulative);
    s.set(slotOf('Pair', 'price1CumulativeLast'), pool.price1Cumulative);
    s.set(slotOf('Pair', 'unlocked'), 1n);
    return pool;
  }

  add(): void {
    const k = this.count++;
    const trader = this.b.key('amm-trader', k);
    this.b.fund(trader.address);
    const poolIndex = this.rng.int(this.pools.length);
    const pool = this.pools[poolIndex];
    const zeroForOne = this.rng.int(2) === 0;
    const tokenIn = zeroForOne ? pool.token0 : pool.token1;
    const amountIn = this.rng.bigint(10n ** 18n, 10n ** 20n);
    const held = amountIn + this.rng.bigint(1n, 10n ** 20n);
    mint(this.b, tokenIn, trader.address, held);
    this.b.account(tokenIn).storage.set(allowanceSlot(trader.address, pool.pair), MAX_UINT256);
    // minOut with 0.5% slippage tolerance against the reserves this swap will meet
    // in block order (the generator simulates the pools as it goes).
    const out = this.simulate(pool, zeroForOne, amountIn);
    const minOut = (out * 995n) / 1000n;
    const data = encodeCall(SEL.swapExactIn, tokenIn, amountIn, minOut, trader.address);
    const index = this.b.addTx(trader, pool.pair, 0n, data, SWAP_GAS);
    this.swaps.push({ index, pool: poolIndex, trader: trader.address, zeroForOne, amountIn, held });
  }

  /** Applies a swap to a simulated pool and returns the output amount. */
  private simulate(pool: Pool, zeroForOne: boolean, amountIn: bigint): bigint {
    if (zeroForOne) {
      const out = getAmountOut(amountIn, pool.reserve0, pool.reserve1);
      pool.reserve0 += amountIn;
      pool.reserve1 -= out;
      return out;
    }
    const out = getAmountOut(amountIn, pool.reserve1, pool.reserve0);
    pool.reserve1 += amountIn;
    pool.reserve0 -= out;
    return out;
  }

  /** Replays the executed transactions' swaps on the pre-state pools and compares. */
  private async check(probe: StateProbe, receipts: readonly BenchReceipt[]): Promise<string[]> {
    const problems: string[] = [];
    const executed = receipts.length;
    const pools = this.pools.map((p) => this.initialPool(p));
    const touched = new Set<number>();
    const tokenBalances = new Map<string, { token: bigint; holder: bigint; value: bigint }>();
    for (const s of this.swaps) {
      if (s.index >= executed) break;
      const pool = pools[s.pool];
      if (!touched.has(s.pool)) {
        touched.add(s.pool);
        // First swap in the block: the accumulators advance by 12 s of the old price (UQ112x112).
        pool.price0Cumulative = (pool.price0Cumulative + ((pool.reserve1 << 112n) / pool.reserve0) * 12n) & MAX_UINT256;
        pool.price1Cumulative = (pool.price1Cumulative + ((pool.reserve0 << 112n) / pool.reserve1) * 12n) & MAX_UINT256;
      }
      const out = this.simulate(pool, s.zeroForOne, s.amountIn);
      const [tokenIn, tokenOut] = s.zeroForOne ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
      tokenBalances.set(`${tokenIn}:${s.trader}`, { token: tokenIn, holder: s.trader, value: s.held - s.amountIn });
      tokenBalances.set(`${tokenOut}:${s.trader}`, { token: tokenOut, holder: s.trader, value: out });
    }
    for (const i of touched) {
      const p = pools[i];
      const where = `pool ${i} (${addressToHex(p.pair)})`;
      const packed = packReserves(p.reserve0, p.reserve1, BLOCK_TIMESTAMP);
      await expectValue(problems, `${where} reserves`, probe.storage(p.pair, slotOf('Pair', 'reserve0')), packed);
      await expectValue(problems, `${where} price0Cumulative`, probe.storage(p.pair, slotOf('Pair', 'price0CumulativeLast')), p.price0Cumulative);
      await expectValue(problems, `${where} price1Cumulative`, probe.storage(p.pair, slotOf('Pair', 'price1CumulativeLast')), p.price1Cumulative);
      await expectValue(problems, `${where} unlocked`, probe.storage(p.pair, slotOf('Pair', 'unlocked')), 1n);
      await expectValue(problems, `${where} token0 held`, probe.storage(p.token0, balanceSlot(p.pair)), p.reserve0);
      await expectValue(problems, `${where} token1 held`, probe.storage(p.token1, balanceSlot(p.pair)), p.reserve1);
    }
    for (const t of tokenBalances.values()) {
      const what = `token ${addressToHex(t.token)} balance of ${addressToHex(t.holder)}`;
      await expectValue(problems, what, probe.storage(t.token, balanceSlot(t.holder)), t.value);
    }
    // transferFrom's Transfer, transfer's Transfer, Sync, Swap.
    expectLogs(problems, receipts, this.swaps.map((s) => s.index), 4, TOPIC.transfer, 'swap');
    return problems;
  }

  /** A pool as it stands in the pre-state (the generator's copies have moved on). */
  private initialPool(p: Pool): Pool {
    const s = this.b.pre.get(p.pair)!.storage;
    const packed = s.get(slotOf('Pair', 'reserve0'))!;
    return {
      ...p,
      reserve0: packed & MASK112,
      reserve1: (packed >> 112n) & MASK112,
      price0Cumulative: s.get(slotOf('Pair', 'price0CumulativeLast'))!,
      price1Cumulative: s.get(slotOf('Pair', 'price1CumulativeLast'))!,
    };
  }
}

export function buildAmm(b: BlockBuilder, n: number, pools = DEFAULT_POOLS): Workload {
  const part = new AmmSwapPart(b, new Prng(b.seed, 4), pools);
  for (let i = 0; i < n; i++) part.add();
  return b.finish('amm');
}
