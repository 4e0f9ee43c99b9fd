/**
 * Transactions from JSON in the shape of an Ethereum JSON-RPC transaction
 * object (`eth_getBlockByNumber(n, true)`), as the mainnet block fixtures
 * carry them. Quantities are hex strings; `gasPrice` of a type 2-4
 * transaction in RPC output is the effective price paid, so it is ignored and
 * the convenience field is set from `maxFeePerGas`, as decoding does.
 */
import { MultilaneError } from '../errors.js';
import { hexToAddress, hexToBigInt, hexToBytes } from '../primitives/hex.js';
import { chainIdFromV } from './codec.js';
import { TxError } from './errors.js';
import type { AccessListEntry, Authorization, Transaction, TxType } from './types.js';

export interface JsonAccessListEntry {
  address: string;
  storageKeys: string[];
}

export interface JsonAuthorization {
  chainId: string;
  address: string;
  nonce: string;
  yParity?: string;
  v?: string;
  r: string;
  s: string;
}

/** A JSON-RPC transaction; fields that a type does not use may be absent. */
export interface JsonTransaction {
  type?: string;
  nonce: string;
  gas?: string;
  gasLimit?: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  to?: string | null;
  value: string;
  input?: string;
  data?: string;
  accessList?: JsonAccessListEntry[];
  chainId?: string;
  v?: string;
  r: string;
  s: string;
  yParity?: string;
  maxFeePerBlobGas?: string;
  blobVersionedHashes?: string[];
  authorizationList?: JsonAuthorization[];
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw new MultilaneError(`JSON transaction: field '${field}' is missing`);
  return value;
}

function quantity(value: string | undefined, field: string): bigint {
  return hexToBigInt(required(value, field));
}

export function accessListFromJson(list: JsonAccessListEntry[] | undefined): AccessListEntry[] {
  if (list === undefined) return [];
  return list.map((e) => ({ address: hexToAddress(e.address), storageKeys: e.storageKeys.map(hexToBigInt) }));
}

export function authorizationFromJson(a: JsonAuthorization): Authorization {
  return {
    chainId: hexToBigInt(a.chainId),
    address: hexToAddress(a.address),
    nonce: hexToBigInt(a.nonce),
    yParity: quantity(a.yParity ?? a.v, 'authorizationList[].yParity'),
    r: hexToBigInt(a.r),
    s: hexToBigInt(a.s),
  };
}

function txType(json: JsonTransaction): TxType {
  const t = json.type === undefined ? 0 : Number(hexToBigInt(json.type));
  if (t < 0 || t > 4) throw new TxError('TYPE_NOT_SUPPORTED', `JSON transaction: type ${json.type} is not supported`);
  return t as TxType;
}

/** A signed transaction from its JSON-RPC form. Legacy chain ids come from v (EIP-155), not from `chainId`. */
export function transactionFromJson(json: JsonTransaction): Transaction {
  const type = txType(json);
  const v = type === 0 ? quantity(json.v, 'v') : quantity(json.yParity ?? json.v, 'yParity');
  let gasPrice: bigint;
  let maxFee: bigint;
  let maxPriority: bigint;
  if (type <= 1) gasPrice = maxFee = maxPriority = quantity(json.gasPrice, 'gasPrice');
  else {
    gasPrice = maxFee = quantity(json.maxFeePerGas, 'maxFeePerGas');
    maxPriority = quantity(json.maxPriorityFeePerGas, 'maxPriorityFeePerGas');
  }
  return {
    type,
    chainId: type === 0 ? chainIdFromV(v) : quantity(json.chainId, 'chainId'),
    nonce: hexToBigInt(json.nonce),
    gasPrice,
    maxFeePerGas: maxFee,
    maxPriorityFeePerGas: maxPriority,
    gasLimit: quantity(json.gas ?? json.gasLimit, 'gas'),
    to: json.to === undefined || json.to === null || json.to === '' || json.to === '0x' ? undefined : hexToAddress(json.to),
    value: hexToBigInt(json.value),
    data: hexToBytes(json.input ?? json.data ?? '0x'),
    accessList: type === 0 ? [] : accessListFromJson(json.accessList),
    maxFeePerBlobGas: type === 3 ? quantity(json.maxFeePerBlobGas, 'maxFeePerBlobGas') : 0n,
    blobVersionedHashes: type === 3 ? (json.blobVersionedHashes ?? []).map(hexToBytes) : [],
    authorizationList: type === 4 ? (json.authorizationList ?? []).map(authorizationFromJson) : [],
    v,
    r: hexToBigInt(json.r),
    s: hexToBigInt(json.s),
  };
}
