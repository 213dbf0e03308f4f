// Practice: the review queue one question at a time — why it is due, answer it and get the
// rubric's grade, or rate yourself quickly; then see when it comes back.
import { renderMarkdown } from '/static/markdown.js';
import { api } from '../api.js';
import { date, h, label, ratingBadge, relative } from '../dom.js';

const CATEGORIES = ['behavioral', 'technical', 'coding', 'system_design', 'product', 'architecture', 'other'];
const RATINGS = [
  ['again', 'Again', "couldn't answer"],
  ['hard', 'Hard', 'struggled'],
  ['good', 'Good', 'solid answer'],
  ['easy', 'Easy', 'effortless'],
];

export async function render(root, ctx) {
  const seen = new Set(); // questions done in this visit: the queue moves on even if FSRS repeats one
  const stats = h('ul', { class: 'stats', id: 'practice-summary', 'aria-label': 'Your review schedule' });
  const category = h('select', { id: 'practice-category' }, h('option', { value: '', text: 'All categories' }),
    CATEGORIES.map((c) => h('option', { value: c, text: label(c) })));
  const slot = h('div', { id: 'practice-card' });
  root.append(
    h('h1', { text: 'Practice' }),
    stats,
    h('div', { class: 'fields', style: 'margin-bottom:1rem' },
      h('div', { class: 'field' }, h('label', { for: 'practice-category', text: 'Practise' }), category)),
    slot);
  category.addEventListener('change', () => next());

  async function loadSummary() {
    const s = await api('/api/review/summary', { signal: ctx.signal });
    const stat = (value, text) => h('li', {}, h('strong', { text: value }), h('span', { class: 'muted', text }));
    stats.replaceChildren(
      stat(s.due_now, 'due now'),
      stat(s.due_today, 'due today'),
      stat(s.reviewed_last_7_days, 'reviewed in 7 days'),
      stat(s.cards, 'questions scheduled'));
  }

  async function next() {
    const params = new URLSearchParams({ limit: '50' });
    if (category.value) params.set('category', category.value);
    const queue = await api(`/api/review/queue?${params}`, { signal: ctx.signal });
    const item = queue.items.find((i) => !seen.has(i.question.id));
    if (!item) {
      slot.replaceChildren(h('section', { class: 'card' },
        h('h2', { text: 'Nothing left to practise here' }),
        h('p', { class: 'muted', text: queue.total ? 'You went through every question in this list. Come back when more are due.' : 'Log questions from your interviews, or grade an answer in the Coach, and they will be scheduled here.' })));
      return;
    }
    show(item, queue);
  }

  function show(item, queue) {
    const q = item.question;
    const answer = h('textarea', { id: 'practice-answer', rows: 6, placeholder: 'Answer as you would in the interview…' });
    const gradeButton = h('button', { type: 'submit', id: 'practice-grade', text: 'Grade my answer' });
    const result = h('div', { id: 'practice-result', 'aria-live': 'polite' });
    const rateButtons = RATINGS.map(([value, text, hint]) => h('button', {
      type: 'button', class: value, dataset: { rating: value }, onclick: () => rate(value),
    }, text, h('small', { text: hint })));
    const controls = [answer, gradeButton, ...rateButtons];
    const busy = (on) => { for (const c of controls) c.disabled = on; };

    const form = h('form', { id: 'practice-form' },
      h('div', { class: 'field' }, h('label', { for: 'practice-answer', text: 'Your answer' }), answer),
      h('div', { class: 'row', style: 'margin-top:.5rem' }, gradeButton, h('span', { class: 'muted', text: 'graded against the specialist\'s rubric' })));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!answer.value.trim()) { answer.focus(); return; }
      busy(true);
      result.replaceChildren(h('p', { class: 'muted', text: 'Grading…' }));
      try {
        const grade = await api('/api/agents/grade', { json: { question_id: q.id, answer: answer.value }, signal: ctx.signal });
        done(graded(grade));
      } catch (err) {
        busy(false);
        result.replaceChildren(h('p', { class: 'error', role: 'alert', text: err.message }));
      }
    });

    async function rate(value) {
      busy(true);
      try {
        const r = await api(`/api/review/${q.id}`, { json: { rating: value }, signal: ctx.signal });
        done(h('div', {}, h('p', {}, 'You rated it ', h('strong', { text: value }), '.'), nextDue(r.card.due, r.interval)));
      } catch (err) {
        busy(false);
        result.replaceChildren(h('p', { class: 'error', role: 'alert', text: err.message }));
      }
    }

    function done(node) {
      seen.add(q.id);
      const nextButton = h('button', { type: 'button', id: 'practice-next', text: 'Next question →', onclick: () => next() });
      result.replaceChildren(node, h('div', { class: 'row', style: 'margin-top:.8rem' }, nextButton));
      nextButton.focus();
      loadSummary().catch(() => {});
    }

    slot.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'practice-question' },
      h('p', { class: 'muted' },
        `${label(q.question_category)} · ${label(q.question_difficulty)} · `,
        item.is_due ? h('strong', { text: 'due now' }) : `due ${relative(item.card.due)}`,
        ` · ${queue.due} due of ${queue.total}`),
      h('h2', { class: 'question-text', id: 'practice-question', text: q.question_text }),
      h('p', { class: 'reason', id: 'practice-reason' }, h('strong', { text: 'Why now: ' }), item.reason),
      item.last_rating ? h('p', { class: 'muted' }, `Last time: ${item.last_rating.rating}`,
        item.last_rating.score ? ` (${item.last_rating.score}/10)` : '', ` from ${label(item.last_rating.source).toLowerCase()}`,
        item.last_reviewed_at ? `, ${relative(item.last_reviewed_at)}` : '') : null,
      form,
      h('div', { role: 'group', 'aria-labelledby': 'rate-title', style: 'margin-top:1rem' },
        h('h3', { id: 'rate-title', text: 'Or rate yourself quickly' }),
        h('div', { class: 'rate' }, rateButtons)),
      result));
  }

  await loadSummary();
  await next();
}

function nextDue(due, interval) {
  return h('p', { class: 'next-due', dataset: { testid: 'next-due' } },
    `Next review: ${date(due)}`, interval ? ` (in ${interval})` : ` (${relative(due)})`);
}

function graded(g) {
  const outline = h('div', { class: 'answer' });
  renderMarkdown(outline, g.better_answer_outline || '');
  return h('div', { id: 'practice-grade-result' },
    h('p', {}, h('span', { class: 'big', dataset: { testid: 'overall' }, text: `${g.overall}/10` }), ' ', h('span', { class: 'muted', text: `graded by ${g.agent_name} · ${g.model}` })),
    nextDue(g.card.due),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'muted', style: 'text-align:left', text: 'Rubric' }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Criterion' }), h('th', { scope: 'col', class: 'num', text: 'Score' }), h('th', { scope: 'col', text: 'Advice' }))),
      h('tbody', {}, g.criteria.map((c) => h('tr', {},
        h('th', { scope: 'row', text: c.criterion }),
        h('td', { class: 'num' }, ratingBadge(c.score)),
        h('td', { text: c.advice })))))),
    g.strengths.length ? [h('h3', { text: 'Strengths' }), h('ul', {}, g.strengths.map((t) => h('li', { text: t })))] : null,
    g.improvements.length ? [h('h3', { text: 'To improve' }), h('ul', {}, g.improvements.map((t) => h('li', { text: t })))] : null,
    h('details', {}, h('summary', { text: 'A better answer, outlined' }), outline));
}
