/**
 * Test support: replays the precompile calls of state-test fixtures without
 * the full interpreter.
 *
 * Most precompile fixtures of execution-spec-tests send their input as
 * calldata to a small wrapper contract that copies it to memory, CALLs the
 * precompile, and SSTOREs what came back (success flag, RETURNDATASIZE, an
 * output word or its keccak, gas used measured with GAS). This file runs
 * such wrappers on a tiny stack machine that knows only the opcodes they use
 * and the gas rules that decide what a precompile call receives, then
 * compares the storage it writes with the fixture's post state. Anything
 * outside that subset reports 'skip', never a guess.
 *
 * Gas: intrinsic cost, per-opcode costs, memory expansion, the CALL cost
 * (EIP-150, EIP-2929 warm precompiles), the 63/64 rule and value stipend are
 * modelled exactly; SSTORE costs approximately (they only matter when a
 * transaction runs out of gas after the precompile call).
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { bytesToBigInt, writeBigInt } from '../../src/primitives/bytes.js';
import { Fork, isForkName, parseFork } from '../../src/primitives/fork.js';
import { hexToBigInt, hexToBytes } from '../../src/primitives/hex.js';
import { keccak256 } from '../../src/primitives/keccak.js';
import { getPrecompile } from '../../src/evm/precompiles/index.js';

interface FixtureAccount {
  balance: string;
  code: string;
  storage: Record<string, string>;
}
interface FixturePost {
  indexes: { data: number; gas: number; value: number };
  state?: Record<string, FixtureAccount>;
  expectException?: string;
}
export interface StateFixture {
  env: { currentGasLimit: string };
  pre: Record<string, FixtureAccount>;
  transaction: {
    to: string;
    data: string[];
    gasLimit: string[];
    value: string[];
    accessLists?: ({ address: string; storageKeys: string[] }[] | null)[];
  };
  post: Record<string, FixturePost[]>;
}

export interface PrecompileCall {
  address: bigint;
  input: Uint8Array;
  /** Gas the precompile received. */
  gas: bigint;
}

export interface ReplayResult {
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  calls: PrecompileCall[];
}

/** Loads a gzip-compressed state-test fixture file. */
export function loadFixtureFile(path: string): Record<string, StateFixture> {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as Record<string, StateFixture>;
}

class Unsupported extends Error {}
class Halt extends Error {}

const MASK = (1n << 256n) - 1n;

function memoryCost(words: bigint): bigint {
  return 3n * words + (words * words) / 512n;
}

function intrinsicGas(data: Uint8Array, accessList: { storageKeys: string[] }[] | null | undefined, fork: Fork): bigint {
  let gas = 21000n;
  const nonZero = fork >= Fork.Istanbul ? 16n : 68n;
  for (const b of data) gas += b === 0 ? 4n : nonZero;
  for (const entry of accessList ?? []) gas += 2400n + 1900n * BigInt(entry.storageKeys.length);
  return gas;
}

/** One execution of the wrapper contract: a stack, memory and the gas left. */
class Machine {
  stack: bigint[] = [];
  memory: Uint8Array = new Uint8Array(0);
  returnData: Uint8Array = new Uint8Array(0);
  storage = new Map<bigint, bigint>();
  calls: PrecompileCall[] = [];
  balance: bigint;

  constructor(
    public gas: bigint,
    readonly fork: Fork,
    readonly calldata: Uint8Array,
    readonly callValue: bigint,
    readonly pre: Record<string, FixtureAccount>,
    balance: bigint,
  ) {
    this.balance = balance;
  }

  charge(amount: bigint): void {
    if (amount > this.gas) throw new Halt('out of gas');
    this.gas -= amount;
  }

  pop(): bigint {
    const v = this.stack.pop();
    if (v === undefined) throw new Halt('stack underflow');
    return v;
  }

  /** Charges expansion and grows memory to cover [offset, offset + size). */
  expand(offset: bigint, size: bigint): void {
    if (size === 0n) return;
    const end = offset + size;
    if (end > 1n << 32n) throw new Halt('memory too large');
    const oldWords = BigInt(this.memory.length / 32);
    const newWords = (end + 31n) / 32n;
    if (newWords <= oldWords) return;
    this.charge(memoryCost(newWords) - memoryCost(oldWords));
    const grown = new Uint8Array(Number(newWords) * 32);
    grown.set(this.memory);
    this.memory = grown;
  }

