/**
 * The parallel engine runs the workloads as intended, with the sequential
 * engine's receipts, and `runBench --threads N` reports its rows beside the
 * sequential one (speedup, re-executions, aborts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench, toJson } from '../run.js';
import { makeWorkload } from '../workloads/index.js';
import { MultilaneEngine } from './multilane.js';
import { ParallelEngine } from './parallel.js';

test('the parallel engine (forced and adaptive, 2 threads) gives the sequential engine\'s receipts and passes the checks', async () => {
  const seq = new MultilaneEngine();
  for (const mode of ['forced', 'adaptive'] as const) {
    const engine = new ParallelEngine(2, mode);
    try {
      for (const [name, txs] of [['erc20', 40], ['amm', 40], ['chain', 40]] as const) {
        const w = makeWorkload(name, { txs, seed: 3, pools: 4 });
        const expected = await seq.run(w);
        assert.deepStrictEqual((await seq.run(w, { warmRun: true })).receipts, expected.receipts, `${name} sequential after a warm run`);
        // Twice: the second run starts from the restored pre-state, after an untimed run of the block (warmRun).
        for (let i = 0; i < 2; i++) {
          const got = await engine.run(w, { warmRun: i === 1 });
          assert.deepStrictEqual(got.receipts, expected.receipts, `${name} ${mode} run ${i}`);
          assert.deepStrictEqual(await w.check(got.probe, got.receipts), [], `${name} ${mode} run ${i}`);
          if (mode === 'forced') assert.equal(got.stats.mode, 'parallel');
        }
      }
    } finally {
      await engine.close();
    }
  }
});

test('runBench --threads 2 adds the parallel row with its speedup over the sequential row', async () => {
  const rows = await runBench({ workloads: ['erc20'], engines: ['multilane'], txs: 60, threads: 2, runs: 1 });
  const seq = rows.find((r) => r.engine === 'multilane');
  const par = rows.find((r) => r.engine === 'multilane-parallel');
  assert.ok(seq !== undefined && par !== undefined, rows.map((r) => r.engine).join(','));
  assert.equal(par.threads, 2);
  assert.equal(par.speedup, Number((seq.ms / par.ms).toFixed(3)));
  assert.equal(typeof par.reexecutions, 'number');
  assert.deepStrictEqual(par.problems, []);
  const json = JSON.parse(toJson(par));
  assert.equal(json.speedup, par.speedup);
  assert.ok('reexecutions' in json && 'aborts' in json);
});
