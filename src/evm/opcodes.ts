/**
 * The opcode traits table (evmone style): for each of the 256 byte values its
 * name, stack inputs and outputs, immediate size and the fork that introduced
 * it. The interpreter checks stack under/overflow from this table before an
 * instruction body runs, so bodies assume a valid stack. Gas lives in gas.ts.
 */
import { Fork } from '../primitives/fork.js';

export const Op = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, DIV: 0x04, SDIV: 0x05, MOD: 0x06, SMOD: 0x07,
  ADDMOD: 0x08, MULMOD: 0x09, EXP: 0x0a, SIGNEXTEND: 0x0b,
  LT: 0x10, GT: 0x11, SLT: 0x12, SGT: 0x13, EQ: 0x14, ISZERO: 0x15, AND: 0x16, OR: 0x17,
  XOR: 0x18, NOT: 0x19, BYTE: 0x1a, SHL: 0x1b, SHR: 0x1c, SAR: 0x1d, CLZ: 0x1e,
  KECCAK256: 0x20,
  ADDRESS: 0x30, BALANCE: 0x31, ORIGIN: 0x32, CALLER: 0x33, CALLVALUE: 0x34, CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36, CALLDATACOPY: 0x37, CODESIZE: 0x38, CODECOPY: 0x39, GASPRICE: 0x3a,
  EXTCODESIZE: 0x3b, EXTCODECOPY: 0x3c, RETURNDATASIZE: 0x3d, RETURNDATACOPY: 0x3e, EXTCODEHASH: 0x3f,
  BLOCKHASH: 0x40, COINBASE: 0x41, TIMESTAMP: 0x42, NUMBER: 0x43, PREVRANDAO: 0x44, GASLIMIT: 0x45,
  CHAINID: 0x46, SELFBALANCE: 0x47, BASEFEE: 0x48, BLOBHASH: 0x49, BLOBBASEFEE: 0x4a,
  POP: 0x50, MLOAD: 0x51, MSTORE: 0x52, MSTORE8: 0x53, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56,
  JUMPI: 0x57, PC: 0x58, MSIZE: 0x59, GAS: 0x5a, JUMPDEST: 0x5b, TLOAD: 0x5c, TSTORE: 0x5d,
  MCOPY: 0x5e, PUSH0: 0x5f, PUSH1: 0x60, PUSH32: 0x7f, DUP1: 0x80, DUP16: 0x8f, SWAP1: 0x90,
  SWAP16: 0x9f, LOG0: 0xa0, LOG4: 0xa4,
  CREATE: 0xf0, CALL: 0xf1, CALLCODE: 0xf2, RETURN: 0xf3, DELEGATECALL: 0xf4, CREATE2: 0xf5,
  STATICCALL: 0xfa, REVERT: 0xfd, INVALID: 0xfe, SELFDESTRUCT: 0xff,
} as const;

export interface OpcodeInfo {
  name: string;
  /** Stack items the instruction pops. */
  inputs: number;
  /** Stack items it pushes. */
  outputs: number;
  /** Immediate bytes after the opcode (PUSHn: n). */
  immediate: number;
  /** The fork that introduced it. */
  since: Fork;
}

/** undefined for byte values that are no instruction in any fork. */
export const OPCODES: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);

function def(op: number, name: string, inputs: number, outputs: number, since: Fork = Fork.Frontier): void {
  OPCODES[op] = { name, inputs, outputs, immediate: 0, since };
}