  copyCost(size: bigint): bigint {
    return 3n + 3n * ((size + 31n) / 32n);
  }

  /** Pre-transaction values, for EIP-2200's original/current/new rule. */
  original = new Map<bigint, bigint>();
  /** Slots touched so far (EIP-2929 warm set). */
  accessed = new Set<bigint>();

  /** EIP-2929 cold surcharge for a first access from Berlin on. */
  touch(key: bigint): bigint {
    const cold = this.fork >= Fork.Berlin && !this.accessed.has(key) ? 2100n : 0n;
    this.accessed.add(key);
    return cold;
  }

  sload(key: bigint): bigint {
    const base = this.fork >= Fork.Berlin ? 100n : this.fork >= Fork.Istanbul ? 800n : this.fork >= Fork.TangerineWhistle ? 200n : 50n;
    this.charge(this.touch(key) + base);
    return this.storage.get(key) ?? 0n;
  }

  sstore(key: bigint, value: bigint): void {
    if (this.fork >= Fork.Istanbul && this.gas <= 2300n) throw new Halt('sstore stipend');
    const current = this.storage.get(key) ?? 0n;
    const original = this.original.get(key) ?? 0n;
    const cold = this.touch(key);
    let cost: bigint;
    if (this.fork >= Fork.Istanbul) {
      // EIP-2200 (with EIP-2929's prices from Berlin)
      const warmRead = this.fork >= Fork.Berlin ? 100n : 800n;
      if (current === value || original !== current) cost = warmRead;
      else if (original === 0n) cost = 20000n;
      else cost = this.fork >= Fork.Berlin ? 2900n : 5000n;
    } else {
      cost = current === 0n && value !== 0n ? 20000n : 5000n;
    }
    this.charge(cold + cost);
    this.storage.set(key, value);
  }
}

function accountExists(pre: Record<string, FixtureAccount>, address: bigint): FixtureAccount | undefined {
  for (const [key, account] of Object.entries(pre)) if (hexToBigInt(key) === address) return account;
  return undefined;
}

/**
 * Outputs by precompile and input. Fixtures repeat each case for several
 * forks; no precompile's output depends on the fork except through EIP-7823's
 * Osaka bounds, so the key separates Osaka-and-later only. This keeps the
 * fixture tests' pairings and KZG checks from running three times each.
 */
const outputs = new Map<string, Uint8Array | null>();

function cachedRun(address: bigint, input: Uint8Array, fork: Fork): Uint8Array | null {
  const key = `${address}:${fork >= Fork.Osaka ? 1 : 0}:${Buffer.from(input).toString('hex')}`;
  let out = outputs.get(key);
  if (out === undefined) {
    out = getPrecompile(address, fork)!.run(input, fork);
    if (outputs.size > 20000) outputs.clear();
    outputs.set(key, out);
  }
  return out;
}

/** CALL, CALLCODE, DELEGATECALL or STATICCALL from the wrapper. */
function call(m: Machine, op: number): void {
  const gasAsked = m.pop();
  const address = m.pop() & ((1n << 160n) - 1n);
  const value = op === 0xf1 || op === 0xf2 ? m.pop() : 0n;
  const argsOffset = m.pop();
  const argsSize = m.pop();
  const retOffset = m.pop();
  const retSize = m.pop();
  m.expand(argsOffset, argsSize);
  m.expand(retOffset, retSize);
  const precompile = getPrecompile(address, m.fork);
  const account = accountExists(m.pre, address);
  if (precompile === undefined && account !== undefined && account.code !== '0x' && account.code !== '') {
    throw new Unsupported(`call to contract ${address.toString(16)}`);
  }
  let cost: bigint;
  if (m.fork >= Fork.Berlin) cost = precompile !== undefined ? 100n : 2600n;
  else if (m.fork >= Fork.TangerineWhistle) cost = 700n;
  else cost = 40n;
  if (value > 0n) {
    cost += 9000n; // CALL and CALLCODE (the others carry no value)
    const empty = account === undefined || (hexToBigInt(account.balance) === 0n && account.code.length <= 2);
    if (op === 0xf1 && (m.fork >= Fork.SpuriousDragon ? empty : account === undefined)) cost += 25000n;
  }
  m.charge(cost);
  let calleeGas = gasAsked;
  if (m.fork >= Fork.TangerineWhistle) {
    const cap = m.gas - m.gas / 64n;
    if (calleeGas > cap) calleeGas = cap;
  } else if (calleeGas > m.gas) throw new Halt('out of gas');
  m.charge(calleeGas);
  if (value > 0n) calleeGas += 2300n; // the stipend (EIP-150 keeps it outside the 63/64 cap)
  if (value > m.balance) {
    m.gas += calleeGas;
    m.returnData = new Uint8Array(0);
    m.stack.push(0n);
    return;
  }
  const input = m.memory.slice(Number(argsOffset), Number(argsOffset + argsSize));
  let success = true;
  let output: Uint8Array = new Uint8Array(0);
  if (precompile !== undefined) {
    m.calls.push({ address, input, gas: calleeGas });
    const needed = precompile.gas(input, m.fork);
    const result = needed <= calleeGas ? cachedRun(address, input, m.fork) : null;
    if (result === null) {
      success = false;
    } else {
      output = result;
      m.gas += calleeGas - needed;
    }
  } else {
    m.gas += calleeGas; // an account without code: success, nothing returned
  }
  m.returnData = output;
  if (success) {
    const n = Math.min(Number(retSize), output.length);
    m.memory.set(output.subarray(0, n), Number(retOffset));
  }
  m.stack.push(success ? 1n : 0n);
}

