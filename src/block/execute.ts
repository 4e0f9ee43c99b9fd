/**
 * The sequential reference block executor: header checks, pre-block system
 * calls, transactions, withdrawals, rewards, post-block requests, then every
 * result checked against the header. The parallel executor must produce
 * exactly what this produces.
 *
 * Order within a block (execution-specs `apply_body`):
 *   1. EIP-4788 beacon root (Cancun+), EIP-2935 parent hash (Prague+) system calls
 *   2. transactions, each against the gas and blob gas left in the block
 *   3. withdrawals (Shanghai+), or block and ommer rewards (before Paris)
 *   4. requests (Prague+): deposit logs (EIP-6110), then the EIP-7002 and
 *      EIP-7251 system calls
 */
import { Fork } from '../primitives/fork.js';
import { bytesEqual, bytesToBigInt, EMPTY_BYTES } from '../primitives/bytes.js';
import { addressToHex, bytesToHex } from '../primitives/hex.js';
import type { BlockEnv, TxResult } from '../exec/types.js';
import type { StateChanges, StateReader } from '../state/types.js';
import { applyTransaction } from '../exec/transaction.js';
import { stateRoot } from '../state/root.js';
import { recoverSender } from '../tx/sign.js';
import { TxError } from '../tx/errors.js';
import type { Transaction } from '../tx/types.js';
import { calcBlobBaseFee, GAS_PER_BLOB, type BlobSchedule } from './blob.js';
import { validateBody, type Block } from './block.js';
import { bloomOr, logsBloom, BLOOM_BYTES } from './bloom.js';
import { blobScheduleFor, forkAt, type ChainConfig } from './chain.js';
import { daoForkChanges } from './dao.js';
import { BlockError, type BlockErrorCode } from './errors.js';
import type { BlockHeader } from './header.js';
import type { Receipt } from './receipt.js';
import { receiptsRoot } from './roots.js';
import { collectRequests, requestsHash, type Request } from './requests.js';
import { applyRewards, applyWithdrawals } from './rewards.js';
import {
  BEACON_ROOTS_ADDRESS,
  CONSOLIDATION_REQUEST_ADDRESS,
  HISTORY_STORAGE_ADDRESS,
  systemCall,
  WITHDRAWAL_REQUEST_ADDRESS,
} from './system.js';
import { validateHeader } from './validate.js';

/** The state a block runs against: readable, and able to take each transaction's writes. */
export interface BlockState extends StateReader {
  apply(changes: StateChanges): void;
  accounts(): Iterable<[bigint, { nonce: bigint; balance: bigint; codeHash: Uint8Array; storage: Map<bigint, bigint> }]>;
}

export interface ExecuteOptions {
  chain: ChainConfig;
  /** BLOCKHASH: hashes of the block's ancestors by number (undefined when unknown). */
  blockHash(n: bigint): bigint | undefined;
  /** Check the header against the parent and the body before running (default true). */
  validateHeader?: boolean;
  /** Compare the results (gas, roots, bloom, requests) with the header (default true). */
  checkResults?: boolean;
  /** Compute the state root (default true; mainnet replays with partial state cannot). */
  computeStateRoot?: boolean;
  /** Senders already recovered, by transaction index (recovered here when absent). */
  senders?: bigint[];
  /** The block's RLP length, for the Osaka block size cap (EIP-7934). */
  encodedSize?: number;
}

