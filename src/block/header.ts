/**
 * Block headers through Osaka: the RLP form (Yellow Paper 4.3), its hash, and
 * the two JSON shapes the fixtures use. Fields added by later forks are
 * optional and appended in order, so the field count of an encoded header
 * says which forks' fields it carries:
 *   15 fields  Frontier..Berlin
 *   16 (+baseFeePerGas)          London, EIP-1559
 *   17 (+withdrawalsRoot)        Shanghai, EIP-4895
 *   20 (+blobGasUsed, excessBlobGas, parentBeaconBlockRoot)  Cancun, EIP-4844/EIP-4788
 *   21 (+requestsHash)           Prague, EIP-7685
 */
import { bigIntToBytes, bytesToBigInt } from '../primitives/bytes.js';
import { hexToBigInt, hexToBytes, bigIntToHex, bytesToHex, addressToHex } from '../primitives/hex.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpDecode, rlpEncode, type RlpInput, type RlpValue } from '../primitives/rlp.js';
import { FixtureError } from '../errors.js';
import { BlockError } from './errors.js';
import { asAddress, asBytes, asFixed, asInt, asList } from './fields.js';

export interface BlockHeader {
  parentHash: Uint8Array;
  ommersHash: Uint8Array;
  coinbase: bigint;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  /** 256 bytes. */
  logsBloom: Uint8Array;
  difficulty: bigint;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  /** Pre-merge the PoW mix hash; from Paris the PREVRANDAO value (EIP-4399). */
  mixHash: Uint8Array;
  /** The 8-byte PoW nonce as an integer (0 after the merge). */
  nonce: bigint;
  baseFeePerGas?: bigint;
  withdrawalsRoot?: Uint8Array;
  blobGasUsed?: bigint;
  excessBlobGas?: bigint;
  parentBeaconBlockRoot?: Uint8Array;
  requestsHash?: Uint8Array;
}

/** The optional fields, in encoding order (each needs all before it). */
const OPTIONAL = [
  'baseFeePerGas',
  'withdrawalsRoot',
  'blobGasUsed',
  'excessBlobGas',
  'parentBeaconBlockRoot',
  'requestsHash',
] as const;

const BASE_FIELDS = 15;
export const MAX_HEADER_FIELDS = BASE_FIELDS + OPTIONAL.length;

/** The header as an RLP list input; throws if an optional field is present after a missing one. */
export function headerToRlpInput(h: BlockHeader): RlpInput[] {
  const out: RlpInput[] = [
    h.parentHash,
    h.ommersHash,
    bigIntToBytes(h.coinbase, 20),
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    h.difficulty,
    h.number,
    h.gasLimit,
    h.gasUsed,
    h.timestamp,
    h.extraData,
    h.mixHash,
    bigIntToBytes(h.nonce, 8),
  ];
  let missing: string | undefined;
  for (const name of OPTIONAL) {
    const value = h[name];
    if (value === undefined) {
      missing ??= name;
      continue;
    }
    if (missing !== undefined) {
      throw new BlockError('INCORRECT_BLOCK_FORMAT', `header has ${name} but lacks ${missing}, which comes before it`);
    }
    out.push(value);
  }
  return out;
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  return rlpEncode(headerToRlpInput(h));
}

/** keccak256 of the RLP-encoded header: the block hash. */
export function headerHash(h: BlockHeader): Uint8Array {
  return keccak256(encodeHeader(h));
}

export function decodeHeader(raw: Uint8Array): BlockHeader {
  let value: RlpValue;
  try {
    value = rlpDecode(raw);
  } catch (e) {
    throw new BlockError('RLP_STRUCTURES_ENCODING', `header: ${(e as Error).message}`, { cause: e });
  }
  return headerFromRlp(value);
}

