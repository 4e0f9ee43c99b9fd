import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Fork } from '../primitives/fork.js';
import { bytesToHex, hexToBytes } from '../primitives/hex.js';
import { rlpDecode, type RlpValue } from '../primitives/rlp.js';
import { blobScheduleFor, chainConfigForNetwork, forkAt } from './chain.js';
import { BlockError } from './errors.js';
import { headerFromJson, headerFromRlp, headerHash, type BlockHeader } from './header.js';
import { calcBaseFee, calcDifficulty, calcExcessBlobGas, INITIAL_BASE_FEE, validateHeader } from './validate.js';
import { FIXTURES, listJsonFiles, readJsonFile } from './testing.js';

type Json = Record<string, any>;
const BLOCKCHAIN_TESTS = join(FIXTURES, 'eest', 'blockchain_tests');

/** Rejections that validateHeader alone must produce. */
const HEADER_CODES = new Set(['INCORRECT_EXCESS_BLOB_GAS', 'INCORRECT_BLOCK_FORMAT', 'INVALID_BASEFEE_PER_GAS', 'INVALID_GASLIMIT']);

function expectedCodes(expect: string | undefined): string[] {
  return expect ? expect.split('|').map((e) => e.replace(/^\w+Exception\./, '')) : [];
}

test('header validation agrees with every blockchain-test block', { skip: !existsSync(BLOCKCHAIN_TESTS) }, () => {
  let valid = 0;
  let rejected = 0;
  for (const file of listJsonFiles(BLOCKCHAIN_TESTS)) {
    for (const [name, t] of Object.entries(readJsonFile(file) as Json)) {
      const chain = chainConfigForNetwork(t.network, BigInt(t.config.chainid), t.config.blobSchedule);
      let parent = headerFromJson(t.genesisBlockHeader);
      for (const b of t.blocks as Json[]) {
        const codes = expectedCodes(b.expectException);
        let h: BlockHeader;
        try {
          h = headerFromRlp((rlpDecode(hexToBytes(b.rlp)) as RlpValue[])[0]);
        } catch (e) {
          assert.ok(codes.length > 0, `${name}: a valid block failed to decode: ${e}`);
          continue;
        }
        const fork = forkAt(chain, h.number, h.timestamp);
        const parentFork = forkAt(chain, parent.number, parent.timestamp);
        const where = `${name} block ${h.number}`;
        try {
          validateHeader(h, parent, { fork, parentFork, blobSchedule: blobScheduleFor(chain, fork) });
        } catch (e) {
          if (!(e instanceof BlockError)) throw e;
          assert.ok(codes.includes(e.code), `${where}: rejected (${e.message}) but expected ${codes.join('|') || 'valid'}`);
          rejected++;
          continue;
        }
        assert.ok(!codes.some((c) => HEADER_CODES.has(c)), `${where}: accepted but expected ${b.expectException}`);
        if (codes.length === 0) {
          assert.equal(bytesToHex(h.parentHash), bytesToHex(headerHash(parent)), `${where}: parent hash`);
          parent = h;
          valid++;
        }
      }
    }
  }
  assert.ok(valid > 3000 && rejected > 80, `valid ${valid}, rejected ${rejected}`);
});

function header(over: Partial<BlockHeader>): BlockHeader {
  return {
    parentHash: new Uint8Array(32),
    ommersHash: hexToBytes('0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347'),
    coinbase: 0n,
    stateRoot: new Uint8Array(32),
    transactionsRoot: new Uint8Array(32),
    receiptsRoot: new Uint8Array(32),
    logsBloom: new Uint8Array(256),
    difficulty: 0n,
    number: 1n,
    gasLimit: 30_000_000n,
    gasUsed: 15_000_000n,
    timestamp: 12n,
    extraData: new Uint8Array(0),
    mixHash: new Uint8Array(32),
    nonce: 0n,
    ...over,
  };
}

test('calcBaseFee follows EIP-1559', () => {
  const base = 1_000_000_000n;
  assert.equal(calcBaseFee(header({ baseFeePerGas: base })), base);
  assert.equal(calcBaseFee(header({ baseFeePerGas: base, gasUsed: 30_000_000n })), 1_125_000_000n);
  assert.equal(calcBaseFee(header({ baseFeePerGas: base, gasUsed: 0n })), 875_000_000n);
  // The increase is at least 1 wei.
  assert.equal(calcBaseFee(header({ baseFeePerGas: 7n, gasUsed: 15_000_001n })), 8n);
  assert.equal(calcBaseFee(header({})), INITIAL_BASE_FEE);
});

