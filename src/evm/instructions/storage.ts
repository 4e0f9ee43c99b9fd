/**
 * Storage: SLOAD SSTORE, and transient storage TLOAD TSTORE (EIP-1153).
 *
 * SSTORE gas by fork (the numbers come from ForkRules):
 * - Frontier..Byzantium, Petersburg: 20000 to set a zero slot, else 5000;
 *   15000 refunded for clearing.
 * - Constantinople (EIP-1283), Istanbul (EIP-2200), Berlin (EIP-2929),
 *   London (EIP-3529): net metering against the slot's value at the start of
 *   the transaction (`original`): a no-op or an already dirty slot costs
 *   SLOAD_GAS; the first change costs SET or RESET; refunds undo what a
 *   later write makes unnecessary. From Istanbul SSTORE fails outright when
 *   no more than the 2300 call stipend is left.
 */
import { Status, type Frame } from '../frame.js';

export function sload(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const key = s[i];
  const ctx = f.ctx;
  const journal = ctx.journal;
  if (ctx.rules.accessLists && !journal.warmSlot(f.self, key) && !f.useGas(ctx.rules.coldSloadExtra)) return;
  s[i] = journal.sload(f.self, key);
}

export function sstore(f: Frame): void {
  if (f.isStatic) {
    f.status = Status.StaticViolation;
    return;
  }
  const rules = f.ctx.rules;
  if (rules.sstoreStipendCheck && f.gasReserve === 0 && f.gas <= rules.callStipend) {
    f.status = Status.OutOfGas;
    return;
  }
  const s = f.stack;
  const i = (f.sp -= 2);
  const key = s[i + 1];
  const value = s[i];
  const journal = f.ctx.journal;
  let cost = 0;
  if (rules.accessLists && !journal.warmSlot(f.self, key)) cost = rules.coldSload;
  const slot = journal.slot(f.self, key);
  const current = slot.current;
  if (!rules.netSstore) {
    cost += current === 0n && value !== 0n ? rules.sstoreSet : rules.sstoreReset;
    if (current !== 0n && value === 0n) journal.refund += rules.sstoreClearRefund;
  } else {
    const original = slot.original;
    if (original === current && current !== value) {
      cost += original === 0n ? rules.sstoreSet : rules.sstoreReset;
    } else {
      cost += rules.sstoreNoop;
    }
    if (current !== value) {
      const clear = rules.sstoreClearRefund;
      if (original !== 0n && current !== 0n && value === 0n) journal.refund += clear;
      if (original !== 0n && current === 0n) journal.refund -= clear;
      if (original === value) {
        journal.refund += original === 0n ? rules.sstoreSet - rules.sstoreNoop : rules.sstoreReset - rules.sstoreNoop;
      }
    }
  }
  if (!f.useGas(cost)) return;
  if (current !== value) journal.sstore(slot, value);
}

export function tload(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  s[i] = f.ctx.journal.tload(f.address, s[i]);
}

export function tstore(f: Frame): void {
  if (f.isStatic) {
    f.status = Status.StaticViolation;
    return;
  }
  const s = f.stack;
  const i = (f.sp -= 2);
  f.ctx.journal.tstore(f.address, s[i + 1], s[i]);
}
