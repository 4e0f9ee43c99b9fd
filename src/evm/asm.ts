/**
 * A tiny bytecode assembler for tests and tools: opcode names as strings,
 * numbers and bigints as pushes (the smallest PUSHn that holds them; PUSH1
 * for zero, so the code runs on every fork), byte arrays inserted as they are.
 *
 * @example
 * asm(2, 3, 'ADD', 0, 'SSTORE') // PUSH1 2 PUSH1 3 ADD PUSH1 0 SSTORE
 */
import { MultilaneError } from '../errors.js';
import { OPCODES } from './opcodes.js';

export type AsmItem = string | number | bigint | Uint8Array;

const BY_NAME = new Map<string, number>();
for (let op = 0; op < 256; op++) {
  const info = OPCODES[op];
  if (info !== undefined) BY_NAME.set(info.name, op);
}
BY_NAME.set('SHA3', 0x20);
BY_NAME.set('DIFFICULTY', 0x44);

export function asm(...items: AsmItem[]): Uint8Array {
  const out: number[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const op = BY_NAME.get(item.toUpperCase());
      if (op === undefined) throw new MultilaneError(`asm: unknown opcode '${item}'`);
      out.push(op);
    } else if (item instanceof Uint8Array) {
      for (const b of item) out.push(b);
    } else {
      pushValue(out, BigInt(item));
    }
  }
  return Uint8Array.from(out);
}

function pushValue(out: number[], value: bigint): void {
  if (value < 0n || value >= 1n << 256n) throw new MultilaneError(`asm: ${value} is not a 256-bit word`);
  const bytes: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length === 0) bytes.push(0);
  out.push(0x5f + bytes.length, ...bytes);
}

/** Init code that deploys `runtime` (copies it from its own tail and returns it). */
export function deployCode(runtime: Uint8Array): Uint8Array {
  // PUSH2 len, DUP1, PUSH2 offset, PUSH1 0, CODECOPY, PUSH1 0, RETURN
  const prefixLength = 14;
  const n = runtime.length;
  const prefix = Uint8Array.of(0x61, n >> 8, n & 0xff, 0x80, 0x61, 0, prefixLength, 0x60, 0, 0x39, 0x60, 0, 0xf3, 0x00);
  const out = new Uint8Array(prefixLength + n);
  out.set(prefix, 0);
  out.set(runtime, prefixLength);
  return out;
}
