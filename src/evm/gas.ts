/**
 * Gas and fork rules as data. Each fork's table is the previous fork's table
 * with that fork's changes applied (evmone style), built once at load; the
 * interpreter reads numbers from it and never asks "is EIP x active" by name.
 *
 * Berlin's warm/cold pricing (EIP-2929) is split as evmone does: the static
 * table holds the warm cost (100) and the instruction adds `coldAccountExtra`
 * (2500) or `coldSloadExtra` (2000) when the address or slot was cold; before
 * Berlin both extras are 0 and the static table holds the old flat prices.
 */
import { Fork } from '../primitives/fork.js';
import { Op, OPCODES } from './opcodes.js';

export interface ForkRules {
  fork: Fork;
  /** Static gas per opcode, charged before the body runs. */
  staticGas: Int32Array;
  /** Whether each opcode exists in this fork (1) or is an invalid instruction (0). */
  defined: Uint8Array;
  /** EXP per exponent byte: 10, then 50 from SpuriousDragon (EIP-160). */
  expByte: number;
  /** EIP-2929 (Berlin) surcharges; 0 before. */
  coldAccountExtra: number;
  coldSloadExtra: number;
  /** SSTORE's cold surcharge (full COLD_SLOAD_COST; SSTORE has no static gas). */
  coldSload: number;
  /** SSTORE: false = Frontier rules, true = net metering (EIP-1283 / EIP-2200 / EIP-2929 / EIP-3529). */
  netSstore: boolean;
  /** Net metering's cost for a no-op or dirty write (SLOAD_GAS: 200, 800 Istanbul, 100 Berlin). */
  sstoreNoop: number;
  sstoreSet: number;
  /** SSTORE_RESET: 5000, or 5000 - 2100 from Berlin. */
  sstoreReset: number;
  /** Refund for clearing a slot: 15000, 4800 from London (EIP-3529). */
  sstoreClearRefund: number;
  /** EIP-2200 (Istanbul): SSTORE fails when gas left <= the 2300 stipend. */
  sstoreStipendCheck: boolean;
  /** EIP-150 (TangerineWhistle): all but one 64th to sub-calls, and CREATE. */
  allButOne64th: boolean;
  /** EIP-161 (SpuriousDragon): alive (non-empty) instead of existing, empty-account deletion, new contracts start at nonce 1. */
  eip161: boolean;
  /** 25000 when a CALL with value (or any CALL before EIP-161) reaches a new account. */
  callNewAccount: number;
  callValue: number;
  callStipend: number;
  /** SELFDESTRUCT's charge for funding a new account: 0 before TangerineWhistle. */
  selfdestructNewAccount: number;
  /** Refund for SELFDESTRUCT: 24000, 0 from London (EIP-3529). */
  selfdestructRefund: number;
  /** EIP-6780 (Cancun): SELFDESTRUCT only deletes accounts created in the same transaction. */
  selfdestructOnlyNew: boolean;
  /** Refund cap divisor: 2, 5 from London (EIP-3529). */
  refundQuotient: bigint;
  /** Homestead (EIP-2): running out of gas for the code deposit fails the creation. */
  depositOogFails: boolean;
  /** EIP-170: 24576 from SpuriousDragon. */
  maxCodeSize: number;
  /** EIP-3860 (Shanghai): 49152, with 2 gas per word; Infinity / 0 before. */
  maxInitcodeSize: number;
  initcodeWordGas: number;
  /** EIP-3541 (London): new code may not start with 0xEF. */
  rejectEfCode: boolean;
  /** EIP-3651 (Shanghai): the coinbase is warm at the start of a transaction. */
  warmCoinbase: boolean;
  /** EIP-2929 (Berlin): access lists and warm sets. */
  accessLists: boolean;
  /** EIP-7702 (Prague): delegation designators are followed by calls. */
  delegation: boolean;
  /** EIP-3607 sender checks and EIP-1559 fee rules are in transaction.ts. */
  london: boolean;
}

const FORKS = Fork.BPO5 + 1;
const RULES: ForkRules[] = [];

function frontierGas(): Int32Array {
  const g = new Int32Array(256);
  const set = (cost: number, ...ops: number[]): void => {
    for (const op of ops) g[op] = cost;
  };
  set(0, Op.STOP, Op.RETURN, Op.REVERT, Op.SSTORE, Op.INVALID, Op.SELFDESTRUCT);
  set(1, Op.JUMPDEST);
  set(2, Op.ADDRESS, Op.ORIGIN, Op.CALLER, Op.CALLVALUE, Op.CALLDATASIZE, Op.CODESIZE, Op.GASPRICE,
    Op.COINBASE, Op.TIMESTAMP, Op.NUMBER, Op.PREVRANDAO, Op.GASLIMIT, Op.POP, Op.PC, Op.MSIZE, Op.GAS,
    Op.RETURNDATASIZE, Op.CHAINID, Op.BASEFEE, Op.BLOBBASEFEE, Op.PUSH0);
  set(3, Op.ADD, Op.SUB, Op.NOT, Op.LT, Op.GT, Op.SLT, Op.SGT, Op.EQ, Op.ISZERO, Op.AND, Op.OR, Op.XOR,
    Op.BYTE, Op.SHL, Op.SHR, Op.SAR, Op.CALLDATALOAD, Op.MLOAD, Op.MSTORE, Op.MSTORE8, Op.CALLDATACOPY,
    Op.CODECOPY, Op.RETURNDATACOPY, Op.MCOPY, Op.BLOBHASH);
  for (let op = Op.PUSH1; op <= Op.SWAP16; op++) g[op] = 3;
  set(5, Op.MUL, Op.DIV, Op.SDIV, Op.MOD, Op.SMOD, Op.SIGNEXTEND, Op.SELFBALANCE, Op.CLZ);
  set(8, Op.ADDMOD, Op.MULMOD, Op.JUMP);
  set(10, Op.EXP, Op.JUMPI);
  set(20, Op.BALANCE, Op.EXTCODESIZE, Op.EXTCODECOPY, Op.BLOCKHASH);
  set(30, Op.KECCAK256);
  set(40, Op.CALL, Op.CALLCODE, Op.DELEGATECALL, Op.STATICCALL);
  set(50, Op.SLOAD);
  set(100, Op.TLOAD, Op.TSTORE);
  set(400, Op.EXTCODEHASH);
  set(32000, Op.CREATE, Op.CREATE2);
  for (let n = 0; n <= 4; n++) g[Op.LOG0 + n] = 375 * (n + 1);
  return g;
}

