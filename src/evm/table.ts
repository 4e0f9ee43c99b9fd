/**
 * The 256-entry dispatch table per fork, built once per fork on first use.
 * Fork differences that change what an opcode *is* live here (undefined
 * opcodes halt; 0x44 is DIFFICULTY before Paris and PREVRANDAO after);
 * differences in price live in ForkRules (gas.ts).
 */
import { Fork } from '../primitives/fork.js';
import type { Frame } from './frame.js';
import { forkRules } from './gas.js';
import { Op } from './opcodes.js';
import * as arith from './instructions/arithmetic.js';
import * as bit from './instructions/bitwise.js';
import * as block from './instructions/block.js';
import * as cmp from './instructions/compare.js';
import * as control from './instructions/control.js';
import * as env from './instructions/environment.js';
import { keccak } from './instructions/keccak.js';
import { makeLog } from './instructions/log.js';
import * as mem from './instructions/memory.js';
import * as stack from './instructions/stack.js';
import * as storage from './instructions/storage.js';
import * as sys from './instructions/system.js';

export type Instruction = (f: Frame) => void;

function baseTable(): Instruction[] {
  const t: Instruction[] = new Array<Instruction>(256).fill(control.invalid);
  const set: [number, Instruction][] = [
    [Op.STOP, control.stop], [Op.ADD, arith.add], [Op.MUL, arith.mul], [Op.SUB, arith.sub],
    [Op.DIV, arith.div], [Op.SDIV, arith.sdiv], [Op.MOD, arith.mod], [Op.SMOD, arith.smod],
    [Op.ADDMOD, arith.addmod], [Op.MULMOD, arith.mulmod], [Op.EXP, arith.exp], [Op.SIGNEXTEND, arith.signextend],
    [Op.LT, cmp.lt], [Op.GT, cmp.gt], [Op.SLT, cmp.slt], [Op.SGT, cmp.sgt], [Op.EQ, cmp.eq],
    [Op.ISZERO, cmp.iszero], [Op.AND, bit.and], [Op.OR, bit.or], [Op.XOR, bit.xor], [Op.NOT, bit.not],
    [Op.BYTE, bit.byte], [Op.SHL, bit.shl], [Op.SHR, bit.shr], [Op.SAR, bit.sar], [Op.CLZ, bit.clz],
    [Op.KECCAK256, keccak],
    [Op.ADDRESS, env.address], [Op.BALANCE, env.balance], [Op.ORIGIN, env.origin], [Op.CALLER, env.caller],
    [Op.CALLVALUE, env.callvalue], [Op.CALLDATALOAD, env.calldataload], [Op.CALLDATASIZE, env.calldatasize],
    [Op.CALLDATACOPY, env.calldatacopy], [Op.CODESIZE, env.codesize], [Op.CODECOPY, env.codecopy],
    [Op.GASPRICE, env.gasprice], [Op.EXTCODESIZE, env.extcodesize], [Op.EXTCODECOPY, env.extcodecopy],
    [Op.RETURNDATASIZE, env.returndatasize], [Op.RETURNDATACOPY, env.returndatacopy],
    [Op.EXTCODEHASH, env.extcodehash], [Op.SELFBALANCE, env.selfbalance],
    [Op.BLOCKHASH, block.blockhash], [Op.COINBASE, block.coinbase], [Op.TIMESTAMP, block.timestamp],
    [Op.NUMBER, block.number], [Op.PREVRANDAO, block.prevrandao], [Op.GASLIMIT, block.gaslimit],
    [Op.CHAINID, block.chainid], [Op.BASEFEE, block.basefee], [Op.BLOBHASH, block.blobhash],
    [Op.BLOBBASEFEE, block.blobbasefee],
    [Op.POP, stack.pop], [Op.MLOAD, mem.mload], [Op.MSTORE, mem.mstore], [Op.MSTORE8, mem.mstore8],
    [Op.SLOAD, storage.sload], [Op.SSTORE, storage.sstore], [Op.JUMP, control.jump], [Op.JUMPI, control.jumpi],
    [Op.PC, control.pc], [Op.MSIZE, mem.msize], [Op.GAS, control.gas], [Op.JUMPDEST, control.jumpdest],
    [Op.TLOAD, storage.tload], [Op.TSTORE, storage.tstore], [Op.MCOPY, mem.mcopy], [Op.PUSH0, stack.push0],
    [Op.CREATE, sys.create], [Op.CALL, sys.callOp], [Op.CALLCODE, sys.callcode], [Op.RETURN, sys.returnOp],
    [Op.DELEGATECALL, sys.delegatecall], [Op.CREATE2, sys.create2], [Op.STATICCALL, sys.staticcall],
    [Op.REVERT, sys.revert], [Op.INVALID, control.invalid], [Op.SELFDESTRUCT, sys.selfdestruct],
  ];
  for (const [op, fn] of set) t[op] = fn;
  for (let n = 1; n <= 32; n++) t[Op.PUSH1 + n - 1] = stack.makePush(n);
  for (let n = 1; n <= 16; n++) {
    t[Op.DUP1 + n - 1] = stack.makeDup(n);
    t[Op.SWAP1 + n - 1] = stack.makeSwap(n);
  }
  for (let n = 0; n <= 4; n++) t[Op.LOG0 + n] = makeLog(n);
  return t;
}

const TABLES: (Instruction[] | undefined)[] = [];

export function instructionTable(fork: Fork): Instruction[] {
  let table = TABLES[fork];
  if (table === undefined) {
    table = baseTable();
    if (fork < Fork.Paris) table[Op.PREVRANDAO] = block.difficulty;
    const defined = forkRules(fork).defined;
    for (let op = 0; op < 256; op++) if (!defined[op]) table[op] = control.invalid;
    TABLES[fork] = table;
  }
  return table;
}
