import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, escapeXml, formatTick, lineChart, logTicks, niceTicks } from './svg-chart.js';

/**
 * A strict-enough XML well-formedness check for our output: one root,
 * every tag closed in order, attributes quoted, no raw `<` or `&` in text.
 */
function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(text), `raw & in text: ${text}`);
    if (stack.length === 0) assert.equal(text.trim(), '', `text outside the root: ${text}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    assert.ok(m !== null, `malformed tag at ${lt}: ${body.slice(lt, lt + 60)}`);
    const [whole, close, name, , selfClose] = m;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
    i = lt + whole.length;
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  assert.equal(roots, 1, 'one root element');
}

function seriesGroup(svg: string, name: string): string {
  const start = svg.indexOf(`<g class="series" data-series="${escapeXml(name)}">`);
  assert.ok(start !== -1, `series ${name} missing`);
  return svg.slice(start, svg.indexOf('</g>', start));
}

test('line chart: well-formed, one group per series with its markers, log x axis', () => {
  const ks = [2, 4, 8, 16, 32, 100, 1000, 10000];
  const svg = lineChart({
    title: 'Speedup vs contention <K>',
    subtitle: 'A & B',
    x: { label: 'K (accounts)', log: true, ticks: ks },
    y: { label: 'speedup' },
    series: [
      { name: 'measured, 2 threads', points: ks.map((k, i) => ({ x: k, y: 0.8 + i * 0.1 })) },
      { name: 'predicted, 32 threads', points: ks.map((k, i) => ({ x: k, y: 1 + i * 2 })), dash: '6 4' },
      { name: 'ideal', points: [{ x: 2, y: 1 }, { x: 10000, y: Number.NaN }], marker: 'none' },
    ],
    hlines: [{ y: 1, label: 'sequential' }],
  });
  checkWellFormed(svg);
  assert.ok(svg.startsWith('<?xml'));
  assert.ok(svg.includes('Speedup vs contention &lt;K&gt;'));
  assert.ok(svg.includes('A &amp; B'));
  const measured = seriesGroup(svg, 'measured, 2 threads');
  assert.equal((measured.match(/<circle /g) ?? []).length, ks.length);
  assert.equal((measured.match(/<polyline /g) ?? []).length, 1);
  const predicted = seriesGroup(svg, 'predicted, 32 threads');
  assert.ok(predicted.includes('stroke-dasharray="6 4"'));
  // The NaN point is left out: one point, no line, no marker.
  const ideal = seriesGroup(svg, 'ideal');
  assert.ok(!ideal.includes('<polyline'));
  // Every K is a tick label (10000 as 10k), in increasing x order.
  const labels = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([\dk]+)<\/text>/g)].map((m) => [Number(m[1]), m[2]] as const);
  assert.deepEqual(labels.map((l) => l[1]), ['2', '4', '8', '16', '32', '100', '1k', '10k']);
  for (let i = 1; i < labels.length; i++) assert.ok(labels[i][0] > labels[i - 1][0]);
  // Log scale: 10 → 100 spans as many pixels as 100 → 1000 (ticks 100, 1k, 10k).
  const px = Object.fromEntries(labels.map(([x, l]) => [l, x]));
  assert.ok(Math.abs(px['1k'] - px['100'] - (px['10k'] - px['1k'])) < 0.5);
  // Legend names every series.
  for (const name of ['measured, 2 threads', 'predicted, 32 threads', 'ideal', 'sequential']) assert.ok(svg.includes(`>${name}</text>`));
  assert.ok(svg.includes('<g class="hline" data-label="sequential">'));
});

test('line chart: higher values are drawn higher (SVG y grows downwards)', () => {
  const svg = lineChart({ title: 't', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', points: [{ x: 1, y: 1 }, { x: 2, y: 10 }] }] });
  checkWellFormed(svg);
  const cy = [...seriesGroup(svg, 's').matchAll(/cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(cy.length, 2);
  assert.ok(cy[1] < cy[0]);
});

test('bar chart: well-formed, one bar per defined value, labelled categories', () => {
  const svg = barChart({
    title: 'Workload scaling',
    categories: ['erc20', 'amm', 'chain'],
    series: [
      { name: 'measured, 2 threads', values: [1.7, 1.6, 0.9] },
      { name: 'predicted, 8 threads', values: [5.5, undefined, 1] },
    ],
    levels: [{ name: 'ideal', values: [900, 3, 1] }],
    y: { label: 'speedup' },
    hlines: [{ y: 1, label: 'sequential' }],
  });
  checkWellFormed(svg);
  assert.equal((seriesGroup(svg, 'measured, 2 threads').match(/<rect /g) ?? []).length, 3);
  assert.equal((seriesGroup(svg, 'predicted, 8 threads').match(/<rect /g) ?? []).length, 2);
  for (const c of ['erc20', 'amm', 'chain']) assert.ok(svg.includes(`>${c}</text>`));
  assert.ok(svg.includes('>5.5</text>'));
  // Levels are lines, one per category; the y axis is not stretched to 900: that one sits at the top, marked.
  const ideal = seriesGroup(svg, 'ideal');
  assert.equal((ideal.match(/<line /g) ?? []).length, 3);
  assert.ok(ideal.includes('>↑ 900</text>'));
  assert.ok(!svg.includes('>1000</text>'));
});

test('ticks and labels', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.5, 1]);
  assert.deepEqual(logTicks(2, 10000), [10, 100, 1000, 10000]);
  assert.deepEqual(logTicks(1, 50), [1, 2, 5, 10, 20, 50]);
  assert.equal(formatTick(10000), '10k');
  assert.equal(formatTick(1.256), '1.26');
  assert.equal(formatTick(0), '0');
});
