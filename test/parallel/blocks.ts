/**
 * Seeded random blocks for the parallel-equals-sequential property tests:
 * plain transfers (to fresh and existing accounts, to the coinbase, between
 * senders), contract calls with reverts, logs, creations (CREATE, CREATE2
 * with collisions, creation transactions), self-destructs, reads of the
 * coinbase and of other balances, same-sender nonce chains, and a tunable
 * conflict rate (how many hot slots and recipients the block shares).
 * With `deposits`, half the transactions pay a few hot recipients (lazy
 * value transfers, src/exec/parallel/deltas.ts): see `depositTarget`.
 */
import { create2Address, createAddress } from '../../src/evm/address.js';
import { privateKeyToAddress } from '../../src/crypto/secp256k1.js';
import type { BlockEnv } from '../../src/exec/types.js';
import { bigIntToBytes, bytesToBigInt } from '../../src/primitives/bytes.js';
import { Fork } from '../../src/primitives/fork.js';
import { keccak256 } from '../../src/primitives/keccak.js';
import { MemoryState } from '../../src/state/memory-state.js';
import { signTransaction } from '../../src/tx/sign.js';
import type { Transaction, TxType, UnsignedTransaction } from '../../src/tx/types.js';
import { deployCode } from './asm.js';
import { OP, childInit, toolCall, toolRuntime } from './tool.js';

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const SENDER_COUNT = 64;
const keys: { priv: Uint8Array; address: bigint }[] = [];
function senderKeys(): { priv: Uint8Array; address: bigint }[] {
  if (keys.length === 0) {
    for (let i = 0; i < SENDER_COUNT; i++) {
      const priv = keccak256(new TextEncoder().encode(`multilane parallel test sender ${i}`));
      keys.push({ priv, address: privateKeyToAddress(priv) });
    }
  }
  return keys;
}

export type CoinbaseKind = 'absent' | 'funded' | 'empty' | 'sender';

export interface Scenario {
  seed: number;
  fork: Fork;
  coinbase: CoinbaseKind;
  /** Hot storage slots shared by INCR/SET calls (1: every call conflicts). */
  hotSlots: number;
  /** Senders in use (fewer: longer same-sender nonce chains). */
  senders: number;
  txsPerBlock: number;
  /** Concentrate value transfers on a few recipients (see `World.depositTarget`). */
  deposits?: boolean;
}

const TOOL_RUNTIME = toolRuntime();
const BASE_FEE = 7n;

/** A chain of blocks over one evolving pre-state. */
export class World {
  readonly rng: Rng;
  readonly state = new MemoryState();
  readonly env: BlockEnv;
  private readonly senders: { priv: Uint8Array; address: bigint }[];
  private readonly nonces = new Map<bigint, bigint>();
  /** Contracts running the tool runtime (pre-state and created in earlier transactions). */
  private readonly tools: bigint[] = [];
  /** Plain accounts to send to: some exist, some do not. */
  private readonly recipients: bigint[] = [];
  /** Deposit recipients (`deposits`). */
  private readonly hot: bigint[] = [];
  private block = 0;

  constructor(readonly sc: Scenario) {
    this.rng = new Rng(sc.seed);
    this.senders = senderKeys().slice(0, sc.senders);
    const r = this.rng;
    const coinbase =
      sc.coinbase === 'sender' ? this.senders[0].address : 0xc0c0000000000000000000000000000000000000n + BigInt(sc.seed);
    for (const s of this.senders) {
      this.state.setAccount(s.address, { balance: 10n ** 24n, nonce: BigInt(r.int(3)) });
      this.nonces.set(s.address, this.state.getAccount(s.address)!.nonce);
    }
    if (sc.coinbase === 'funded') this.state.setAccount(coinbase, { balance: 12345n });
    if (sc.coinbase === 'empty') this.state.setAccount(coinbase, {});
    for (let i = 0; i < 3; i++) {
      const addr = 0x7001000000000000000000000000000000000000n + BigInt(i);
      this.state.setAccount(addr, { code: TOOL_RUNTIME, balance: BigInt(r.int(1000)), nonce: 1n });
      for (let k = 0; k < sc.hotSlots; k++) if (r.chance(0.5)) this.state.setStorage(addr, BigInt(k), BigInt(1 + r.int(100)));
      // Token balances (TRANSFER keys slots by address).
      for (const s of this.senders) this.state.setStorage(addr, s.address, BigInt(r.int(1000)));
      this.tools.push(addr);
    }
    for (let i = 0; i < 12; i++) {
      const addr = 0xe0a0000000000000000000000000000000000000n + BigInt(i);
      if (i % 2 === 0) this.state.setAccount(addr, { balance: BigInt(r.int(10)) });
      this.recipients.push(addr);
    }
    this.recipients.push(coinbase);
    this.env = envFor(sc.fork, coinbase);
    if (sc.deposits) this.hotRecipients(coinbase);
  }

