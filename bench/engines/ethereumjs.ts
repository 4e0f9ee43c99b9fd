/**
 * The peer we measure against: @ethereumjs/vm 10 (Cancun) running the same
 * block. The pre-state goes into its default MerkleStateManager untimed;
 * senders are recovered (and cached on each frozen transaction object) in a
 * timed pass of their own; then each transaction runs through `runTx`.
 *
 * As `runBlock` does, the whole block runs inside one state checkpoint, so
 * the trie is written once at the end (that final commit is timed) rather
 * than after every transaction; no state root is computed on either side.
 */
import { createBlock, type Block } from '@ethereumjs/block';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createFeeMarket1559Tx, type FeeMarket1559Tx } from '@ethereumjs/tx';
import { Address, bigIntToBytes as ejBigIntToBytes, bytesToBigInt as ejBytesToBigInt, createAccount, setLengthLeft } from '@ethereumjs/util';
import { createVM, runTx, type VM } from '@ethereumjs/vm';
import { bigIntToBytes, bytesToBigInt } from '../../src/primitives/bytes.js';
import { addressToHex } from '../../src/primitives/hex.js';
import type { Log } from '../../src/exec/types.js';
import type { BenchReceipt, StateProbe, Workload } from '../workloads/types.js';
import { startTimer, txCount, type Engine, type EngineResult, type EngineRunOptions } from './types.js';

function ejAddress(a: bigint): Address {
  return new Address(bigIntToBytes(a, 20));
}

function makeCommon(): Common {
  return new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
}

function makeBlock(w: Workload, common: Common): Block {
  const env = w.env;
  return createBlock(
    {
      header: {
        number: env.number,
        timestamp: env.timestamp,
        coinbase: ejAddress(env.coinbase),
        gasLimit: env.gasLimit,
        baseFeePerGas: env.baseFee,
        difficulty: 0n,
        mixHash: bigIntToBytes(env.prevRandao, 32),
        excessBlobGas: 0n,
        blobGasUsed: 0n,
        parentBeaconBlockRoot: new Uint8Array(32),
      },
    },
    { common, skipConsensusFormatValidation: true },
  );
}

async function loadPreState(vm: VM, w: Workload): Promise<void> {
  const sm = vm.stateManager;
  for (const [address, a] of w.pre) {
    const addr = ejAddress(address);
    await sm.putAccount(addr, createAccount({ nonce: a.nonce, balance: a.balance }));
    if (a.code.length > 0) await sm.putCode(addr, a.code);
    for (const [slot, value] of a.storage) {
      if (value !== 0n) await sm.putStorage(addr, bigIntToBytes(slot, 32), ejBigIntToBytes(value));
    }
  }
  await sm.checkpoint();
  await sm.commit();
}

function toEjTx(w: Workload, i: number, common: Common): FeeMarket1559Tx {
  const t = w.txs[i];
  if (t.type !== 2) throw new Error(`ethereumjs engine: tx ${i} is type ${t.type}; the workloads use EIP-1559 only`);
  return createFeeMarket1559Tx(
    {
      chainId: t.chainId,
      nonce: t.nonce,
      maxFeePerGas: t.maxFeePerGas,
      maxPriorityFeePerGas: t.maxPriorityFeePerGas,
      gasLimit: t.gasLimit,
      to: t.to === undefined ? undefined : ejAddress(t.to),
      value: t.value,
      data: t.data,
      accessList: [],
      v: t.v,
      r: t.r,
      s: t.s,
    },
    { common },
  );
}

function toLogs(logs: [Uint8Array, Uint8Array[], Uint8Array][] | undefined): Log[] {
  if (logs === undefined) return [];
  return logs.map(([address, topics, data]) => ({ address: bytesToBigInt(address), topics, data }));
}

function makeProbe(vm: VM): StateProbe {
  const sm = vm.stateManager;
  return {
    balance: async (a) => (await sm.getAccount(ejAddress(a)))?.balance ?? 0n,
    nonce: async (a) => (await sm.getAccount(ejAddress(a)))?.nonce ?? 0n,
    storage: async (a, slot) => {
      const v = await sm.getStorage(ejAddress(a), setLengthLeft(bigIntToBytes(slot, 32), 32));
      return v.length === 0 ? 0n : ejBytesToBigInt(v);
    },
  };
}

export interface EthereumJsEngineOptions {
  /**
   * Run the block inside one state checkpoint, as runBlock does (default);
   * false commits (and writes the trie) after every transaction.
   */
  blockCheckpoint?: boolean;
}

export class EthereumJsEngine implements Engine {
  readonly name = 'ethereumjs';
  private readonly blockCheckpoint: boolean;

  constructor(options: EthereumJsEngineOptions = {}) {
    this.blockCheckpoint = options.blockCheckpoint ?? true;
  }

  describe(): string {
    return '@ethereumjs/vm 10 runTx (Cancun, MerkleStateManager, one checkpoint per block)';
  }

  async run(w: Workload, options?: EngineRunOptions): Promise<EngineResult> {
    const n = txCount(w, options);
    const common = makeCommon();
    const vm = await createVM({ common });
    await loadPreState(vm, w);
    const block = makeBlock(w, common);
    const txs: FeeMarket1559Tx[] = [];
    for (let i = 0; i < n; i++) txs.push(toEjTx(w, i, common));

    const recoverTimer = startTimer();
    for (let i = 0; i < n; i++) {
      const sender = txs[i].getSenderAddress();
      const expected = w.senders[i];
      if (bytesToBigInt(sender.bytes) !== expected) {
        throw new Error(`ethereumjs engine: tx ${i} recovers ${sender.toString()}, expected ${addressToHex(expected)}`);
      }
    }
    const recoverMs = recoverTimer().ms;

    let warm: Awaited<ReturnType<typeof createVM>> | undefined;
    if (options?.warmRun === true) {
      warm = await createVM({ common });
      await loadPreState(warm, w);
    }
    await options?.beforeTimed?.();
    if (warm !== undefined) await this.runBlock(warm, block, txs);
    const timer = startTimer();
    const { gasUsed, receipts } = await this.runBlock(vm, block, txs);
    const { ms, cpuMs } = timer();
    return { engine: this.name, txs: n, gasUsed, ms, cpuMs, recoverMs, receipts, probe: makeProbe(vm) };
  }

  /** The block's transactions in order over `vm`'s state (one checkpoint around them unless disabled). */
  private async runBlock(vm: Awaited<ReturnType<typeof createVM>>, block: ReturnType<typeof makeBlock>, txs: FeeMarket1559Tx[]): Promise<{ gasUsed: bigint; receipts: BenchReceipt[] }> {
    const receipts: BenchReceipt[] = [];
    let gasUsed = 0n;
    if (this.blockCheckpoint) await vm.stateManager.checkpoint();
    for (const tx of txs) {
      const r = await runTx(vm, {
        tx,
        block,
        skipBlockGasLimitValidation: true,
        skipHardForkValidation: true,
        blockGasUsed: gasUsed,
      });
      gasUsed += r.totalGasSpent;
      receipts.push({
        status: r.execResult.exceptionError === undefined ? 1 : 0,
        gasUsed: r.totalGasSpent,
        logs: toLogs(r.execResult.logs as [Uint8Array, Uint8Array[], Uint8Array][] | undefined),
      });
    }
    if (this.blockCheckpoint) await vm.stateManager.commit();
    return { gasUsed, receipts };
  }
}
