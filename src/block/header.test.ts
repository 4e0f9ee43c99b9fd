import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { rlpDecode, rlpEncode, type RlpValue } from '../primitives/rlp.js';
import { BlockError } from './errors.js';
import { decodeHeader, encodeHeader, headerFromJson, headerFromRlp, headerHash, headerToJson } from './header.js';
import { FIXTURES, listJsonFiles, readJsonFile } from './testing.js';

type Json = Record<string, any>;

function hasGap(h: object): boolean {
  try {
    encodeHeader(h as never);
    return false;
  } catch (e) {
    return e instanceof BlockError && e.code === 'INCORRECT_BLOCK_FORMAT';
  }
}

const BLOCKCHAIN_TESTS = join(FIXTURES, 'eest', 'blockchain_tests');
const MAINNET = join(FIXTURES, 'mainnet');

test('every blockchain-test header hash recomputes; RLP round-trips', { skip: !existsSync(BLOCKCHAIN_TESTS) }, () => {
  let checked = 0;
  for (const file of listJsonFiles(BLOCKCHAIN_TESTS)) {
    const tests = readJsonFile(file) as Json;
    for (const [name, t] of Object.entries(tests)) {
      const genesis = headerFromJson(t.genesisBlockHeader);
      assert.equal(bytesToHex(headerHash(genesis)), t.genesisBlockHeader.hash, `${name}: genesis`);
      // genesisRLP is the whole genesis block: [header, txs, ommers, (withdrawals)].
      const genesisBlock = rlpDecode(hexToBytes(t.genesisRLP)) as RlpValue[];
      assert.deepEqual(headerFromRlp(genesisBlock[0]), genesis, `${name}: genesis RLP`);
      checked++;
      for (const b of t.blocks as Json[]) {
        const json = b.blockHeader ?? b.rlp_decoded?.blockHeader;
        if (!json) continue;
        const h = headerFromJson(json);
        // Invalid blocks may leave out a field in the middle (e.g. blobGasUsed
        // without excessBlobGas); such headers have no canonical form.
        if (!b.blockHeader && hasGap(h)) continue;
        assert.equal(bytesToHex(headerHash(h)), json.hash, `${name}: block ${json.number}`);
        if (b.blockHeader) {
          const block = rlpDecode(hexToBytes(b.rlp)) as RlpValue[];
          const raw = rlpEncode(block[0] as any);
          assert.deepEqual(decodeHeader(raw), h, `${name}: block ${json.number} RLP`);
          assert.deepEqual(encodeHeader(h), raw);
        }
        checked++;
      }
    }
  }
  assert.ok(checked > 6000, `checked ${checked} headers`);
});

test('every mainnet block.json header hash recomputes', { skip: !existsSync(MAINNET) }, () => {
  let checked = 0;
  for (const dir of readdirSync(MAINNET)) {
    const path = join(MAINNET, dir, 'block.json.gz');
    if (!existsSync(path)) continue;
    const block = readJsonFile(path) as Json;
    assert.equal(bytesToHex(headerHash(headerFromJson(block))), block.hash, `mainnet block ${dir}`);
    checked++;
  }
  assert.ok(checked >= 50, `checked ${checked} blocks`);
});

const SAMPLE: Json = {
  parentHash: '0x' + '11'.repeat(32),
  uncleHash: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
  coinbase: '0x' + '22'.repeat(20),
  stateRoot: '0x' + '33'.repeat(32),
  transactionsTrie: '0x' + '44'.repeat(32),
  receiptTrie: '0x' + '55'.repeat(32),
  bloom: '0x' + '00'.repeat(256),
  difficulty: '0x0',
  number: '0x1',
  gasLimit: '0x1c9c380',
  gasUsed: '0x5208',
  timestamp: '0x3e8',
  extraData: '0x',
  mixHash: '0x' + '66'.repeat(32),
  nonce: '0x0000000000000000',
  baseFeePerGas: '0x7',
};

test('JSON round-trip and field-count forms', () => {
  const h = headerFromJson(SAMPLE);
  assert.deepEqual(headerFromJson(headerToJson(h)), h);
  assert.equal((rlpDecode(encodeHeader(h)) as RlpValue[]).length, 16);
  const { baseFeePerGas: _omit, ...legacy } = SAMPLE;
  assert.equal((rlpDecode(encodeHeader(headerFromJson(legacy))) as RlpValue[]).length, 15);
});

test('an optional field after a missing one is rejected', () => {
  const h = headerFromJson({ ...SAMPLE, blobGasUsed: '0x0' });
  assert.throws(() => encodeHeader(h), (e: unknown) => e instanceof BlockError && e.code === 'INCORRECT_BLOCK_FORMAT');
});

test('decoding is strict about field sizes and integer form', () => {
  const fields = rlpDecode(encodeHeader(headerFromJson(SAMPLE))) as Uint8Array[];
  const bad = (i: number, value: Uint8Array) => rlpEncode(fields.map((f, j) => (j === i ? value : f)));
  const code = (raw: Uint8Array) => {
    try {
      decodeHeader(raw);
      return 'ok';
    } catch (e) {
      return (e as BlockError).code;
    }
  };
  assert.equal(code(rlpEncode(fields)), 'ok');
  assert.equal(code(bad(0, new Uint8Array(31))), 'RLP_STRUCTURES_ENCODING');
  assert.equal(code(bad(2, new Uint8Array(19))), 'RLP_INVALID_ADDRESS');
  assert.equal(code(bad(9, Uint8Array.of(0, 1))), 'RLP_STRUCTURES_ENCODING');
  assert.equal(code(bad(9, new Uint8Array(9).fill(1))), 'RLP_INVALID_FIELD_OVERFLOW_64');
  assert.equal(code(bad(14, new Uint8Array(7))), 'RLP_STRUCTURES_ENCODING');
  assert.equal(code(rlpEncode(fields.slice(0, 14))), 'INCORRECT_BLOCK_FORMAT');
  assert.equal(code(Uint8Array.of(0xc1)), 'RLP_STRUCTURES_ENCODING');
});