  /**
   * Deposit recipients: EOAs that exist and that do not, a sender, the
   * coinbase, a contract, and addresses that get code in the block (the
   * first tool's CREATE2 children for salts 0-3 and CREATE children for its
   * next nonces; their runtime self-destructs when paid, deleting them
   * before Cancun, after which a payment revives them as plain accounts).
   */
  private hotRecipients(coinbase: bigint): void {
    const tool = this.tools[0];
    const initHash = keccak256(childInit());
    this.hot.push(0xd0d0000000000000000000000000000000000001n, 0xd0d0000000000000000000000000000000000002n);
    this.state.setAccount(0xd0d0000000000000000000000000000000000002n, { balance: 5n });
    this.state.setAccount(0xd0d0000000000000000000000000000000000003n, { balance: 0n, nonce: 1n });
    this.hot.push(0xd0d0000000000000000000000000000000000003n, this.senders[this.senders.length - 1].address, coinbase, tool);
    for (let salt = 0n; salt < 4n; salt++) this.hot.push(create2Address(tool, salt, initHash));
    for (let nonce = 1n; nonce < 4n; nonce++) this.hot.push(createAddress(tool, nonce));
  }

  /**
   * A deposit-heavy mix: plain transfers to the hot recipients (some of
   * zero value), their balances read by a contract, value sent to them from
   * inside a call, the creations that give some of them code; the rest the
   * usual mix.
   */
  private depositTarget(): { to: bigint | undefined; value: bigint; data: Uint8Array } | undefined {
    const r = this.rng;
    const roll = r.int(100);
    const hot = r.pick(this.hot);
    const tool = this.tools[r.int(2)];
    if (roll < 45) return { to: hot, value: r.chance(0.05) ? 0n : BigInt(1 + r.int(1_000_000)), data: new Uint8Array(0) };
    if (roll < 52) return { to: tool, value: 0n, data: toolCall(OP.READ_BALANCE, hot, 500n + BigInt(r.int(4))) };
    if (roll < 56) return { to: tool, value: BigInt(r.int(5000)), data: toolCall(OP.SEND, hot) };
    if (roll < 59) return { to: this.tools[0], value: 0n, data: toolCall(OP.CREATE2, 400n + BigInt(r.int(4)), BigInt(r.int(4))) };
    if (roll < 61) return { to: this.tools[0], value: 0n, data: toolCall(OP.CREATE, 300n) };
    return undefined;
  }

  private txType(): TxType {
    const f = this.sc.fork;
    const types: TxType[] = f >= Fork.London ? [0, 1, 2, 2, 2] : f >= Fork.Berlin ? [0, 1] : [0];
    return this.rng.pick(types);
  }

