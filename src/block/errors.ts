/**
 * Why a block is invalid. `code` is the execution-spec-tests name without its
 * prefix (fixtures write `BlockException.<code>`), so a rejection can be
 * checked against a fixture's `expectException` exactly.
 */
import { MultilaneError } from '../errors.js';

export type BlockErrorCode =
  // Encoding.
  | 'RLP_STRUCTURES_ENCODING'
  | 'RLP_INVALID_FIELD_OVERFLOW_64'
  | 'RLP_INVALID_ADDRESS'
  | 'RLP_BLOCK_LIMIT_EXCEEDED'
  | 'INCORRECT_BLOCK_FORMAT'
  // Header against its parent.
  | 'UNKNOWN_PARENT'
  | 'INVALID_BLOCK_HASH'
  | 'INVALID_BLOCK_NUMBER'
  | 'INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT'
  | 'INVALID_GASLIMIT'
  | 'INVALID_GAS_USED_ABOVE_LIMIT'
  | 'INVALID_BASEFEE_PER_GAS'
  | 'INCORRECT_EXCESS_BLOB_GAS'
  | 'EXTRA_DATA_TOO_BIG'
  | 'INVALID_DIFFICULTY'
  | 'INVALID_NONCE'
  | 'INVALID_UNCLES_HASH'
  | 'IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS'
  | 'TOO_MANY_UNCLES'
  // Body against header.
  | 'INVALID_TRANSACTIONS_ROOT'
  | 'INVALID_WITHDRAWALS_ROOT'
  // Execution results against header.
  | 'INVALID_GAS_USED'
  | 'INVALID_STATE_ROOT'
  | 'INVALID_RECEIPTS_ROOT'
  | 'INVALID_LOG_BLOOM'
  | 'INCORRECT_BLOB_GAS_USED'
  | 'BLOB_GAS_USED_ABOVE_LIMIT'
  | 'INVALID_VERSIONED_HASHES'
  | 'INVALID_REQUESTS'
  | 'INVALID_DEPOSIT_EVENT_LAYOUT'
  | 'SYSTEM_CONTRACT_EMPTY'
  | 'SYSTEM_CONTRACT_CALL_FAILED';

export class BlockError extends MultilaneError {
  override name = 'BlockError';
  constructor(
    readonly code: BlockErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${detail}`, options);
  }
}
