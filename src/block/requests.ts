/**
 * Execution-layer requests (EIP-7685, Prague): typed byte strings produced
 * at the end of a block (deposits EIP-6110, withdrawal requests EIP-7002,
 * consolidations EIP-7251), committed to by the header's requestsHash.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBigInt } from '../primitives/bytes.js';
import { BlockError } from './errors.js';

export const DEPOSIT_REQUEST_TYPE = 0x00;
export const WITHDRAWAL_REQUEST_TYPE = 0x01;
export const CONSOLIDATION_REQUEST_TYPE = 0x02;

/** One request: its type and its opaque data (the concatenated request bodies of that type). */
export interface Request {
  type: number;
  data: Uint8Array;
}

/**
 * sha256(sha256(type_0 || data_0) || sha256(type_1 || data_1) || ...), over
 * the requests in type order, leaving out those with empty data (EIP-7685).
 */
export function requestsHash(requests: readonly Request[]): Uint8Array {
  const outer = sha256.create();
  for (const r of requests) {
    if (r.data.length === 0) continue;
    const inner = sha256.create();
    inner.update(Uint8Array.of(r.type));
    inner.update(r.data);
    outer.update(inner.digest());
  }
  return outer.digest();
}

/** requestsHash of a block with no requests: sha256 of the empty string. */
export const EMPTY_REQUESTS_HASH = requestsHash([]);

/** EIP-6110: the mainnet deposit contract, whose DepositEvent logs become deposit requests. */
export const DEPOSIT_CONTRACT_ADDRESS = 0x00000000219ab540356cbb839cbe05303d7705fan;
/** keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)"). */
export const DEPOSIT_EVENT_TOPIC = 0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5n;

/**
 * The ABI layout of DepositEvent's data: five dynamic `bytes` with fixed
 * offsets and sizes (pubkey 48, withdrawal credentials 32, amount 8,
 * signature 96, index 8), 576 bytes in all. EIP-6110 requires exactly this
 * layout; anything else makes the block invalid.
 */
const DEPOSIT_EVENT_LENGTH = 576;
const DEPOSIT_FIELDS: ReadonlyArray<readonly [offset: number, size: number]> = [
  [160, 48],
  [256, 32],
  [320, 8],
  [384, 96],
  [512, 8],
];

function readWord(data: Uint8Array, at: number): number {
  // Offsets and sizes that fit in 32 bits have 28 leading zero bytes; anything larger is wrong anyway.
  for (let i = at; i < at + 28; i++) if (data[i] !== 0) return -1;
  return ((data[at + 28] << 24) | (data[at + 29] << 16) | (data[at + 30] << 8) | data[at + 31]) >>> 0;
}

/**
 * A deposit request (pubkey || withdrawal credentials || amount || signature
 * || index, 192 bytes) from a DepositEvent's data; null when the layout is
 * not the one the deposit contract emits (INVALID_DEPOSIT_EVENT_LAYOUT).
 */
export function depositRequestFromEventData(data: Uint8Array): Uint8Array | null {
  if (data.length !== DEPOSIT_EVENT_LENGTH) return null;
  const out = new Uint8Array(192);
  let pos = 0;
  for (let i = 0; i < DEPOSIT_FIELDS.length; i++) {
    const [offset, size] = DEPOSIT_FIELDS[i];
    if (readWord(data, i * 32) !== offset) return null;
    if (readWord(data, offset) !== size) return null;
    out.set(data.subarray(offset + 32, offset + 32 + size), pos);
    pos += size;
  }
  return out;
}

/** The logs a block's receipts carry, as far as deposits are concerned. */
interface WithLogs {
  logs: readonly { address: bigint; topics: readonly Uint8Array[]; data: Uint8Array }[];
}

/**
 * EIP-6110: the deposit requests of a block, in log order: every log of the
 * deposit contract whose first topic is DepositEvent; a malformed one makes
 * the block invalid.
 */
export function depositRequests(receipts: readonly WithLogs[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const receipt of receipts) {
    for (const log of receipt.logs) {
      if (log.address !== DEPOSIT_CONTRACT_ADDRESS || log.topics.length === 0) continue;
      if (bytesToBigInt(log.topics[0]) !== DEPOSIT_EVENT_TOPIC) continue;
      const request = depositRequestFromEventData(log.data);
      if (!request) throw new BlockError('INVALID_DEPOSIT_EVENT_LAYOUT', `deposit event with a malformed layout (${log.data.length} bytes)`);
      parts.push(request);
      length += request.length;
    }
  }
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** All of a block's requests in type order: deposits from the receipts, then those the system calls return. */
export function collectRequests(receipts: readonly WithLogs[], systemRequests: () => Request[]): Request[] {
  return [{ type: DEPOSIT_REQUEST_TYPE, data: depositRequests(receipts) }, ...systemRequests()];
}
