/**
 * One call frame: code, program counter, stack, memory, gas, and the message
 * it runs (who calls whom with what). Frames are pooled per call depth and
 * reused across calls and transactions, so a call allocates no 1024-slot
 * stack and no fresh memory.
 *
 * Instructions report how a frame ends through `status` (no exceptions on the
 * hot path): 0 running; 1-3 success; 4 revert; 5 and up exceptional halts,
 * which consume all the frame's gas; 100+ a CALL/CREATE waiting for its child
 * frame (the driver in message.ts runs the child and resumes the parent).
 *
 * Gas is a Number: exact below 2^53, and nothing a transaction can pay for
 * executes that much. Only the gas *limit* can be bigger (fixtures use up to
 * 2^63); the excess then sits in `gasReserve`, counted in 2^32 units, and is
 * drawn on when `gas` would go negative.
 */
import { EMPTY_BYTES } from '../primitives/bytes.js';
import type { JournalAccount } from '../state/journal.js';
import { analyze, emptyAnalysis, type CodeAnalysis } from './analysis.js';
import type { ExecContext } from './context.js';
import { memoryCost } from './gas.js';

export const Status = {
  Running: 0,
  Stop: 1,
  Return: 2,
  SelfDestruct: 3,
  Revert: 4,
  OutOfGas: 5,
  InvalidOpcode: 6,
  StackUnderflow: 7,
  StackOverflow: 8,
  BadJump: 9,
  StaticViolation: 10,
  ReturnDataOutOfBounds: 11,
  InvalidCode: 12,
  CodeTooLarge: 13,
  PrecompileFailure: 14,
  CreateCollision: 15,
  /** A CALL-family instruction set up frame depth+1 and waits for it. */
  CallPending: 100,
  /** A CREATE-family instruction set up frame depth+1 and waits for it. */
  CreatePending: 101,
} as const;

export function isSuccess(status: number): boolean {
  return status >= Status.Stop && status <= Status.SelfDestruct;
}

export function isExceptional(status: number): boolean {
  return status >= Status.OutOfGas && status < Status.CallPending;
}

/** How a frame was entered. */
export const Kind = {
  Call: 0,
  CallCode: 1,
  DelegateCall: 2,
  StaticCall: 3,
  Create: 4,
  Create2: 5,
} as const;

const CHUNK = 4294967296; // 2^32
const CHUNK_BIG = 4294967296n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/** Memory beyond 2^31 bytes (~3.5e13 gas for its expansion alone) is treated as out of gas. */
export const MAX_MEMORY = 0x80000000;
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

export class Frame {
  readonly ctx: ExecContext;
  readonly depth: number;

  // code
  code: Uint8Array = EMPTY_BYTES;
  codeLength = 0;
  jumpdests: Uint8Array = EMPTY_BYTES;
  pushValues: bigint[] = [];
  /** The unpadded code (CODECOPY, CODESIZE). */
  rawCode: Uint8Array = EMPTY_BYTES;

  pc = 0;
  readonly stack: bigint[] = new Array<bigint>(1024).fill(0n);
  sp = 0;
  memory: Uint8Array = new Uint8Array(1024);
  memView: DataView = new DataView(this.memory.buffer);
  /** Active memory size in bytes (a multiple of 32). */
  memSize = 0;
  gas = 0;
  gasReserve = 0;
  status: number = Status.Running;
  /** RETURN/REVERT data of this frame. */
  output: Uint8Array = EMPTY_BYTES;
  /** The last child's output (RETURNDATASIZE/RETURNDATACOPY, EIP-211). */
  returnData: Uint8Array = EMPTY_BYTES;

  // the message
  kind: number = Kind.Call;
  /** The account whose storage and balance this frame acts on. */
  address = 0n;
  self!: JournalAccount;
  caller = 0n;
  value = 0n;
  input: Uint8Array = EMPTY_BYTES;
  /** A DataView over `input` for CALLDATALOAD, made on first use (`inputViewOf` says for which array). */
  inputView: DataView = EMPTY_VIEW;
  inputViewOf: Uint8Array = EMPTY_BYTES;
  isStatic = false;
  /** Where the code came from (a precompile address runs the precompile). */
  codeAddress = 0n;
  /** Whether the value moves from caller to address (not for DELEGATECALL). */
  transfersValue = true;
  /** EIP-7702: code reached through a delegation never runs a precompile. */
  disablePrecompiles = false;
  checkpoint = 0;

  // a pending child's return window (CALL family)
  retOffset = 0;
  retSize = 0;

  constructor(ctx: ExecContext, depth: number) {
    this.ctx = ctx;
    this.depth = depth;
  }

  /** Prepares the frame for a new message; code is set by `setCode`. */
  reset(): void {
    if (this.memSize > 0) this.memory.fill(0, 0, this.memSize);
    this.memSize = 0;
    this.pc = 0;
    this.sp = 0;
    this.status = Status.Running;
    this.output = EMPTY_BYTES;
    this.returnData = EMPTY_BYTES;
    this.gasReserve = 0;
    this.disablePrecompiles = false;
    this.transfersValue = true;
  }

