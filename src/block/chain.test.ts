import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Fork, parseFork } from '../primitives/fork.js';
import { blobScheduleFor, chainConfigForNetwork, forkAt, MAINNET } from './chain.js';
import { FIXTURES, readJsonFile } from './testing.js';

test('network names: single forks and transitions', () => {
  const prague = chainConfigForNetwork('Prague');
  assert.equal(forkAt(prague, 0n, 0n), Fork.Prague);
  const t = chainConfigForNetwork('CancunToPragueAtTime15k');
  assert.equal(forkAt(t, 1n, 14_999n), Fork.Cancun);
  assert.equal(forkAt(t, 2n, 15_000n), Fork.Prague);
  const b = chainConfigForNetwork('BerlinToLondonAt5');
  assert.equal(forkAt(b, 4n, 100_000n), Fork.Berlin);
  assert.equal(forkAt(b, 5n, 0n), Fork.London);
  const dao = chainConfigForNetwork('HomesteadToDaoAt5');
  assert.equal(dao.daoForkBlock, 5n);
  assert.equal(forkAt(dao, 6n, 0n), Fork.Homestead);
  assert.throws(() => chainConfigForNetwork('Nonsense'));
});

test('blob schedules: fixture JSON overrides defaults; later forks inherit', () => {
  const c = chainConfigForNetwork('BPO2ToBPO3AtTime15k', 1n, {
    BPO3: { target: '0x15', max: '0x20', baseFeeUpdateFraction: '0x013a7aa1' },
  });
  assert.deepEqual(blobScheduleFor(c, Fork.BPO3), { target: 21, max: 32, baseFeeUpdateFraction: 0x013a7aa1n });
  assert.deepEqual(blobScheduleFor(c, Fork.BPO4), blobScheduleFor(c, Fork.BPO3));
  assert.equal(blobScheduleFor(c, Fork.Osaka)?.max, 9);
  assert.equal(blobScheduleFor(c, Fork.Cancun)?.max, 6);
  assert.equal(blobScheduleFor(c, Fork.Shanghai), undefined);
});

const INDEX = join(FIXTURES, 'mainnet', 'INDEX.json');

test('mainnet fork schedule matches the fixture index', { skip: !existsSync(INDEX) }, () => {
  const entries = readJsonFile(INDEX) as { number: number; hardfork: string }[];
  for (const e of entries) {
    const block = readJsonFile(join(FIXTURES, 'mainnet', String(e.number), 'block.json.gz')) as { timestamp: string };
    // The index calls the blocks between the DAO fork and Tangerine Whistle "DAO": Homestead rules.
    const want = e.hardfork === 'DAO' ? Fork.Homestead : parseFork(e.hardfork);
    assert.equal(forkAt(MAINNET, BigInt(e.number), BigInt(block.timestamp)), want, `block ${e.number}`);
  }
});
