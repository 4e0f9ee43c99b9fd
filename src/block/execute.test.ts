import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Fork } from '../primitives/fork.js';
import { MemoryState } from '../state/memory-state.js';
import { forkAt, MAINNET } from './chain.js';
import { DAO_DRAIN_ADDRESSES, DAO_REFUND_CONTRACT, daoForkChanges } from './dao.js';
import { executeBlock } from './execute.js';
import type { BlockHeader } from './header.js';
import { loadMainnetFixture } from './mainnet-fixture.js';
import { applyRewards, applyWithdrawals, blockReward } from './rewards.js';
import { FIXTURES } from './testing.js';

const MAINNET_DIR = join(FIXTURES, 'mainnet');
const ETHER = 10n ** 18n;

test('mainnet blocks: gas used, and from Byzantium receipts root and logs bloom, match the header', { skip: !existsSync(MAINNET_DIR) }, () => {
  const dirs = readdirSync(MAINNET_DIR).filter((d) => /^\d+$/.test(d));
  assert.ok(dirs.length >= 50);
  for (const dir of dirs) {
    const { block, state, blockHashes } = loadMainnetFixture(join(MAINNET_DIR, dir));
    const fork = forkAt(MAINNET, block.header.number, block.header.timestamp);
    // The pre-state is partial: no state root, hence no pre-Byzantium receipts (they embed one).
    const result = executeBlock(state, block, block.header, {
      chain: MAINNET,
      blockHash: (n) => blockHashes.get(n),
      validateHeader: false,
      computeStateRoot: false,
      checkResults: fork >= Fork.Byzantium,
    });
    assert.equal(result.gasUsed, block.header.gasUsed, `block ${dir}`);
    assert.equal(result.receipts.length, block.transactions.length);
  }
});

function header(number: bigint, coinbase: bigint): BlockHeader {
  return {
    parentHash: new Uint8Array(32),
    ommersHash: new Uint8Array(32),
    coinbase,
    stateRoot: new Uint8Array(32),
    transactionsRoot: new Uint8Array(32),
    receiptsRoot: new Uint8Array(32),
    logsBloom: new Uint8Array(256),
    difficulty: 1n,
    number,
    gasLimit: 5000n,
    gasUsed: 0n,
    timestamp: 0n,
    extraData: new Uint8Array(0),
    mixHash: new Uint8Array(32),
    nonce: 0n,
  };
}

test('block rewards by fork, with ommers', () => {
  assert.equal(blockReward(Fork.Frontier), 5n * ETHER);
  assert.equal(blockReward(Fork.Byzantium), 3n * ETHER);
  assert.equal(blockReward(Fork.Petersburg), 2n * ETHER);
  assert.equal(blockReward(Fork.Paris), 0n);
  const state = new MemoryState();
  applyRewards(state, header(10n, 0xc0n), [header(9n, 0xa1n), header(8n, 0xa2n)], Fork.Berlin);
  // Miner: 2 ETH + 2/32 ETH; ommers: (8 + ommer - number)/8 of 2 ETH.
  assert.equal(state.getAccount(0xc0n)?.balance, 2n * ETHER + (2n * ETHER) / 16n);
  assert.equal(state.getAccount(0xa1n)?.balance, (7n * 2n * ETHER) / 8n);
  assert.equal(state.getAccount(0xa2n)?.balance, (6n * 2n * ETHER) / 8n);
  const merged = new MemoryState();
  applyRewards(merged, header(10n, 0xc0n), [], Fork.Paris);
  assert.equal(merged.getAccount(0xc0n), undefined);
});

test('withdrawals credit gwei; an account left empty is not kept', () => {
  const state = new MemoryState();
  state.setAccount(0xe0n, {});
  state.setAccount(0xf0n, { nonce: 1n });
  applyWithdrawals(state, [
    { index: 0n, validatorIndex: 0n, address: 0xb0n, amount: 3n },
    { index: 1n, validatorIndex: 0n, address: 0xb0n, amount: 4n },
    { index: 2n, validatorIndex: 0n, address: 0xd0n, amount: 0n },
    { index: 3n, validatorIndex: 0n, address: 0xe0n, amount: 0n },
    { index: 4n, validatorIndex: 0n, address: 0xf0n, amount: 0n },
  ]);
  assert.equal(state.getAccount(0xb0n)?.balance, 7_000_000_000n);
  assert.equal(state.getAccount(0xd0n), undefined);
  assert.equal(state.getAccount(0xe0n), undefined);
  assert.equal(state.getAccount(0xf0n)?.nonce, 1n);
});

test('DAO fork: drained balances move to the refund contract', () => {
  assert.equal(DAO_DRAIN_ADDRESSES.length, 116);
  const state = new MemoryState();
  state.setAccount(DAO_DRAIN_ADDRESSES[0], { balance: 5n, nonce: 2n });
  state.setAccount(DAO_DRAIN_ADDRESSES[115], { balance: 7n });
  state.setAccount(DAO_REFUND_CONTRACT, { balance: 1n });
  state.apply(daoForkChanges(state));
  assert.equal(state.getAccount(DAO_DRAIN_ADDRESSES[0])?.balance, 0n);
  assert.equal(state.getAccount(DAO_DRAIN_ADDRESSES[0])?.nonce, 2n);
  assert.equal(state.getAccount(DAO_DRAIN_ADDRESSES[115])?.balance, 0n);
  assert.equal(state.getAccount(DAO_REFUND_CONTRACT)?.balance, 13n);
});
