// Progress: four charts — ratings over time per category, skill × company, the funnel by CV
// version with its intervals, and reviews due over the next 14 days. Each redraws to the width
// it has, says in a sentence what it shows, and offers its numbers as a table.
import { api } from '../api.js';
import { barChart, dataTable, figure, heatLegend, heatMap, intervalChart, legend, lineChart, styleSeries } from '../charts.js';
import { h, label, number, percent, shortDate } from '../dom.js';

const MAX_SKILLS = 10;
const MAX_COMPANIES = 10;

export async function render(root, ctx) {
  const source = h('select', { id: 'trend-source' },
    [['interview', 'Real interviews'], ['practice', 'Practice self-ratings'], ['graded', 'Graded answers']]
      .map(([value, text]) => h('option', { value, text })));
  const bucket = h('select', { id: 'trend-bucket' },
    [['month', 'By month'], ['week', 'By week']].map(([value, text]) => h('option', { value, text })));
  const charts = h('div', { class: 'charts', id: 'charts' });
  root.append(
    h('h1', { text: 'Progress' }),
    h('div', { class: 'fields chart-controls' },
      h('div', { class: 'field' }, h('label', { for: 'trend-source', text: 'Ratings from' }), source),
      h('div', { class: 'field' }, h('label', { for: 'trend-bucket', text: 'Group' }), bucket)),
    charts);

  const data = {};
  const load = async () => {
    const [trends, skills, funnel, summary] = await Promise.all([
      api(`/api/stats/trends?bucket=${bucket.value}&source=${source.value}`, { signal: ctx.signal }),
      data.skills || api('/api/stats/skills', { signal: ctx.signal }),
      data.funnel || api('/api/stats/funnel?by=cv_version', { signal: ctx.signal }),
      data.summary || api('/api/review/summary', { signal: ctx.signal }),
    ]);
    Object.assign(data, { trends, skills, funnel, summary });
  };
  const draw = () => {
    const width = Math.max(280, Math.floor(charts.clientWidth - 34));
    charts.replaceChildren(
      trendFigure(data.trends, source.selectedOptions[0].text, width),
      heatFigure(data.skills, width),
      funnelFigure(data.funnel, width),
      forecastFigure(data.summary, width));
  };
  const reload = async () => { await load(); draw(); };
  source.addEventListener('change', reload);
  bucket.addEventListener('change', reload);
  let timer = null;
  let lastWidth = charts.clientWidth;
  const onResize = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (charts.clientWidth !== lastWidth) { lastWidth = charts.clientWidth; draw(); } }, 120);
  };
  window.addEventListener('resize', onResize);
  await reload();
  lastWidth = charts.clientWidth;
  return () => { window.removeEventListener('resize', onResize); clearTimeout(timer); };
}

function empty(text) {
  return h('p', { class: 'muted empty', text });
}

function trendFigure(report, sourceName, width) {
  const byCategory = new Map();
  for (const p of report.points) {
    if (p.category === null) continue;
    if (!byCategory.has(p.category)) byCategory.set(p.category, []);
    byCategory.get(p.category).push({ x: new Date(p.bucket_start), y: p.average_rating, n: p.ratings });
  }
  const names = [...byCategory.keys()].sort();
  const series = styleSeries(names.map(label)).map((style, i) => ({ ...style, points: byCategory.get(names[i]) }));
  const rows = report.points.filter((p) => p.category !== null)
    .map((p) => [`${shortDate(p.bucket_start)} · ${label(p.category)}`, number(p.average_rating), p.ratings]);
  const movement = series.filter((l) => l.points.length > 1).map((l) => {
    const pts = [...l.points].sort((a, b) => a.x - b.x);
    return `${l.name} ${pts[0].y.toFixed(1)} → ${pts[pts.length - 1].y.toFixed(1)}`;
  });
  const summary = series.length
    ? `Mean rating (1–10) per ${report.bucket} and question category, from ${sourceName.toLowerCase()}. First to latest: ${movement.join('; ') || 'one period so far'}.`
    : `No ratings from ${sourceName.toLowerCase()} yet.`;
  return figure({
    id: 'chart-trends',
    title: 'Answer rating over time',
    summary,
    chart: series.length ? lineChart({ width, series }) : empty('Nothing to draw yet.'),
    legend: series.length ? legend(series) : null,
    table: dataTable('Mean rating per period and category', ['Period · category', 'Mean rating', 'Ratings'], rows),
  });
}

