/**
 * Small, dependency-free SVG charts for the benchmark reports: a line chart
 * (linear or log-10 axes, markers, dashed series, reference lines) and a
 * grouped bar chart. The output is a standalone SVG 1.1 document that any
 * browser or `rsvg-convert` renders; every series is a `<g>` carrying a
 * `data-series` attribute so tests and scripts can find it.
 */

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond' | 'none';

export interface LineSeries {
  name: string;
  points: readonly { x: number; y: number }[];
  color?: string;
  /** SVG stroke-dasharray, e.g. "6 4"; solid when absent. */
  dash?: string;
  marker?: Marker;
}

export interface Axis {
  label: string;
  log?: boolean;
  /** Tick positions (default: powers of ten on a log axis, "nice" steps on a linear one). */
  ticks?: readonly number[];
  min?: number;
  max?: number;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  x: Axis;
  y: Axis;
  series: readonly LineSeries[];
  /** Horizontal lines across the plot, e.g. y = 1 (no speedup). */
  hlines?: readonly { y: number; label: string }[];
  width?: number;
  height?: number;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  categories: readonly string[];
  /** values[i] belongs to categories[i]; undefined leaves a gap. */
  series: readonly { name: string; values: readonly (number | undefined)[]; color?: string }[];
  /** Per-category levels drawn across each group (not bars), e.g. an ideal bound. */
  levels?: readonly { name: string; values: readonly (number | undefined)[]; color?: string }[];
  y: Axis;
  hlines?: readonly { y: number; label: string }[];
  width?: number;
  height?: number;
}

/** Colour-blind-safe palette (Okabe & Ito, 2008). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const MARKERS: Marker[] = ['circle', 'square', 'triangle', 'diamond'];

const MARGIN = { top: 56, right: 150, bottom: 56, left: 64 };

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A number short enough for a tick or bar label: 2, 0.5, 1.25, 1k, 10k. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 && Number.isInteger(v / 1000)) return `${v / 1000}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return String(Number(v.toFixed(1)));
  return String(Number(v.toFixed(2)));
}

/** Ticks at 1, 2 or 5 × 10^k covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten covering [min, max] (with 2× and 5× when it spans under two decades). */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const mult = Math.log10(max / min) < 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of mult) {
    const v = m * 10 ** e;
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
  }
  return out;
}

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  /** Data value → pixel. */
  at(v: number): number;
}

function makeScale(axis: Axis, values: number[], from: number, to: number, zeroBased: boolean): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!axis.log || v > 0));
  let min = axis.min ?? (finite.length > 0 ? Math.min(...finite) : 0);
  let max = axis.max ?? (finite.length > 0 ? Math.max(...finite) : 1);
  if (axis.log) {
    if (!(min > 0)) throw new RangeError(`log axis '${axis.label}' needs positive values`);
    if (axis.min === undefined) min /= 1.25;
    if (axis.max === undefined) max *= 1.25;
    if (max <= min) max = min * 10;
    const l0 = Math.log10(min);
    const l1 = Math.log10(max);
    const ticks = (axis.ticks ?? logTicks(min, max)).filter((t) => t >= min && t <= max);
    return { min, max, ticks, at: (v) => from + ((Math.log10(v) - l0) / (l1 - l0)) * (to - from) };
  }
  if (zeroBased && axis.min === undefined) min = Math.min(0, min);
  if (axis.max === undefined && max > min) {
    // Round the top up to a tick, with some headroom above the highest point.
    const t = niceTicks(min, max + (max - min) * 0.06);
    const step = t.length > 1 ? t[1] - t[0] : max - min;
    max = Math.ceil((max + (max - min) * 0.06) / step - 1e-9) * step;
  }
  if (max <= min) max = min + 1;
  const ticks = (axis.ticks ?? niceTicks(min, max)).filter((t) => t >= min - 1e-9 && t <= max + 1e-9);
  return { min, max, ticks, at: (v) => from + ((v - min) / (max - min)) * (to - from) };
}

