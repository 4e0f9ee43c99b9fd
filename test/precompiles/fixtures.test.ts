/**
 * The precompiles against execution-spec-tests fixtures: every fixture
 * case whose wrapper contract fixture-replay.ts can run must end with the
 * storage the fixture expects (success flags, outputs or their hashes, gas
 * used). Minimum pass counts guard against cases silently turning into skips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  type BlockchainFixture,
  loadFixtureFile,
  replay,
  replayBlockchainTest,
  type ReplayResult,
} from './fixture-replay.js';
import { fixturesDir } from '../../src/fixtures/files.js';

const ROOT = fixturesDir('eest');

interface Tally {
  pass: number;
  fail: number;
  skip: number;
  failures: string[];
}

function count(tally: Tally, name: string, result: ReplayResult): void {
  tally[result.status]++;
  if (result.status === 'fail' && tally.failures.length < 10) tally.failures.push(`${name}: ${result.detail}`);
}

function stateTests(dir: string): Tally {
  const tally: Tally = { pass: 0, fail: 0, skip: 0, failures: [] };
  const path = join(ROOT, 'state_tests', dir);
  for (const file of readdirSync(path).filter((f) => f.endsWith('.json.gz'))) {
    for (const [name, fixture] of Object.entries(loadFixtureFile(join(path, file)))) {
      for (const [fork, posts] of Object.entries(fixture.post)) {
        for (const post of posts) count(tally, `${name} ${fork} ${JSON.stringify(post.indexes)}`, replay(fixture, fork, post));
      }
    }
  }
  return tally;
}

function blockchainTests(dir: string): Tally {
  const tally: Tally = { pass: 0, fail: 0, skip: 0, failures: [] };
  const path = join(ROOT, 'blockchain_tests', dir);
  for (const file of readdirSync(path).filter((f) => f.endsWith('.json.gz'))) {
    const fixtures = JSON.parse(gunzipSync(readFileSync(join(path, file))).toString('utf8')) as Record<string, BlockchainFixture>;
    for (const [name, fixture] of Object.entries(fixtures)) count(tally, name, replayBlockchainTest(fixture));
  }
  return tally;
}

/** Fixture directory, and how many cases must pass there (all that passed when this was written). */
const STATE: [dir: string, minPass: number][] = [
  ['byzantium/eip196_ec_add_mul', 40],
  ['byzantium/eip197_ec_pairing', 20],
  ['istanbul/eip152_blake2', 937],
  ['cancun/eip4844_blobs', 546],
  ['prague/eip2537_bls_12_381_precompiles', 928],
  ['osaka/eip7951_p256verify_precompiles', 390],
  ['osaka/eip7883_modexp_gas_increase', 788],
  ['osaka/eip7823_modexp_upper_bounds', 22],
  ['frontier/precompiles', 30],
  ['frontier/identity_precompile', 240],
  ['homestead/identity_precompile', 80],
  ['static/state_tests/stPreCompiledContracts', 561],
  ['static/state_tests/stPreCompiledContracts2', 264],
  ['static/state_tests/stZeroKnowledge', 2640],
  ['static/state_tests/stZeroKnowledge2', 1317],
];

const BLOCKCHAIN: [dir: string, minPass: number][] = [
  ['prague/eip2537_bls_12_381_precompiles', 69],
  ['osaka/eip7951_p256verify_precompiles', 148],
  ['osaka/eip7883_modexp_gas_increase', 88],
  ['osaka/eip7823_modexp_upper_bounds', 22],
  ['cancun/eip4844_blobs', 144],
];

for (const [kind, groups, run] of [
  ['state', STATE, stateTests],
  ['blockchain', BLOCKCHAIN, blockchainTests],
] as const) {
  for (const [dir, minPass] of groups) {
    test(`${kind} fixtures ${dir}`, (t) => {
      const tally = run(dir);
      t.diagnostic(`pass ${tally.pass}, fail ${tally.fail}, skip ${tally.skip}`);
      assert.deepEqual(tally.failures, []);
      assert.ok(tally.pass >= minPass, `only ${tally.pass} cases passed, expected at least ${minPass}`);
    });
  }
}
