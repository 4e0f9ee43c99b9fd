/**
 * One transaction, from validity checks to fee payment (execution-specs
 * `process_transaction` / `check_transaction`):
 *
 * 1. Static rules (`validateTransaction`), then state rules: nonce, funds for
 *    gasLimit * maxFeePerGas + value + blob fees, EIP-3607 (sender has no
 *    code unless an EIP-7702 delegation).
 * 2. Buy the gas, bump the nonce; warm sender, target, precompiles, access
 *    list and (Shanghai, EIP-3651) the coinbase; apply EIP-7702
 *    authorizations.
 * 3. Run the message (a call, or a creation at keccak(rlp(sender, nonce))).
 * 4. Refund: at most gasUsed/2 (gasUsed/5 from London, EIP-3529) of the
 *    refund counter; EIP-7623 floor (Prague); the sender gets the unused gas
 *    back, the coinbase the priority fee (the coinbase is touched even at
 *    zero fee: EIP-161 then deletes it if empty). Blob fees are burned.
 *
 * Throws `TxError` for an invalid transaction; the state is then untouched.
 */
import { GAS_PER_BLOB } from '../block/blob.js';
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { Fork } from '../primitives/fork.js';
import { KECCAK_EMPTY } from '../primitives/keccak.js';
import type { StateReader } from '../state/types.js';
import { TxError } from '../tx/errors.js';
import { floorDataGas, intrinsicGas } from '../tx/intrinsic.js';
import { recoverAuthority } from '../tx/sign.js';
import type { Transaction } from '../tx/types.js';
import { validateTransaction, type TxLimits } from '../tx/validate.js';
import { createAddress, delegationCode, delegationTarget, isDelegation } from '../evm/address.js';
import { ExecContext } from '../evm/context.js';
import { Kind, Status, isSuccess } from '../evm/frame.js';
import { forkRules } from '../evm/gas.js';
import { beginCall, beginCreate, execute, finishFrame } from '../evm/message.js';
import { getPrecompile, precompileAddresses } from '../evm/precompiles/index.js';
import type { BlockEnv, TxResult } from './types.js';

const MAX_NONCE = 2n ** 64n - 1n;
/** EIP-7702: PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST, refunded when the authority already exists. */
const AUTH_EXISTING_REFUND = 25000 - 12500;

let shared: ExecContext | undefined;
let busy = false;

/** Options for `applyTransaction` (the parallel executor's). */
export interface ApplyOptions {
  /**
   * Lazy coinbase (parallel executor, src/exec/parallel/coinbase.ts): when the
   * transaction's execution never loaded the coinbase account, do not pay it;
   * return the fee as `coinbaseFee` for the caller to add instead.
   */
  deferCoinbasePayment?: boolean;
  /**
   * Lazy value transfers (parallel executor, src/exec/parallel/deltas.ts):
   * asked for a plain value transfer (see `canDefer`) whether `to` has no
   * code. If so, the transfer runs without loading `to`: the sender is
   * debited, and the credit is returned as `credit` (not in `changes`).
   */
  deferTransfer?: (to: bigint) => boolean;
}

/** Runs `tx`, sent by `sender`, over `state`; returns its result and writes (not applied to `state`). */
export function applyTransaction(state: StateReader, tx: Transaction, sender: bigint, env: BlockEnv, options?: ApplyOptions): TxResult {
  // One context is reused (its frames and journal arrays); a nested call gets a fresh one.
  const ctx = busy || shared === undefined ? new ExecContext(state) : shared;
  if (shared === undefined) shared = ctx;
  const owns = ctx === shared;
  if (owns) busy = true;
  try {
    return run(ctx, state, tx, sender, env, options?.deferCoinbasePayment === true, options?.deferTransfer);
  } finally {
    ctx.end();
    if (owns) busy = false;
  }
}