function buildRules(fork: Fork): ForkRules {
  const g = frontierGas();
  if (fork >= Fork.TangerineWhistle) {
    // EIP-150: IO-heavy operations repriced.
    g[Op.BALANCE] = 400;
    g[Op.EXTCODESIZE] = 700;
    g[Op.EXTCODECOPY] = 700;
    g[Op.SLOAD] = 200;
    g[Op.CALL] = g[Op.CALLCODE] = g[Op.DELEGATECALL] = g[Op.STATICCALL] = 700;
    g[Op.SELFDESTRUCT] = 5000;
  }
  if (fork >= Fork.Istanbul) {
    // EIP-1884.
    g[Op.BALANCE] = 700;
    g[Op.SLOAD] = 800;
    g[Op.EXTCODEHASH] = 700;
  }
  if (fork >= Fork.Berlin) {
    // EIP-2929: warm price statically, the cold surcharge inside the instruction.
    for (const op of [Op.BALANCE, Op.EXTCODESIZE, Op.EXTCODECOPY, Op.EXTCODEHASH, Op.SLOAD,
      Op.CALL, Op.CALLCODE, Op.DELEGATECALL, Op.STATICCALL]) g[op] = 100;
  }
  const defined = new Uint8Array(256);
  for (let op = 0; op < 256; op++) {
    const info = OPCODES[op];
    defined[op] = info !== undefined && info.since <= fork && op !== Op.INVALID ? 1 : 0;
    if (!defined[op]) g[op] = 0;
  }
  const berlin = fork >= Fork.Berlin;
  const london = fork >= Fork.London;
  const net = fork === Fork.Constantinople || fork >= Fork.Istanbul;
  return {
    fork,
    staticGas: g,
    defined,
    expByte: fork >= Fork.SpuriousDragon ? 50 : 10,
    coldAccountExtra: berlin ? 2500 : 0,
    coldSloadExtra: berlin ? 2000 : 0,
    coldSload: berlin ? 2100 : 0,
    netSstore: net,
    sstoreNoop: berlin ? 100 : fork >= Fork.Istanbul ? 800 : 200,
    sstoreSet: 20000,
    sstoreReset: berlin ? 2900 : 5000,
    sstoreClearRefund: london ? 4800 : 15000,
    sstoreStipendCheck: fork >= Fork.Istanbul,
    allButOne64th: fork >= Fork.TangerineWhistle,
    eip161: fork >= Fork.SpuriousDragon,
    callNewAccount: 25000,
    callValue: 9000,
    callStipend: 2300,
    selfdestructNewAccount: fork >= Fork.TangerineWhistle ? 25000 : 0,
    selfdestructRefund: london ? 0 : 24000,
    selfdestructOnlyNew: fork >= Fork.Cancun,
    refundQuotient: london ? 5n : 2n,
    depositOogFails: fork >= Fork.Homestead,
    maxCodeSize: fork >= Fork.SpuriousDragon ? 24576 : Infinity,
    maxInitcodeSize: fork >= Fork.Shanghai ? 49152 : Infinity,
    initcodeWordGas: fork >= Fork.Shanghai ? 2 : 0,
    rejectEfCode: london,
    warmCoinbase: fork >= Fork.Shanghai,
    accessLists: berlin,
    delegation: fork >= Fork.Prague,
    london,
  };
}

for (let fork = 0; fork < FORKS; fork++) RULES.push(buildRules(fork as Fork));

/** The rules of `fork` (built once at load). */
export function forkRules(fork: Fork): ForkRules {
  return RULES[fork];
}

/** Memory cost of `words` 32-byte words: 3 per word plus words^2 / 512 (Yellow Paper C_mem). */
export function memoryCost(words: number): number {
  return 3 * words + Math.floor((words * words) / 512);
}

/** Gas per 32-byte word of copied data (CALLDATACOPY and friends), KECCAK256 hashing and so on. */
export const COPY_WORD_GAS = 3;
export const KECCAK_WORD_GAS = 6;
export const LOG_DATA_GAS = 8;
export const CODE_DEPOSIT_GAS = 200;
export const WARM_ACCESS = 100;
export const COLD_ACCOUNT_ACCESS = 2600;
