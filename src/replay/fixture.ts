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
import { basename, dirname, join } from 'node:path';
import { MultilaneError } from '../errors.js';
import type { Block } from '../block/block.js';
import { forkAt, MAINNET, type ChainConfig } from '../block/chain.js';
import { loadMainnetFixture } from '../block/mainnet-fixture.js';
import { Fork, forkName, isForkName, parseFork } from '../primitives/fork.js';
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
 * A directory of blocks may carry an index, `INDEX.json` (fixtures/mainnet
 * does): one entry per block directory, `{number, hardfork, txCount,
 * gasUsed}`. Given as a path (`replay fixtures/mainnet/*` passes it along
 * with the directories), it stands for the blocks it lists; and every block
 * loaded from a directory beside one is checked against its entry, so a
 * block directory holding another block's files is reported as such.
 */
export const INDEX_FILE = 'INDEX.json';

export interface BlockIndexEntry {
  number: number;
  hardfork?: string;
  txCount?: number;
  gasUsed?: number;
}

/** Reads an index (INDEX_FILE), checking its shape; errors name the file and the entry. */
export function readBlockIndex(file: string): BlockIndexEntry[] {
  let data: unknown;
  try {
    data = readJsonFile(file);
  } catch (e) {
    throw new ReplayInputError(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const shape = 'a JSON array of {number, hardfork, txCount, gasUsed}';
  if (!Array.isArray(data)) throw new ReplayInputError(`${file}: not a block index (expected ${shape})`);
  return data.map((e: unknown, i) => {
    const entry = e as Record<string, unknown> | null;
    const bad = (what: string) => new ReplayInputError(`${file}: entry ${i}: ${what} (expected ${shape})`);
    if (typeof entry !== 'object' || entry === null) throw bad('not an object');
    const { number, hardfork, txCount, gasUsed } = entry;
    const count = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
    if (typeof number !== 'number' || !count(number)) throw bad(`block number ${JSON.stringify(number)}`);
    if (!count(txCount)) throw bad(`txCount ${JSON.stringify(txCount)}`);
    if (!count(gasUsed)) throw bad(`gasUsed ${JSON.stringify(gasUsed)}`);
    if (hardfork !== undefined && (typeof hardfork !== 'string' || (hardfork !== 'DAO' && !isForkName(hardfork)))) throw bad(`hardfork ${JSON.stringify(hardfork)}`);
    return { number, hardfork: hardfork as string | undefined, txCount: txCount as number | undefined, gasUsed: gasUsed as number | undefined };
  });
}

/** Indexes read so far, by directory (undefined: none there). */
const indexes = new Map<string, Map<number, BlockIndexEntry> | undefined>();

/** The index entry of the block directory `dir` from an INDEX_FILE beside it, if there is one. */
export function indexEntryFor(dir: string): BlockIndexEntry | undefined {
  const parent = dirname(dir);
  let index = indexes.get(parent);
  if (!indexes.has(parent)) {
    const file = join(parent, INDEX_FILE);
    index = existsSync(file) ? new Map(readBlockIndex(file).map((e) => [e.number, e])) : undefined;
    indexes.set(parent, index);
  }
  const name = basename(dir);
  return index !== undefined && /^\d+$/.test(name) ? index.get(Number(name)) : undefined;
}

/**
 * What in a loaded block disagrees with its index entry (the number, the
 * transaction count, the gas used, the fork), or undefined. The index's
 * "DAO" fork is Homestead's rules with the DAO fork's transfer.
 */
export function indexMismatch(entry: BlockIndexEntry, block: Block, fork: Fork): string | undefined {
  const problems: string[] = [];
  const { header } = block;
  if (BigInt(entry.number) !== header.number) problems.push(`block number ${header.number}, the index ${entry.number}`);
  if (entry.txCount !== undefined && entry.txCount !== block.transactions.length) problems.push(`${block.transactions.length} transactions, the index ${entry.txCount}`);
  if (entry.gasUsed !== undefined && BigInt(entry.gasUsed) !== header.gasUsed) problems.push(`gas used ${header.gasUsed}, the index ${entry.gasUsed}`);
  if (entry.hardfork !== undefined) {
    const want = entry.hardfork === 'DAO' ? Fork.Homestead : parseFork(entry.hardfork);
    if (want !== fork) problems.push(`fork ${forkName(fork)} by the chain's schedule, the index ${entry.hardfork}`);
  }
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * The block directories `paths` name: each is a block directory, a
 * directory of them (like fixtures/mainnet), or an index of one
 * (INDEX_FILE). Anything else is an error, so a typo does not pass as
 * "0 blocks, all ok".
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
    if (!isDir && basename(p) === INDEX_FILE) {
      for (const e of readBlockIndex(p)) {
        const dir = join(dirname(p), String(e.number));
        if (!isBlockDir(dir)) throw new ReplayInputError(`${p}: lists block ${e.number}, but ${dir} holds no block.json(.gz)`);
        out.push(dir);
      }
      continue;
    }
    if (!isDir) throw new ReplayInputError(`${p}: not a directory (give a block directory, a directory of them, or their ${INDEX_FILE})`);
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
  const entry = indexEntryFor(dir);
  const disagrees = entry === undefined ? undefined : indexMismatch(entry, fixture.block, fork);
  if (disagrees !== undefined) throw new ReplayInputError(`${dir}: the block does not match ${join(dirname(dir), INDEX_FILE)}: ${disagrees}`);
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
