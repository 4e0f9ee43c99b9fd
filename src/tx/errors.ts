/**
 * Why a transaction is invalid. `code` is the execution-spec-tests name
 * without its prefix (fixtures write `TransactionException.<code>`), so a
 * rejection can be checked against a fixture's `expectException` exactly.
 */
import { MultilaneError } from '../errors.js';

export type TxErrorCode =
  | 'INSUFFICIENT_ACCOUNT_FUNDS'
  | 'INSUFFICIENT_MAX_FEE_PER_GAS'
  | 'INSUFFICIENT_MAX_FEE_PER_BLOB_GAS'
  | 'INTRINSIC_GAS_TOO_LOW'
  | 'INTRINSIC_GAS_BELOW_FLOOR_GAS_COST'
  | 'INITCODE_SIZE_EXCEEDED'
  | 'GAS_LIMIT_EXCEEDS_MAXIMUM'
  | 'GAS_ALLOWANCE_EXCEEDED'
  | 'GASLIMIT_PRICE_PRODUCT_OVERFLOW'
  | 'NONCE_IS_MAX'
  | 'NONCE_MISMATCH_TOO_LOW'
  | 'NONCE_MISMATCH_TOO_HIGH'
  | 'PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS'
  | 'SENDER_NOT_EOA'
  | 'INVALID_SIGNATURE'
  | 'INVALID_CHAINID'
  | 'TYPE_1_TX_PRE_FORK'
  | 'TYPE_2_TX_PRE_FORK'
  | 'TYPE_3_TX_PRE_FORK'
  | 'TYPE_3_TX_ZERO_BLOBS'
  | 'TYPE_3_TX_BLOB_COUNT_EXCEEDED'
  | 'TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED'
  | 'TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH'
  | 'TYPE_3_TX_CONTRACT_CREATION'
  | 'TYPE_4_TX_PRE_FORK'
  | 'TYPE_4_TX_CONTRACT_CREATION'
  | 'TYPE_4_EMPTY_AUTHORIZATION_LIST'
  | 'RLP_INVALID'
  | 'TYPE_NOT_SUPPORTED';

export class TxError extends MultilaneError {
  override name = 'TxError';
  constructor(
    readonly code: TxErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
