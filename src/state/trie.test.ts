import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpEncode } from '../primitives/rlp.js';
import { EMPTY_TRIE_ROOT, orderedTrieRoot, secureTrieRoot, trieRoot } from './trie.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const pairs = (o: Record<string, string>): Array<[Uint8Array, Uint8Array]> =>
  Object.entries(o).map(([k, v]) => [utf8(k), utf8(v)]);

test('the empty trie root is keccak256(rlp(""))', () => {
  assert.equal(bytesToHex(EMPTY_TRIE_ROOT), '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
  assert.deepEqual(trieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(orderedTrieRoot([]), EMPTY_TRIE_ROOT);
  assert.deepEqual(secureTrieRoot([]), EMPTY_TRIE_ROOT);
});

// Vectors of ethereum/tests TrieTests (trieanyorder.json, trietest.json).
test('known roots: a single item, "dogs", "puppy", "foo"', () => {
  assert.equal(
    bytesToHex(trieRoot(pairs({ A: 'a'.repeat(50) }))),
    '0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab',
  );
  assert.equal(
    bytesToHex(trieRoot(pairs({ doe: 'reindeer', dog: 'puppy', dogglesworth: 'cat' }))),
    '0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3',
  );
  assert.equal(
    bytesToHex(trieRoot(pairs({ do: 'verb', horse: 'stallion', doge: 'coin', dog: 'puppy' }))),
    '0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84',
  );
  assert.equal(bytesToHex(trieRoot(pairs({ foo: 'bar', food: 'bass' }))), '0x17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3');
});

test('insertion order does not matter; the later duplicate wins; empty values are deletions', () => {
  const a = pairs({ do: 'verb', horse: 'stallion', doge: 'coin', dog: 'puppy' });
  const b = [...a].reverse();
  assert.deepEqual(trieRoot(a), trieRoot(b));
  const withDup: Array<[Uint8Array, Uint8Array]> = [[utf8('dog'), utf8('kitten')], ...a];
  assert.deepEqual(trieRoot(withDup), trieRoot(a)); // 'puppy' comes later
  const withEmpty: Array<[Uint8Array, Uint8Array]> = [...a, [utf8('zebra'), new Uint8Array(0)]];
  assert.deepEqual(trieRoot(withEmpty), trieRoot(a));
  const deleted: Array<[Uint8Array, Uint8Array]> = [...a, [utf8('horse'), new Uint8Array(0)]];
  assert.deepEqual(trieRoot(deleted), trieRoot(pairs({ do: 'verb', doge: 'coin', dog: 'puppy' })));
});

test('secureTrieRoot hashes keys', () => {
  const a = pairs({ do: 'verb', dog: 'puppy' });
  assert.deepEqual(secureTrieRoot(a), trieRoot(a.map(([k, v]) => [keccak256(k), v])));
});

test('orderedTrieRoot keys values by rlp(index)', () => {
  const values = Array.from({ length: 300 }, (_, i) => rlpEncode([i, utf8('value ' + i)]));
  const explicit = values.map((v, i): [Uint8Array, Uint8Array] => [rlpEncode(i), v]);
  assert.deepEqual(orderedTrieRoot(values), trieRoot(explicit));
  // A single short value: root = keccak(rlp([hp(key), value])) with the leaf inlined nowhere.
  const one = orderedTrieRoot([Uint8Array.of(0x01)]);
  assert.deepEqual(one, keccak256(rlpEncode([hexToBytes('0x2080'), Uint8Array.of(0x01)])));
});

test('a transactions root from a mainnet-style list (blockchain fixture)', () => {
  // Empty-list roots are what headers of blocks without transactions carry.
  assert.equal(bytesToHex(orderedTrieRoot([])), '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
});
