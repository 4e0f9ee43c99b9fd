/**
 * Building a workload's block: the environment every workload shares, the
 * pre-state, signed EIP-1559 transactions with per-sender nonces, and the
 * check every workload gets for free (every transaction succeeded; ether,
 * nonces and the coinbase's tips add up). Workload-specific checks (token
 * balances, pool reserves, the counter) are added by each part.
 */
import { Fork } from '../../src/primitives/fork.js';
import { bytesToBigInt, bigIntToBytes, bytesEqual } from '../../src/primitives/bytes.js';
import { addressToHex } from '../../src/primitives/hex.js';
import { keccak256 } from '../../src/primitives/keccak.js';
import type { BlockEnv } from '../../src/exec/types.js';
import type { Transaction, UnsignedTransaction } from '../../src/tx/types.js';
import { signTransaction, withSignature } from '../../src/tx/sign.js';
import { loadArtifact, type ContractName } from './contracts.js';
import { BlockCache } from './cache.js';
import { addressOf, derivePrivateKey, type KeyPair } from './keys.js';
import type { BenchReceipt, PreAccount, Workload, WorkloadCheck } from './types.js';

/** A fixed coinbase that no transaction sends to or calls. */
export const COINBASE = 0xc0ffee0000000000000000000000000000c0ffeen;
export const CHAIN_ID = 1n;
/** A Cancun-era mainnet block. */
export const BLOCK_NUMBER = 20_000_000n;
export const BLOCK_TIMESTAMP = 1_720_000_000n;
export const BASE_FEE = 1_000_000_000n;
export const MAX_FEE = 3_000_000_000n;
export const PRIORITY_FEE = 1_000_000_000n;
/** min(maxFee, baseFee + tip): what each unit of gas costs the sender. */
export const EFFECTIVE_GAS_PRICE = MAX_FEE < BASE_FEE + PRIORITY_FEE ? MAX_FEE : BASE_FEE + PRIORITY_FEE;
/** Ether each sender starts with: 100 ETH, far more than any transaction costs. */
export const SENDER_FUNDS = 10n ** 20n;
/** Gas a block needs at least, whatever its transactions: a mainnet block's limit. */
const MIN_BLOCK_GAS = 30_000_000n;

/** The block environment of every workload; `gasLimit` is sized to the block's transactions. */
export function benchEnv(gasLimit: bigint): BlockEnv {
  return {
    fork: Fork.Cancun,
    chainId: CHAIN_ID,
    number: BLOCK_NUMBER,
    timestamp: BLOCK_TIMESTAMP,
    coinbase: COINBASE,
    gasLimit,
    baseFee: BASE_FEE,
    difficulty: 0n,
    prevRandao: bytesToBigInt(keccak256(new TextEncoder().encode('multilane/bench/prevrandao'))),
    // calcBlobBaseFee(excessBlobGas = 0) under Cancun's schedule (EIP-4844): the minimum, 1 wei.
    blobBaseFee: 1n,
    maxBlobsPerBlock: 6,
    blockHash: (n) =>
      n < BLOCK_NUMBER && n + 256n >= BLOCK_NUMBER ? bytesToBigInt(keccak256(bigIntToBytes(n, 32))) : undefined,
  };
}

interface SentValue {
  from: bigint;
  to: bigint;
  value: bigint;
}

export class BlockBuilder {
  readonly pre = new Map<bigint, PreAccount>();
  readonly txs: Transaction[] = [];
  readonly senders: bigint[] = [];
  private readonly nonces = new Map<bigint, bigint>();
  private readonly sent: SentValue[] = [];
  private readonly checks: WorkloadCheck[] = [];

  constructor(readonly seed: number, private readonly cache = BlockCache.disabled()) {}

  /** The i-th key of `role`: deterministic in the seed; its address comes from the cache when it has one. */
  key(role: string, i: number): KeyPair {
    const privateKey = derivePrivateKey(this.seed, role, i);
    return { privateKey, address: this.cache.address(() => addressOf(privateKey)) };
  }

  /** The pre-state account at `address`, created empty if missing. */
  account(address: bigint): PreAccount {
    let a = this.pre.get(address);
    if (a === undefined) {
      a = { nonce: 0n, balance: 0n, code: new Uint8Array(0), storage: new Map() };
      this.pre.set(address, a);
    }
    return a;
  }

  /** Funds a sender with SENDER_FUNDS. */
  fund(address: bigint): void {
    this.account(address).balance = SENDER_FUNDS;
  }

  /** Puts a contract's runtime code at `address` (its storage is written by the caller). */
  deploy(address: bigint, name: ContractName): PreAccount {
    const a = this.account(address);
    if (a.code.length > 0) throw new Error(`two contracts at ${addressToHex(address)}`);
    a.code = loadArtifact(name).deployedBytecode;
    // EIP-161: a contract account starts at nonce 1.
    a.nonce = 1n;
    return a;
  }