/** A header from its decoded RLP list (as found inside a block). */
export function headerFromRlp(value: RlpValue): BlockHeader {
  const f = asList(value, 'header');
  if (f.length < BASE_FIELDS || f.length > MAX_HEADER_FIELDS) {
    throw new BlockError('INCORRECT_BLOCK_FORMAT', `header has ${f.length} fields; expected ${BASE_FIELDS} to ${MAX_HEADER_FIELDS}`);
  }
  // Cancun added three fields at once: 18 or 19 fields is no fork's header.
  if (f.length === 18 || f.length === 19) {
    throw new BlockError('INCORRECT_BLOCK_FORMAT', `header has ${f.length} fields: Cancun's blob fields are only partly present`);
  }
  const h: BlockHeader = {
    parentHash: asFixed(f[0], 32, 'header.parentHash'),
    ommersHash: asFixed(f[1], 32, 'header.ommersHash'),
    coinbase: asAddress(f[2], 'header.coinbase'),
    stateRoot: asFixed(f[3], 32, 'header.stateRoot'),
    transactionsRoot: asFixed(f[4], 32, 'header.transactionsRoot'),
    receiptsRoot: asFixed(f[5], 32, 'header.receiptsRoot'),
    logsBloom: asFixed(f[6], 256, 'header.logsBloom'),
    difficulty: asInt(f[7], 'header.difficulty'),
    number: asInt(f[8], 'header.number', 64),
    gasLimit: asInt(f[9], 'header.gasLimit', 64),
    gasUsed: asInt(f[10], 'header.gasUsed', 64),
    timestamp: asInt(f[11], 'header.timestamp', 64),
    extraData: asBytes(f[12], 'header.extraData'),
    mixHash: asFixed(f[13], 32, 'header.mixHash'),
    nonce: bytesToBigInt(asFixed(f[14], 8, 'header.nonce')),
  };
  if (f.length > 15) h.baseFeePerGas = asInt(f[15], 'header.baseFeePerGas');
  if (f.length > 16) h.withdrawalsRoot = asFixed(f[16], 32, 'header.withdrawalsRoot');
  if (f.length > 17) h.blobGasUsed = asInt(f[17], 'header.blobGasUsed', 64);
  if (f.length > 18) h.excessBlobGas = asInt(f[18], 'header.excessBlobGas', 64);
  if (f.length > 19) h.parentBeaconBlockRoot = asFixed(f[19], 32, 'header.parentBeaconBlockRoot');
  if (f.length > 20) h.requestsHash = asFixed(f[20], 32, 'header.requestsHash');
  return h;
}

type Json = Record<string, unknown>;

/** The first of `names` present in `obj` (fixture and JSON-RPC spellings differ). */
function pick(obj: Json, names: string[]): string | undefined {
  for (const n of names) {
    const v = obj[n];
    if (v !== undefined && v !== null) {
      if (typeof v !== 'string') throw new FixtureError(`header field ${n}: expected a hex string`);
      return v;
    }
  }
  return undefined;
}

function need(obj: Json, names: string[]): string {
  const v = pick(obj, names);
  if (v === undefined) throw new FixtureError(`header lacks ${names.join(' / ')}`);
  return v;
}

