/**
 * Our EVM, sequentially: the block through the sequential reference executor
 * (`executeSequential`: each transaction's writes applied to an in-memory
 * state before the next, receipts and the block's combined changes folded
 * as it goes). Senders are recovered in a timed pass of their own (and
 * checked against the workload's known senders), so `ms` is execution only.
 */
import { executeSequential } from '../../src/exec/sequential.js';
import { addressToHex } from '../../src/primitives/hex.js';
import { MemoryState } from '../../src/state/memory-state.js';
import { recoverSender } from '../../src/tx/sign.js';
import type { BenchReceipt, StateProbe, Workload } from '../workloads/types.js';
import { startTimer, txCount, type Engine, type EngineResult, type EngineRunOptions } from './types.js';

/** A MemoryState holding the workload's pre-state. */
export function loadPreState(w: Workload): MemoryState {
  const state = new MemoryState();
  for (const [address, a] of w.pre) {
    state.setAccount(address, { nonce: a.nonce, balance: a.balance, code: a.code });
    for (const [slot, value] of a.storage) if (value !== 0n) state.setStorage(address, slot, value);
  }
  return state;
}

export function stateProbe(state: MemoryState): StateProbe {
  return {
    balance: (a) => state.getAccount(a)?.balance ?? 0n,
    nonce: (a) => state.getAccount(a)?.nonce ?? 0n,
    storage: (a, slot) => state.getStorage(a, slot),
  };
}

/** Recovers every sender and checks it against the workload's. */
export function recoverSenders(w: Workload, n: number): bigint[] {
  const senders = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const s = recoverSender(w.txs[i]);
    if (s !== w.senders[i]) throw new Error(`tx ${i} recovers ${addressToHex(s)}, expected ${addressToHex(w.senders[i])}`);
    senders[i] = s;
  }
  return senders;
}

/** The untimed part of a run both our engines share: the block's prefix, its pre-state and its senders (recovery timed apart). */
export function prepareRun(w: Workload, options?: EngineRunOptions) {
  const n = txCount(w, options);
  const state = loadPreState(w);
  const recoverTimer = startTimer();
  const senders = recoverSenders(w, n);
  const recoverMs = recoverTimer().ms;
  const txs = n === w.txs.length ? w.txs : w.txs.slice(0, n);
  return { n, state, senders, recoverMs, txs };
}

export class MultilaneEngine implements Engine {
  readonly name = 'multilane';

  describe(): string {
    return 'multilane sequential (executeSequential over a MemoryState)';
  }

  async run(w: Workload, options?: EngineRunOptions): Promise<EngineResult> {
    const { n, state, senders, recoverMs, txs } = prepareRun(w, options);
    const warm = options?.warmRun === true ? loadPreState(w) : undefined;
    await options?.beforeTimed?.();
    if (warm !== undefined) executeSequential(warm, txs, senders, w.env);
    const timer = startTimer();
    const block = executeSequential(state, txs, senders, w.env);
    const { ms, cpuMs } = timer();
    const receipts: BenchReceipt[] = block.receipts;
    return { engine: this.name, txs: n, gasUsed: block.gasUsed, ms, cpuMs, recoverMs, receipts, probe: stateProbe(state) };
  }
}