export interface BlockResult {
  fork: Fork;
  receipts: Receipt[];
  txResults: TxResult[];
  senders: bigint[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  logsBloom: Uint8Array;
  receiptsRoot: Uint8Array;
  /** Undefined when not computed. */
  stateRoot?: Uint8Array;
  /** Prague+. */
  requests?: Request[];
  requestsHash?: Uint8Array;
}

/** The EVM's view of the block. */
export function blockEnv(header: BlockHeader, chain: ChainConfig, blockHash: (n: bigint) => bigint | undefined): BlockEnv {
  const fork = forkAt(chain, header.number, header.timestamp);
  const schedule = blobScheduleFor(chain, fork);
  return {
    fork,
    chainId: chain.chainId,
    number: header.number,
    timestamp: header.timestamp,
    coinbase: header.coinbase,
    gasLimit: header.gasLimit,
    baseFee: header.baseFeePerGas ?? 0n,
    difficulty: header.difficulty,
    prevRandao: fork >= Fork.Paris ? bytesToBigInt(header.mixHash) : header.difficulty,
    blobBaseFee: schedule ? calcBlobBaseFee(header.excessBlobGas ?? 0n, schedule.baseFeeUpdateFraction) : 0n,
    maxBlobsPerBlock: schedule?.max ?? 0,
    blockHash,
  };
}

/** Runs `block` on top of `parent` against `state`, mutating it. Throws BlockError / TxError for an invalid block. */
export function executeBlock(state: BlockState, block: Block, parent: BlockHeader, options: ExecuteOptions): BlockResult {
  const { chain } = options;
  const header = block.header;
  const env = blockEnv(header, chain, options.blockHash);
  const fork = env.fork;
  const schedule = blobScheduleFor(chain, fork);
  if (options.validateHeader !== false) {
    const parentFork = forkAt(chain, parent.number, parent.timestamp);
    validateHeader(header, parent, { fork, parentFork, blobSchedule: schedule });
    validateBody(block, fork, options.encodedSize);
  }

  // EIP-779: the DAO fork block starts by moving the drained balances.
  if (chain.daoForkBlock === header.number) state.apply(daoForkChanges(state));
  preBlockSystemCalls(state, env, header);
  const run = runTransactions(state, block, env, schedule, options);

  if (block.withdrawals) applyWithdrawals(state, block.withdrawals);
  if (fork < Fork.Paris) applyRewards(state, header, block.ommers, fork);

  const result: BlockResult = {
    fork,
    receipts: run.receipts,
    txResults: run.results,
    senders: run.senders,
    gasUsed: run.gasUsed,
    blobGasUsed: run.blobGasUsed,
    logsBloom: run.bloom,
    receiptsRoot: receiptsRoot(run.receipts),
  };
  if (fork >= Fork.Prague) {
    result.requests = collectRequests(run.receipts, () => postBlockSystemCalls(state, env));
    result.requestsHash = requestsHash(result.requests);
  }
  if (options.computeStateRoot !== false) result.stateRoot = stateRoot(state.accounts());
  if (options.checkResults !== false) checkResults(header, result);
  return result;
}

/** EIP-4788 (Cancun): the parent beacon block root; EIP-2935 (Prague): the parent hash. Failures are ignored. */
export function preBlockSystemCalls(state: BlockState, env: BlockEnv, header: BlockHeader): void {
  if (env.fork >= Fork.Cancun && header.parentBeaconBlockRoot) {
    const r = systemCall(state, env, BEACON_ROOTS_ADDRESS, header.parentBeaconBlockRoot);
    state.apply(r.changes);
  }
  if (env.fork >= Fork.Prague) {
    const r = systemCall(state, env, HISTORY_STORAGE_ADDRESS, header.parentHash);
    state.apply(r.changes);
  }
}

/** EIP-7002 withdrawal requests, then EIP-7251 consolidations: the contract must exist and the call succeed. */
export function postBlockSystemCalls(state: BlockState, env: BlockEnv): Request[] {
  const out: Request[] = [];
  for (const [type, address] of [
    [1, WITHDRAWAL_REQUEST_ADDRESS],
    [2, CONSOLIDATION_REQUEST_ADDRESS],
  ] as const) {
    const code = state.getAccount(address)?.code;
    if (!code || code.length === 0) {
      throw new BlockError('SYSTEM_CONTRACT_EMPTY', `system contract ${addressToHex(address)} has no code`);
    }
    const r = systemCall(state, env, address, EMPTY_BYTES);
    if (!r.success) throw new BlockError('SYSTEM_CONTRACT_CALL_FAILED', `system contract ${addressToHex(address)} call failed`);
    state.apply(r.changes);
    out.push({ type, data: r.output });
  }
  return out;
}

interface TxRun {
  receipts: Receipt[];
  results: TxResult[];
  senders: bigint[];
  gasUsed: bigint;
  blobGasUsed: bigint;
  bloom: Uint8Array;
}

const ZERO_ROOT = new Uint8Array(32);

function runTransactions(state: BlockState, block: Block, env: BlockEnv, schedule: BlobSchedule | undefined, options: ExecuteOptions): TxRun {
  const knownSenders = options.senders;
  const run: TxRun = { receipts: [], results: [], senders: [], gasUsed: 0n, blobGasUsed: 0n, bloom: new Uint8Array(BLOOM_BYTES) };
  const maxBlobGas = BigInt(schedule?.max ?? 0) * GAS_PER_BLOB;
  const preByzantium = env.fork < Fork.Byzantium;
  const withRoots = options.computeStateRoot !== false;
  for (let i = 0; i < block.transactions.length; i++) {
    const tx = block.transactions[i];
    // What the block has left, then the signature; applyTransaction checks the rest.
    checkBlockAllowance(tx, i, env, run, maxBlobGas);
    const sender = knownSenders?.[i] ?? recoverSender(tx, { allowHighS: env.fork < Fork.Homestead });
    const result = applyTransaction(state, tx, sender, env);
    state.apply(result.changes);
    run.gasUsed += result.gasUsed;
    run.blobGasUsed += result.blobGasUsed;
    const bloom = logsBloom(result.logs);
    bloomOr(run.bloom, bloom);
    const receipt: Receipt = { type: tx.type, cumulativeGasUsed: run.gasUsed, logsBloom: bloom, logs: result.logs };
    // Before Byzantium (EIP-658) a receipt carries the state root after its transaction
    // (left zero when state roots are not computed: a partial state has none).
    if (preByzantium) receipt.postState = withRoots ? stateRoot(state.accounts()) : ZERO_ROOT;
    else receipt.status = result.status;
    run.receipts.push(receipt);
    run.results.push(result);
    run.senders.push(sender);
  }
  return run;
}

/** The gas and blob gas still available in the block bound each transaction (execution-specs `check_transaction`). */
function checkBlockAllowance(tx: Transaction, i: number, env: BlockEnv, run: TxRun, maxBlobGas: bigint): void {
  const gasLeft = env.gasLimit - run.gasUsed;
  if (tx.gasLimit > gasLeft) {
    throw new TxError('GAS_ALLOWANCE_EXCEEDED', `transaction ${i}: gas limit ${tx.gasLimit} above the ${gasLeft} left in the block`);
  }
  // Before Cancun a type-3 transaction is invalid for its type (applyTransaction says so).
  if (tx.type === 3 && env.fork >= Fork.Cancun) {
    const blobGas = BigInt(tx.blobVersionedHashes.length) * GAS_PER_BLOB;
    if (blobGas > maxBlobGas - run.blobGasUsed) {
      throw new TxError('TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED', `transaction ${i}: ${blobGas} blob gas above what is left in the block`);
    }
  }
}

function mismatch(code: BlockErrorCode, what: string, got: string, want: string): never {
  throw new BlockError(code, `${what}: computed ${got}, header says ${want}`);
}

/** The execution results against the header's commitments. */
function checkResults(header: BlockHeader, r: BlockResult): void {
  if (r.gasUsed !== header.gasUsed) mismatch('INVALID_GAS_USED', 'gas used', String(r.gasUsed), String(header.gasUsed));
  if (header.blobGasUsed !== undefined && r.blobGasUsed !== header.blobGasUsed) {
    mismatch('INCORRECT_BLOB_GAS_USED', 'blob gas used', String(r.blobGasUsed), String(header.blobGasUsed));
  }
  if (!bytesEqual(r.logsBloom, header.logsBloom)) mismatch('INVALID_LOG_BLOOM', 'logs bloom', bytesToHex(r.logsBloom), bytesToHex(header.logsBloom));
  if (!bytesEqual(r.receiptsRoot, header.receiptsRoot)) {
    mismatch('INVALID_RECEIPTS_ROOT', 'receipts root', bytesToHex(r.receiptsRoot), bytesToHex(header.receiptsRoot));
  }
  if (r.requestsHash && header.requestsHash && !bytesEqual(r.requestsHash, header.requestsHash)) {
    mismatch('INVALID_REQUESTS', 'requests hash', bytesToHex(r.requestsHash), bytesToHex(header.requestsHash));
  }
  if (r.stateRoot && !bytesEqual(r.stateRoot, header.stateRoot)) {
    mismatch('INVALID_STATE_ROOT', 'state root', bytesToHex(r.stateRoot), bytesToHex(header.stateRoot));
  }
}
