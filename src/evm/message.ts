/**
 * Message calls and creations: how a frame starts, ends and hands its
 * result back to its parent, and the driver that runs nested frames without
 * JavaScript recursion (a CALL at depth 1023 is one loop iteration, not 1023
 * nested JS calls).
 *
 * Entering a frame (execution-specs `process_message`): checkpoint the
 * journal, touch the callee, move the value, then run a precompile or the
 * code. A creation (`process_create_message`) first marks the account
 * created (storage starts empty, EIP-6780) and sets its nonce to 1 (EIP-161).
 * Leaving it: a creation pays 200 gas per byte of code (failing on 0xEF
 * (EIP-3541) or over 24576 bytes (EIP-170); before Homestead running short
 * just leaves the code empty, EIP-2); then the journal commits on success or
 * reverts to the checkpoint, and an exceptional halt burns all the frame's gas.
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import { CODE_DEPOSIT_GAS } from './gas.js';
import { Frame, Kind, Status, isSuccess } from './frame.js';
import { run } from './interpreter.js';
import { getPrecompile, type Precompile } from './precompiles/index.js';

/**
 * Starts a call frame whose message fields and code are set. Returns true
 * when code must run; false when the frame already finished (a precompile,
 * or no code), with its status set.
 */
export function beginCall(f: Frame): boolean {
  const ctx = f.ctx;
  const journal = ctx.journal;
  f.checkpoint = journal.checkpoint();
  journal.touch(f.self);
  if (f.transfersValue && f.value !== 0n) journal.transfer(journal.account(f.caller), f.self, f.value);
  if (!f.disablePrecompiles) {
    const precompile = getPrecompile(f.codeAddress, ctx.fork);
    if (precompile !== undefined) {
      runPrecompile(f, precompile);
      return false;
    }
  }
  if (f.codeLength === 0) {
    f.status = Status.Stop;
    return false;
  }
  return true;
}

/** Starts a creation frame (code = initcode). Same contract as `beginCall`. */
export function beginCreate(f: Frame): boolean {
  const ctx = f.ctx;
  const journal = ctx.journal;
  f.checkpoint = journal.checkpoint();
  journal.markCreated(f.self);
  if (ctx.rules.eip161) journal.incrementNonce(f.self);
  journal.touch(f.self);
  if (f.value !== 0n) journal.transfer(journal.account(f.caller), f.self, f.value);
  if (f.codeLength === 0) {
    f.status = Status.Stop;
    return false;
  }
  return true;
}

function runPrecompile(f: Frame, precompile: Precompile): void {
  const fork = f.ctx.fork;
  const cost = precompile.gas(f.input, fork);
  if (!f.useGasBig(cost)) {
    f.status = Status.PrecompileFailure;
    return;
  }
  const output = precompile.run(f.input, fork);
  if (output === null) {
    f.status = Status.PrecompileFailure;
    return;
  }
  f.output = output;
  f.status = Status.Return;
}

/** Ends a frame: code deposit for creations, then commit or revert. */
export function finishFrame(f: Frame): void {
  if (f.kind >= Kind.Create && isSuccess(f.status)) depositCode(f);
  const journal = f.ctx.journal;
  if (isSuccess(f.status)) {
    journal.commit(f.checkpoint);
    return;
  }
  journal.revert(f.checkpoint);
  if (f.status !== Status.Revert) {
    f.gas = 0;
    f.gasReserve = 0;
    f.output = EMPTY_BYTES;
  }
}

function depositCode(f: Frame): void {
  const rules = f.ctx.rules;
  const code = f.output;
  if (rules.rejectEfCode && code.length > 0 && code[0] === 0xef) {
    f.status = Status.InvalidCode;
    return;
  }
  const cost = code.length * CODE_DEPOSIT_GAS;
  if (f.gasReserve === 0 && f.gas < cost) {
    if (rules.depositOogFails) {
      f.status = Status.OutOfGas;
      return;
    }
    // Frontier: the contract is created without code and the gas is kept.
    f.output = EMPTY_BYTES;
    return;
  }
  f.useGas(cost);
  if (code.length > rules.maxCodeSize) {
    f.status = Status.CodeTooLarge;
    return;
  }
  f.ctx.journal.setCode(f.self, code);
}

/** Hands a finished child's result to its parent and lets the parent run on. */
export function resumeParent(parent: Frame, child: Frame): void {
  if (child.gasReserve === 0) parent.addGasNumber(child.gas);
  else parent.addGas(child.gasLeft());
  const ok = isSuccess(child.status);
  if (child.kind >= Kind.Create) {
    parent.returnData = ok ? EMPTY_BYTES : child.output;
    parent.stack[parent.sp++] = ok ? child.address : 0n;
  } else {
    const output = child.output;
    parent.returnData = output;
    parent.stack[parent.sp++] = ok ? 1n : 0n;
    const n = Math.min(parent.retSize, output.length);
    if (n > 0) parent.memory.set(n === output.length ? output : output.subarray(0, n), parent.retOffset);
  }
  parent.status = Status.Running;
}

/**
 * Runs a begun frame and every frame it calls, until it finishes. The top
 * frame is finished (committed or reverted) on return; its status, gas and
 * output are the message's result.
 */
export function execute(top: Frame): void {
  const ctx = top.ctx;
  let f = top;
  for (;;) {
    run(f);
    if (f.status >= Status.CallPending) {
      // The instruction began the child frame; run it next.
      f = ctx.frameAt(f.depth + 1);
      continue;
    }
    finishFrame(f);
    if (f === top) return;
    const parent = ctx.frameAt(f.depth - 1);
    resumeParent(parent, f);
    f = parent;
  }
}
