/** Stack: POP PUSH0 (EIP-3855) PUSH1-32 DUP1-16 SWAP1-16. */
import type { Frame } from '../frame.js';

export function pop(f: Frame): void {
  f.sp--;
}

export function push0(f: Frame): void {
  f.stack[f.sp++] = 0n;
}

/** PUSHn: the immediate was decoded at analysis time (analysis.ts). */
export function makePush(n: number): (f: Frame) => void {
  return (f: Frame): void => {
    f.stack[f.sp++] = f.pushValues[f.pc - 1];
    f.pc += n;
  };
}

export function makeDup(n: number): (f: Frame) => void {
  return (f: Frame): void => {
    const s = f.stack;
    s[f.sp] = s[f.sp - n];
    f.sp++;
  };
}

export function makeSwap(n: number): (f: Frame) => void {
  return (f: Frame): void => {
    const s = f.stack;
    const top = f.sp - 1;
    const other = top - n;
    const t = s[top];
    s[top] = s[other];
    s[other] = t;
  };
}
