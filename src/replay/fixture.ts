/**
 * Finding and loading the mainnet blocks of `shared/fixtures/mainnet/<number>/`
 * for replay: block.json, pre_state.json, bytecodes.json, block_hashes.json
 * (each as .json or .json.gz). Parsing is src/block's loadMainnetFixture;
 * this adds what replay needs around it: the fork, the senders (recovered
 * once, timed apart from execution), the set of addresses the pre-state
 * lists (to tell a missing account from a new one), and errors that name
 * the account at fault.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MultilaneError } from '../errors.js';
import type { Block } from '../block/block.js';
import { forkAt, MAINNET, type ChainConfig } from '../block/chain.js';
import { loadMainnetFixture } from '../block/mainnet-fixture.js';
import { Fork } from '../primitives/fork.js';
import type { MemoryState } from '../state/memory-state.js';
import { recoverSender } from '../tx/sign.js';
import { readJsonFile } from '../fixtures/files.js';

/** Replay input that cannot be run as given: a missing file, or code the pre-state names but bytecodes.json lacks. */
export class ReplayInputError extends MultilaneError {
  override name = 'ReplayInputError';
}

/** One block ready to replay. */
export interface ReplayBlock {
  dir: string;
  number: bigint;
  fork: Fork;
  chain: ChainConfig;
  block: Block;
  /** The pre-state as loaded: every run executes on a clone of it. */
  pre: MemoryState;
  /** Addresses pre_state.json lists. */
  preAddresses: ReadonlySet<bigint>;
  blockHashes: ReadonlyMap<bigint, bigint>;
  /** senders[i] signed transactions[i]. */
  senders: bigint[];
  /** ms to read and parse the files. */
  loadMs: number;
  /** ms to recover the senders. */
  recoverMs: number;
}

function hasFile(dir: string, name: string): boolean {
  return existsSync(join(dir, `${name}.json.gz`)) || existsSync(join(dir, `${name}.json`));
}

/** Whether `dir` holds one block (a block.json or block.json.gz). */
export function isBlockDir(dir: string): boolean {
  return hasFile(dir, 'block');
}

/** Block directories first by number when named by one, else by name. */
function compareDirs(a: string, b: string): number {
  const x = basename(a);
  const y = basename(b);
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The block directories `paths` name: each is a block directory, or a
 * directory of them (like fixtures/mainnet). Anything else is an error, so a
 * typo does not pass as "0 blocks, all ok".
 */
export function findBlockDirs(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new ReplayInputError(`${p}: no such directory`);
    }
    if (!isDir) throw new ReplayInputError(`${p}: not a directory (give a block directory, or a directory of them)`);
    if (isBlockDir(p)) {
      out.push(p);
      continue;
    }
    const inner = readdirSync(p, { withFileTypes: true })
      .filter((e) => e.isDirectory() && isBlockDir(join(p, e.name)))
      .map((e) => join(p, e.name))
      .sort(compareDirs);
    if (inner.length === 0) throw new ReplayInputError(`${p}: no block.json here nor in its subdirectories`);
    out.push(...inner);
  }
  return [...new Set(out)];
}

/** Loads a block directory and recovers its senders. */
export function loadReplayBlock(dir: string, chain: ChainConfig = MAINNET): ReplayBlock {
  for (const name of ['block', 'pre_state', 'bytecodes', 'block_hashes']) {
    if (!hasFile(dir, name)) throw new ReplayInputError(`${dir}: no ${name}.json(.gz)`);
  }
  const t0 = performance.now();
  let fixture: ReturnType<typeof loadMainnetFixture>;
  try {
    fixture = loadMainnetFixture(dir);
  } catch (e) {
    throw explainLoadError(dir, e);
  }
  const preAddresses = new Set<bigint>();
  for (const [address] of fixture.state.accounts()) preAddresses.add(address);
  const t1 = performance.now();
  const { header } = fixture.block;
  const fork = forkAt(chain, header.number, header.timestamp);
  // EIP-2: high-s signatures are invalid from Homestead.
  const allowHighS = fork < Fork.Homestead;
  const senders = fixture.block.transactions.map((tx, i) => {
    try {
      return recoverSender(tx, { allowHighS });
    } catch (e) {
      throw new ReplayInputError(`${dir}: transaction ${i}: cannot recover the sender: ${(e as Error).message}`, { cause: e });
    }
  });
  const t2 = performance.now();
  return {
    dir,
    number: header.number,
    fork,
    chain,
    block: fixture.block,
    pre: fixture.state,
    preAddresses,
    blockHashes: fixture.blockHashes,
    senders,
    loadMs: t1 - t0,
    recoverMs: t2 - t1,
  };
}

/**
 * A load failure as the user should read it. The loader names a code hash
 * without bytecode but not the account; finding the account means reading
 * pre_state.json again, which only this error path pays for.
 */
function explainLoadError(dir: string, e: unknown): Error {
  const message = (e as Error).message ?? String(e);
  const m = /no bytecode for code hash (0x[0-9a-fA-F]+)/.exec(message);
  // Loading only parses input: whatever fails (gzip, JSON, a malformed transaction) is the input's fault.
  if (m === null) return new ReplayInputError(`${dir}: cannot load: ${message.replace(`${dir}: `, '')}`, { cause: e });
  const hash = m[1].toLowerCase();
  let owners: string[] = [];
  try {
    const pre = readJsonFile(join(dir, hasGz(dir, 'pre_state') ? 'pre_state.json.gz' : 'pre_state.json')) as Record<string, { code_hash?: string }>;
    owners = Object.entries(pre)
      .filter(([, a]) => String(a.code_hash ?? '').toLowerCase() === hash)
      .map(([address]) => address.toLowerCase());
  } catch {
    // The original error still says which hash is missing.
  }
  const who = owners.length === 0 ? 'an account' : `account${owners.length === 1 ? '' : 's'} ${owners.join(', ')}`;
  return new ReplayInputError(`${dir}: bad pre-state: ${who} has code hash ${hash}, which bytecodes.json lacks`, { cause: e });
}

function hasGz(dir: string, name: string): boolean {
  return existsSync(join(dir, `${name}.json.gz`));
}
