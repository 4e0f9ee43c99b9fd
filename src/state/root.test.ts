import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { bytesToHex, hexToAddress, hexToBigInt, hexToBytes } from '../primitives/hex.js';
import { KECCAK_EMPTY, KECCAK_RLP_EMPTY_LIST, keccak256 } from '../primitives/keccak.js';
import { rlpEncode } from '../primitives/rlp.js';
import { encodeAccount, logsHash, stateRoot, storageRoot, type RootAccount } from './root.js';
import { EMPTY_TRIE_ROOT } from './trie.js';
import { fixturesDir } from '../fixtures/files.js';

const FIXTURES = fixturesDir('eest');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (name.endsWith('.json.gz')) out.push(path);
  }
  return out;
}

type JsonAccount = { nonce: string; balance: string; code: string; storage: Record<string, string> };

function accountsFromJson(alloc: Record<string, JsonAccount>): Array<[bigint, RootAccount]> {
  return Object.entries(alloc).map(([address, a]) => {
    const storage = new Map<bigint, bigint>();
    for (const [slot, value] of Object.entries(a.storage)) storage.set(hexToBigInt(slot), hexToBigInt(value));
    const code = hexToBytes(a.code);
    return [hexToAddress(address), { nonce: hexToBigInt(a.nonce), balance: hexToBigInt(a.balance), codeHash: keccak256(code), storage }];
  });
}

test('an empty state and an empty account', () => {
  assert.deepEqual(stateRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(storageRoot(new Map()), EMPTY_TRIE_ROOT);
  // Zero values are absent from the storage trie.
  assert.deepEqual(storageRoot(new Map([[1n, 0n], [2n, 0n]])), EMPTY_TRIE_ROOT);
  assert.deepEqual(storageRoot(new Map([[1n, 5n], [2n, 0n]])), storageRoot(new Map([[1n, 5n]])));
  assert.deepEqual(
    encodeAccount(0n, 0n, EMPTY_TRIE_ROOT, KECCAK_EMPTY),
    rlpEncode([new Uint8Array(0), new Uint8Array(0), EMPTY_TRIE_ROOT, KECCAK_EMPTY]),
  );
});

test('a one-account state by hand: keccak(rlp([hp(keccak(address)), rlp(account)]))', () => {
  const address = 0xa94f5374fce5edbc8e2a8697c15331677e6ebf0bn;
  const account = { nonce: 1n, balance: 10n ** 18n, codeHash: KECCAK_EMPTY, storage: new Map<bigint, bigint>() };
  const key = keccak256(hexToBytes('0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b'));
  const leaf = rlpEncode([Uint8Array.of(0x20, ...key), encodeAccount(1n, 10n ** 18n, EMPTY_TRIE_ROOT, KECCAK_EMPTY)]);
  assert.deepEqual(stateRoot([[address, account]]), keccak256(leaf));
});

test('logsHash of no logs is keccak(rlp([])), and of one log by hand', () => {
  assert.deepEqual(logsHash([]), KECCAK_RLP_EMPTY_LIST);
  assert.equal(bytesToHex(logsHash([])), '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347');
  const topic = new Uint8Array(32).fill(7);
  const log = { address: 0x1000n, topics: [topic], data: Uint8Array.of(1, 2, 3) };
  const address = new Uint8Array(20);
  address[18] = 0x10;
  assert.deepEqual(logsHash([log]), keccak256(rlpEncode([[address, [topic], Uint8Array.of(1, 2, 3)]])));
});

test('blockchain tests: the state root of `pre` is the genesis header stateRoot', () => {
  let checked = 0;
  for (const file of walk(join(FIXTURES, 'blockchain_tests'))) {
    const json = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
    for (const [name, t] of Object.entries<any>(json)) {
      const root = bytesToHex(stateRoot(accountsFromJson(t.pre)));
      assert.equal(root, t.genesisBlockHeader.stateRoot, `${file} :: ${name}`);
      checked++;
    }
  }
  assert.ok(checked > 1000, `checked only ${checked} genesis states`);
});

test('state tests: the root of each post `state` is its `hash` (every 8th file)', () => {
  let checked = 0;
  const files = walk(join(FIXTURES, 'state_tests'));
  for (let i = 0; i < files.length; i += 8) {
    const json = JSON.parse(gunzipSync(readFileSync(files[i])).toString('utf8'));
    for (const [name, t] of Object.entries<any>(json)) {
      for (const [fork, entries] of Object.entries<any[]>(t.post)) {
        for (const e of entries) {
          if (e.state === undefined) continue;
          assert.equal(bytesToHex(stateRoot(accountsFromJson(e.state))), e.hash, `${files[i]} :: ${name} :: ${fork}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 1000, `checked only ${checked} post states`);
});