function marker(kind: Marker, x: number, y: number, color: string): string {
  const p = (n: number) => n.toFixed(1);
  switch (kind) {
    case 'circle':
      return `<circle cx="${p(x)}" cy="${p(y)}" r="4" fill="${color}"/>`;
    case 'square':
      return `<rect x="${p(x - 3.5)}" y="${p(y - 3.5)}" width="7" height="7" fill="${color}"/>`;
    case 'triangle':
      return `<path d="M${p(x)},${p(y - 4.5)} L${p(x + 4.5)},${p(y + 3.5)} L${p(x - 4.5)},${p(y + 3.5)} Z" fill="${color}"/>`;
    case 'diamond':
      return `<path d="M${p(x)},${p(y - 5)} L${p(x + 5)},${p(y)} L${p(x)},${p(y + 5)} L${p(x - 5)},${p(y)} Z" fill="${color}"/>`;
    default:
      return '';
  }
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Room for the legend: its longest name at ~6.6 px a character (12 px Helvetica), plus the key. */
function legendWidth(names: readonly string[]): number {
  return Math.max(MARGIN.right, 56 + Math.ceil(6.6 * Math.max(0, ...names.map((n) => n.length))));
}

function frameOf(width: number, height: number, names: readonly string[]): Frame {
  const right = legendWidth(names);
  return { width, height, left: MARGIN.left, right: width - right, top: MARGIN.top, bottom: height - MARGIN.bottom };
}

/** The document, background, titles and axis labels. */
function open(f: Frame, title: string, subtitle: string | undefined, xLabel: string, yLabel: string): string[] {
  const cx = (f.left + f.right) / 2;
  const cy = (f.top + f.bottom) / 2;
  // Titles are centred on the whole document: they may be wider than the plot.
  const mid = f.width / 2;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${f.width}" height="${f.height}" fill="#ffffff"/>`,
    `<text x="${mid}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    subtitle === undefined ? '' : `<text x="${mid}" y="42" text-anchor="middle" font-size="11" fill="#555555">${escapeXml(subtitle)}</text>`,
    `<text x="${cx}" y="${f.height - 14}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(yLabel)}</text>`,
  ].filter((l) => l !== '');
}

