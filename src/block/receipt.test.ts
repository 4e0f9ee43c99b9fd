import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, hexToBigInt } from '../primitives/hex.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpDecode, rlpEncode, type RlpValue } from '../primitives/rlp.js';
import type { TxType } from '../tx/types.js';
import { bloomOr, logsBloom } from './bloom.js';
import { encodeReceipt, type Receipt } from './receipt.js';
import { EMPTY_REQUESTS_HASH, requestsHash } from './requests.js';
import { withdrawalFromJson, withdrawalFromRlp, withdrawalToRlpInput } from './withdrawal.js';
import { FIXTURES, listJsonFiles, readJsonFile } from './testing.js';

type Json = Record<string, any>;
const BLOCKCHAIN_TESTS = join(FIXTURES, 'eest', 'blockchain_tests');

/** Root of a trie holding one value under rlp(0): a lone leaf with path nibbles [8, 0]. */
function singleEntryRoot(value: Uint8Array): Uint8Array {
  return keccak256(rlpEncode([Uint8Array.of(0x20, 0x80), value]));
}

test('receipt encoding: single-transaction blocks without logs reproduce their receipts root', { skip: !existsSync(BLOCKCHAIN_TESTS) }, () => {
  let checked = 0;
  for (const file of listJsonFiles(BLOCKCHAIN_TESTS).slice(0, 120)) {
    for (const t of Object.values(readJsonFile(file) as Json)) {
      for (const b of t.blocks as Json[]) {
        const h = b.blockHeader;
        if (!h || b.transactions.length !== 1 || hexToBigInt(h.bloom) !== 0n) continue;
        const txs = (rlpDecode(hexToBytes(b.rlp)) as RlpValue[])[1] as RlpValue[];
        const type = (Array.isArray(txs[0]) ? 0 : txs[0][0]) as TxType;
        const roots = ([0, 1] as const).map((status) => {
          const r: Receipt = { type, status, cumulativeGasUsed: hexToBigInt(h.gasUsed), logsBloom: new Uint8Array(256), logs: [] };
          return bytesToHex(singleEntryRoot(encodeReceipt(r)));
        });
        assert.ok(roots.includes(h.receiptTrie), `block ${h.hash}: receipt root ${h.receiptTrie} not in ${roots}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `checked ${checked}`);
});

test('receipt encoding: pre-Byzantium state root, status, typed envelope', () => {
  const log = { address: 0x11n, topics: [new Uint8Array(32).fill(2)], data: Uint8Array.of(3) };
  const bloom = logsBloom([log]);
  const legacy = encodeReceipt({ type: 0, postState: new Uint8Array(32).fill(9), cumulativeGasUsed: 21000n, logsBloom: bloom, logs: [log] });
  const fields = rlpDecode(legacy) as RlpValue[];
  assert.deepEqual(fields[0], new Uint8Array(32).fill(9));
  assert.deepEqual(fields[1], Uint8Array.of(0x52, 0x08));
  const [address, topics, data] = (fields[3] as RlpValue[])[0] as RlpValue[];
  assert.equal(bytesToHex(address as Uint8Array), '0x' + '00'.repeat(19) + '11');
  assert.equal((topics as RlpValue[]).length, 1);
  assert.deepEqual(data, Uint8Array.of(3));
  const failed = encodeReceipt({ type: 2, status: 0, cumulativeGasUsed: 1n, logsBloom: new Uint8Array(256), logs: [] });
  assert.equal(failed[0], 2);
  assert.deepEqual((rlpDecode(failed.subarray(1)) as RlpValue[])[0], new Uint8Array(0));
  const ok = encodeReceipt({ type: 0, status: 1, cumulativeGasUsed: 1n, logsBloom: new Uint8Array(256), logs: [] });
  assert.deepEqual((rlpDecode(ok) as RlpValue[])[0], Uint8Array.of(1));
});

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) for (let v = b; v; v &= v - 1) n++;
  return n;
}

test('logs bloom: up to three bits per item, union over logs', () => {
  assert.equal(popcount(logsBloom([])), 0);
  const a = { address: 1n, topics: [], data: new Uint8Array(0) };
  const b = { address: 2n, topics: [new Uint8Array(32)], data: new Uint8Array(0) };
  const ba = logsBloom([a]);
  assert.ok(popcount(ba) >= 1 && popcount(ba) <= 3);
  const both = logsBloom([a, b]);
  const union = new Uint8Array(256);
  bloomOr(union, ba);
  bloomOr(union, logsBloom([b]));
  assert.deepEqual(both, union);
  // The bits of an item are bytes 0-1, 2-3, 4-5 of its hash, mod 2048.
  const h = keccak256(new Uint8Array(20).fill(0).map((_, i) => (i === 19 ? 1 : 0)));
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & 2047;
    assert.ok(ba[255 - (bit >> 3)] & (1 << (bit & 7)), `bit ${bit}`);
  }
});

test('requests hash: EIP-7685', () => {
  assert.equal(bytesToHex(EMPTY_REQUESTS_HASH), '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.deepEqual(requestsHash([{ type: 0, data: new Uint8Array(0) }, { type: 1, data: new Uint8Array(0) }]), EMPTY_REQUESTS_HASH);
  const data = Uint8Array.of(1, 2, 3);
  const want = sha256(sha256(Uint8Array.of(1, 1, 2, 3)));
  assert.deepEqual(requestsHash([{ type: 0, data: new Uint8Array(0) }, { type: 1, data }]), want);
});

test('withdrawals: JSON, RLP round-trip', () => {
  const w = withdrawalFromJson({ index: '0x1', validatorIndex: '0x2', address: '0x' + '33'.repeat(20), amount: '0x4' });
  const raw = rlpEncode(withdrawalToRlpInput(w));
  assert.deepEqual(withdrawalFromRlp(rlpDecode(raw), 0), w);
  assert.throws(() => withdrawalFromRlp(rlpDecode(rlpEncode([1n, 2n, new Uint8Array(19), 4n])), 0));
});