/** Runs the wrapper's code; throws Halt (transaction reverted) or Unsupported. */
function execute(m: Machine, code: Uint8Array): void {
  const jumpdests = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) {
    if (code[i] === 0x5b) jumpdests[i] = 1;
    else if (code[i] >= 0x60 && code[i] <= 0x7f) i += code[i] - 0x5f;
  }
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc++];
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      m.charge(3n);
      let v = 0n;
      for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(code[pc + i] ?? 0);
      pc += n;
      m.stack.push(v);
      continue;
    }
    if (op >= 0x80 && op <= 0x8f) {
      m.charge(3n);
      const v = m.stack[m.stack.length - 1 - (op - 0x80)];
      if (v === undefined) throw new Halt('stack underflow');
      m.stack.push(v);
      continue;
    }
    if (op >= 0x90 && op <= 0x9f) {
      m.charge(3n);
      const top = m.stack.length - 1;
      const other = top - (op - 0x8f);
      if (other < 0) throw new Halt('stack underflow');
      [m.stack[top], m.stack[other]] = [m.stack[other], m.stack[top]];
      continue;
    }
    switch (op) {
      case 0x00:
        return;
      case 0x01:
        m.charge(3n);
        m.stack.push((m.pop() + m.pop()) & MASK);
        break;
      case 0x03: {
        m.charge(3n);
        const a = m.pop();
        const b = m.pop();
        m.stack.push((a - b) & MASK);
        break;
      }
      case 0x02:
        m.charge(5n);
        m.stack.push((m.pop() * m.pop()) & MASK);
        break;
      case 0x04:
      case 0x06: {
        m.charge(5n);
        const a = m.pop();
        const b = m.pop();
        m.stack.push(b === 0n ? 0n : op === 0x04 ? a / b : a % b);
        break;
      }
      case 0x0a: {
        const base = m.pop();
        const exponent = m.pop();
        const bytes = BigInt(exponent === 0n ? 0 : Math.ceil(exponent.toString(16).length / 2));
        m.charge(10n + (m.fork >= Fork.SpuriousDragon ? 50n : 10n) * bytes);
        let result = 1n;
        let b = base;
        for (let e = exponent; e > 0n; e >>= 1n) {
          if (e & 1n) result = (result * b) & MASK;
          b = (b * b) & MASK;
        }
        m.stack.push(result);
        break;
      }
      case 0x10:
      case 0x11:
      case 0x14: {
        m.charge(3n);
        const a = m.pop();
        const b = m.pop();
        m.stack.push((op === 0x10 ? a < b : op === 0x11 ? a > b : a === b) ? 1n : 0n);
        break;
      }
      case 0x15:
        m.charge(3n);
        m.stack.push(m.pop() === 0n ? 1n : 0n);
        break;
      case 0x16:
        m.charge(3n);
        m.stack.push(m.pop() & m.pop());
        break;
      case 0x17:
        m.charge(3n);
        m.stack.push(m.pop() | m.pop());
        break;
      case 0x19:
        m.charge(3n);
        m.stack.push(m.pop() ^ MASK);
        break;
      case 0x20: {
        const offset = m.pop();
        const size = m.pop();
        m.charge(30n + 6n * ((size + 31n) / 32n));
        m.expand(offset, size);
        m.stack.push(bytesToBigInt(keccak256(m.memory.subarray(Number(offset), Number(offset + size)))));
        break;
      }
      case 0x34:
        m.charge(2n);
        m.stack.push(m.callValue);
        break;
      case 0x35: {
        m.charge(3n);
        const offset = m.pop();
        let v = 0n;
        for (let i = 0n; i < 32n; i++) {
          const at = offset + i;
          v = (v << 8n) | BigInt(at < BigInt(m.calldata.length) ? m.calldata[Number(at)] : 0);
        }
        m.stack.push(v);
        break;
      }
      case 0x36:
        m.charge(2n);
        m.stack.push(BigInt(m.calldata.length));
        break;
      case 0x37:
      case 0x3e: {
        const dest = m.pop();
        const offset = m.pop();
        const size = m.pop();
        const source = op === 0x37 ? m.calldata : m.returnData;
        if (op === 0x3e && offset + size > BigInt(source.length)) throw new Halt('returndata out of bounds');
        m.charge(m.copyCost(size));
        m.expand(dest, size);
        for (let i = 0n; i < size; i++) {
          const at = offset + i;
          m.memory[Number(dest + i)] = at < BigInt(source.length) ? source[Number(at)] : 0;
        }
        break;
      }
      case 0x3d:
        m.charge(2n);
        m.stack.push(BigInt(m.returnData.length));
        break;
      case 0x50:
        m.charge(2n);
        m.pop();
        break;
      case 0x51: {
        const offset = m.pop();
        m.charge(3n);
        m.expand(offset, 32n);
        m.stack.push(bytesToBigInt(m.memory, Number(offset), Number(offset) + 32));
        break;
      }
      case 0x52: {
        const offset = m.pop();
        const value = m.pop();
        m.charge(3n);
        m.expand(offset, 32n);
        writeBigInt(m.memory, Number(offset), value, 32);
        break;
      }
      case 0x54:
        m.stack.push(m.sload(m.pop()));
        break;
      case 0x58:
        m.charge(2n);
        m.stack.push(BigInt(pc - 1));
        break;
      case 0x55: {
        const key = m.pop();
        m.sstore(key, m.pop());
        break;
      }
      case 0x53: {
        const offset = m.pop();
        const value = m.pop();
        m.charge(3n);
        m.expand(offset, 1n);
        m.memory[Number(offset)] = Number(value & 0xffn);
        break;
      }
      case 0x56:
      case 0x57: {
        m.charge(op === 0x56 ? 8n : 10n);
        const dest = m.pop();
        if (op === 0x57 && m.pop() === 0n) break;
        if (dest >= BigInt(code.length) || !jumpdests[Number(dest)]) throw new Halt('bad jump');
        pc = Number(dest);
        break;
      }
      case 0x59:
        m.charge(2n);
        m.stack.push(BigInt(m.memory.length));
        break;
      case 0x5b:
        m.charge(1n);
        break;
      case 0x5a:
        m.charge(2n);
        m.stack.push(m.gas);
        break;
      case 0x5f:
        m.charge(2n);
        m.stack.push(0n);
        break;
      case 0xf1:
      case 0xf2:
      case 0xf4:
      case 0xfa:
        call(m, op);
        break;
      case 0xf3: {
        const offset = m.pop();
        const size = m.pop();
        m.expand(offset, size);
        return;
      }
      case 0xfd:
      case 0xfe:
        throw new Halt(op === 0xfd ? 'revert' : 'invalid opcode');
      default:
        throw new Unsupported(`opcode 0x${op.toString(16)}`);
    }
  }
}