def(Op.STOP, 'STOP', 0, 0);
def(Op.ADD, 'ADD', 2, 1);
def(Op.MUL, 'MUL', 2, 1);
def(Op.SUB, 'SUB', 2, 1);
def(Op.DIV, 'DIV', 2, 1);
def(Op.SDIV, 'SDIV', 2, 1);
def(Op.MOD, 'MOD', 2, 1);
def(Op.SMOD, 'SMOD', 2, 1);
def(Op.ADDMOD, 'ADDMOD', 3, 1);
def(Op.MULMOD, 'MULMOD', 3, 1);
def(Op.EXP, 'EXP', 2, 1);
def(Op.SIGNEXTEND, 'SIGNEXTEND', 2, 1);
def(Op.LT, 'LT', 2, 1);
def(Op.GT, 'GT', 2, 1);
def(Op.SLT, 'SLT', 2, 1);
def(Op.SGT, 'SGT', 2, 1);
def(Op.EQ, 'EQ', 2, 1);
def(Op.ISZERO, 'ISZERO', 1, 1);
def(Op.AND, 'AND', 2, 1);
def(Op.OR, 'OR', 2, 1);
def(Op.XOR, 'XOR', 2, 1);
def(Op.NOT, 'NOT', 1, 1);
def(Op.BYTE, 'BYTE', 2, 1);
def(Op.SHL, 'SHL', 2, 1, Fork.Constantinople); // EIP-145
def(Op.SHR, 'SHR', 2, 1, Fork.Constantinople);
def(Op.SAR, 'SAR', 2, 1, Fork.Constantinople);
def(Op.CLZ, 'CLZ', 1, 1, Fork.Osaka); // EIP-7939
def(Op.KECCAK256, 'KECCAK256', 2, 1);
def(Op.ADDRESS, 'ADDRESS', 0, 1);
def(Op.BALANCE, 'BALANCE', 1, 1);
def(Op.ORIGIN, 'ORIGIN', 0, 1);
def(Op.CALLER, 'CALLER', 0, 1);
def(Op.CALLVALUE, 'CALLVALUE', 0, 1);
def(Op.CALLDATALOAD, 'CALLDATALOAD', 1, 1);
def(Op.CALLDATASIZE, 'CALLDATASIZE', 0, 1);
def(Op.CALLDATACOPY, 'CALLDATACOPY', 3, 0);
def(Op.CODESIZE, 'CODESIZE', 0, 1);
def(Op.CODECOPY, 'CODECOPY', 3, 0);
def(Op.GASPRICE, 'GASPRICE', 0, 1);
def(Op.EXTCODESIZE, 'EXTCODESIZE', 1, 1);
def(Op.EXTCODECOPY, 'EXTCODECOPY', 4, 0);
def(Op.RETURNDATASIZE, 'RETURNDATASIZE', 0, 1, Fork.Byzantium); // EIP-211
def(Op.RETURNDATACOPY, 'RETURNDATACOPY', 3, 0, Fork.Byzantium);
def(Op.EXTCODEHASH, 'EXTCODEHASH', 1, 1, Fork.Constantinople); // EIP-1052
def(Op.BLOCKHASH, 'BLOCKHASH', 1, 1);
def(Op.COINBASE, 'COINBASE', 0, 1);
def(Op.TIMESTAMP, 'TIMESTAMP', 0, 1);
def(Op.NUMBER, 'NUMBER', 0, 1);
def(Op.PREVRANDAO, 'PREVRANDAO', 0, 1); // DIFFICULTY before Paris (EIP-4399)
def(Op.GASLIMIT, 'GASLIMIT', 0, 1);
def(Op.CHAINID, 'CHAINID', 0, 1, Fork.Istanbul); // EIP-1344
def(Op.SELFBALANCE, 'SELFBALANCE', 0, 1, Fork.Istanbul); // EIP-1884
def(Op.BASEFEE, 'BASEFEE', 0, 1, Fork.London); // EIP-3198
def(Op.BLOBHASH, 'BLOBHASH', 1, 1, Fork.Cancun); // EIP-4844
def(Op.BLOBBASEFEE, 'BLOBBASEFEE', 0, 1, Fork.Cancun); // EIP-7516
def(Op.POP, 'POP', 1, 0);
def(Op.MLOAD, 'MLOAD', 1, 1);
def(Op.MSTORE, 'MSTORE', 2, 0);
def(Op.MSTORE8, 'MSTORE8', 2, 0);
def(Op.SLOAD, 'SLOAD', 1, 1);
def(Op.SSTORE, 'SSTORE', 2, 0);
def(Op.JUMP, 'JUMP', 1, 0);
def(Op.JUMPI, 'JUMPI', 2, 0);
def(Op.PC, 'PC', 0, 1);
def(Op.MSIZE, 'MSIZE', 0, 1);
def(Op.GAS, 'GAS', 0, 1);
def(Op.JUMPDEST, 'JUMPDEST', 0, 0);
def(Op.TLOAD, 'TLOAD', 1, 1, Fork.Cancun); // EIP-1153
def(Op.TSTORE, 'TSTORE', 2, 0, Fork.Cancun);
def(Op.MCOPY, 'MCOPY', 3, 0, Fork.Cancun); // EIP-5656
def(Op.PUSH0, 'PUSH0', 0, 1, Fork.Shanghai); // EIP-3855
for (let n = 1; n <= 32; n++) {
  def(Op.PUSH1 + n - 1, `PUSH${n}`, 0, 1);
  (OPCODES[Op.PUSH1 + n - 1] as OpcodeInfo).immediate = n;
}
for (let n = 1; n <= 16; n++) {
  def(Op.DUP1 + n - 1, `DUP${n}`, n, n + 1);
  def(Op.SWAP1 + n - 1, `SWAP${n}`, n + 1, n + 1);
}
for (let n = 0; n <= 4; n++) def(Op.LOG0 + n, `LOG${n}`, n + 2, 0);
def(Op.CREATE, 'CREATE', 3, 1);
def(Op.CALL, 'CALL', 7, 1);
def(Op.CALLCODE, 'CALLCODE', 7, 1);
def(Op.RETURN, 'RETURN', 2, 0);
def(Op.DELEGATECALL, 'DELEGATECALL', 6, 1, Fork.Homestead); // EIP-7
def(Op.CREATE2, 'CREATE2', 4, 1, Fork.Constantinople); // EIP-1014
def(Op.STATICCALL, 'STATICCALL', 6, 1, Fork.Byzantium); // EIP-214
def(Op.REVERT, 'REVERT', 2, 0, Fork.Byzantium); // EIP-140
def(Op.INVALID, 'INVALID', 0, 0);
def(Op.SELFDESTRUCT, 'SELFDESTRUCT', 1, 0);

