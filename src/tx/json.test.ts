/**
 * Real mainnet transactions (JSON-RPC form) of blocks from Frontier to
 * Cancun, covering the four types mainnet had by then (0-3): the hash of
 * our encoding must equal the block's `hash`, the sender must recover to
 * `from`, and the encoding must decode back to the same transaction.
 *
 * MULTILANE_TX_ALL=1 checks every block instead of the sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { addressToHex, bytesToHex, hexToAddress } from '../primitives/hex.js';
import { decodeTransaction, encodeTransaction, transactionHash } from './codec.js';
import { transactionFromJson, type JsonTransaction } from './json.js';
import { recoverSender } from './sign.js';
import { fixturesDir } from '../fixtures/files.js';

const MAINNET = fixturesDir('mainnet');

/** Frontier (high s allowed), EIP-155 era, the first type-1 block, London, Cancun blobs. */
const SAMPLE = ['46147', '4330482', '12459406', '13217637', '15538827', '19923400', '19932703'];

interface RpcTransaction extends JsonTransaction {
  hash: string;
  from: string;
}

function loadBlock(number: string): { transactions: RpcTransaction[] } {
  return JSON.parse(gunzipSync(readFileSync(join(MAINNET, number, 'block.json.gz'))).toString('utf8'));
}

function blockNumbers(): string[] {
  if (!process.env.MULTILANE_TX_ALL) return SAMPLE;
  const index = JSON.parse(readFileSync(join(MAINNET, 'INDEX.json'), 'utf8')) as { number: number }[];
  return index.map((b) => String(b.number));
}

/** Mainnet's Homestead block: EIP-2's low-s rule applies from here on. */
const HOMESTEAD_BLOCK = 1150000;

test('mainnet transactions: hash, sender and round-trip match the block', (t) => {
  assert.ok(existsSync(MAINNET), `no mainnet fixtures under ${MAINNET}`);
  const types = new Set<number>();
  let count = 0;
  for (const number of blockNumbers()) {
    const allowHighS = Number(number) < HOMESTEAD_BLOCK;
    for (const json of loadBlock(number).transactions) {
      const where = `block ${number} tx ${json.hash}`;
      const tx = transactionFromJson(json);
      types.add(tx.type);
      assert.equal(bytesToHex(transactionHash(tx)), json.hash, `${where}: hash`);
      assert.equal(addressToHex(recoverSender(tx, { allowHighS })), addressToHex(hexToAddress(json.from)), `${where}: sender`);
      const encoded = encodeTransaction(tx);
      assert.deepEqual(decodeTransaction(encoded), tx, `${where}: decode(encode(tx))`);
      count++;
    }
  }
  assert.ok(count > 1000, `only ${count} transactions checked`);
  assert.deepEqual([...types].sort(), [0, 1, 2, 3]);
});