function sameStorage(actual: Map<bigint, bigint>, expected: Record<string, string>): string | null {
  const want = new Map<bigint, bigint>();
  for (const [k, v] of Object.entries(expected)) if (hexToBigInt(v) !== 0n) want.set(hexToBigInt(k), hexToBigInt(v));
  const got = new Map([...actual].filter(([, v]) => v !== 0n));
  for (const [k, v] of want) if (got.get(k) !== v) return `slot ${k}: want ${v.toString(16)}, got ${got.get(k)?.toString(16)}`;
  for (const [k, v] of got) if (!want.has(k)) return `slot ${k}: want 0, got ${v.toString(16)}`;
  return null;
}

/** One transaction to replay against a wrapper contract. */
interface TxToReplay {
  to: string;
  data: Uint8Array;
  gasLimit: bigint;
  value: bigint;
  accessList: { storageKeys: string[] }[] | null | undefined;
}

function findAccount(accounts: Record<string, FixtureAccount> | undefined, address: bigint): FixtureAccount | undefined {
  return accounts === undefined ? undefined : accountExists(accounts, address);
}

/** Runs `tx` on the pre state and compares the wrapper's storage with `post`. */
function replayTx(
  pre: Record<string, FixtureAccount>,
  fork: Fork,
  tx: TxToReplay,
  post: Record<string, FixtureAccount> | undefined,
): ReplayResult {
  const skip = (detail: string): ReplayResult => ({ status: 'skip', detail, calls: [] });
  const to = hexToBigInt(tx.to);
  const target = accountExists(pre, to);
  if (target === undefined || target.code.length <= 2) return skip('no wrapper code');
  const intrinsic = intrinsicGas(tx.data, tx.accessList, fork);
  if (intrinsic > tx.gasLimit) return skip('intrinsic gas');
  const m = new Machine(tx.gasLimit - intrinsic, fork, tx.data, tx.value, pre, hexToBigInt(target.balance) + tx.value);
  for (const [k, v] of Object.entries(target.storage)) m.storage.set(hexToBigInt(k), hexToBigInt(v));
  const preStorage = new Map(m.storage);
  m.original = preStorage;
  try {
    execute(m, hexToBytes(target.code));
  } catch (e) {
    if (e instanceof Unsupported) return skip(e.message);
    if (!(e instanceof Halt)) throw e;
    m.storage = preStorage; // the transaction reverted
  }
  const expected = findAccount(post, to);
  if (expected === undefined) return { status: 'skip', detail: 'no post state for wrapper', calls: m.calls };
  const diff = sameStorage(m.storage, expected.storage);
  return { status: diff === null ? 'pass' : 'fail', detail: diff ?? '', calls: m.calls };
}

