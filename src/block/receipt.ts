/**
 * Transaction receipts as they go into the receipts trie: before Byzantium
 * the first field is the intermediate state root, from Byzantium (EIP-658) a
 * status byte; typed transactions' receipts are `type || rlp(fields)`
 * (EIP-2718).
 */
import type { Log } from '../exec/types.js';
import type { TxType } from '../tx/types.js';
import { bigIntToBytes, concatBytes, EMPTY_BYTES } from '../primitives/bytes.js';
import { rlpEncode, type RlpInput } from '../primitives/rlp.js';

export interface Receipt {
  type: TxType;
  /** From Byzantium: 1 success, 0 failure. */
  status?: 0 | 1;
  /** Before Byzantium: the state root after the transaction. */
  postState?: Uint8Array;
  cumulativeGasUsed: bigint;
  /** 256 bytes. */
  logsBloom: Uint8Array;
  logs: Log[];
}

const STATUS_SUCCESS = Uint8Array.of(1);

export function logToRlpInput(log: Log): RlpInput {
  return [bigIntToBytes(log.address, 20), log.topics, log.data];
}

/** The receipt as stored in the receipts trie (and returned by eth_getRawReceipts). */
export function encodeReceipt(r: Receipt): Uint8Array {
  let first: Uint8Array;
  if (r.postState !== undefined) first = r.postState;
  else first = r.status === 1 ? STATUS_SUCCESS : EMPTY_BYTES;
  const body = rlpEncode([first, r.cumulativeGasUsed, r.logsBloom, r.logs.map(logToRlpInput)]);
  return r.type === 0 ? body : concatBytes(Uint8Array.of(r.type), body);
}
