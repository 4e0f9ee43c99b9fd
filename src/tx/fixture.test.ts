/**
 * Every transaction of a sample of state-test fixtures (all five types):
 * built from the fixture's fields and signed with its secretKey, it must
 * encode to `txbytes` exactly; `txbytes` must decode and re-encode to itself
 * and recover to `sender`; and static validation must agree with
 * `expectException` (see EXPECTED_STATIC below).
 *
 * MULTILANE_TX_ALL=1 runs every state-test file instead of the sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { calcBlobBaseFee } from '../block/blob.js';
import { SECP256K1_HALF_N } from '../crypto/secp256k1.js';
import { bytesEqual } from '../primitives/bytes.js';
import { parseFork, isForkName, Fork } from '../primitives/fork.js';
import { addressToHex, bytesToHex, hexToAddress, hexToBigInt, hexToBytes } from '../primitives/hex.js';
import { decodeTransaction, encodeTransaction } from './codec.js';
import { TxError, type TxErrorCode } from './errors.js';
import { transactionFromStateTest, type StateTestTransactionJson, type StateTestTxOptions } from './fixture.js';
import { authorizationFromJson } from './json.js';
import { recoverAuthority, recoverSender, signTransaction } from './sign.js';
import type { Transaction, UnsignedTransaction } from './types.js';
import { validateTransaction, type TxLimits } from './validate.js';
import { fixturesDir } from '../fixtures/files.js';

const STATE_TESTS = fixturesDir('eest', 'state_tests');

const SAMPLE_DIRS = [
  'cancun/eip4844_blobs',
  'prague/eip7702_set_code_tx',
  'prague/eip7623_increase_calldata_cost',
  'berlin/eip2930_access_list',
  'london/eip1559_fee_market_change',
  'shanghai/eip3860_initcode',
  'osaka/eip7825_transaction_gas_limit_cap',
  'osaka/eip7594_peerdas',
  'static/state_tests/stTransactionTest',
  'static/state_tests/stEIP1559',
];

/** Codes that validateTransaction decides; the others need state (balance, nonce, code). */
const EXPECTED_STATIC = new Set<string>([
  'INTRINSIC_GAS_TOO_LOW', 'INTRINSIC_GAS_BELOW_FLOOR_GAS_COST', 'INITCODE_SIZE_EXCEEDED', 'GAS_LIMIT_EXCEEDS_MAXIMUM',
  'GAS_ALLOWANCE_EXCEEDED', 'GASLIMIT_PRICE_PRODUCT_OVERFLOW', 'NONCE_IS_MAX', 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS',
  'INSUFFICIENT_MAX_FEE_PER_GAS', 'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS', 'INVALID_CHAINID',
  'TYPE_1_TX_PRE_FORK', 'TYPE_2_TX_PRE_FORK', 'TYPE_3_TX_PRE_FORK', 'TYPE_4_TX_PRE_FORK',
  'TYPE_3_TX_ZERO_BLOBS', 'TYPE_3_TX_BLOB_COUNT_EXCEEDED', 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED',
  'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH', 'TYPE_3_TX_CONTRACT_CREATION', 'TYPE_4_TX_CONTRACT_CREATION',
  'TYPE_4_EMPTY_AUTHORIZATION_LIST',
]);

interface PostEntry {
  indexes: { data: number; gas: number; value: number };
  txbytes: string;
  expectException?: string;
}

interface StateTest {
  env: { currentGasLimit: string; currentBaseFee?: string; currentExcessBlobGas?: string };
  config?: { chainid?: string; blobSchedule?: Record<string, { max: string; baseFeeUpdateFraction: string }> };
  transaction: StateTestTransactionJson;
  post: Record<string, PostEntry[]>;
}

function listFixtures(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFixtures(p));
    else if (name.endsWith('.json.gz') || name.endsWith('.json')) out.push(p);
  }
  return out;
}

function loadJson(path: string): Record<string, StateTest> {
  const raw = readFileSync(path);
  return JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}

function expectedCodes(expect: string | undefined): string[] {
  if (!expect) return [];
  return expect.split('|').map((e) => e.trim().replace(/^TransactionException\./, ''));
}

function txLimits(t: StateTest, forkName: string, fork: Fork): TxLimits {
  const schedule = t.config?.blobSchedule?.[forkName];
  return {
    maxBlobsPerBlock: schedule ? Number(hexToBigInt(schedule.max)) : 0,
    chainId: hexToBigInt(t.config?.chainid ?? '0x01'),
    blockGasLimit: hexToBigInt(t.env.currentGasLimit),
    baseFee: fork >= Fork.London && t.env.currentBaseFee ? hexToBigInt(t.env.currentBaseFee) : undefined,
    blobBaseFee:
      schedule && t.env.currentExcessBlobGas
        ? calcBlobBaseFee(hexToBigInt(t.env.currentExcessBlobGas), hexToBigInt(schedule.baseFeeUpdateFraction))
        : undefined,
  };
}

