import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatScalingTable, replayRuns, summarizeScaling, type ProfiledRuns } from './scaling.js';
import { contentionChart, contentionScalingChart, formatSweepTable, sweepCommand, sweepJson, workloadChart, type SweepRow } from './sweep.js';

/** A profiled block of n independent transactions of 0.01 ms, measured at 1 thread. */
function independentBlock(n: number): ProfiledRuns {
  return {
    threads: 1,
    input: { costMs: new Array(n).fill(0.01), deps: Array.from({ length: n }, () => []) },
    // 2n tasks: executions, validations at 5% of one, 0.002 ms of overhead per task; 3 ms outside the workers' loop.
    runs: [{ threads: 1, ms: 0.01 * n * 1.05 + 0.002 * 2 * n + 3, workerBusyMs: 0.01 * n * 1.05 + 0.002 * 2 * n, workerWaitMs: 0, executions: n, validations: n }],
    profiles: [{ execMs: new Array(n).fill(0.01), totalMs: new Array(n).fill(0.01), executions: new Array(n).fill(1), deps: Array.from({ length: n }, () => []) }],
    stats: undefined as never,
  };
}

test('summarizeScaling: calibrated at 1 thread, it reproduces the 1-thread run and scales the rest', () => {
  const n = 2000;
  const p = independentBlock(n);
  const seqMs = 10;
  const s = summarizeScaling(p, seqMs, [1, 8, 32]);
  assert.ok(Math.abs(s.calibration.taskOverheadMs - 0.002) < 1e-9, `overhead ${s.calibration.taskOverheadMs}`);
  assert.ok(Math.abs(s.predictedMs[1] - p.runs[0].ms) < 1e-6, `1 thread: ${s.predictedMs[1]} vs ${p.runs[0].ms}`);
  assert.ok(s.predicted[32] > s.predicted[8] && s.predicted[8] > s.predicted[1]);
  // The serial part (~3 ms, measured minus loop) caps the speedup: seqMs ÷ serial.
  assert.ok(s.predicted[32] < seqMs / s.calibration.serialMs);
  assert.ok(Math.abs(s.ideal - n) < 1e-6);
  assert.ok(s.bound[32] >= s.predicted[32]);
});

test('replayRuns: a run replayed from its own profile and calibration gives back its time', () => {
  const p = independentBlock(500);
  const r = replayRuns(p, new Array(500).fill(0n).map((_, i) => BigInt(i + 1)), p);
  assert.ok(Math.abs(r.predictedMs - r.measuredMs) < 1e-6, `${r.predictedMs} vs ${r.measuredMs}`);
  assert.equal(r.predictedReexecutions, 0);
  assert.equal(r.costGrowth, 1);
});

const rows: SweepRow[] = [2, 100, 10000].map((k, i) => ({
  workload: `contention-${k}`,
  k,
  threads: 2,
  txs: 2000,
  gas: 42_000_000,
  seqMs: 10,
  parMs: 8 - i,
  speedup: 10 / (8 - i),
  reexecutions: 100 - 40 * i,
  validationAborts: 90 - 40 * i,
  dependencyAborts: 5,
  problems: [],
  scaling: summarizeScaling(independentBlock(2000), 10, [2, 4, 8, 16, 32]),
}));

test('sweep table and JSON carry the measurement and the predictions', () => {
  const table = formatSweepTable(rows);
  for (const h of ['seq ms', 'par ms', 'speedup', 're-exec', 'aborts', 'pred 2', 'pred 8', 'pred 16', 'pred 32', 'ideal']) assert.ok(table.includes(h), h);
  assert.ok(table.includes('contention-10000'));
  assert.ok(table.includes('1.25x'));
  const j = JSON.parse(sweepJson(rows[0]));
  assert.equal(j.k, 2);
  assert.equal(j.aborts, 95);
  assert.deepEqual(Object.keys(j.predicted), ['2', '4', '8', '16', '32']);
  assert.ok(Math.abs(j.ideal - 2000) < 0.01);
  assert.equal(j.ok, true);
});

test('sweep charts: the series asked for, as well-formed-looking SVG', () => {
  const line = contentionChart(rows, 2, 'note');
  for (const s of ['measured, 2 threads', 'predicted, 8 threads', 'predicted, 16 threads', 'predicted, 32 threads', 'best possible, 32 threads']) {
    assert.ok(line.includes(`data-series="${s}"`), s);
  }
  assert.ok(line.trimEnd().endsWith('</svg>'));
  const bars = workloadChart(rows, 2, 'note');
  assert.equal((bars.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#0072B2"\/>/g) ?? []).length, rows.length + 1); // 3 bars + the legend key
  assert.ok(bars.includes('data-series="best possible, 32 threads"'));
  const scaling = contentionScalingChart(rows.map((r) => ({ ...r, loopScaling: 1.5 })), 2, 'note');
  assert.equal((seriesOf(scaling, 'measured, 2 threads').match(/<circle /g) ?? []).length, rows.length);
  assert.ok(scaling.includes('data-series="ideal, 32 threads"'));
});

test('bench --threads: the second table lists predictions', () => {
  const t = formatScalingTable([{ workload: 'erc20', engine: 'multilane', threads: 2, ms: 5, speedup: 1.5, pairedSpeedup: 1.4, corunBound: 1.25, predicted: { 4: 2, 8: 3, 16: 4, 32: 5 }, ideal: 40 }]);
  assert.ok(t.includes('pred 32') && t.includes('co-run bound'));
  assert.ok(/erc20\s+multilane\s+2\s+1\.50x\s+1\.40x\s+1\.25x\s+2\.00x\s+3\.00x\s+4\.00x\s+5\.00x\s+40\.0x/.test(t), t);
});

test('sweepCommand rejects bad flags with exit code 2 before running anything', async () => {
  const err = console.error;
  console.error = () => {};
  try {
    assert.equal(await sweepCommand({ sweep: 'nope' }, []), 2);
    assert.equal(await sweepCommand({ sweep: 'contention', ks: '2,x' }, []), 2);
    assert.equal(await sweepCommand({ sweep: 'contention', ks: '1' }, []), 2);
    assert.equal(await sweepCommand({ sweep: 'contention' }, ['erc20']), 2);
    assert.equal(await sweepCommand({ sweep: 'workloads', ks: '2' }, []), 2);
    assert.equal(await sweepCommand({ sweep: 'workloads', threads: '0' }, []), 2);
  } finally {
    console.error = err;
  }
});

function seriesOf(svg: string, name: string): string {
  const start = svg.indexOf(`data-series="${name}"`);
  assert.ok(start !== -1, name);
  return svg.slice(start, svg.indexOf('</g>', start));
}
