// Charts drawn as SVG in plain JS. Every chart is a <figure>: a title, a sentence that says what
// it shows (the text alternative, also the SVG's accessible name), the drawing, and the same
// numbers as a table. Drawn marks carry the class "mark" and a <title> with their value.
// Colours are the Okabe–Ito palette (distinguishable with colour-blindness); lines also differ
// by dash pattern, and heat-map cells print their number.
import { h, s, shortDate } from './dom.js';

export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['', '7 4', '2 4', '10 4 2 4', '4 2', '1 3', '12 3'];

export function figure({ id, title, summary, chart, legend = null, table }) {
  const svgs = chart instanceof SVGElement ? [chart] : [...chart.querySelectorAll('svg')];
  for (const svg of svgs) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-labelledby', `${id}-title ${id}-summary`);
  }
  return h('figure', { class: 'chart', id, 'aria-labelledby': `${id}-title` },
    h('figcaption', {},
      h('h2', { id: `${id}-title`, text: title }),
      h('p', { class: 'summary', id: `${id}-summary`, text: summary })),
    chart,
    legend,
    h('details', { class: 'data' },
      h('summary', { text: 'Show the data as a table' }),
      h('div', { class: 'table-wrap' }, table)));
}

export function dataTable(caption, headers, rows) {
  return h('table', {},
    h('caption', { class: 'muted', style: 'text-align:left', text: caption }),
    h('thead', {}, h('tr', {}, headers.map((t, i) => h('th', { scope: 'col', class: i ? 'num' : null, text: t })))),
    h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) => (i
      ? h('td', { class: 'num', text: cell ?? '—' })
      : h('th', { scope: 'row', text: cell })))))));
}

export function legend(series) {
  return h('ul', { class: 'legend' }, series.map((line) => h('li', {},
    h('span', { class: 'swatch', style: `background:${line.color}`, 'aria-hidden': 'true' }), line.name)));
}

function svgRoot(width, height) {
  return s('svg', { width, height, viewBox: `0 0 ${width} ${height}` });
}

function ticks(min, max, count) {
  const out = [];
  for (let i = 0; i <= count; i++) out.push(min + ((max - min) * i) / count);
  return out;
}

// Lines over time: series [{name, color, dash, points: [{x: Date, y, n}]}], y from yMin to yMax.
export function lineChart({ width, height = 260, series, yMin = 1, yMax = 10, yLabel = 'rating' }) {
  const m = { top: 22, right: 14, bottom: 30, left: 34 };
  const svg = svgRoot(width, height);
  const all = series.flatMap((line) => line.points);
  const xs = all.map((p) => p.x.getTime());
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x0 === x1) { x0 -= 86400000 * 7; x1 += 86400000 * 7; }
  const X = (t) => m.left + ((t - x0) / (x1 - x0)) * (width - m.left - m.right);
  const Y = (v) => m.top + (1 - (v - yMin) / (yMax - yMin)) * (height - m.top - m.bottom);
  const grid = s('g', { class: 'grid', 'aria-hidden': 'true' });
  for (const v of [2, 4, 6, 8, 10].filter((v) => v >= yMin && v <= yMax)) {
    grid.append(
      s('line', { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), stroke: '#e2e8f0' }),
      s('text', { x: m.left - 6, y: Y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  const count = Math.max(2, Math.min(6, Math.floor((width - m.left) / 90)));
  ticks(x0, x1, count).forEach((t, i, all) => {
    const anchor = i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle';
    grid.append(s('text', { x: X(t), y: height - 8, 'text-anchor': anchor, text: shortDate(t) }));
  });
  grid.append(s('line', { x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom, stroke: '#94a3b8' }));
  grid.append(s('text', { x: 4, y: 11, 'font-size': 11, text: yLabel }));
  svg.append(grid);
  for (const line of series) {
    const points = [...line.points].sort((a, b) => a.x - b.x);
    const g = s('g', { class: 'series' });
    g.append(s('path', {
      class: 'mark line',
      d: points.map((p, i) => `${i ? 'L' : 'M'}${X(p.x.getTime()).toFixed(1)},${Y(p.y).toFixed(1)}`).join(''),
      fill: 'none', stroke: line.color, 'stroke-width': 2.25, 'stroke-dasharray': line.dash || null,
    }, s('title', { text: line.name })));
    for (const p of points) {
      g.append(s('circle', { class: 'mark point', cx: X(p.x.getTime()), cy: Y(p.y), r: 3.5, fill: line.color },
        s('title', { text: `${line.name}, ${shortDate(p.x)}: ${p.y.toFixed(1)}${p.n ? ` (${p.n} ratings)` : ''}` })));
    }
    svg.append(g);
  }
  return svg;
}

export function styleSeries(names) {
  return names.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length] }));
}

