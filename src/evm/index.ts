/**
 * The EVM's public pieces. Most callers want `applyTransaction`
 * (src/exec/transaction.ts); these are for drivers that run messages
 * themselves (system calls, tracing, tests).
 */
export { analyze, type CodeAnalysis } from './analysis.js';
export { asm, deployCode, type AsmItem } from './asm.js';
export { create2Address, createAddress, delegationCode, delegationTarget, isDelegation } from './address.js';
export { ExecContext, type TxEnv } from './context.js';
export { Frame, Kind, Status, isExceptional, isSuccess } from './frame.js';
export { forkRules, memoryCost, type ForkRules } from './gas.js';
export { run, setTracer, type Tracer } from './interpreter.js';
export { beginCall, beginCreate, execute, finishFrame, resumeParent } from './message.js';
export { OPCODES, Op, opcodeName, type OpcodeInfo } from './opcodes.js';
export { instructionTable, type Instruction } from './table.js';