export const STACK_LIMIT = 1024;

/** Minimum stack height each opcode needs (0 for undefined opcodes). */
export const STACK_MIN = new Uint16Array(256);
/** Maximum stack height before the opcode at which it does not overflow. */
export const STACK_MAX = new Uint16Array(256);
for (let op = 0; op < 256; op++) {
  const info = OPCODES[op];
  STACK_MIN[op] = info ? info.inputs : 0;
  const growth = info ? info.outputs - info.inputs : 0;
  STACK_MAX[op] = STACK_LIMIT - Math.max(0, growth);
}

/**
 * Both stack bounds in one word, for the interpreter's single check before
 * each instruction: STACK_MIN in the low 16 bits, STACK_MAX - STACK_MIN in
 * the high 16. A height `sp` is valid when `(sp - min) >>> 0 <= span` (below
 * min wraps to a huge unsigned value).
 */
export const STACK_RANGE = new Int32Array(256);
for (let op = 0; op < 256; op++) STACK_RANGE[op] = STACK_MIN[op] | ((STACK_MAX[op] - STACK_MIN[op]) << 16);

/** Whether `op` is an instruction in `fork`. */
export function isDefined(op: number, fork: Fork): boolean {
  const info = OPCODES[op];
  return info !== undefined && info.since <= fork && op !== Op.INVALID;
}

export function opcodeName(op: number): string {
  return OPCODES[op]?.name ?? `0x${op.toString(16).padStart(2, '0')}`;
}