// Rating 1–10 → a diverging colour: red-brown (weak) through near-white to blue (strong).
function heatColour(value) {
  const stops = [[1, [178, 24, 43]], [5.5, [247, 247, 247]], [10, [33, 102, 172]]];
  const v = Math.max(1, Math.min(10, value));
  const [[a, ca], [b, cb]] = v <= 5.5 ? [stops[0], stops[1]] : [stops[1], stops[2]];
  const t = (v - a) / (b - a);
  const c = ca.map((x, i) => Math.round(x + (cb[i] - x) * t));
  return { fill: `rgb(${c.join(',')})`, ink: v < 3 || v > 8.2 ? '#ffffff' : '#0f172a' };
}

// rows × cols of {value, n} (or missing): cells that print their value.
export function heatMap({ width, rows, cols, cell }) {
  const left = width < 500 ? 112 : 170;
  const top = 96;
  const size = Math.max(34, Math.min(56, Math.floor((width - left - 8) / Math.max(1, cols.length))));
  const w = left + size * cols.length + 8;
  const hgt = top + size * rows.length + 8;
  const svg = svgRoot(w, hgt);
  const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  cols.forEach((col, j) => {
    const x = left + j * size + size / 2;
    svg.append(s('text', { x, y: top - 6, transform: `rotate(-45 ${x} ${top - 6})`, 'text-anchor': 'start' },
      clip(col, 16), s('title', { text: col })));
  });
  rows.forEach((row, i) => {
    const y = top + i * size;
    svg.append(s('text', { x: left - 6, y: y + size / 2 + 4, 'text-anchor': 'end' }, clip(row, width < 500 ? 15 : 24), s('title', { text: row })));
    cols.forEach((col, j) => {
      const x = left + j * size;
      const c = cell(row, col);
      if (!c) {
        svg.append(s('rect', { x: x + 1, y: y + 1, width: size - 2, height: size - 2, fill: '#f1f5f9', rx: 3 },
          s('title', { text: `${row} at ${col}: not asked` })));
        return;
      }
      const colour = heatColour(c.value);
      svg.append(s('g', { class: 'cell' },
        s('rect', { class: 'mark', x: x + 1, y: y + 1, width: size - 2, height: size - 2, fill: colour.fill, rx: 3, stroke: '#cbd5e1' },
          s('title', { text: `${row} at ${col}: ${c.value.toFixed(1)} over ${c.n} answers` })),
        s('text', { x: x + size / 2, y: y + size / 2 + 4, 'text-anchor': 'middle', style: `fill:${colour.ink}`, 'font-size': 11, text: c.value.toFixed(1) })));
    });
  });
  return svg;
}

export function heatLegend() {
  const stops = [1, 3, 5.5, 8, 10].map((v) => ({ v, ...heatColour(v) }));
  return h('ul', { class: 'legend' }, h('li', { class: 'muted', text: 'Mean rating:' }), stops.map((st) => h('li', {},
    h('span', { class: 'swatch', style: `background:${st.fill};height:.8rem;border:1px solid #94a3b8`, 'aria-hidden': 'true' }),
    st.v === 1 ? '1 (weak)' : st.v === 10 ? '10 (strong)' : String(st.v))));
}

