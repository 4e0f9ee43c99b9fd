/**
 * Whole blocks: rlp([header, transactions, ommers]) and from Shanghai
 * rlp([header, transactions, ommers, withdrawals]) (EIP-4895). In the body a
 * legacy transaction is an RLP list, a typed one a byte string holding
 * `type || rlp(fields)` (EIP-2718).
 */
import { Fork } from '../primitives/fork.js';
import { bytesEqual } from '../primitives/bytes.js';
import { hexToBytes } from '../primitives/hex.js';
import { rlpDecode, rlpEncode, type RlpInput, type RlpValue } from '../primitives/rlp.js';
import { decodeTransaction, encodeTransaction } from '../tx/codec.js';
import { TxError } from '../tx/errors.js';
import { transactionFromJson, type JsonTransaction } from '../tx/json.js';
import type { Transaction } from '../tx/types.js';
import { BlockError } from './errors.js';
import { asList } from './fields.js';
import { headerFromJson, headerFromRlp, headerToRlpInput, type BlockHeader } from './header.js';
import { ommersHash, transactionsRoot, withdrawalsRoot } from './roots.js';
import { withdrawalFromJson, withdrawalFromRlp, withdrawalToRlpInput, type Withdrawal } from './withdrawal.js';

export interface Block {
  header: BlockHeader;
  transactions: Transaction[];
  /** The transactions' canonical encodings (what the transactions root commits to). */
  rawTransactions: Uint8Array[];
  ommers: BlockHeader[];
  /** Present from Shanghai. */
  withdrawals?: Withdrawal[];
}

/** EIP-7934 (Osaka): the most bytes an RLP-encoded block may have (10 MiB less a 2 MiB margin for the beacon block). */
export const MAX_RLP_BLOCK_SIZE = 10_485_760 - 2_097_152;

/** Max ommers per block (Yellow Paper 11.1). */
export const MAX_OMMERS = 2;

function decodeTx(item: RlpValue, i: number): [Transaction, Uint8Array] {
  let raw: Uint8Array;
  if (Array.isArray(item)) raw = rlpEncode(item as RlpInput[]);
  else {
    // A typed transaction: a byte string whose first byte is the type (< 0x80, EIP-2718).
    if (item.length === 0 || item[0] >= 0x80) {
      throw new BlockError('RLP_STRUCTURES_ENCODING', `transaction ${i}: byte string that is no typed transaction`);
    }
    raw = item;
  }
  try {
    return [decodeTransaction(raw), raw];
  } catch (e) {
    if (e instanceof TxError && (e.code === 'RLP_INVALID' || e.code === 'TYPE_NOT_SUPPORTED')) {
      throw new BlockError('RLP_STRUCTURES_ENCODING', `transaction ${i}: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Decodes a block; malformed RLP is a BlockError (RLP_STRUCTURES_ENCODING and friends). */
export function decodeBlock(raw: Uint8Array): Block {
  let value: RlpValue;
  try {
    value = rlpDecode(raw);
  } catch (e) {
    throw new BlockError('RLP_STRUCTURES_ENCODING', `block: ${(e as Error).message}`, { cause: e });
  }
  const parts = asList(value, 'block');
  if (parts.length !== 3 && parts.length !== 4) {
    throw new BlockError('RLP_STRUCTURES_ENCODING', `block has ${parts.length} parts; expected 3 or 4`);
  }
  const header = headerFromRlp(parts[0]);
  const transactions: Transaction[] = [];
  const rawTransactions: Uint8Array[] = [];
  asList(parts[1], 'block transactions').forEach((item, i) => {
    const [tx, bytes] = decodeTx(item, i);
    transactions.push(tx);
    rawTransactions.push(bytes);
  });
  const ommers = asList(parts[2], 'block ommers').map(headerFromRlp);
  const block: Block = { header, transactions, rawTransactions, ommers };
  if (parts.length === 4) block.withdrawals = asList(parts[3], 'block withdrawals').map(withdrawalFromRlp);
  return block;
}

export function encodeBlock(block: Block): Uint8Array {
  const parts: RlpInput[] = [
    headerToRlpInput(block.header),
    block.rawTransactions.map((raw) => (raw[0] >= 0xc0 ? (rlpDecode(raw) as RlpInput) : raw)),
    block.ommers.map(headerToRlpInput),
  ];
  if (block.withdrawals) parts.push(block.withdrawals.map(withdrawalToRlpInput));
  return rlpEncode(parts);
}

/**
 * A block as a JSON-RPC node returns it with full transactions
 * (eth_getBlockByNumber(n, true)); the ommers' headers are not part of that
 * shape, so `ommers` is empty (their hash is still in the header).
 */
export function blockFromJson(obj: Record<string, unknown>): Block {
  const header = headerFromJson(obj);
  const txs = (obj.transactions ?? []) as JsonTransaction[];
  const transactions = txs.map((t) => transactionFromJson(t));
  const block: Block = { header, transactions, rawTransactions: transactions.map(encodeTransaction), ommers: [] };
  if (Array.isArray(obj.withdrawals)) block.withdrawals = obj.withdrawals.map((w) => withdrawalFromJson(w as Record<string, unknown>));
  return block;
}

/** From the fixtures' hex RLP. */
export function decodeBlockHex(hex: string): Block {
  return decodeBlock(hexToBytes(hex));
}

/**
 * The body against the header: transactions root, ommers (hash, count, none
 * after the merge), withdrawals (present exactly from Shanghai, root), and the
 * Osaka block size cap. `encodedSize` is the block's RLP length.
 */
export function validateBody(block: Block, fork: Fork, encodedSize?: number): void {
  const h = block.header;
  if (fork >= Fork.Osaka && encodedSize !== undefined && encodedSize > MAX_RLP_BLOCK_SIZE) {
    throw new BlockError('RLP_BLOCK_LIMIT_EXCEEDED', `block of ${encodedSize} bytes exceeds ${MAX_RLP_BLOCK_SIZE}`);
  }
  if ((block.withdrawals !== undefined) !== (fork >= Fork.Shanghai)) {
    throw new BlockError('INCORRECT_BLOCK_FORMAT', `withdrawals list ${block.withdrawals ? 'present before' : 'missing from'} Shanghai`);
  }
  if (!bytesEqual(transactionsRoot(block.rawTransactions), h.transactionsRoot)) {
    throw new BlockError('INVALID_TRANSACTIONS_ROOT', `transactions root does not match the ${block.transactions.length} transactions`);
  }
  if (fork >= Fork.Paris && block.ommers.length > 0) {
    throw new BlockError('IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS', `${block.ommers.length} ommers after the merge`);
  }
  if (block.ommers.length > MAX_OMMERS) throw new BlockError('TOO_MANY_UNCLES', `${block.ommers.length} ommers (max ${MAX_OMMERS})`);
  if (!bytesEqual(ommersHash(block.ommers), h.ommersHash)) {
    throw new BlockError('INVALID_UNCLES_HASH', 'ommers hash does not match the ommers');
  }
  if (block.withdrawals && h.withdrawalsRoot && !bytesEqual(withdrawalsRoot(block.withdrawals), h.withdrawalsRoot)) {
    throw new BlockError('INVALID_WITHDRAWALS_ROOT', `withdrawals root does not match the ${block.withdrawals.length} withdrawals`);
  }
}