  private target(): { to: bigint | undefined; value: bigint; data: Uint8Array } {
    const r = this.rng;
    const tool = r.pick(this.tools);
    const hot = () => BigInt(r.int(this.sc.hotSlots));
    const anyone = () => (r.chance(0.5) ? r.pick(this.recipients) : r.pick(this.senders).address);
    const roll = r.int(100);
    if (roll < 25) return { to: anyone(), value: BigInt(r.int(1_000_000)), data: new Uint8Array(0) };
    if (roll < 40) return { to: tool, value: 0n, data: toolCall(OP.INCR, hot()) };
    if (roll < 52) return { to: tool, value: 0n, data: toolCall(OP.TRANSFER, anyone(), BigInt(r.int(400))) };
    if (roll < 56) return { to: tool, value: 0n, data: toolCall(OP.REVERT_AFTER_WRITE, hot()) };
    if (roll < 62) return { to: tool, value: BigInt(r.int(5000)), data: toolCall(OP.SEND, anyone()) };
    if (roll < 64) return { to: tool, value: 0n, data: toolCall(OP.READ_COINBASE, 100n + hot()) };
    if (roll < 68) return { to: tool, value: 0n, data: toolCall(OP.READ_BALANCE, anyone(), 200n + hot()) };
    if (roll < 72) return { to: tool, value: 0n, data: toolCall(OP.CREATE, 300n + hot()) };
    if (roll < 76) return { to: tool, value: 0n, data: toolCall(OP.CREATE2, 400n + hot(), BigInt(r.int(4))) };
    if (roll < 77) return { to: tool, value: 0n, data: toolCall(OP.SELFDESTRUCT, anyone()) };
    if (roll < 80) return { to: tool, value: BigInt(r.int(100)), data: toolCall(OP.CREATE_AND_DESTROY) };
    if (roll < 86) return { to: tool, value: 0n, data: toolCall(OP.LOG, BigInt(r.int(1 << 30)), BigInt(r.int(1 << 30))) };
    if (roll < 92) return { to: tool, value: 0n, data: toolCall(OP.FORWARD, r.pick(this.tools), BigInt(OP.INCR), hot(), 0n) };
    if (roll < 97) return { to: tool, value: 0n, data: toolCall(OP.SET, hot(), BigInt(r.int(3))) };
    return { to: undefined, value: BigInt(r.int(100)), data: deployCode(TOOL_RUNTIME) };
  }

  /** The address of sender `i` (0 .. senders - 1). */
  senderAt(i: number): bigint {
    return this.senders[i].address;
  }

  /** The private key of one of this world's senders. */
  keyOf(address: bigint): Uint8Array {
    return this.senders.find((s) => s.address === address)!.priv;
  }

  /** The next block's transactions (signed) and their senders. */
  nextBlock(): { txs: Transaction[]; senders: bigint[] } {
    const r = this.rng;
    const txs: Transaction[] = [];
    const senders: bigint[] = [];
    this.block++;
    for (let i = 0; i < this.sc.txsPerBlock; i++) {
      const s = r.pick(this.senders);
      const nonce = this.nonces.get(s.address)!;
      this.nonces.set(s.address, nonce + 1n);
      const { to, value, data } = (this.sc.deposits ? this.depositTarget() : undefined) ?? this.target();
      const type = this.txType();
      const tip = r.pick([0n, 1n, 3n]);
      const gasPrice = BASE_FEE + tip;
      const unsigned: UnsignedTransaction = {
        type, chainId: 1n, nonce, gasPrice: type === 2 ? BASE_FEE + 10n : gasPrice,
        maxFeePerGas: type === 2 ? BASE_FEE + 10n : gasPrice, maxPriorityFeePerGas: type === 2 ? tip : gasPrice,
        gasLimit: 300_000n + BigInt(r.int(200_000)), to, value, data,
        accessList: type === 1 && r.chance(0.5) ? [{ address: r.pick(this.tools), storageKeys: [BigInt(r.int(4))] }] : [],
        maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [],
      };
      if (to === undefined) this.tools.push(createAddress(s.address, nonce));
      txs.push(signTransaction(unsigned, s.priv));
      senders.push(s.address);
    }
    return { txs, senders };
  }
}

function envFor(fork: Fork, coinbase: bigint): BlockEnv {
  return {
    fork, chainId: 1n, number: 1000n, timestamp: 1_700_000_000n, coinbase, gasLimit: 1_000_000_000n,
    baseFee: fork >= Fork.London ? BASE_FEE : 0n, difficulty: fork >= Fork.Paris ? 0n : 131072n,
    prevRandao: 0x1234n, blobBaseFee: 1n, maxBlobsPerBlock: 6,
    blockHash: (n) => (n < 1000n && n >= 744n ? bytesToBigInt(keccak256(bigIntToBytes(n, 32))) : undefined),
  };
}