/** Replays one post entry of a state-test fixture for one fork. */
export function replay(fixture: StateFixture, forkName: string, post: FixturePost): ReplayResult {
  const skip = (detail: string): ReplayResult => ({ status: 'skip', detail, calls: [] });
  if (!isForkName(forkName)) return skip(`fork ${forkName}`);
  if (post.expectException !== undefined) return skip('invalid transaction');
  const tx = fixture.transaction;
  if (!tx.to) return skip('contract creation');
  const { data: di, gas: gi, value: vi } = post.indexes;
  return replayTx(
    fixture.pre,
    parseFork(forkName),
    {
      to: tx.to,
      data: hexToBytes(tx.data[di]),
      gasLimit: hexToBigInt(tx.gasLimit[gi]),
      value: hexToBigInt(tx.value[vi]),
      accessList: tx.accessLists?.[di],
    },
    post.state,
  );
}

export interface BlockchainFixture {
  network: string;
  pre: Record<string, FixtureAccount>;
  postState?: Record<string, FixtureAccount>;
  blocks: {
    expectException?: string;
    transactions?: { to: string; data: string; gasLimit: string; value: string; accessList?: { storageKeys: string[] }[] }[];
  }[];
}

/**
 * Replays a blockchain-test fixture made of one block with one transaction
 * (the form execution-spec-tests gives state tests filled as blocks).
 */
export function replayBlockchainTest(fixture: BlockchainFixture): ReplayResult {
  const skip = (detail: string): ReplayResult => ({ status: 'skip', detail, calls: [] });
  if (!isForkName(fixture.network)) return skip(`network ${fixture.network}`);
  const txs = fixture.blocks.length === 1 ? (fixture.blocks[0].transactions ?? []) : [];
  if (txs.length !== 1 || fixture.blocks[0].expectException !== undefined) return skip('not one valid block with one tx');
  const tx = txs[0];
  if (!tx.to) return skip('contract creation');
  const tx1 = {
    to: tx.to,
    data: hexToBytes(tx.data),
    gasLimit: hexToBigInt(tx.gasLimit),
    value: hexToBigInt(tx.value),
    accessList: tx.accessList,
  };
  return replayTx(fixture.pre, parseFork(fixture.network), tx1, fixture.postState);
}
