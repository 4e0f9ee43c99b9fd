/**
 * The commitments a header makes to its body and its execution results:
 * ordered tries keyed by rlp(index) for transactions, receipts and
 * withdrawals (Yellow Paper 4.3.2, EIP-4895), and the ommers hash.
 */
import { keccak256 } from '../primitives/keccak.js';
import { rlpEncode } from '../primitives/rlp.js';
import { orderedTrieRoot } from '../state/trie.js';
import { headerToRlpInput, type BlockHeader } from './header.js';
import { encodeReceipt, type Receipt } from './receipt.js';
import { withdrawalToRlpInput, type Withdrawal } from './withdrawal.js';

/** Root of the transactions trie, from the transactions' canonical encodings (legacy: RLP list; typed: type || rlp). */
export function transactionsRoot(encodedTxs: readonly Uint8Array[]): Uint8Array {
  return orderedTrieRoot(encodedTxs as Uint8Array[]);
}

export function receiptsRoot(receipts: readonly Receipt[]): Uint8Array {
  return orderedTrieRoot(receipts.map(encodeReceipt));
}

export function withdrawalsRoot(withdrawals: readonly Withdrawal[]): Uint8Array {
  return orderedTrieRoot(withdrawals.map((w) => rlpEncode(withdrawalToRlpInput(w))));
}

/** keccak256(rlp(ommer headers)). */
export function ommersHash(ommers: readonly BlockHeader[]): Uint8Array {
  return keccak256(rlpEncode(ommers.map(headerToRlpInput)));
}
