/**
 * A tiny EVM assembler for tests: opcodes by name, pushes sized to their
 * value, and labels (JUMPDEST) referenced by 2-byte pushes.
 */

const OPS: Record<string, number> = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, DIV: 0x04, LT: 0x10, GT: 0x11, EQ: 0x14, ISZERO: 0x15, AND: 0x16,
  SHL: 0x1b, SHR: 0x1c, KECCAK256: 0x20, ADDRESS: 0x30, BALANCE: 0x31, CALLER: 0x33, CALLVALUE: 0x34, CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36, CODECOPY: 0x39, EXTCODEHASH: 0x3f, COINBASE: 0x41, NUMBER: 0x43, SELFBALANCE: 0x47, POP: 0x50,
  MLOAD: 0x51, MSTORE: 0x52, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56, JUMPI: 0x57, GAS: 0x5a, JUMPDEST: 0x5b,
  DUP1: 0x80, DUP2: 0x81, DUP3: 0x82, DUP4: 0x83, DUP5: 0x84, DUP6: 0x85, SWAP1: 0x90, SWAP2: 0x91, SWAP3: 0x92,
  LOG0: 0xa0, LOG1: 0xa1, LOG2: 0xa2, LOG3: 0xa3, CREATE: 0xf0, CALL: 0xf1, RETURN: 0xf3, CREATE2: 0xf5, REVERT: 0xfd,
  SELFDESTRUCT: 0xff,
};

export class Asm {
  private readonly out: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: [at: number, label: string][] = [];

  /** Emits opcodes by name. */
  op(...names: string[]): this {
    for (const name of names) {
      const code = OPS[name];
      if (code === undefined) throw new Error(`unknown opcode ${name}`);
      this.out.push(code);
    }
    return this;
  }

  /** PUSHn of a value (n = its byte length, at least 1). */
  push(value: bigint | number): this {
    let v = BigInt(value);
    const bytes: number[] = [];
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    this.out.push(0x5f + bytes.length, ...bytes);
    return this;
  }

  /** PUSH2 of a label's offset (resolved in `bytes`). */
  pushLabel(label: string): this {
    this.out.push(0x61);
    this.fixups.push([this.out.length, label]);
    this.out.push(0, 0);
    return this;
  }

  /** A jump target. */
  label(name: string): this {
    this.labels.set(name, this.out.length);
    this.out.push(0x5b);
    return this;
  }

  /** Raw bytes. */
  raw(bytes: Uint8Array | number[]): this {
    this.out.push(...bytes);
    return this;
  }

  get length(): number {
    return this.out.length;
  }

  bytes(): Uint8Array {
    const b = Uint8Array.from(this.out);
    for (const [at, label] of this.fixups) {
      const target = this.labels.get(label);
      if (target === undefined) throw new Error(`undefined label ${label}`);
      b[at] = target >> 8;
      b[at + 1] = target & 0xff;
    }
    return b;
  }
}

/** Init code that deploys `runtime` as is. */
export function deployCode(runtime: Uint8Array): Uint8Array {
  // PUSH2 len DUP1 PUSH2 offset PUSH1 0 CODECOPY PUSH1 0 RETURN, then the runtime.
  const len = runtime.length;
  const prefix = [0x61, len >> 8, len & 0xff, 0x80, 0x61, 0, 0, 0x60, 0, 0x39, 0x60, 0, 0xf3];
  prefix[5] = (prefix.length >> 8) & 0xff;
  prefix[6] = prefix.length & 0xff;
  const out = new Uint8Array(prefix.length + len);
  out.set(prefix);
  out.set(runtime, prefix.length);
  return out;
}