function run(
  ctx: ExecContext,
  state: StateReader,
  tx: Transaction,
  sender: bigint,
  env: BlockEnv,
  deferCoinbase: boolean,
  deferTransfer: ((to: bigint) => boolean) | undefined,
): TxResult {
  const fork = env.fork;
  const rules = forkRules(fork);
  // Computed once here, for validation and for the gas accounting below.
  const intrinsic = intrinsicGas(tx, fork);
  const floor = floorDataGas(tx, fork);
  validateTransaction(tx, fork, txLimits(env, rules.london), intrinsic, floor);
  const gasPrice = rules.london
    ? min(tx.maxPriorityFeePerGas, tx.maxFeePerGas - env.baseFee) + env.baseFee
    : tx.gasPrice;
  ctx.begin(state, env, { origin: sender, gasPrice, blobHashes: tx.blobVersionedHashes });
  const journal = ctx.journal;
  const from = journal.account(sender);
  const blobGasUsed = GAS_PER_BLOB * BigInt(tx.blobVersionedHashes.length);
  checkSender(tx, from.nonce, from.balance, from.code, from.codeHash, blobGasUsed, rules.london);

  // Buy the gas (at the effective price; the check above used the maximum) and bump the nonce.
  journal.setBalance(from, from.balance - tx.gasLimit * gasPrice - blobGasUsed * env.blobBaseFee);
  journal.incrementNonce(from);

  const target = tx.to ?? createAddress(sender, tx.nonce);
  let success = true;
  let gasLeft = tx.gasLimit - intrinsic;
  let output: Uint8Array = EMPTY_BYTES;
  let credit: TxResult['credit'];
  // ---- lazy value transfer (parallel executor) ----
  if (deferTransfer !== undefined && canDefer(tx, sender, env) && deferTransfer(target)) {
    // What the call below does for a code-less target: it touches the target
    // (non-empty after the value, so EIP-161 keeps it), moves the value, and
    // stops at once with all its gas (warm sets do not outlive the
    // transaction). The credit is left to the caller; `to` is never loaded.
    journal.setBalance(from, from.balance - tx.value);
    credit = { to: target, amount: tx.value };
  } else {
    // ---- end lazy value transfer ----
    if (rules.accessLists) warmUp(ctx, tx, sender, target);
    if (tx.type === 4) authorize(ctx, tx);

    const top = ctx.frame(0);
    top.setGas(tx.gasLimit - intrinsic);
    top.caller = sender;
    top.value = tx.value;
    top.transfersValue = true;
    top.isStatic = false;
    top.address = target;
    top.self = journal.account(target);
    if (tx.to === undefined) startCreate(ctx, tx);
    else startCall(ctx, tx);
    success = isSuccess(top.status);
    gasLeft = top.gasLeft();
    output = top.output;
  }

  let gasUsed = tx.gasLimit - gasLeft;
  const refundCounter = journal.refund > 0 ? BigInt(journal.refund) : 0n;
  gasUsed -= min(gasUsed / rules.refundQuotient, refundCounter);
  if (gasUsed < floor) gasUsed = floor;

  journal.setBalance(from, from.balance + (tx.gasLimit - gasUsed) * gasPrice);
  const priorityFee = rules.london ? gasPrice - env.baseFee : gasPrice;
  // ---- lazy coinbase (parallel executor): leave the fee to the caller if nothing loaded the coinbase ----
  const deferredFee = deferCoinbase && !isLoaded(journal, env.coinbase) ? gasUsed * priorityFee : undefined;
  if (deferredFee === undefined) {
    const coinbase = journal.account(env.coinbase);
    journal.setBalance(coinbase, coinbase.balance + gasUsed * priorityFee);
  }
  // ---- end lazy coinbase ----

  const result: TxResult = {
    status: success ? 1 : 0,
    gasUsed,
    logs: success ? journal.logs : [],
    output,
    changes: journal.finalize(rules.eip161),
    blobGasUsed,
  };
  if (tx.to === undefined) result.contractAddress = target;
  if (deferredFee !== undefined) result.coinbaseFee = deferredFee;
  if (credit !== undefined) result.credit = credit;
  return result;
}

/**
 * Whether `tx` may be a lazy value transfer (with a code-less `to`, which
 * the caller checks): a call with value, of type 0-2 (no blobs; no EIP-7702
 * authorization that could put code on `to`), not to the sender nor the
 * coinbase (both read and written anyway) nor a precompile (it runs), from
 * Spurious Dragon on (EIP-161: before it, the transfer's touch rules
 * differ; a positive value makes `to` non-empty in any case).
 */
function canDefer(tx: Transaction, sender: bigint, env: BlockEnv): boolean {
  const to = tx.to;
  return (
    to !== undefined && tx.value > 0n && tx.type <= 2 && to !== sender && to !== env.coinbase &&
    env.fork >= Fork.SpuriousDragon && getPrecompile(to, env.fork) === undefined
  );
}

/** One limits object, refilled per transaction (validation is synchronous and keeps no reference). */
const LIMITS: TxLimits = { maxBlobsPerBlock: 0 };

function txLimits(env: BlockEnv, london: boolean): TxLimits {
  LIMITS.maxBlobsPerBlock = env.maxBlobsPerBlock;
  LIMITS.chainId = env.chainId;
  LIMITS.blockGasLimit = env.gasLimit;
  LIMITS.baseFee = london ? env.baseFee : undefined;
  LIMITS.blobBaseFee = env.fork >= Fork.Cancun ? env.blobBaseFee : undefined;
  return LIMITS;
}

