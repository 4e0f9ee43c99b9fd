/**
 * The workloads by name (shared/guide/workloads.md) and how big a block each
 * makes by default: about 30M gas (a mainnet block), or 1G gas with
 * `gigagas`, from each workload's typical gas per transaction.
 */
import { buildAmm, DEFAULT_POOLS } from './amm.js';
import { buildChain } from './chain.js';
import { buildContention } from './contention.js';
import { buildDeposits } from './deposits.js';
import { buildErc20 } from './erc20.js';
import { buildMixed } from './mixed.js';
import { buildRawTransfers } from './raw-transfers.js';
import { BlockBuilder } from './block.js';
import { BlockCache, CACHE_MIN_TXS } from './cache.js';
import type { Workload, WorkloadOptions } from './types.js';
import { recoverSender } from '../../src/tx/sign.js';

export type { BenchReceipt, PreAccount, StateProbe, Workload, WorkloadOptions } from './types.js';

export const MAINNET_BLOCK_GAS = 30_000_000;
export const GIGAGAS = 1_000_000_000;

/** Gas a transaction of each workload uses, measured on @ethereumjs/vm (Cancun); used only for sizing. */
const GAS_PER_TX: Record<string, number> = {
  'raw-transfers': 21_000,
  erc20: 51_400,
  'erc20-hot': 34_400,
  amm: 99_000,
  chain: 27_800,
  mixed: 50_000,
  contention: 21_000,
  deposits: 21_000,
};

/** The names `makeWorkload` accepts; `contention-K` takes any K >= 2. */
export const WORKLOAD_NAMES = ['raw-transfers', 'erc20', 'erc20-hot', 'amm', 'chain', 'mixed', 'deposits', 'contention-K'] as const;

/** What `multilane bench` runs when no workload is named. */
export const DEFAULT_WORKLOADS = [
  'raw-transfers',
  'erc20',
  'erc20-hot',
  'amm',
  'chain',
  'mixed',
  'contention-2',
  'contention-100',
  'contention-10000',
];

interface Parsed {
  kind: string;
  k?: number;
}

function parseName(name: string): Parsed {
  const m = /^contention-(\d+)$/.exec(name);
  if (m !== null) return { kind: 'contention', k: Number(m[1]) };
  if (name in GAS_PER_TX && name !== 'contention') return { kind: name };
  throw new Error(`unknown workload '${name}' (known: ${WORKLOAD_NAMES.join(', ')}, e.g. contention-100)`);
}

export function isWorkloadName(name: string): boolean {
  try {
    parseName(name);
    return true;
  } catch {
    return false;
  }
}

/** Transactions in the block when `--txs` is not given. */
export function defaultTxCount(name: string, gigagas = false): number {
  const gas = GAS_PER_TX[parseName(name).kind];
  return Math.max(1, Math.floor((gigagas ? GIGAGAS : MAINNET_BLOCK_GAS) / gas));
}

/**
 * Builds the named workload's block; deterministic in (name, size, seed,
 * pools). Blocks of CACHE_MIN_TXS transactions or more keep their keys and
 * signatures in .tmp/bench-cache/ unless `cache` is false.
 */
export function makeWorkload(name: string, options: WorkloadOptions = {}): Workload {
  const parsed = parseName(name);
  const n = options.txs ?? defaultTxCount(name, options.gigagas);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--txs must be a positive integer, got ${n}`);
  const seed = options.seed ?? 1;
  const pools = options.pools ?? DEFAULT_POOLS;
  if (options.cache === false || n < CACHE_MIN_TXS) return build(new BlockBuilder(seed), parsed, n, pools);
  const id = `${name}-n${n}-s${seed}-p${pools}`;
  const b = new BlockBuilder(seed, BlockCache.open(id));
  const w = build(b, parsed, n, pools);
  if (!b.fromCache || sampleSendersMatch(w)) return w;
  return build(new BlockBuilder(seed, BlockCache.open(id, false)), parsed, n, pools);
}

/** Recovers the first, middle and last senders: a cheap guard against a stale cache file. */
function sampleSendersMatch(w: Workload): boolean {
  const last = w.txs.length - 1;
  for (const i of [0, last >> 1, last]) {
    try {
      if (recoverSender(w.txs[i]) !== w.senders[i]) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function build(b: BlockBuilder, { kind, k }: Parsed, n: number, pools: number): Workload {
  switch (kind) {
    case 'raw-transfers':
      return buildRawTransfers(b, n);
    case 'erc20':
      return buildErc20(b, n, false);
    case 'erc20-hot':
      return buildErc20(b, n, true);
    case 'amm':
      return buildAmm(b, n, pools);
    case 'chain':
      return buildChain(b, n);
    case 'mixed':
      return buildMixed(b, n, pools);
    case 'deposits':
      return buildDeposits(b, n);
    default:
      return buildContention(b, n, k!);
  }
}