  /** Adds a signed EIP-1559 transaction from `key` and returns its index in the block. */
  addTx(key: KeyPair, to: bigint, value: bigint, data: Uint8Array, gasLimit: bigint): number {
    const nonce = this.nonces.get(key.address) ?? this.account(key.address).nonce;
    this.nonces.set(key.address, nonce + 1n);
    const unsigned: UnsignedTransaction = {
      type: 2,
      chainId: CHAIN_ID,
      nonce,
      gasPrice: MAX_FEE,
      maxFeePerGas: MAX_FEE,
      maxPriorityFeePerGas: PRIORITY_FEE,
      gasLimit,
      to,
      value,
      data,
      accessList: [],
      maxFeePerBlobGas: 0n,
      blobVersionedHashes: [],
      authorizationList: [],
    };
    const { v, r, s } = this.cache.signature(() => signTransaction(unsigned, key.privateKey));
    // One hidden class for every transaction, as decoded ones have (see withSignature).
    const tx: Transaction = withSignature(unsigned, v, r, s);
    this.txs.push(tx);
    this.senders.push(key.address);
    this.sent.push({ from: key.address, to, value });
    return this.txs.length - 1;
  }

  addCheck(check: WorkloadCheck): void {
    this.checks.push(check);
  }

  /** Whether the block's keys and signatures came from the disk cache. */
  get fromCache(): boolean {
    return this.cache.hit;
  }

  finish(name: string): Workload {
    this.cache.save();
    let gas = 0n;
    for (const tx of this.txs) gas += tx.gasLimit;
    const checks = [this.etherCheck(), ...this.checks];
    return {
      name,
      seed: this.seed,
      env: benchEnv(gas > MIN_BLOCK_GAS ? gas : MIN_BLOCK_GAS),
      pre: this.pre,
      txs: this.txs,
      senders: this.senders,
      check: async (probe, receipts) => {
        const problems: string[] = [];
        for (const c of checks) problems.push(...(await c(probe, receipts)));
        return problems;
      },
    };
  }

  /**
   * Every executed transaction succeeded, and the ether adds up: each
   * sender's and recipient's balance is its pre-balance minus what it sent
   * and paid (gasUsed × effective price) plus what it received; nonces
   * count the transactions sent; the coinbase got exactly the tips.
   */
  private etherCheck(): WorkloadCheck {
    return async (probe, receipts) => {
      const problems: string[] = [];
      const expected = new Map<bigint, { balance: bigint; nonce: bigint }>();
      const entry = (a: bigint) => {
        let e = expected.get(a);
        if (e === undefined) {
          const p = this.pre.get(a);
          e = { balance: p?.balance ?? 0n, nonce: p?.nonce ?? 0n };
          expected.set(a, e);
        }
        return e;
      };
      let tips = 0n;
      for (let i = 0; i < receipts.length; i++) {
        const r = receipts[i];
        if (r.status !== 1) problems.push(`tx ${i} failed (status 0, gas ${r.gasUsed})`);
        const { from, to, value } = this.sent[i];
        const s = entry(from);
        s.balance -= r.gasUsed * EFFECTIVE_GAS_PRICE + (r.status === 1 ? value : 0n);
        s.nonce += 1n;
        if (r.status === 1 && value > 0n) entry(to).balance += value;
        tips += r.gasUsed * (EFFECTIVE_GAS_PRICE - BASE_FEE);
      }
      for (const [address, e] of expected) {
        await expectValue(problems, `balance of ${addressToHex(address)}`, probe.balance(address), e.balance);
        await expectValue(problems, `nonce of ${addressToHex(address)}`, probe.nonce(address), e.nonce);
      }
      const coinbasePre = this.pre.get(COINBASE)?.balance ?? 0n;
      await expectValue(problems, 'coinbase balance', probe.balance(COINBASE), coinbasePre + tips);
      return problems;
    };
  }
}

/** Records a problem when `actual` is not `expected`; at most 20 problems are kept. */
export async function expectValue(
  problems: string[],
  what: string,
  actual: bigint | Promise<bigint>,
  expected: bigint,
): Promise<void> {
  const got = await actual;
  if (got === expected || problems.length >= 20) return;
  problems.push(`${what}: got ${got}, expected ${expected}`);
}

/** Every receipt of the listed transactions has exactly `count` logs, the first with topic0 `topic0`. */
export function expectLogs(
  problems: string[],
  receipts: readonly BenchReceipt[],
  indices: readonly number[],
  count: number,
  topic0: Uint8Array,
  what: string,
): void {
  for (const i of indices) {
    if (i >= receipts.length || problems.length >= 20) continue;
    const logs = receipts[i].logs;
    const first = logs[0]?.topics[0];
    if (logs.length !== count || first === undefined || !bytesEqual(first, topic0)) {
      problems.push(`tx ${i} (${what}): expected ${count} log(s) starting with the event, got ${logs.length}`);
    }
  }
}