  /** Sets the code to run; `codeHash`, when known, lets the analysis be shared with equal code (analysis.ts). */
  setCode(code: Uint8Array, codeHash?: Uint8Array): void {
    const a: CodeAnalysis = code.length === 0 ? emptyAnalysis() : analyze(code, codeHash);
    this.code = a.padded;
    this.codeLength = a.length;
    this.jumpdests = a.jumpdests;
    this.pushValues = a.pushValues;
    this.rawCode = code;
  }

  // ---- gas ----

  /** Charges `amount` (a Number); false, with status OutOfGas, when it cannot be paid. */
  useGas(amount: number): boolean {
    this.gas -= amount;
    if (this.gas >= 0) return true;
    return this.refill();
  }

  /** Draws on the reserve after `gas` went negative. */
  refill(): boolean {
    const need = Math.ceil(-this.gas / CHUNK);
    if (this.gasReserve >= need) {
      this.gasReserve -= need;
      this.gas += need * CHUNK;
      return true;
    }
    this.gas = 0;
    this.gasReserve = 0;
    this.status = Status.OutOfGas;
    return false;
  }

  /** Gas left, exactly. */
  gasLeft(): bigint {
    return this.gasReserve === 0 ? BigInt(this.gas) : BigInt(this.gasReserve) * CHUNK_BIG + BigInt(this.gas);
  }

  setGas(total: bigint): void {
    if (total <= MAX_SAFE_BIG) {
      this.gas = Number(total);
      this.gasReserve = 0;
    } else {
      this.gasReserve = Number(total / CHUNK_BIG) - 1;
      this.gas = Number(total % CHUNK_BIG) + CHUNK;
    }
  }

  /** Charges a bigint amount (call and create gas, which can exceed 2^53). */
  useGasBig(amount: bigint): boolean {
    if (this.gasReserve === 0 && amount <= MAX_SAFE_BIG) return this.useGas(Number(amount));
    const left = this.gasLeft();
    if (left < amount) {
      this.gas = 0;
      this.gasReserve = 0;
      this.status = Status.OutOfGas;
      return false;
    }
    this.setGas(left - amount);
    return true;
  }

  /** Returns `amount` gas (a Number, exact) to the frame. */
  addGasNumber(amount: number): void {
    const sum = this.gas + amount;
    if (this.gasReserve === 0 && sum <= Number.MAX_SAFE_INTEGER) this.gas = sum;
    else this.setGas(this.gasLeft() + BigInt(amount));
  }

  addGas(amount: bigint): void {
    if (this.gasReserve === 0 && amount <= MAX_SAFE_BIG) {
      const sum = this.gas + Number(amount);
      if (sum <= Number.MAX_SAFE_INTEGER) {
        this.gas = sum;
        return;
      }
    }
    this.setGas(this.gasLeft() + amount);
  }

  // ---- memory ----

  /**
   * Grows memory to cover [offset, offset+size), charging the expansion
   * gas. Returns false (status set) on out of gas. size 0 never expands.
   */
  expand(offset: bigint, size: bigint): boolean {
    if (size === 0n) return true;
    if (offset >= 0x80000000n || size >= 0x80000000n) {
      this.status = Status.OutOfGas;
      return false;
    }
    return this.expandTo(Number(offset) + Number(size));
  }

  /**
   * MLOAD/MSTORE/MSTORE8: grows memory to cover `size` (1 or 32) bytes at
   * `offset` and returns the offset as a Number, or -1 (status set) when out
   * of gas. One BigInt-to-Number conversion (~11 ns here) instead of three.
   */
  expandAt(offset: bigint, size: number): number {
    if (offset >= 0x80000000n) {
      this.status = Status.OutOfGas;
      return -1;
    }
    const o = Number(offset);
    return this.expandTo(o + size) ? o : -1;
  }

  /** Grows memory to at least `end` bytes (end > 0). */
  expandTo(end: number): boolean {
    if (end <= this.memSize) return true;
    if (end > MAX_MEMORY) {
      this.status = Status.OutOfGas;
      return false;
    }
    const words = Math.ceil(end / 32);
    const cost = memoryCost(words) - memoryCost(this.memSize / 32);
    if (!this.useGas(cost)) return false;
    const newSize = words * 32;
    if (newSize > this.memory.length) {
      let capacity = this.memory.length * 2;
      while (capacity < newSize) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.memory.subarray(0, this.memSize));
      this.memory = grown;
      this.memView = new DataView(grown.buffer);
    }
    this.memSize = newSize;
    return true;
  }

  /** Drops the memory buffer for a small fresh one (after a transaction that used a lot). */
  releaseMemory(): void {
    this.memory = new Uint8Array(1024);
    this.memView = new DataView(this.memory.buffer);
    this.memSize = 0;
  }

  /** A copy of memory [offset, offset+size) (after `expand`). */
  readMemory(offset: number, size: number): Uint8Array {
    return this.memory.slice(offset, offset + size);
  }
}
