/**
 * Hard forks as an ordered enum: "is this rule active" is a numeric
 * comparison (`fork >= Fork.Berlin`), never a string lookup on a hot path.
 * Per-fork parameter tables live with the code that uses them (the EVM's gas
 * table, the block's blob schedule), keyed by this enum.
 */
import { MultilaneError } from '../errors.js';

export enum Fork {
  Frontier = 0,
  Homestead = 1,
  /** EIP-150 ("TangerineWhistle"). */
  TangerineWhistle = 2,
  /** EIP-155/158/160/170 ("SpuriousDragon"). */
  SpuriousDragon = 3,
  Byzantium = 4,
  Constantinople = 5,
  /** Constantinople without EIP-1283 ("ConstantinopleFix"). */
  Petersburg = 6,
  Istanbul = 7,
  MuirGlacier = 8,
  Berlin = 9,
  London = 10,
  ArrowGlacier = 11,
  GrayGlacier = 12,
  /** The Merge. */
  Paris = 13,
  Shanghai = 14,
  Cancun = 15,
  Prague = 16,
  Osaka = 17,
  /** Blob-parameter-only forks after Osaka (EIP-7892). */
  BPO1 = 18,
  BPO2 = 19,
  BPO3 = 20,
  BPO4 = 21,
  BPO5 = 22,
}

const NAMES: Record<string, Fork> = {
  Frontier: Fork.Frontier,
  Homestead: Fork.Homestead,
  EIP150: Fork.TangerineWhistle,
  TangerineWhistle: Fork.TangerineWhistle,
  EIP158: Fork.SpuriousDragon,
  SpuriousDragon: Fork.SpuriousDragon,
  Byzantium: Fork.Byzantium,
  Constantinople: Fork.Constantinople,
  ConstantinopleFix: Fork.Petersburg,
  Petersburg: Fork.Petersburg,
  Istanbul: Fork.Istanbul,
  MuirGlacier: Fork.MuirGlacier,
  Berlin: Fork.Berlin,
  London: Fork.London,
  ArrowGlacier: Fork.ArrowGlacier,
  GrayGlacier: Fork.GrayGlacier,
  Paris: Fork.Paris,
  Merge: Fork.Paris,
  Shanghai: Fork.Shanghai,
  Cancun: Fork.Cancun,
  Prague: Fork.Prague,
  Osaka: Fork.Osaka,
  BPO1: Fork.BPO1,
  BPO2: Fork.BPO2,
  BPO3: Fork.BPO3,
  BPO4: Fork.BPO4,
  BPO5: Fork.BPO5,
};

const CANONICAL: string[] = [
  'Frontier', 'Homestead', 'TangerineWhistle', 'SpuriousDragon', 'Byzantium', 'Constantinople',
  'Petersburg', 'Istanbul', 'MuirGlacier', 'Berlin', 'London', 'ArrowGlacier', 'GrayGlacier',
  'Paris', 'Shanghai', 'Cancun', 'Prague', 'Osaka', 'BPO1', 'BPO2', 'BPO3', 'BPO4', 'BPO5',
];

/** The fork named as in the fixtures ("ConstantinopleFix", "EIP150", "Merge", ...). */
export function parseFork(name: string): Fork {
  const fork = NAMES[name];
  if (fork === undefined) throw new MultilaneError(`unknown fork '${name}' (known: ${Object.keys(NAMES).join(', ')})`);
  return fork;
}

export function isForkName(name: string): boolean {
  return NAMES[name] !== undefined;
}

export function forkName(fork: Fork): string {
  return CANONICAL[fork];
}