/** Horizontal grid lines and y tick labels, the plot's border. */
function yAxis(f: Frame, y: Scale): string[] {
  const out = ['<g class="y-axis">'];
  for (const t of y.ticks) {
    const py = y.at(t).toFixed(1);
    out.push(`<line x1="${f.left}" y1="${py}" x2="${f.right}" y2="${py}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${f.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.right - f.left}" height="${f.bottom - f.top}" fill="none" stroke="#333333"/>`, '</g>');
  return out;
}

function hlines(f: Frame, y: Scale, lines: readonly { y: number; label: string }[] | undefined): string[] {
  const out: string[] = [];
  for (const h of lines ?? []) {
    if (h.y < y.min || h.y > y.max) continue;
    const py = y.at(h.y).toFixed(1);
    // Named in the legend (hlineItems), not beside the line: there a label collides with series or the legend.
    out.push(`<g class="hline" data-label="${escapeXml(h.label)}"><line x1="${f.left}" y1="${py}" x2="${f.right}" y2="${py}" stroke="${HLINE_COLOR}" stroke-dasharray="${HLINE_DASH}"/></g>`);
  }
  return out;
}

const HLINE_COLOR = '#888888';
const HLINE_DASH = '2 3';

function hlineItems(lines: readonly { label: string }[] | undefined) {
  return (lines ?? []).map((h) => ({ name: h.label, color: HLINE_COLOR, dash: HLINE_DASH, thin: true }));
}

function legend(f: Frame, items: { name: string; color: string; dash?: string; marker?: Marker; bar?: boolean; thin?: boolean }[]): string[] {
  const out = ['<g class="legend">'];
  items.forEach((it, i) => {
    const x = f.right + 16;
    const y = f.top + 8 + i * 20;
    if (it.bar) out.push(`<rect x="${x}" y="${y - 6}" width="22" height="12" fill="${it.color}"/>`);
    else {
      out.push(`<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${it.color}" stroke-width="${it.thin ? 1 : 2}"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
      out.push(marker(it.marker ?? 'none', x + 11, y, it.color));
    }
    out.push(`<text x="${x + 28}" y="${y}" dominant-baseline="middle">${escapeXml(it.name)}</text>`);
  });
  out.push('</g>');
  return out;
}

/** A line chart; points with a non-finite coordinate (or ≤ 0 on a log axis) are left out. */
export function lineChart(o: LineChartOptions): string {
  const names = [...o.series.map((s) => s.name), ...(o.hlines ?? []).map((h) => h.label)];
  const f = frameOf(o.width ?? 640 + legendWidth(names), o.height ?? 480, names);
  const ok = (v: number, log: boolean | undefined) => Number.isFinite(v) && (!log || v > 0);
  const xs = o.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [...o.series.flatMap((s) => s.points.map((p) => p.y)), ...(o.hlines ?? []).map((h) => h.y)];
  const x = makeScale(o.x, xs, f.left, f.right, false);
  const y = makeScale(o.y, ys, f.bottom, f.top, true);
  const out = open(f, o.title, o.subtitle, o.x.label, o.y.label);
  out.push('<g class="x-axis">');
  for (const t of x.ticks) {
    const px = x.at(t).toFixed(1);
    out.push(`<line x1="${px}" y1="${f.top}" x2="${px}" y2="${f.bottom}" stroke="#f0f0f0"/>`);
    out.push(`<line x1="${px}" y1="${f.bottom}" x2="${px}" y2="${f.bottom + 5}" stroke="#333333"/>`);
    out.push(`<text x="${px}" y="${f.bottom + 18}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push('</g>', ...yAxis(f, y), ...hlines(f, y, o.hlines));
  const items = o.series.map((s, i) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], dash: s.dash, marker: s.marker ?? MARKERS[i % MARKERS.length] }));
  o.series.forEach((s, i) => {
    const { color, dash, marker: m } = items[i];
    const pts = s.points.filter((p) => ok(p.x, o.x.log) && ok(p.y, o.y.log)).map((p) => [x.at(p.x), y.at(p.y)] as const);
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    if (pts.length > 1) {
      const d = pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    }
    for (const [px, py] of pts) out.push(marker(m, px, py, color));
    out.push('</g>');
  });
  out.push(...legend(f, [...items, ...hlineItems(o.hlines)]), '</svg>', '');
  return out.join('\n');
}

/**
 * Grouped bars: one group per category, one bar per series, the value above
 * each bar. `levels` are drawn as a dashed line across a whole group (e.g.
 * an upper bound); they do not stretch the y axis, and one above it is drawn
 * at the top edge with its value and an arrow.
 */
export function barChart(o: BarChartOptions): string {
  const names = [...o.series.map((s) => s.name), ...(o.levels ?? []).map((l) => l.name), ...(o.hlines ?? []).map((h) => h.label)];
  const bars = o.series.length;
  const f = frameOf(o.width ?? Math.max(560, 80 + o.categories.length * (28 + 22 * bars)) + legendWidth(names), o.height ?? 460, names);
  const values = [...o.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined)), ...(o.hlines ?? []).map((h) => h.y)];
  const y = makeScale({ ...o.y, log: false }, values, f.bottom, f.top, true);
  const out = open(f, o.title, o.subtitle, '', o.y.label);
  out.push(...yAxis(f, y));
  const group = (f.right - f.left) / Math.max(1, o.categories.length);
  const bar = Math.min(28, (group * 0.8) / Math.max(1, bars));
  const colors = o.series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]);
  const x0 = (ci: number) => f.left + group * (ci + 0.5) - (bar * bars) / 2;
  out.push('<g class="x-axis">');
  o.categories.forEach((c, ci) => {
    out.push(`<text x="${(f.left + group * (ci + 0.5)).toFixed(1)}" y="${f.bottom + 18}" text-anchor="middle">${escapeXml(c)}</text>`);
  });
  out.push('</g>');
  const base = y.at(Math.max(0, y.min));
  o.series.forEach((s, si) => {
    out.push(`<g class="series" data-series="${escapeXml(s.name)}">`);
    o.categories.forEach((_, ci) => {
      const v = s.values[ci];
      if (v === undefined || !Number.isFinite(v)) return;
      const bx = x0(ci) + si * bar;
      const by = y.at(Math.min(v, y.max));
      const top = Math.min(by, base);
      out.push(`<rect x="${bx.toFixed(1)}" y="${top.toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${Math.abs(base - by).toFixed(1)}" fill="${colors[si]}"/>`);
      out.push(`<text x="${(bx + (bar - 2) / 2).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle" font-size="9">${formatTick(v)}</text>`);
    });
    out.push('</g>');
  });
  const levelItems = (o.levels ?? []).map((l, li) => ({ name: l.name, color: l.color ?? '#333333', dash: '5 3' as string | undefined, li }));
  for (const { name, color, dash, li } of levelItems) {
    const l = o.levels![li];
    out.push(`<g class="series" data-series="${escapeXml(name)}">`);
    o.categories.forEach((_, ci) => {
      const v = l.values[ci];
      if (v === undefined || !Number.isFinite(v)) return;
      const over = v > y.max;
      const ly = y.at(over ? y.max : v);
      const a = x0(ci) - 3;
      const b = x0(ci) + bar * bars + 1;
      out.push(`<line x1="${a.toFixed(1)}" y1="${ly.toFixed(1)}" x2="${b.toFixed(1)}" y2="${ly.toFixed(1)}" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/>`);
      const label = over ? `↑ ${formatTick(v)}` : formatTick(v);
      out.push(`<text x="${((a + b) / 2).toFixed(1)}" y="${(ly + (over ? 12 : -4)).toFixed(1)}" text-anchor="middle" font-size="10" fill="${color}">${escapeXml(label)}</text>`);
    });
    out.push('</g>');
  }
  out.push(...hlines(f, y, o.hlines));
  out.push(
    ...legend(f, [
      ...o.series.map((s, i) => ({ name: s.name, color: colors[i], bar: true })),
      ...levelItems.map(({ name, color, dash }) => ({ name, color, dash })),
      ...hlineItems(o.hlines),
    ]),
    '</svg>',
    '',
  );
  return out.join('\n');
}