function fixedHex(hex: string, length: number, what: string): Uint8Array {
  const bytes = hexToBytes(hex);
  if (bytes.length !== length) throw new FixtureError(`header field ${what}: expected ${length} bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * A header from JSON: blockchain-test names (`uncleHash`, `transactionsTrie`,
 * `receiptTrie`, `bloom`, `coinbase`) or JSON-RPC names (`sha3Uncles`,
 * `transactionsRoot`, `receiptsRoot`, `logsBloom`, `miner`).
 */
export function headerFromJson(obj: Json): BlockHeader {
  const h: BlockHeader = {
    parentHash: fixedHex(need(obj, ['parentHash']), 32, 'parentHash'),
    ommersHash: fixedHex(need(obj, ['uncleHash', 'sha3Uncles', 'ommersHash']), 32, 'ommersHash'),
    coinbase: hexToBigInt(need(obj, ['coinbase', 'miner', 'feeRecipient'])),
    stateRoot: fixedHex(need(obj, ['stateRoot']), 32, 'stateRoot'),
    transactionsRoot: fixedHex(need(obj, ['transactionsTrie', 'transactionsRoot']), 32, 'transactionsRoot'),
    receiptsRoot: fixedHex(need(obj, ['receiptTrie', 'receiptsRoot']), 32, 'receiptsRoot'),
    logsBloom: fixedHex(need(obj, ['bloom', 'logsBloom']), 256, 'logsBloom'),
    difficulty: hexToBigInt(need(obj, ['difficulty'])),
    number: hexToBigInt(need(obj, ['number'])),
    gasLimit: hexToBigInt(need(obj, ['gasLimit'])),
    gasUsed: hexToBigInt(need(obj, ['gasUsed'])),
    timestamp: hexToBigInt(need(obj, ['timestamp'])),
    extraData: hexToBytes(need(obj, ['extraData'])),
    mixHash: fixedHex(need(obj, ['mixHash', 'prevRandao']), 32, 'mixHash'),
    nonce: hexToBigInt(need(obj, ['nonce'])),
  };
  const baseFee = pick(obj, ['baseFeePerGas']);
  if (baseFee !== undefined) h.baseFeePerGas = hexToBigInt(baseFee);
  const wRoot = pick(obj, ['withdrawalsRoot']);
  if (wRoot !== undefined) h.withdrawalsRoot = fixedHex(wRoot, 32, 'withdrawalsRoot');
  const blobGasUsed = pick(obj, ['blobGasUsed']);
  if (blobGasUsed !== undefined) h.blobGasUsed = hexToBigInt(blobGasUsed);
  const excess = pick(obj, ['excessBlobGas']);
  if (excess !== undefined) h.excessBlobGas = hexToBigInt(excess);
  const beacon = pick(obj, ['parentBeaconBlockRoot']);
  if (beacon !== undefined) h.parentBeaconBlockRoot = fixedHex(beacon, 32, 'parentBeaconBlockRoot');
  const requests = pick(obj, ['requestsHash']);
  if (requests !== undefined) h.requestsHash = fixedHex(requests, 32, 'requestsHash');
  return h;
}

/** The header as blockchain-test JSON (hex strings), for reports and debugging. */
export function headerToJson(h: BlockHeader): Record<string, string> {
  const out: Record<string, string> = {
    parentHash: bytesToHex(h.parentHash),
    uncleHash: bytesToHex(h.ommersHash),
    coinbase: addressToHex(h.coinbase),
    stateRoot: bytesToHex(h.stateRoot),
    transactionsTrie: bytesToHex(h.transactionsRoot),
    receiptTrie: bytesToHex(h.receiptsRoot),
    bloom: bytesToHex(h.logsBloom),
    difficulty: bigIntToHex(h.difficulty),
    number: bigIntToHex(h.number),
    gasLimit: bigIntToHex(h.gasLimit),
    gasUsed: bigIntToHex(h.gasUsed),
    timestamp: bigIntToHex(h.timestamp),
    extraData: bytesToHex(h.extraData),
    mixHash: bytesToHex(h.mixHash),
    nonce: bytesToHex(bigIntToBytes(h.nonce, 8)),
  };
  if (h.baseFeePerGas !== undefined) out.baseFeePerGas = bigIntToHex(h.baseFeePerGas);
  if (h.withdrawalsRoot !== undefined) out.withdrawalsRoot = bytesToHex(h.withdrawalsRoot);
  if (h.blobGasUsed !== undefined) out.blobGasUsed = bigIntToHex(h.blobGasUsed);
  if (h.excessBlobGas !== undefined) out.excessBlobGas = bigIntToHex(h.excessBlobGas);
  if (h.parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = bytesToHex(h.parentBeaconBlockRoot);
  if (h.requestsHash !== undefined) out.requestsHash = bytesToHex(h.requestsHash);
  return out;
}