function heatFigure(report, width) {
  const rated = report.skills.filter((sk) => sk.answers > 0).slice(0, MAX_SKILLS);
  const companyAnswers = new Map();
  for (const sk of rated) {
    for (const c of sk.by_company) companyAnswers.set(c.company_name, (companyAnswers.get(c.company_name) || 0) + c.answers);
  }
  const cols = [...companyAnswers.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_COMPANIES).map(([name]) => name).sort();
  const cells = new Map();
  const rows = [];
  let weakest = null;
  let strongest = null;
  for (const sk of rated) {
    for (const c of sk.by_company) {
      if (c.average_rating === null || !cols.includes(c.company_name)) continue;
      const entry = { value: c.average_rating, n: c.answers, skill: sk.skill_name, company: c.company_name };
      cells.set(`${sk.skill_name}|${c.company_name}`, entry);
      rows.push([`${sk.skill_name} at ${c.company_name}`, number(c.average_rating), c.answers]);
      if (!weakest || entry.value < weakest.value) weakest = entry;
      if (!strongest || entry.value > strongest.value) strongest = entry;
    }
  }
  const skillNames = rated.map((sk) => sk.skill_name);
  const summary = cells.size
    ? `Mean interview answer rating for your ${skillNames.length} weakest rated skills at the ${cols.length} companies that asked most. Weakest: ${weakest.skill} at ${weakest.company} (${weakest.value.toFixed(1)}); strongest: ${strongest.skill} at ${strongest.company} (${strongest.value.toFixed(1)}).`
    : 'No rated answers linked to skills yet.';
  const chart = cells.size
    ? h('div', { class: 'scroll' }, heatMap({ width, rows: skillNames, cols, cell: (r, c) => cells.get(`${r}|${c}`) }))
    : empty('Nothing to draw yet.');
  return figure({
    id: 'chart-skills',
    title: 'Skills × companies',
    summary,
    chart,
    legend: cells.size ? heatLegend() : null,
    table: dataTable('Mean rating per skill and company', ['Skill at company', 'Mean rating', 'Answers'], rows),
  });
}

function funnelFigure(report, width) {
  const groups = report.groups.map((g) => ({
    label: g.label,
    rate: g.success_rate,
    low: g.success_interval?.low ?? null,
    high: g.success_interval?.high ?? null,
  }));
  const described = report.groups.filter((g) => g.success_rate !== null).map((g) => `${g.label}: ${percent(g.success_rate)}`
    + (g.success_interval ? ` (95% interval ${percent(g.success_interval.low)}–${percent(g.success_interval.high)})` : '')
    + ` of ${g.decided} decided`);
  const summary = groups.length
    ? `Share of decided real interviews that advanced or got an offer, per CV version, with 95% Wilson intervals (wide intervals mean few interviews). ${described.join('; ')}.`
    : 'No real interviews yet.';
  return figure({
    id: 'chart-funnel',
    title: 'Funnel by CV version',
    summary,
    chart: groups.length ? intervalChart({ width, groups }) : empty('Nothing to draw yet.'),
    table: dataTable('Outcomes per CV version', ['CV version', 'Interviews', 'Advanced', 'Offers', 'Rejected', 'Ghosted', 'Success', '95% interval', 'Median days to reply'],
      report.groups.map((g) => [g.label, g.interviews, g.advanced, g.offers, g.rejected, g.ghosted, percent(g.success_rate),
        g.success_interval ? `${percent(g.success_interval.low)}–${percent(g.success_interval.high)}` : '—', number(g.median_response_days)])),
  });
}

function forecastFigure(summary, width) {
  const days = summary.forecast;
  const total = days.reduce((sum, d) => sum + d.due, 0);
  const busiest = days.reduce((best, d) => (d.due > (best?.due ?? 0) ? d : best), null);
  const when = (day) => new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const text = total
    ? `${total} reviews due over the next 14 days (the first day includes ${summary.overdue} overdue); the busiest day is ${when(busiest.day)} with ${busiest.due}.`
    : 'No reviews due in the next 14 days.';
  const bars = days.map((d) => ({
    label: new Date(`${d.day}T00:00:00Z`).getUTCDate(),
    title: when(d.day),
    value: d.due,
  }));
  return figure({
    id: 'chart-forecast',
    title: 'Reviews due, next 14 days',
    summary: text,
    chart: barChart({ width, bars }),
    table: dataTable('Reviews due per day', ['Day', 'Due'], days.map((d) => [when(d.day), d.due])),
  });
}