/** Whether the journal loaded `address` (read it through the state) in this transaction. */
function isLoaded(journal: ExecContext['journal'], address: bigint): boolean {
  for (const acct of journal.loadedAccounts()) if (acct.address === address) return true;
  return false;
}

function checkSender(
  tx: Transaction,
  nonce: bigint,
  balance: bigint,
  code: Uint8Array,
  codeHash: Uint8Array,
  blobGasUsed: bigint,
  london: boolean,
): void {
  if (nonce > tx.nonce) throw new TxError('NONCE_MISMATCH_TOO_LOW', `transaction nonce ${tx.nonce} is below the sender's nonce ${nonce}`);
  if (nonce < tx.nonce) throw new TxError('NONCE_MISMATCH_TOO_HIGH', `transaction nonce ${tx.nonce} is above the sender's nonce ${nonce}`);
  const maxCost =
    tx.gasLimit * (london ? tx.maxFeePerGas : tx.gasPrice) + blobGasUsed * tx.maxFeePerBlobGas + tx.value;
  if (balance < maxCost) {
    throw new TxError('INSUFFICIENT_ACCOUNT_FUNDS', `sender balance ${balance} is below the transaction's maximum cost ${maxCost}`);
  }
  // EIP-3607: only externally owned accounts send (an EIP-7702 delegation still counts as one).
  if (codeHash !== KECCAK_EMPTY && code.length > 0 && !isDelegation(code)) {
    throw new TxError('SENDER_NOT_EOA', 'the sender has code');
  }
}

/** EIP-2929 / EIP-2930 / EIP-3651: what is warm when the transaction starts. */
function warmUp(ctx: ExecContext, tx: Transaction, sender: bigint, target: bigint): void {
  const journal = ctx.journal;
  journal.warmAddress(sender);
  journal.warmAddress(target);
  journal.warmForTransaction(precompileAddresses(ctx.fork));
  for (const entry of tx.accessList) {
    journal.warmAddress(entry.address);
    for (const key of entry.storageKeys) journal.warmSlotOf(entry.address, key);
  }
  if (ctx.rules.warmCoinbase) journal.warmAddress(ctx.env.coinbase);
}

/**
 * EIP-7702: each valid authorization sets its authority's code to a
 * delegation designator (or clears it for address 0) and bumps its nonce.
 * Invalid tuples are skipped, not errors. Happens before the message's
 * checkpoint: it stays even if the execution fails.
 */
function authorize(ctx: ExecContext, tx: Transaction): void {
  const journal = ctx.journal;
  for (const auth of tx.authorizationList) {
    if (auth.chainId !== 0n && auth.chainId !== ctx.env.chainId) continue;
    if (auth.nonce >= MAX_NONCE) continue;
    const authority = recoverAuthority(auth);
    if (authority === null) continue;
    journal.warmAddress(authority);
    const acct = journal.account(authority);
    if (acct.code.length > 0 && !isDelegation(acct.code)) continue;
    if (acct.nonce !== auth.nonce) continue;
    if (acct.exists) journal.refund += AUTH_EXISTING_REFUND;
    journal.setCode(acct, auth.address === 0n ? EMPTY_BYTES : delegationCode(auth.address));
    journal.incrementNonce(acct);
  }
}

function startCall(ctx: ExecContext, tx: Transaction): void {
  const top = ctx.frameAt(0);
  const journal = ctx.journal;
  top.kind = Kind.Call;
  top.input = tx.data;
  let codeAccount = top.self;
  top.codeAddress = top.address;
  if (ctx.rules.delegation) {
    const delegate = delegationTarget(codeAccount.code);
    if (delegate !== undefined) {
      // The delegate is warmed for free at the top level; its code runs, never a precompile.
      journal.warmAddress(delegate);
      codeAccount = journal.account(delegate);
      top.codeAddress = delegate;
      top.disablePrecompiles = true;
    }
  }
  top.setCode(codeAccount.code, codeAccount.codeHash);
  if (beginCall(top)) execute(top);
  else finishFrame(top);
}

function startCreate(ctx: ExecContext, tx: Transaction): void {
  const top = ctx.frameAt(0);
  const journal = ctx.journal;
  top.kind = Kind.Create;
  top.input = EMPTY_BYTES;
  top.codeAddress = top.address;
  top.disablePrecompiles = true;
  const target = top.self;
  // EIP-684 / EIP-7610: creating over an account with a nonce, code or storage fails and burns the gas.
  if (target.nonce !== 0n || target.code.length !== 0 || journal.hasStorage(target)) {
    top.status = Status.CreateCollision;
    top.gas = 0;
    top.gasReserve = 0;
    top.output = EMPTY_BYTES;
    return;
  }
  top.setCode(tx.data);
  if (beginCreate(top)) execute(top);
  else finishFrame(top);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
