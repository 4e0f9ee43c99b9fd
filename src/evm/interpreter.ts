/**
 * The interpreter loop. Before each instruction body: stack bounds from the
 * opcode table (opcodes.ts) and the fork's static gas (gas.ts); the body then
 * assumes a valid stack and reports how the frame ends through `f.status`.
 * Undefined opcodes dispatch to `invalid`, which halts.
 */
import { Status, type Frame } from './frame.js';
import { STACK_MAX, STACK_MIN, STACK_RANGE } from './opcodes.js';

/** Called before each instruction when set (debugging; see setTracer). */
export type Tracer = (f: Frame, op: number) => void;
let tracer: Tracer | undefined;

/** Installs (or, with undefined, removes) a per-instruction hook. Checked once per frame run, not per instruction. */
export function setTracer(t: Tracer | undefined): void {
  tracer = t;
}

/** Runs `f` until its status is no longer Running (halt, or a pending CALL/CREATE). */
export function run(f: Frame): void {
  if (tracer !== undefined) return runTraced(f, tracer);
  const code = f.code;
  const table = f.ctx.table;
  const staticGas = f.ctx.rules.staticGas;
  while (f.status === Status.Running) {
    const op = code[f.pc];
    // One load, one unsigned compare for both stack bounds (opcodes.ts).
    const range = STACK_RANGE[op];
    if ((f.sp - (range & 0xffff)) >>> 0 > range >>> 16) {
      f.status = f.sp < STACK_MIN[op] ? Status.StackUnderflow : Status.StackOverflow;
      return;
    }
    if ((f.gas -= staticGas[op]) < 0 && !f.refill()) return;
    f.pc++;
    table[op](f);
  }
}

function runTraced(f: Frame, trace: Tracer): void {
  const code = f.code;
  const table = f.ctx.table;
  const staticGas = f.ctx.rules.staticGas;
  while (f.status === Status.Running) {
    const op = code[f.pc];
    trace(f, op);
    if (f.sp < STACK_MIN[op]) {
      f.status = Status.StackUnderflow;
      return;
    }
    if (f.sp > STACK_MAX[op]) {
      f.status = Status.StackOverflow;
      return;
    }
    if ((f.gas -= staticGas[op]) < 0 && !f.refill()) return;
    f.pc++;
    table[op](f);
  }
}