/** Checks one post entry; returns a description of what went wrong, or null. */
function checkEntry(name: string, t: StateTest, forkName: string, entry: PostEntry, types: Set<number>): string | null {
  const fork = parseFork(forkName);
  const where = `${name} ${forkName} ${JSON.stringify(entry.indexes)}`;
  const txbytes = hexToBytes(entry.txbytes);
  const expected = expectedCodes(entry.expectException);
  const options: StateTestTxOptions = { chainId: hexToBigInt(t.config?.chainid ?? '0x01') };
  let decoded: Transaction | undefined;
  try {
    decoded = decodeTransaction(txbytes);
  } catch (e) {
    // A type-3/4 creation fails decoding already, with the fixture's own code.
    if (!(e instanceof TxError && expected.includes(e.code))) throw e;
  }
  if (decoded !== undefined) {
    types.add(decoded.type);
    options.eip155 = decoded.chainId !== undefined;
    if (!bytesEqual(encodeTransaction(decoded), txbytes)) return `${where}: decode/encode does not round-trip`;
    const sender = recoverSender(decoded, { allowHighS: fork < Fork.Homestead });
    if (t.transaction.sender !== undefined && sender !== hexToAddress(t.transaction.sender)) {
      return `${where}: recovered ${addressToHex(sender)}, fixture says ${t.transaction.sender}`;
    }
  }
  const unsigned = transactionFromStateTest(t.transaction, entry.indexes, options);
  const encoded = encodeTransaction(signTransaction(unsigned, hexToBytes(t.transaction.secretKey)));
  if (!bytesEqual(encoded, txbytes)) return `${where}: signed encoding ${bytesToHex(encoded).slice(0, 80)}... != txbytes`;
  return checkValidation(where, unsigned, fork, txLimits(t, forkName, fork), expected);
}

/**
 * validateTransaction must throw one of the expected codes when it throws,
 * and must throw when every expected code is one it decides.
 */
function checkValidation(where: string, tx: UnsignedTransaction, fork: Fork, limits: TxLimits, expected: string[]): string | null {
  let thrown: TxErrorCode | undefined;
  try {
    validateTransaction(tx, fork, limits);
  } catch (e) {
    if (!(e instanceof TxError)) throw e;
    thrown = e.code;
  }
  const want = expected.length === 0 ? 'no exception' : expected.join('|');
  if (thrown !== undefined && !expected.includes(thrown)) return `${where}: validate threw ${thrown}, expected ${want}`;
  const mustThrow = expected.length > 0 && expected.every((c) => EXPECTED_STATIC.has(c));
  if (thrown === undefined && mustThrow) return `${where}: validate passed, expected ${want}`;
  return null;
}

/**
 * Every authorization the fixture names a `signer` for must recover to it
 * (EIP-7702), except those with s > n/2: the fixture names the key they
 * recover to, but the EIP makes them invalid, so they must give null.
 */
function checkAuthorizations(name: string, t: StateTest): string | null {
  for (const json of t.transaction.authorizationList ?? []) {
    const signer = (json as { signer?: string }).signer;
    if (signer === undefined) continue;
    const auth = authorizationFromJson(json);
    const want = auth.s > SECP256K1_HALF_N ? null : hexToAddress(signer);
    const got = recoverAuthority(auth);
    if (got !== want) return `${name}: authority ${got === null ? 'null' : addressToHex(got)}, expected ${want === null ? 'null' : signer}`;
  }
  return null;
}

test('state-test transactions: sign == txbytes, decode round-trips, sender recovers, validation matches', (t) => {
  const dirs = process.env.MULTILANE_TX_ALL ? [STATE_TESTS] : SAMPLE_DIRS.map((d) => join(STATE_TESTS, d));
  const files = dirs.flatMap(listFixtures);
  assert.ok(files.length > 0, `no state-test fixtures under ${STATE_TESTS}`);
  const failures: string[] = [];
  const types = new Set<number>();
  let cases = 0;
  for (const file of files) {
    for (const [name, st] of Object.entries(loadJson(file))) {
      const authProblem = checkAuthorizations(name, st);
      if (authProblem) failures.push(authProblem);
      for (const [forkName, entries] of Object.entries(st.post)) {
        if (!isForkName(forkName)) continue;
        for (const entry of entries) {
          cases++;
          const problem = checkEntry(name, st, forkName, entry, types);
          if (problem) failures.push(problem);
        }
      }
    }
  }
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${cases} cases failed`);
  assert.ok(cases > 500, `only ${cases} cases checked`);
  assert.deepEqual([...types].sort(), [0, 1, 2, 3, 4], 'the sample covers every transaction type');
});
