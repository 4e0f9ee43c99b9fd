/**
 * System instructions: CALL CALLCODE DELEGATECALL STATICCALL CREATE CREATE2
 * RETURN REVERT SELFDESTRUCT.
 *
 * A CALL or CREATE charges its gas, sets up frame depth+1 and begins it
 * (message.ts). When the child must run code, the instruction leaves status
 * CallPending/CreatePending and the driver runs the child; otherwise (a
 * precompile, no code, or a call that never starts) the result is pushed
 * here and the parent carries on.
 */
import { EMPTY_BYTES } from '../../primitives/bytes.js';
import { keccak256 } from '../../primitives/keccak.js';
import { create2Address, createAddress, delegationTarget } from '../address.js';
import { Kind, Status, type Frame } from '../frame.js';
import { COLD_ACCOUNT_ACCESS, KECCAK_WORD_GAS, WARM_ACCESS } from '../gas.js';
import { beginCall, beginCreate, finishFrame, resumeParent } from '../message.js';
import { toAddress } from '../word.js';

const MAX_DEPTH = 1024;
const MAX_NONCE = 2n ** 64n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function callOp(f: Frame): void {
  doCall(f, Kind.Call);
}

export function callcode(f: Frame): void {
  doCall(f, Kind.CallCode);
}

export function delegatecall(f: Frame): void {
  doCall(f, Kind.DelegateCall);
}

export function staticcall(f: Frame): void {
  doCall(f, Kind.StaticCall);
}

function doCall(f: Frame, kind: number): void {
  const s = f.stack;
  const ctx = f.ctx;
  const rules = ctx.rules;
  const journal = ctx.journal;
  let i = f.sp - 1;
  const gasRequested = s[i--];
  const to = toAddress(s[i--]);
  const hasValue = kind === Kind.Call || kind === Kind.CallCode;
  const value = hasValue ? s[i--] : 0n;
  const inOffset = s[i--];
  const inSize = s[i--];
  const outOffset = s[i--];
  const outSize = s[i--];
  if (!f.expand(inOffset, inSize) || !f.expand(outOffset, outSize)) return;

  // Access costs: the warm price is static, the cold surcharge here (EIP-2929).
  let extra = 0;
  if (rules.accessLists && !journal.warmAddress(to)) extra += rules.coldAccountExtra;
  const target = journal.account(to);
  let codeAccount = target;
  let disablePrecompiles = false;
  if (rules.delegation) {
    // EIP-7702: a call to a delegated account runs the delegate's code, paying to access it.
    const delegate = delegationTarget(target.code);
    if (delegate !== undefined) {
      disablePrecompiles = true;
      extra += journal.warmAddress(delegate) ? WARM_ACCESS : COLD_ACCOUNT_ACCESS;
      codeAccount = journal.account(delegate);
    }
  }
  if (hasValue && value !== 0n) extra += rules.callValue;
  if (kind === Kind.Call) {
    // EIP-161: only a value transfer to an empty account creates it; before, any call to a missing one.
    const isNew = rules.eip161 ? value !== 0n && target.isEmpty() : !target.exists;
    if (isNew) extra += rules.callNewAccount;
  }
  if (!f.useGas(extra)) return;

  // Gas for the callee: all but one 64th of what is left at most (EIP-150), else exactly what was asked.
  let callGas = gasRequested;
  if (rules.allButOne64th) {
    if (f.gasReserve === 0) {
      const cap = f.gas - Math.floor(f.gas / 64);
      if (gasRequested > SAFE || Number(gasRequested) > cap) callGas = BigInt(cap);
    } else {
      const left = f.gasLeft();
      const cap = left - left / 64n;
      if (gasRequested > cap) callGas = cap;
    }
  }
  if (!f.useGasBig(callGas)) return;
  // EIP-214: only CALL can move value out of a static context (CALLCODE's value stays with the caller).
  if (f.isStatic && value !== 0n && kind === Kind.Call) {
    f.status = Status.StaticViolation;
    return;
  }
  const childGas = hasValue && value !== 0n ? callGas + BigInt(rules.callStipend) : callGas;

  f.sp = i + 1;
  f.returnData = EMPTY_BYTES;
  if ((hasValue && f.self.balance < value) || f.depth + 1 > MAX_DEPTH) {
    // The call never starts: its gas comes back.
    f.addGas(childGas);
    s[f.sp++] = 0n;
    return;
  }

  const child = ctx.frame(f.depth + 1);
  child.kind = kind;
  child.setGas(childGas);
  if (kind === Kind.Call || kind === Kind.StaticCall) {
    child.address = to;
    child.self = target;
  } else {
    child.address = f.address;
    child.self = f.self;
  }
  child.caller = kind === Kind.DelegateCall ? f.caller : f.address;
  child.value = kind === Kind.DelegateCall ? f.value : value;
  child.transfersValue = hasValue;
  child.isStatic = f.isStatic || kind === Kind.StaticCall;
  child.codeAddress = codeAccount.address;
  child.disablePrecompiles = disablePrecompiles;
  child.input = inSize === 0n ? EMPTY_BYTES : f.readMemory(Number(inOffset), Number(inSize));
  child.setCode(codeAccount.code, codeAccount.codeHash);
  f.retOffset = outSize === 0n ? 0 : Number(outOffset);
  f.retSize = outSize === 0n ? 0 : Number(outSize);
  if (beginCall(child)) {
    f.status = Status.CallPending;
    return;
  }
  finishFrame(child);
  resumeParent(f, child);
}

