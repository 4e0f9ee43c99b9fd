/**
 * Transactions as the EVM and the block executor see them: every field
 * decoded to bigint / Uint8Array once, so nothing on the execution path parses.
 * Types: 0 legacy (EIP-155 or not), 1 EIP-2930, 2 EIP-1559, 3 EIP-4844, 4 EIP-7702.
 */

export type TxType = 0 | 1 | 2 | 3 | 4;

export interface AccessListEntry {
  address: bigint;
  storageKeys: bigint[];
}

/** One EIP-7702 authorization tuple, signature included. */
export interface Authorization {
  chainId: bigint;
  address: bigint;
  nonce: bigint;
  yParity: bigint;
  r: bigint;
  s: bigint;
}

export interface Transaction {
  type: TxType;
  /** undefined only for a legacy transaction signed without EIP-155 replay protection. */
  chainId: bigint | undefined;
  nonce: bigint;
  /** Legacy and EIP-2930: the gas price. For types 2-4 equal to maxFeePerGas (kept for convenience). */
  gasPrice: bigint;
  /** Types 2-4; for types 0-1 equal to gasPrice. */
  maxFeePerGas: bigint;
  /** Types 2-4; for types 0-1 equal to gasPrice. */
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
  /** undefined: contract creation. */
  to: bigint | undefined;
  value: bigint;
  data: Uint8Array;
  /** Empty for legacy transactions. */
  accessList: AccessListEntry[];
  /** Type 3 only; 0n otherwise. */
  maxFeePerBlobGas: bigint;
  /** Type 3 only; empty otherwise. 32-byte hashes. */
  blobVersionedHashes: Uint8Array[];
  /** Type 4 only; empty otherwise. */
  authorizationList: Authorization[];
  /** Legacy: v as signed (27/28 or chainId*2+35/36). Typed: the y parity (0/1). */
  v: bigint;
  r: bigint;
  s: bigint;
}

/** A transaction before signing: everything but the signature. */
export type UnsignedTransaction = Omit<Transaction, 'v' | 'r' | 's'>;

/** An EIP-7702 authorization before signing. */
export type UnsignedAuthorization = Omit<Authorization, 'yParity' | 'r' | 's'>;
