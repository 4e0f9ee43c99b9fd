/**
 * Which fork a block belongs to, and the per-fork block parameters (blob
 * schedules, EIP-7892). A chain is a list of activations by block number
 * (through Paris) or by timestamp (from Shanghai); the fixtures name theirs
 * ("Cancun", "CancunToPragueAtTime15k", "BerlinToLondonAt5").
 */
import { Fork, forkName, parseFork } from '../primitives/fork.js';
import { hexToBigInt } from '../primitives/hex.js';
import { FixtureError } from '../errors.js';
import type { BlobSchedule } from './blob.js';

export interface ForkActivation {
  fork: Fork;
  /** Activation by block number (forks through Paris) ... */
  block?: bigint;
  /** ... or by timestamp (Shanghai on). */
  timestamp?: bigint;
}

export interface ChainConfig {
  chainId: bigint;
  /** Activations in fork order; the first must be active from genesis. */
  forks: ForkActivation[];
  /** Blob parameters per fork that has them; a fork without an entry uses the latest earlier one. */
  blobSchedule: Partial<Record<Fork, BlobSchedule>>;
  /** The DAO fork block (mainnet 1,920,000), whose state change moves the DAO balances; undefined: none. */
  daoForkBlock?: bigint;
}

/** The blob schedules of mainnet: EIP-4844 (Cancun), EIP-7691 (Prague), EIP-7892 BPO1/BPO2. */
export const DEFAULT_BLOB_SCHEDULE: Partial<Record<Fork, BlobSchedule>> = {
  [Fork.Cancun]: { target: 3, max: 6, baseFeeUpdateFraction: 3338477n },
  [Fork.Prague]: { target: 6, max: 9, baseFeeUpdateFraction: 5007716n },
  [Fork.Osaka]: { target: 6, max: 9, baseFeeUpdateFraction: 5007716n },
  [Fork.BPO1]: { target: 10, max: 15, baseFeeUpdateFraction: 8346193n },
  [Fork.BPO2]: { target: 14, max: 21, baseFeeUpdateFraction: 11684671n },
};

/** The fork active for a block with this number and timestamp. */
export function forkAt(config: ChainConfig, number: bigint, timestamp: bigint): Fork {
  let active = config.forks[0].fork;
  for (const a of config.forks) {
    const on = a.block !== undefined ? number >= a.block : a.timestamp !== undefined ? timestamp >= a.timestamp : true;
    if (!on) break;
    active = a.fork;
  }
  return active;
}

/** The blob schedule in force in `fork`; undefined before Cancun. */
export function blobScheduleFor(config: ChainConfig, fork: Fork): BlobSchedule | undefined {
  if (fork < Fork.Cancun) return undefined;
  for (let f = fork; f >= Fork.Cancun; f--) {
    const s = config.blobSchedule[f as Fork];
    if (s) return s;
  }
  return DEFAULT_BLOB_SCHEDULE[Fork.Cancun];
}

/** Ethereum mainnet. Timestamps from the execution-specs fork list; Paris is listed by its first PoS block. */
export const MAINNET: ChainConfig = {
  chainId: 1n,
  daoForkBlock: 1_920_000n,
  blobSchedule: DEFAULT_BLOB_SCHEDULE,
  forks: [
    { fork: Fork.Frontier, block: 0n },
    { fork: Fork.Homestead, block: 1_150_000n },
    { fork: Fork.TangerineWhistle, block: 2_463_000n },
    { fork: Fork.SpuriousDragon, block: 2_675_000n },
    { fork: Fork.Byzantium, block: 4_370_000n },
    { fork: Fork.Petersburg, block: 7_280_000n },
    { fork: Fork.Istanbul, block: 9_069_000n },
    { fork: Fork.MuirGlacier, block: 9_200_000n },
    { fork: Fork.Berlin, block: 12_244_000n },
    { fork: Fork.London, block: 12_965_000n },
    { fork: Fork.ArrowGlacier, block: 13_773_000n },
    { fork: Fork.GrayGlacier, block: 15_050_000n },
    { fork: Fork.Paris, block: 15_537_394n },
    { fork: Fork.Shanghai, timestamp: 1_681_338_455n },
    { fork: Fork.Cancun, timestamp: 1_710_338_135n },
    { fork: Fork.Prague, timestamp: 1_746_612_311n },
    { fork: Fork.Osaka, timestamp: 1_764_798_551n },
    { fork: Fork.BPO1, timestamp: 1_765_290_071n },
    { fork: Fork.BPO2, timestamp: 1_767_747_671n },
  ],
};

/** The fixtures' blob schedule JSON: `{Cancun: {target, max, baseFeeUpdateFraction}, ...}` (hex numbers). */
export function blobScheduleFromJson(obj: unknown): Partial<Record<Fork, BlobSchedule>> {
  const out: Partial<Record<Fork, BlobSchedule>> = { ...DEFAULT_BLOB_SCHEDULE };
  if (obj === undefined || obj === null) return out;
  if (typeof obj !== 'object') throw new FixtureError('blobSchedule: expected an object');
  for (const [name, entry] of Object.entries(obj as Record<string, Record<string, string>>)) {
    out[parseFork(name)] = {
      target: Number(hexToBigInt(entry.target)),
      max: Number(hexToBigInt(entry.max)),
      baseFeeUpdateFraction: hexToBigInt(entry.baseFeeUpdateFraction),
    };
  }
  return out;
}

/** Forks activated by timestamp from Shanghai on; before that by block number. */
function activation(fork: Fork, at: bigint, byTime: boolean): ForkActivation {
  return byTime ? { fork, timestamp: at } : { fork, block: at };
}

/**
 * The chain a fixture's `network` names: one fork from genesis ("Prague"),
 * or a transition "AToBAtN" (block N) / "AToBAtTime15k" (timestamp 15,000).
 */
export function chainConfigForNetwork(network: string, chainId = 1n, blobSchedule?: unknown): ChainConfig {
  const schedule = blobScheduleFromJson(blobSchedule);
  const m = /^([A-Za-z0-9]+?)To([A-Za-z0-9]+)At(Time)?(\d+)(k?)$/.exec(network);
  if (!m) return { chainId, blobSchedule: schedule, forks: [{ fork: parseFork(network), block: 0n }] };
  const [, from, to, time, digits, k] = m;
  const at = BigInt(digits) * (k ? 1000n : 1n);
  const first: ForkActivation = { fork: parseFork(from), block: 0n };
  // The DAO fork ("HomesteadToDaoAt5") changes state once but no rules: no fork of its own in the enum.
  if (to === 'Dao' || to === 'DAO') return { chainId, blobSchedule: schedule, forks: [first], daoForkBlock: at };
  return { chainId, blobSchedule: schedule, forks: [first, activation(parseFork(to), at, time !== undefined)] };
}

export function describeChain(config: ChainConfig): string {
  return config.forks
    .map((a) => `${forkName(a.fork)}@${a.block !== undefined ? `#${a.block}` : `t${a.timestamp}`}`)
    .join(', ');
}
