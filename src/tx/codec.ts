/**
 * Transaction encoding: the legacy RLP list (EIP-155 for replay protection)
 * and the typed envelope of EIP-2718 (`type || rlp(fields)`) for types 1
 * (EIP-2930), 2 (EIP-1559), 3 (EIP-4844) and 4 (EIP-7702).
 *
 * Decoding is strict, as consensus is: wrong field counts, integers with
 * leading zeros or wider than their field, addresses that are not 20 bytes
 * and 32-byte values of another length are all `RLP_INVALID`; the error says
 * which field of which transaction type and what was wrong with it. One
 * exception: an empty `to` in a type 3 or 4 transaction gets the fixtures'
 * TYPE_3_TX_CONTRACT_CREATION / TYPE_4_TX_CONTRACT_CREATION.
 */
import { EMPTY_BYTES, bigIntToBytes, bytesToBigInt, concatBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';
import { rlpDecode, rlpEncode, type RlpInput, type RlpValue } from '../primitives/rlp.js';
import { RlpError } from '../errors.js';
import { TxError } from './errors.js';
import type { AccessListEntry, Authorization, Transaction, TxType, UnsignedTransaction } from './types.js';

/** Field counts of the signed RLP lists, by type (EIP-2718 payloads). */
const FIELD_COUNT = [9, 11, 12, 14, 13] as const;

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/**
 * Decodes a transaction from its canonical (block body / network) encoding:
 * an RLP list of 9 for legacy, or `type || rlp(fields)` for types 1-4.
 * Type 3 is the plain form of a block body, not the pooled form with blobs.
 */
export function decodeTransaction(raw: Uint8Array): Transaction {
  if (raw.length === 0) throw new TxError('RLP_INVALID', 'empty transaction encoding');
  const first = raw[0];
  if (first >= 0xc0) return decodeLegacy(decodeList(raw, 'legacy transaction'));
  if (first >= 0x80) {
    throw new TxError('RLP_INVALID', `transaction starts with 0x${first.toString(16)}: neither an RLP list nor a type byte`);
  }
  if (first < 1 || first > 4) throw new TxError('TYPE_NOT_SUPPORTED', `transaction type 0x${first.toString(16)} is not supported`);
  const type = first as TxType;
  const fields = decodeList(raw.subarray(1), `type-${type} transaction`);
  return decodeTyped(type, fields);
}

function decodeList(raw: Uint8Array, what: string): RlpValue[] {
  let value: RlpValue;
  try {
    value = rlpDecode(raw);
  } catch (e) {
    if (e instanceof RlpError) throw new TxError('RLP_INVALID', `${what}: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(value)) throw new TxError('RLP_INVALID', `${what}: payload is a byte string, not a list`);
  return value;
}

/** Reads RLP fields with the rules of one transaction type; errors name the field. */
class FieldReader {
  constructor(readonly what: string) {}

  fail(field: string, problem: string): never {
    throw new TxError('RLP_INVALID', `${this.what}: field '${field}' ${problem}`);
  }

  bytes(item: RlpValue, field: string): Uint8Array {
    if (Array.isArray(item)) this.fail(field, 'is a list, expected a byte string');
    return item;
  }

  list(item: RlpValue, field: string): RlpValue[] {
    if (!Array.isArray(item)) this.fail(field, 'is a byte string, expected a list');
    return item;
  }

  /** An unsigned integer of at most `maxBytes` bytes, canonical (no leading zero). */
  uint(item: RlpValue, field: string, maxBytes: number): bigint {
    const b = this.bytes(item, field);
    if (b.length === 0) return 0n;
    if (b[0] === 0) this.fail(field, 'has a leading zero byte (non-canonical integer)');
    if (b.length > maxBytes) this.fail(field, `is ${b.length} bytes, wider than its ${maxBytes * 8}-bit limit`);
    return bytesToBigInt(b);
  }

  fixed(item: RlpValue, field: string, length: number): Uint8Array {
    const b = this.bytes(item, field);
    if (b.length !== length) this.fail(field, `is ${b.length} bytes, expected ${length}`);
    return b;
  }

  address(item: RlpValue, field: string): bigint {
    return bytesToBigInt(this.fixed(item, field, 20));
  }

  /** `to`: 20 bytes, or empty for a contract creation. */
  optionalAddress(item: RlpValue, field: string): bigint | undefined {
    const b = this.bytes(item, field);
    if (b.length === 0) return undefined;
    if (b.length !== 20) this.fail(field, `is ${b.length} bytes, expected 20 or empty`);
    return bytesToBigInt(b);
  }

  accessList(item: RlpValue): AccessListEntry[] {
    const entries = this.list(item, 'accessList');
    const out: AccessListEntry[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = this.list(entries[i], `accessList[${i}]`);
      if (entry.length !== 2) this.fail(`accessList[${i}]`, `has ${entry.length} items, expected [address, storageKeys]`);
      const keys = this.list(entry[1], `accessList[${i}].storageKeys`);
      const storageKeys: bigint[] = new Array(keys.length);
      for (let k = 0; k < keys.length; k++) {
        storageKeys[k] = bytesToBigInt(this.fixed(keys[k], `accessList[${i}].storageKeys[${k}]`, 32));
      }
      out[i] = { address: this.address(entry[0], `accessList[${i}].address`), storageKeys };
    }
    return out;
  }

  /**
   * EIP-7702 tuples. Bounds are the EIP's: chain id and r/s < 2^256,
   * nonce < 2^64, y parity < 2^8. A y parity of 2..255 or a high s does not
   * make the transaction invalid; that authorization is skipped when applied.
   */
  authorizationList(item: RlpValue): Authorization[] {
    const tuples = this.list(item, 'authorizationList');
    const out: Authorization[] = new Array(tuples.length);
    for (let i = 0; i < tuples.length; i++) {
      const name = `authorizationList[${i}]`;
      const t = this.list(tuples[i], name);
      if (t.length !== 6) this.fail(name, `has ${t.length} items, expected [chainId, address, nonce, yParity, r, s]`);
      out[i] = {
        chainId: this.uint(t[0], `${name}.chainId`, 32),
        address: this.address(t[1], `${name}.address`),
        nonce: this.uint(t[2], `${name}.nonce`, 8),
        yParity: this.uint(t[3], `${name}.yParity`, 1),
        r: this.uint(t[4], `${name}.r`, 32),
        s: this.uint(t[5], `${name}.s`, 32),
      };
    }
    return out;
  }

  blobHashes(item: RlpValue): Uint8Array[] {
    const hashes = this.list(item, 'blobVersionedHashes');
    const out: Uint8Array[] = new Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) out[i] = this.fixed(hashes[i], `blobVersionedHashes[${i}]`, 32).slice();
    return out;
  }

  yParity(item: RlpValue): bigint {
    const y = this.uint(item, 'yParity', 32);
    if (y > 1n) this.fail('yParity', `is ${y}, expected 0 or 1`);
    return y;
  }
}

/** One reader per type, index = type byte, so error messages name the type. */
const READERS = [0, 1, 2, 3, 4].map((t) => new FieldReader(t === 0 ? 'legacy transaction' : `type-${t} transaction`));

/** The chain id a legacy v encodes (EIP-155): undefined for 27/28 or a v that encodes none. */
export function chainIdFromV(v: bigint): bigint | undefined {
  return v >= 35n ? (v - 35n) >> 1n : undefined;
}

function decodeLegacy(f: RlpValue[]): Transaction {
  const r = READERS[0];
  if (f.length !== 9) throw new TxError('RLP_INVALID', `legacy transaction: ${f.length} fields, expected 9`);
  const gasPrice = r.uint(f[1], 'gasPrice', 32);
  const v = r.uint(f[6], 'v', 32);
  return {
    type: 0,
    chainId: chainIdFromV(v),
    nonce: r.uint(f[0], 'nonce', 8),
    gasPrice,
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: gasPrice,
    gasLimit: r.uint(f[2], 'gasLimit', 8),
    to: r.optionalAddress(f[3], 'to'),
    value: r.uint(f[4], 'value', 32),
    data: r.bytes(f[5], 'data').slice(),
    accessList: [],
    maxFeePerBlobGas: 0n,
    blobVersionedHashes: [],
    authorizationList: [],
    v,
    r: r.uint(f[7], 'r', 32),
    s: r.uint(f[8], 's', 32),
  };
}

function decodeTyped(type: TxType, f: RlpValue[]): Transaction {
  const r = READERS[type];
  const expected = FIELD_COUNT[type];
  if (f.length !== expected) throw new TxError('RLP_INVALID', `${r.what}: ${f.length} fields, expected ${expected}`);
  const chainId = r.uint(f[0], 'chainId', 32);
  const nonce = r.uint(f[1], 'nonce', 8);
  let gasPrice: bigint;
  let maxFee: bigint;
  let maxPriority: bigint;
  let i = 2;
  if (type === 1) {
    gasPrice = maxFee = maxPriority = r.uint(f[i++], 'gasPrice', 32);
  } else {
    maxPriority = r.uint(f[i++], 'maxPriorityFeePerGas', 32);
    gasPrice = maxFee = r.uint(f[i++], 'maxFeePerGas', 32);
  }
  const gasLimit = r.uint(f[i++], 'gasLimit', 8);
  const to = type >= 3 ? requiredTo(r, type, f[i++]) : r.optionalAddress(f[i++], 'to');
  const value = r.uint(f[i++], 'value', 32);
  const data = r.bytes(f[i++], 'data').slice();
  const accessList = r.accessList(f[i++]);
  let maxFeePerBlobGas = 0n;
  let blobVersionedHashes: Uint8Array[] = [];
  let authorizationList: Authorization[] = [];
  if (type === 3) {
    maxFeePerBlobGas = r.uint(f[i++], 'maxFeePerBlobGas', 32);
    blobVersionedHashes = r.blobHashes(f[i++]);
  } else if (type === 4) {
    authorizationList = r.authorizationList(f[i++]);
  }
  return {
    type,
    chainId,
    nonce,
    gasPrice,
    maxFeePerGas: maxFee,
    maxPriorityFeePerGas: maxPriority,
    gasLimit,
    to,
    value,
    data,
    accessList,
    maxFeePerBlobGas,
    blobVersionedHashes,
    authorizationList,
    v: r.yParity(f[i++]),
    r: r.uint(f[i++], 'r', 32),
    s: r.uint(f[i++], 's', 32),
  };
}

/**
 * Types 3 and 4 cannot create contracts: `to` has no empty form (EIP-4844,
 * EIP-7702). An empty `to` gets the fixtures' own code for it rather than
 * RLP_INVALID, so a runner decoding `txbytes` reports what the test expects.
 */
function requiredTo(r: FieldReader, type: TxType, item: RlpValue): bigint {
  const b = r.bytes(item, 'to');
  if (b.length === 0) {
    throw new TxError(type === 3 ? 'TYPE_3_TX_CONTRACT_CREATION' : 'TYPE_4_TX_CONTRACT_CREATION', `${r.what}: 'to' is empty, but this type cannot create a contract`);
  }
  return r.address(item, 'to');
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

function toField(to: bigint | undefined): Uint8Array {
  return to === undefined ? EMPTY_BYTES : bigIntToBytes(to, 20);
}

function accessListField(list: AccessListEntry[]): RlpInput[] {
  const out: RlpInput[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const keys = list[i].storageKeys;
    const encodedKeys: Uint8Array[] = new Array(keys.length);
    for (let k = 0; k < keys.length; k++) encodedKeys[k] = bigIntToBytes(keys[k], 32);
    out[i] = [bigIntToBytes(list[i].address, 20), encodedKeys];
  }
  return out;
}

function authorizationField(list: Authorization[]): RlpInput[] {
  return list.map((a) => [a.chainId, bigIntToBytes(a.address, 20), a.nonce, a.yParity, a.r, a.s]);
}

function typedChainId(tx: UnsignedTransaction): bigint {
  if (tx.chainId === undefined) throw new TxError('INVALID_CHAINID', `a type-${tx.type} transaction needs a chain id`);
  return tx.chainId;
}

/** The fields of a typed transaction that its signature covers, in RLP order. */
function typedPayload(tx: UnsignedTransaction): RlpInput[] {
  const head: RlpInput[] = [typedChainId(tx), tx.nonce];
  if (tx.type === 1) head.push(tx.gasPrice);
  else head.push(tx.maxPriorityFeePerGas, tx.maxFeePerGas);
  head.push(tx.gasLimit, toField(tx.to), tx.value, tx.data, accessListField(tx.accessList));
  if (tx.type === 3) head.push(tx.maxFeePerBlobGas, tx.blobVersionedHashes);
  else if (tx.type === 4) head.push(authorizationField(tx.authorizationList));
  return head;
}

function legacyPayload(tx: UnsignedTransaction): RlpInput[] {
  return [tx.nonce, tx.gasPrice, tx.gasLimit, toField(tx.to), tx.value, tx.data];
}

function withTypeByte(type: TxType, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = type;
  out.set(body, 1);
  return out;
}

/** The canonical encoding: what a block body holds and what the hash covers. */
export function encodeTransaction(tx: Transaction): Uint8Array {
  if (tx.type === 0) return rlpEncode([...legacyPayload(tx), tx.v, tx.r, tx.s]);
  const fields = typedPayload(tx);
  fields.push(tx.v, tx.r, tx.s);
  return withTypeByte(tx.type, rlpEncode(fields));
}

/**
 * The hash a sender signs. Legacy: keccak(rlp(6 fields)), or with EIP-155
 * keccak(rlp(6 fields, chainId, 0, 0)). Typed: keccak(type || rlp(unsigned fields)).
 */
export function signingHash(tx: UnsignedTransaction): Uint8Array {
  if (tx.type === 0) {
    const fields = legacyPayload(tx);
    if (tx.chainId !== undefined) fields.push(tx.chainId, 0n, 0n);
    return keccak256(rlpEncode(fields));
  }
  return keccak256(withTypeByte(tx.type, rlpEncode(typedPayload(tx))));
}

/** The transaction hash: keccak256 of the canonical encoding. */
export function transactionHash(tx: Transaction): Uint8Array {
  return keccak256(encodeTransaction(tx));
}

/** EIP-7702's MAGIC prefix of the authorization message. */
const AUTH_MAGIC = Uint8Array.of(0x05);

/** keccak256(0x05 || rlp([chainId, address, nonce])): what an EIP-7702 authority signs. */
export function authorizationSigningHash(auth: { chainId: bigint; address: bigint; nonce: bigint }): Uint8Array {
  return keccak256(concatBytes(AUTH_MAGIC, rlpEncode([auth.chainId, bigIntToBytes(auth.address, 20), auth.nonce])));
}