export function create(f: Frame): void {
  doCreate(f, Kind.Create);
}

export function create2(f: Frame): void {
  doCreate(f, Kind.Create2);
}

function doCreate(f: Frame, kind: number): void {
  if (f.isStatic) {
    f.status = Status.StaticViolation;
    return;
  }
  const s = f.stack;
  const ctx = f.ctx;
  const rules = ctx.rules;
  const journal = ctx.journal;
  let i = f.sp - 1;
  const value = s[i--];
  const offset = s[i--];
  const size = s[i--];
  const salt = kind === Kind.Create2 ? s[i--] : 0n;
  if (!f.expand(offset, size)) return;
  const length = Number(size);
  const words = Math.ceil(length / 32);
  // EIP-3860 initcode words; CREATE2 also hashes the initcode (EIP-1014).
  let cost = rules.initcodeWordGas * words;
  if (kind === Kind.Create2) cost += KECCAK_WORD_GAS * words;
  if (!f.useGas(cost)) return;
  if (length > rules.maxInitcodeSize) {
    f.status = Status.OutOfGas;
    return;
  }
  f.sp = i + 1;
  f.returnData = EMPTY_BYTES;

  let childGas: bigint;
  if (rules.allButOne64th) {
    if (f.gasReserve === 0) {
      childGas = BigInt(f.gas - Math.floor(f.gas / 64));
    } else {
      const left = f.gasLeft();
      childGas = left - left / 64n;
    }
  } else {
    childGas = f.gasLeft();
  }
  f.useGasBig(childGas);

  const self = f.self;
  if (self.balance < value || self.nonce >= MAX_NONCE || f.depth + 1 > MAX_DEPTH) {
    f.addGas(childGas);
    s[f.sp++] = 0n;
    return;
  }
  const initcode = length === 0 ? EMPTY_BYTES : f.readMemory(Number(offset), length);
  const address =
    kind === Kind.Create2 ? create2Address(f.address, salt, keccak256(initcode)) : createAddress(f.address, self.nonce);
  if (rules.accessLists) journal.warmAddress(address);
  const target = journal.account(address);
  // EIP-684 / EIP-7610: no creation over an account with a nonce, code or storage; the gas is lost.
  if (target.nonce !== 0n || target.code.length !== 0 || journal.hasStorage(target)) {
    journal.incrementNonce(self);
    s[f.sp++] = 0n;
    return;
  }
  journal.incrementNonce(self);

  const child = ctx.frame(f.depth + 1);
  child.kind = kind;
  child.setGas(childGas);
  child.address = address;
  child.self = target;
  child.caller = f.address;
  child.value = value;
  child.transfersValue = true;
  child.isStatic = false;
  child.codeAddress = address;
  child.disablePrecompiles = true;
  child.input = EMPTY_BYTES;
  child.setCode(initcode);
  if (beginCreate(child)) {
    f.status = Status.CreatePending;
    return;
  }
  finishFrame(child);
  resumeParent(f, child);
}

function halt(f: Frame, status: number): void {
  const s = f.stack;
  const i = (f.sp -= 2);
  const offset = s[i + 1];
  const size = s[i];
  if (size !== 0n) {
    if (!f.expand(offset, size)) return;
    f.output = f.readMemory(Number(offset), Number(size));
  }
  f.status = status;
}

export function returnOp(f: Frame): void {
  halt(f, Status.Return);
}

export function revert(f: Frame): void {
  halt(f, Status.Revert);
}

export function selfdestruct(f: Frame): void {
  if (f.isStatic) {
    f.status = Status.StaticViolation;
    return;
  }
  const ctx = f.ctx;
  const rules = ctx.rules;
  const journal = ctx.journal;
  const beneficiaryAddress = toAddress(f.stack[--f.sp]);
  let cost = 0;
  // Static 5000 from TangerineWhistle; the cold surcharge is the full 2600 (no warm price here).
  if (rules.accessLists && !journal.warmAddress(beneficiaryAddress)) cost += COLD_ACCOUNT_ACCESS;
  const beneficiary = journal.account(beneficiaryAddress);
  const self = f.self;
  const fundsNew = rules.eip161 ? beneficiary.isEmpty() && self.balance !== 0n : !beneficiary.exists;
  if (fundsNew) cost += rules.selfdestructNewAccount;
  if (!f.useGas(cost)) return;
  if (rules.selfdestructRefund !== 0 && !self.destroyed) journal.refund += rules.selfdestructRefund;
  const balance = self.balance;
  if (rules.selfdestructOnlyNew && !self.created) {
    // EIP-6780: only the balance moves (to itself: nothing happens).
    journal.transfer(self, beneficiary, balance);
  } else {
    // The beneficiary is credited before the balance is zeroed: naming itself burns the ether.
    journal.setBalance(beneficiary, beneficiary.balance + balance);
    journal.setBalance(self, 0n);
    journal.markDestroyed(self);
  }
  f.status = Status.SelfDestruct;
}
