/**
 * The transaction of a state-test fixture (execution-spec-tests /
 * ethereum/tests `GeneralStateTest` format). One fixture's `transaction`
 * describes several: `data`, `gasLimit` and `value` are arrays that a post
 * entry's `indexes` pick from, and `accessLists` is indexed like `data`.
 *
 * The JSON carries no signature; `secretKey` signs it and the post entry's
 * `txbytes` is the result. It carries no chain id either: the fixture's
 * `config.chainid` (1 in every fixture here) is used, and a legacy
 * transaction's `txbytes` show whether it was signed with EIP-155 (v 37/38)
 * or without (v 27/28: all Frontier/Homestead cases and a few "unprotected"
 * ones in later forks); decode `txbytes` to know which.
 */
import { MultilaneError } from '../errors.js';
import { hexToAddress, hexToBigInt, hexToBytes } from '../primitives/hex.js';
import { accessListFromJson, authorizationFromJson, type JsonAccessListEntry, type JsonAuthorization } from './json.js';
import type { TxType, UnsignedTransaction } from './types.js';

export interface StateTestTransactionJson {
  nonce: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  gasLimit: string[];
  /** "" for a contract creation. */
  to: string;
  value: string[];
  data: string[];
  accessLists?: (JsonAccessListEntry[] | null)[];
  maxFeePerBlobGas?: string;
  blobVersionedHashes?: string[];
  authorizationList?: JsonAuthorization[];
  sender?: string;
  secretKey: string;
}

export interface StateTestIndexes {
  data: number;
  gas: number;
  value: number;
}

export interface StateTestTxOptions {
  /** The chain id to sign for; the fixtures' `config.chainid`, 1 unless given. */
  chainId?: bigint;
  /** Legacy only: sign with EIP-155 replay protection (default true). */
  eip155?: boolean;
}

/**
 * The type a fixture's transaction has, from which fields are present:
 * blob hashes → 3, an authorization list → 4, EIP-1559 fees → 2, access
 * lists → 1, otherwise legacy.
 */
export function stateTestTxType(json: StateTestTransactionJson): TxType {
  if (json.blobVersionedHashes !== undefined) return 3;
  if (json.authorizationList !== undefined) return 4;
  if (json.maxFeePerGas !== undefined) return 2;
  if (json.accessLists !== undefined) return 1;
  return 0;
}

function pick<T>(list: T[] | undefined, index: number, field: string): T {
  if (list === undefined || index < 0 || index >= list.length) {
    throw new MultilaneError(`state test transaction: index ${index} is outside '${field}' (${list?.length ?? 0} entries)`);
  }
  return list[index];
}

function fee(value: string | undefined, field: string): bigint {
  if (value === undefined) throw new MultilaneError(`state test transaction: '${field}' is missing`);
  return hexToBigInt(value);
}

/** The unsigned transaction a post entry's `indexes` select; sign it with `secretKey`. */
export function transactionFromStateTest(
  json: StateTestTransactionJson,
  indexes: StateTestIndexes,
  options: StateTestTxOptions = {},
): UnsignedTransaction {
  const type = stateTestTxType(json);
  const chainId = options.chainId ?? 1n;
  let gasPrice: bigint;
  let maxPriority: bigint;
  if (type <= 1) gasPrice = maxPriority = fee(json.gasPrice, 'gasPrice');
  else {
    gasPrice = fee(json.maxFeePerGas, 'maxFeePerGas');
    maxPriority = fee(json.maxPriorityFeePerGas, 'maxPriorityFeePerGas');
  }
  const accessList = json.accessLists === undefined ? undefined : json.accessLists[indexes.data];
  return {
    type,
    chainId: type === 0 && options.eip155 === false ? undefined : chainId,
    nonce: hexToBigInt(json.nonce),
    gasPrice,
    maxFeePerGas: gasPrice,
    maxPriorityFeePerGas: maxPriority,
    gasLimit: hexToBigInt(pick(json.gasLimit, indexes.gas, 'gasLimit')),
    to: json.to === '' ? undefined : hexToAddress(json.to),
    value: hexToBigInt(pick(json.value, indexes.value, 'value')),
    data: hexToBytes(pick(json.data, indexes.data, 'data')),
    accessList: type === 0 ? [] : accessListFromJson(accessList ?? undefined),
    maxFeePerBlobGas: type === 3 ? fee(json.maxFeePerBlobGas, 'maxFeePerBlobGas') : 0n,
    blobVersionedHashes: (json.blobVersionedHashes ?? []).map(hexToBytes),
    authorizationList: (json.authorizationList ?? []).map(authorizationFromJson),
  };
}