// Rates with 95% intervals: groups [{label, rate, low, high, note}] on a 0–100% axis.
export function intervalChart({ width, groups }) {
  const left = Math.min(190, Math.round(width * 0.36));
  const right = 16;
  const row = 36;
  const top = 8;
  const height = top + row * groups.length + 30;
  const svg = svgRoot(width, height);
  const X = (p) => left + p * (width - left - right);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s('line', { x1: X(t), x2: X(t), y1: top, y2: height - 26, stroke: '#e2e8f0', 'aria-hidden': 'true' }),
      s('text', { x: X(t), y: height - 8, 'text-anchor': 'middle', text: `${t * 100}%` }));
  }
  groups.forEach((g, i) => {
    const y = top + i * row + row / 2;
    const clip = Math.floor((left - 12) / 7);
    svg.append(s('text', { x: left - 8, y: y + 4, 'text-anchor': 'end' },
      g.label.length > clip ? `${g.label.slice(0, clip - 1)}…` : g.label, s('title', { text: g.label })));
    if (g.rate === null || g.rate === undefined) {
      svg.append(s('text', { x: X(0) + 6, y: y + 4, class: 'muted', text: 'no decided interviews yet' }));
      return;
    }
    const detail = `${g.label}: ${Math.round(g.rate * 100)}% success` + (g.low !== null ? `, 95% interval ${Math.round(g.low * 100)}–${Math.round(g.high * 100)}%` : '');
    const mark = s('g', { class: 'interval' }, s('title', { text: detail }));
    mark.append(s('rect', { class: 'mark bar', x: X(0), y: y - 7, width: Math.max(1, X(g.rate) - X(0)), height: 14, fill: '#c7d2fe', rx: 2 }));
    if (g.low !== null && g.low !== undefined) {
      mark.append(
        s('line', { class: 'mark whisker', x1: X(g.low), x2: X(g.high), y1: y, y2: y, stroke: '#1e1b4b', 'stroke-width': 2 }),
        s('line', { x1: X(g.low), x2: X(g.low), y1: y - 6, y2: y + 6, stroke: '#1e1b4b', 'stroke-width': 2 }),
        s('line', { x1: X(g.high), x2: X(g.high), y1: y - 6, y2: y + 6, stroke: '#1e1b4b', 'stroke-width': 2 }));
    }
    mark.append(s('circle', { class: 'mark point', cx: X(g.rate), cy: y, r: 5, fill: '#3730a3' }));
    svg.append(mark);
  });
  return svg;
}

// Vertical bars: bars [{label, title, value}].
export function barChart({ width, height = 220, bars }) {
  const m = { top: 18, right: 8, bottom: 28, left: 30 };
  const svg = svgRoot(width, height);
  const top = Math.max(1, ...bars.map((b) => b.value));
  const unit = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000].find((u) => top / u <= 4) || Math.ceil(top / 4);
  const max = Math.ceil(top / unit) * unit;
  const step = (width - m.left - m.right) / Math.max(1, bars.length);
  const Y = (v) => m.top + (1 - v / max) * (height - m.top - m.bottom);
  for (let v = 0; v <= max; v += unit) {
    svg.append(
      s('line', { x1: m.left, x2: width - m.right, y1: Y(v), y2: Y(v), stroke: '#e2e8f0', 'aria-hidden': 'true' }),
      s('text', { x: m.left - 6, y: Y(v) + 4, 'text-anchor': 'end', text: v }));
  }
  bars.forEach((b, i) => {
    const x = m.left + i * step;
    const bw = Math.max(2, step * 0.7);
    if (b.value > 0) {
      svg.append(s('rect', { class: 'mark bar', x: x + (step - bw) / 2, y: Y(b.value), width: bw, height: Y(0) - Y(b.value), fill: '#0072B2', rx: 2 },
        s('title', { text: `${b.title}: ${b.value}` })));
      svg.append(s('text', { x: x + step / 2, y: Y(b.value) - 4, 'text-anchor': 'middle', 'font-size': 11, text: b.value }));
    }
    svg.append(s('text', { x: x + step / 2, y: height - 10, 'text-anchor': 'middle', 'font-size': 11, text: b.label }));
  });
  svg.append(s('line', { x1: m.left, x2: width - m.right, y1: Y(0), y2: Y(0), stroke: '#94a3b8' }));
  return svg;
}
