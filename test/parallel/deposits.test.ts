/**
 * Lazy value transfers (src/exec/parallel/deltas.ts): blocks whose value
 * transfers concentrate on a few recipients (some without code, one with,
 * some given code or deleted in the block, some read by BALANCE or paid
 * from inside calls, the coinbase and a sender among them) give exactly
 * what the sequential executor gives on 1-4 threads; and a plain transfer
 * to a code-less account does not depend on the transfers before it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParallelExecutor, type ParallelBlockResult } from '../../src/exec/parallel/executor.js';
import { BlockExecutionError, executeSequential, type BlockResult } from '../../src/exec/sequential.js';
import { Fork } from '../../src/primitives/fork.js';
import type { MemoryState } from '../../src/state/memory-state.js';
import { signTransaction } from '../../src/tx/sign.js';
import { World, type CoinbaseKind, type Scenario } from './blocks.js';

const THREADS = [1, 2, 3, 4];
const executors = new Map<number, ParallelExecutor>();

before(async () => {
  for (const t of THREADS) executors.set(t, await ParallelExecutor.create({ threads: t, strategy: 'block-stm' }));
});

after(async () => {
  for (const ex of executors.values()) await ex.close();
});

type Outcome = { result: BlockResult } | { error: { index: number; code: string } };

function outcomeOf(run: () => BlockResult): Outcome {
  try {
    return { result: run() };
  } catch (err) {
    if (err instanceof BlockExecutionError) return { error: { index: err.txIndex, code: err.error.code } };
    throw err;
  }
}

async function parallelOutcome(run: () => Promise<ParallelBlockResult>): Promise<{ outcome: Outcome; stats?: ParallelBlockResult['stats'] }> {
  try {
    const { stats, profile: _p, ...result } = await run();
    return { outcome: { result }, stats };
  } catch (err) {
    if (err instanceof BlockExecutionError) return { outcome: { error: { index: err.txIndex, code: err.error.code } } };
    throw err;
  }
}

function snapshot(state: MemoryState): unknown[] {
  return [...state.accounts()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([addr, a]) => [addr, a.nonce, a.balance, a.code, a.codeHash, [...a.storage].sort((x, y) => (x[0] < y[0] ? -1 : 1))]);
}

// Before Cancun a paid child self-destructs for good (deleted, then revived by the next payment).
const FORKS = [Fork.Cancun, Fork.Prague, Fork.Shanghai, Fork.London, Fork.Berlin, Fork.SpuriousDragon];
const COINBASES: CoinbaseKind[] = ['absent', 'funded', 'empty', 'sender'];

function scenario(seed: number): Scenario {
  return {
    seed: 5000 + seed,
    fork: FORKS[seed % FORKS.length],
    coinbase: COINBASES[(seed >> 1) % COINBASES.length],
    hotSlots: [1, 16][seed % 2],
    senders: [4, 16][(seed >> 2) % 2],
    txsPerBlock: 40 + ((seed * 37) % 60),
    deposits: true,
  };
}

const SEEDS = Number(process.env.PARALLEL_SEEDS ?? 12);
const BLOCKS = 3;

test(`deposits: parallel == sequential on ${SEEDS} seeds x ${BLOCKS} blocks, threads ${THREADS.join('/')}`, async () => {
  let blocks = 0;
  let parallel = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sc = scenario(seed);
    const world = new World(sc);
    const seqState = world.state.clone();
    const parStates = new Map(THREADS.map((t) => [t, world.state.clone()]));
    for (let b = 0; b < BLOCKS; b++) {
      const block = world.nextBlock();
      const expected = outcomeOf(() => executeSequential(seqState, block.txs, block.senders, world.env));
      for (const t of THREADS) {
        const state = parStates.get(t)!;
        const senders = (seed + b) % 2 === 0 ? block.senders : undefined;
        const { outcome, stats } = await parallelOutcome(() => executors.get(t)!.execute(state, block.txs, world.env, { senders, forceParallel: true }));
        const where = `seed ${seed} (${JSON.stringify(sc)}), block ${b}, ${t} threads`;
        assert.deepStrictEqual(outcome, expected, where);
        assert.deepStrictEqual(snapshot(state), snapshot(seqState), `${where}: post-state`);
        blocks++;
        // A creation over an account deleted earlier in the block asks EIP-7610's storage question: redone sequentially (view.ts).
        if ((stats?.mode ?? 'parallel') === 'parallel') parallel++;
      }
      if ('error' in expected) break;
    }
  }
  assert.ok(parallel >= blocks * 0.7, `only ${parallel} of ${blocks} blocks ran in parallel`);
});

/** n plain transfers, from the world's senders in turn, to `recipients` in turn. */
function transfers(world: World, n: number, recipients: bigint[], senders: bigint[]): { txs: ReturnType<World['nextBlock']>['txs']; senders: bigint[] } {
  const nonces = new Map<bigint, bigint>();
  const txs = [];
  const from: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const s = senders[i % senders.length];
    const nonce = nonces.get(s) ?? world.state.getAccount(s)!.nonce;
    nonces.set(s, nonce + 1n);
    txs.push(signTransaction({
      type: 2, chainId: 1n, nonce, gasPrice: 0n, maxFeePerGas: 20n, maxPriorityFeePerGas: 1n, gasLimit: 21_000n,
      to: recipients[i % recipients.length], value: 1000n + BigInt(i), data: new Uint8Array(0), accessList: [],
      maxFeePerBlobGas: 0n, blobVersionedHashes: [], authorizationList: [],
    }, world.keyOf(s)));
    from.push(s);
  }
  return { txs, senders: from };
}

test('a transfer to a code-less account depends on no other transfer to it; with lazyTransfers off it does', async () => {
  const world = new World({ seed: 77, fork: Fork.Cancun, coinbase: 'absent', hotSlots: 1, senders: 16, txsPerBlock: 0 });
  const senders = [...Array(16).keys()].map((i) => world.senderAt(i));
  // Two recipients: one absent, one funded EOA.
  const recipients = [0xdead000000000000000000000000000000000001n, 0xdead000000000000000000000000000000000002n];
  world.state.setAccount(recipients[1], { balance: 1n });
  const block = transfers(world, 48, recipients, senders);
  const seqState = world.state.clone();
  const expected = outcomeOf(() => executeSequential(seqState, block.txs, block.senders, world.env));
  const off = await ParallelExecutor.create({ threads: 2, strategy: 'block-stm', lazyTransfers: false });
  try {
    for (const [ex, lazy] of [[executors.get(2)!, true], [off, false]] as const) {
      const state = world.state.clone();
      const r = await ex.execute(state, block.txs, world.env, { senders: block.senders, forceParallel: true, profile: true });
      const { stats, profile, ...result } = r;
      assert.equal(stats.mode, 'parallel');
      assert.deepStrictEqual({ result }, expected, `lazy ${lazy}`);
      assert.deepStrictEqual(snapshot(state), snapshot(seqState), `lazy ${lazy}: post-state`);
      // Transaction i's only possible dependency: its sender's previous transaction (i - 16).
      const foreign = profile!.deps.flatMap((d, i) => d.filter((j) => j !== i - 16).map((j) => `${i}<-${j}`));
      if (lazy) assert.deepEqual(foreign, [], 'lazy: transfers depend on each other');
      else assert.ok(foreign.length > 0, 'lazy off: no transfer read its recipient');
    }
  } finally {
    await off.close();
  }
});
