/**
 * Environment: ADDRESS BALANCE ORIGIN CALLER CALLVALUE CALLDATALOAD
 * CALLDATASIZE CALLDATACOPY CODESIZE CODECOPY GASPRICE EXTCODESIZE
 * EXTCODECOPY RETURNDATASIZE RETURNDATACOPY (EIP-211) EXTCODEHASH (EIP-1052)
 * SELFBALANCE (EIP-1884).
 *
 * Account reads pay the EIP-2929 cold surcharge on first access (Berlin+).
 * EXTCODE* see an EIP-7702 delegation designator itself, never its target.
 */
import { KECCAK_EMPTY } from '../../primitives/keccak.js';
import type { JournalAccount } from '../../state/journal.js';
import { Status, type Frame } from '../frame.js';
import { COPY_WORD_GAS } from '../gas.js';
import { bytesToWord, readPaddedWord, readWord, toAddress, viewOf } from '../word.js';
import { chargeCopy, copyPadded } from './memory.js';

/** Loads an account, charging the cold surcharge if it was not warm; undefined when out of gas. */
export function accessAccount(f: Frame, address: bigint): JournalAccount | undefined {
  const ctx = f.ctx;
  if (ctx.rules.accessLists && !ctx.journal.warmAddress(address) && !f.useGas(ctx.rules.coldAccountExtra)) {
    return undefined;
  }
  return ctx.journal.account(address);
}

export function address(f: Frame): void {
  f.stack[f.sp++] = f.address;
}

export function balance(f: Frame): void {
  const i = f.sp - 1;
  const acct = accessAccount(f, toAddress(f.stack[i]));
  if (acct !== undefined) f.stack[i] = acct.balance;
}

export function origin(f: Frame): void {
  f.stack[f.sp++] = f.ctx.origin;
}

export function caller(f: Frame): void {
  f.stack[f.sp++] = f.caller;
}

export function callvalue(f: Frame): void {
  f.stack[f.sp++] = f.value;
}

export function calldataload(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const offset = s[i];
  const input = f.input;
  if (offset > 0xffffffffn || Number(offset) >= input.length) {
    s[i] = 0n;
    return;
  }
  const o = Number(offset);
  if (o + 32 > input.length) {
    s[i] = readPaddedWord(input, o);
    return;
  }
  if (f.inputViewOf !== input) {
    f.inputView = viewOf(input);
    f.inputViewOf = input;
  }
  s[i] = readWord(f.inputView, o);
}

export function calldatasize(f: Frame): void {
  f.stack[f.sp++] = BigInt(f.input.length);
}

/** The CALLDATACOPY / CODECOPY shape: (memOffset, srcOffset, size) from `src`. */
function copyFrom(f: Frame, src: Uint8Array): void {
  const s = f.stack;
  const i = f.sp - 1;
  const memOffset = s[i];
  const srcOffset = s[i - 1];
  const size = s[i - 2];
  if (!chargeCopy(f, memOffset, size, COPY_WORD_GAS)) return;
  copyPadded(f, memOffset, src, srcOffset, size);
  f.sp = i - 2;
}

export function calldatacopy(f: Frame): void {
  copyFrom(f, f.input);
}

export function codesize(f: Frame): void {
  f.stack[f.sp++] = BigInt(f.codeLength);
}

export function codecopy(f: Frame): void {
  copyFrom(f, f.rawCode);
}

export function gasprice(f: Frame): void {
  f.stack[f.sp++] = f.ctx.gasPrice;
}

export function extcodesize(f: Frame): void {
  const i = f.sp - 1;
  const acct = accessAccount(f, toAddress(f.stack[i]));
  if (acct !== undefined) f.stack[i] = BigInt(acct.code.length);
}

export function extcodecopy(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const memOffset = s[i - 1];
  const codeOffset = s[i - 2];
  const size = s[i - 3];
  if (!chargeCopy(f, memOffset, size, COPY_WORD_GAS)) return;
  const acct = accessAccount(f, toAddress(s[i]));
  if (acct === undefined) return;
  copyPadded(f, memOffset, acct.code, codeOffset, size);
  f.sp = i - 3;
}

export function returndatasize(f: Frame): void {
  f.stack[f.sp++] = BigInt(f.returnData.length);
}

export function returndatacopy(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const memOffset = s[i];
  const dataOffset = s[i - 1];
  const size = s[i - 2];
  if (!chargeCopy(f, memOffset, size, COPY_WORD_GAS)) return;
  // EIP-211: reading past the end of the return data is an exceptional halt.
  if (dataOffset + size > BigInt(f.returnData.length)) {
    f.status = Status.ReturnDataOutOfBounds;
    return;
  }
  copyPadded(f, memOffset, f.returnData, dataOffset, size);
  f.sp = i - 2;
}

export function extcodehash(f: Frame): void {
  const i = f.sp - 1;
  const acct = accessAccount(f, toAddress(f.stack[i]));
  if (acct === undefined) return;
  // EIP-1052: 0 for an account that does not exist or is empty (EIP-161).
  f.stack[i] = acct.isEmpty() ? 0n : acct.codeHash === KECCAK_EMPTY ? EMPTY_CODE_HASH : bytesToWord(acct.codeHash);
}

const EMPTY_CODE_HASH = readWord(viewOf(KECCAK_EMPTY), 0);

export function selfbalance(f: Frame): void {
  f.stack[f.sp++] = f.self.balance;
}
