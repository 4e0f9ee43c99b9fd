/**
 * The compiled benchmark contracts (contracts/build, written by
 * scripts/build-contracts.mjs) and what the workloads need to talk to them
 * without a client library: function selectors, static ABI encoding, and the
 * storage slots their layouts put things at (Solidity's layout rules: a
 * mapping's value for key k at declared slot p lives at keccak256(pad32(k) . pad32(p))).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToBigInt, writeBigInt } from '../../src/primitives/bytes.js';
import { hexToBytes } from '../../src/primitives/hex.js';
import { keccak256 } from '../../src/primitives/keccak.js';

export type ContractName = 'ERC20' | 'Pair' | 'Counter';

export interface Artifact {
  contractName: string;
  bytecode: Uint8Array;
  deployedBytecode: Uint8Array;
  storageLayout: { label: string; slot: number; offset: number; type: string }[];
}

/** The repository root, found from this file whether it runs as bench/*.ts or dist/bench/*.js. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'contracts', 'build'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('contracts/build not found above bench/: run `npm run build:contracts`');
}

const cache = new Map<ContractName, Artifact>();

export function loadArtifact(name: ContractName): Artifact {
  let a = cache.get(name);
  if (a === undefined) {
    const json = JSON.parse(readFileSync(join(repoRoot(), 'contracts', 'build', `${name}.json`), 'utf8'));
    a = {
      contractName: json.contractName,
      bytecode: hexToBytes(json.bytecode),
      deployedBytecode: hexToBytes(json.deployedBytecode),
      storageLayout: json.storageLayout,
    };
    cache.set(name, a);
  }
  return a;
}

/** The declared slot of a state variable, read from the build's storage layout so a moved variable fails loudly. */
export function slotOf(name: ContractName, label: string): bigint {
  const entry = loadArtifact(name).storageLayout.find((s) => s.label === label);
  if (entry === undefined) throw new Error(`${name} has no state variable '${label}'`);
  return BigInt(entry.slot);
}

/** The first 4 bytes of keccak256(signature), as a number. */
export function selector(signature: string): number {
  const h = keccak256(new TextEncoder().encode(signature));
  return ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
}

/** Calldata for a function whose arguments are all static words (uint, address, bool). */
export function encodeCall(sel: number, ...args: bigint[]): Uint8Array {
  const out = new Uint8Array(4 + 32 * args.length);
  out[0] = sel >>> 24;
  out[1] = (sel >>> 16) & 0xff;
  out[2] = (sel >>> 8) & 0xff;
  out[3] = sel & 0xff;
  for (let i = 0; i < args.length; i++) writeBigInt(out, 4 + 32 * i, args[i], 32);
  return out;
}

/** keccak256(pad32(key) . pad32(slot)): where mapping `slot` keeps the value for `key`. */
export function mappingSlot(key: bigint, slot: bigint): bigint {
  const buf = new Uint8Array(64);
  writeBigInt(buf, 0, key, 32);
  writeBigInt(buf, 32, slot, 32);
  return bytesToBigInt(keccak256(buf));
}

/** keccak256 of a UTF-8 event signature as a 32-byte topic. */
export function eventTopic(signature: string): Uint8Array {
  return keccak256(new TextEncoder().encode(signature));
}

export const SEL = {
  transfer: selector('transfer(address,uint256)'),
  transferFrom: selector('transferFrom(address,address,uint256)'),
  approve: selector('approve(address,uint256)'),
  balanceOf: selector('balanceOf(address)'),
  swapExactIn: selector('swapExactIn(address,uint256,uint256,address)'),
  increment: selector('increment(uint256)'),
} as const;

export const TOPIC = {
  transfer: eventTopic('Transfer(address,address,uint256)'),
  swap: eventTopic('Swap(address,uint256,uint256,uint256,uint256,address)'),
  sync: eventTopic('Sync(uint112,uint112)'),
  incremented: eventTopic('Incremented(uint256)'),
} as const;