test('calcExcessBlobGas: EIP-4844, and EIP-7918 from Osaka', () => {
  const schedule = { target: 6, max: 9, baseFeeUpdateFraction: 5007716n };
  const blob = 131072n;
  const p = (excess: bigint, used: bigint, baseFee: bigint) => header({ excessBlobGas: excess, blobGasUsed: used, baseFeePerGas: baseFee });
  assert.equal(calcExcessBlobGas(p(0n, 5n * blob, 7n), schedule, Fork.Prague), 0n);
  assert.equal(calcExcessBlobGas(p(blob, 9n * blob, 7n), schedule, Fork.Prague), 4n * blob);
  // Osaka with a cheap execution base fee: the same as before.
  assert.equal(calcExcessBlobGas(p(blob, 9n * blob, 7n), schedule, Fork.Osaka), 4n * blob);
  // Osaka with an execution base fee high enough that blobs are under-priced: grows by used * (max-target)/max.
  assert.equal(calcExcessBlobGas(p(blob, 9n * blob, 10n ** 12n), schedule, Fork.Osaka), blob + 3n * blob);
  // A parent before Cancun has neither field.
  assert.equal(calcExcessBlobGas(header({}), schedule, Fork.Cancun), 0n);
});

test('calcDifficulty: Byzantium rules, floor and bomb', () => {
  const parent = header({ number: 0n, difficulty: 131072n * 4n, timestamp: 0n });
  // 9+ seconds: factor 0; under 9: +1 adjustment.
  assert.equal(calcDifficulty(header({ timestamp: 9n }), parent, Fork.Berlin), 131072n * 4n);
  assert.equal(calcDifficulty(header({ timestamp: 1n }), parent, Fork.Berlin), 131072n * 4n + 256n);
  // The factor bottoms out at -99; the result never goes under the minimum.
  assert.equal(calcDifficulty(header({ timestamp: 1000n }), parent, Fork.Berlin), 131072n * 4n - 256n * 99n);
  assert.equal(calcDifficulty(header({ timestamp: 1000n }), header({ number: 0n, difficulty: 131072n, timestamp: 0n }), Fork.Berlin), 131072n);
  // Frontier bomb at block 300,000: 2^(3-2).
  const p2 = header({ number: 299_999n, difficulty: 10n ** 12n, timestamp: 0n });
  assert.equal(calcDifficulty(header({ number: 300_000n, timestamp: 20n }), p2, Fork.Frontier), 10n ** 12n - 10n ** 12n / 2048n + 2n);
});

test('validateHeader rejects each rule with its code', () => {
  const parent = header({ number: 0n, timestamp: 0n, baseFeePerGas: 7n, gasUsed: 0n });
  const good = header({ baseFeePerGas: calcBaseFee(parent), gasUsed: 0n });
  const rules = { fork: Fork.Paris, parentFork: Fork.Paris };
  validateHeader(good, parent, rules);
  const code = (over: Partial<BlockHeader>) => {
    try {
      validateHeader({ ...good, ...over }, parent, rules);
      return 'ok';
    } catch (e) {
      return (e as BlockError).code;
    }
  };
  assert.equal(code({ number: 2n }), 'INVALID_BLOCK_NUMBER');
  assert.equal(code({ timestamp: 0n }), 'INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT');
  assert.equal(code({ extraData: new Uint8Array(33) }), 'EXTRA_DATA_TOO_BIG');
  assert.equal(code({ gasLimit: 30_000_000n + 30_000_000n / 1024n }), 'INVALID_GASLIMIT');
  assert.equal(code({ gasLimit: 30_000_000n + 30_000_000n / 1024n - 1n }), 'ok');
  assert.equal(code({ gasUsed: 40_000_000n }), 'INVALID_GAS_USED_ABOVE_LIMIT');
  assert.equal(code({ baseFeePerGas: 8n }), 'INVALID_BASEFEE_PER_GAS');
  assert.equal(code({ difficulty: 1n }), 'INVALID_DIFFICULTY');
  assert.equal(code({ nonce: 1n }), 'INVALID_NONCE');
  assert.equal(code({ ommersHash: new Uint8Array(32) }), 'INVALID_UNCLES_HASH');
  assert.equal(code({ withdrawalsRoot: new Uint8Array(32) }), 'INCORRECT_BLOCK_FORMAT');
});
