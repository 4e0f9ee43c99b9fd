/**
 * Loading the real mainnet blocks of `shared/fixtures/mainnet/<number>/`:
 * the block as JSON-RPC returns it, the (partial) pre-state of every account
 * it touches, the bytecodes by hash, and the BLOCKHASH answers it needs.
 * The state is partial, so the state root cannot be checked; gas used,
 * receipts root (from Byzantium) and logs bloom can.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FixtureError } from '../errors.js';
import { bytesToBigInt } from '../primitives/bytes.js';
import { hexToBigInt, hexToBytes } from '../primitives/hex.js';
import { MemoryState } from '../state/memory-state.js';
import { blockFromJson, type Block } from './block.js';

export interface MainnetFixture {
  block: Block;
  state: MemoryState;
  blockHashes: Map<bigint, bigint>;
}

type Json = Record<string, any>;

function readJson(dir: string, name: string): Json {
  for (const file of [`${name}.json.gz`, `${name}.json`]) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const raw = readFileSync(path);
    return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as Json;
  }
  throw new FixtureError(`${dir}: no ${name}.json(.gz)`);
}

function quantity(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return hexToBigInt(v);
  throw new FixtureError(`expected a number or hex quantity, got ${typeof v}`);
}

export function loadMainnetFixture(dir: string): MainnetFixture {
  const block = blockFromJson(readJson(dir, 'block'));
  const pre = readJson(dir, 'pre_state');
  const codes = readJson(dir, 'bytecodes');
  const state = new MemoryState();
  for (const [addr, acct] of Object.entries(pre)) {
    const address = hexToBigInt(addr);
    let code: Uint8Array = new Uint8Array(0);
    if (acct.code_hash) {
      const hex = codes[String(acct.code_hash).toLowerCase()];
      if (hex === undefined) throw new FixtureError(`${dir}: no bytecode for code hash ${acct.code_hash}`);
      code = hexToBytes(hex);
    }
    state.setAccount(address, { nonce: quantity(acct.nonce), balance: quantity(acct.balance), code });
    for (const [slot, value] of Object.entries((acct.storage ?? {}) as Record<string, string>)) {
      const v = hexToBigInt(value);
      if (v !== 0n) state.setStorage(address, hexToBigInt(slot), v);
    }
  }
  const blockHashes = new Map<bigint, bigint>();
  for (const [n, hash] of Object.entries(readJson(dir, 'block_hashes'))) {
    blockHashes.set(BigInt(n), bytesToBigInt(hexToBytes(String(hash))));
  }
  return { block, state, blockHashes };
}
