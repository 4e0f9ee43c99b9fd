/** Control flow: STOP JUMP JUMPI PC GAS JUMPDEST, and the invalid instruction. */
import { Status, type Frame } from '../frame.js';

export function stop(f: Frame): void {
  f.status = Status.Stop;
}

/** INVALID (0xFE) and every opcode the fork does not define: an exceptional halt. */
export function invalid(f: Frame): void {
  f.status = Status.InvalidOpcode;
}

function jumpTo(f: Frame, dest: bigint): void {
  // The analysis marks only JUMPDEST bytes outside PUSH data.
  // Compare as Numbers (no BigInt allocated per jump); code is never 2^32 bytes long.
  if (dest > 0xffffffffn || f.jumpdests[Number(dest)] !== 1) {
    f.status = Status.BadJump;
    return;
  }
  f.pc = Number(dest);
}

export function jump(f: Frame): void {
  jumpTo(f, f.stack[--f.sp]);
}

export function jumpi(f: Frame): void {
  const s = f.stack;
  const i = (f.sp -= 2);
  if (s[i] !== 0n) jumpTo(f, s[i + 1]);
}

export function pc(f: Frame): void {
  f.stack[f.sp++] = BigInt(f.pc - 1);
}

export function gas(f: Frame): void {
  f.stack[f.sp++] = f.gasLeft();
}

export function jumpdest(_f: Frame): void {
  // Only its 1 gas.
}
