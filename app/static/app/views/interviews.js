// Interviews: upcoming and recent ones; one interview's rounds and questions with their ratings;
// and a quick way to log "I was asked X, I'd rate my answer 4".
import { ApiError, api } from '../api.js';
import { date, h, label, ratingBadge } from '../dom.js';

const CATEGORIES = ['behavioral', 'technical', 'coding', 'system_design', 'product', 'architecture', 'other'];

export async function render(root, ctx) {
  if (ctx.params[0]) return detail(root, ctx, Number(ctx.params[0]));
  return list(root, ctx);
}

function interviewRow(iv) {
  return h('li', {},
    h('a', { href: `/app/interviews/${iv.id}` },
      h('span', { class: 'company', text: iv.company.company_name }),
      h('span', { text: iv.role?.role_title || 'no role' }),
      h('span', { class: 'muted', text: date(iv.interview_date, true) }),
      h('span', { class: 'badge', text: label(iv.interview_status) }),
      iv.outcome ? h('span', { class: 'badge', text: label(iv.outcome) }) : null,
      iv.interview_type !== 'actual' ? h('span', { class: 'muted', text: label(iv.interview_type) }) : null,
      iv.overall_rating ? ratingBadge(iv.overall_rating) : null));
}

async function list(root, ctx) {
  const now = new Date().toISOString();
  const [upcoming, recent] = await Promise.all([
    api(`/api/interviews?date_from=${encodeURIComponent(now)}&sort_by=interview_date&sort_order=asc&page_size=10`, { signal: ctx.signal }),
    api(`/api/interviews?date_to=${encodeURIComponent(now)}&sort_by=interview_date&sort_order=desc&page_size=15`, { signal: ctx.signal }),
  ]);
  const section = (id, title, page, empty) => h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id, text: `${title} (${page.total})` }),
    page.items.length ? h('ul', { class: 'interview-list' }, page.items.map(interviewRow)) : h('p', { class: 'muted', text: empty }));
  root.append(
    h('h1', { text: 'Interviews' }),
    h('div', { class: 'two' },
      section('upcoming-title', 'Upcoming', upcoming, 'Nothing scheduled.'),
      section('recent-title', 'Recent', recent, 'No interviews yet.')));
}

async function detail(root, ctx, id) {
  let iv;
  try {
    iv = await api(`/api/interviews/${id}`, { signal: ctx.signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      root.append(h('h1', { text: 'Interview not found' }), h('p', {}, h('a', { href: '/app/interviews', text: '← All interviews' })));
      return;
    }
    throw err;
  }
  const title = `${iv.company.company_name}${iv.role ? ` — ${iv.role.role_title}` : ''}`;
  const rounds = new Map(iv.rounds.map((r) => [r.id, r]));
  const upcoming = iv.interview_date && new Date(iv.interview_date) > new Date() && iv.interview_status === 'scheduled';

  const questionList = h('ul', { class: 'qa', id: 'interview-questions' });
  const count = h('span');
  function showQuestions() {
    count.textContent = ` (${iv.questions.length})`;
    questionList.replaceChildren(...iv.questions.map((q) => h('li', {},
      h('span', {},
        h('span', { text: q.question.question_text }),
        h('br'),
        h('span', { class: 'muted', text: [label(q.question.question_category), label(q.question.question_difficulty), q.round_id && rounds.get(q.round_id) ? `round ${rounds.get(q.round_id).round_number}` : null].filter(Boolean).join(' · ') })),
      ratingBadge(q.answer_quality_rating))));
    if (!iv.questions.length) questionList.append(h('li', { class: 'muted', text: 'No questions logged yet.' }));
  }
  showQuestions();

  root.append(
    h('p', {}, h('a', { href: '/app/interviews', text: '← All interviews' })),
    h('h1', { text: title }),
    h('ul', { class: 'inline-list', style: 'margin-bottom:1rem' },
      h('li', { text: date(iv.interview_date, true) }),
      h('li', {}, h('span', { class: 'badge', text: label(iv.interview_status) })),
      iv.outcome ? h('li', {}, 'Outcome: ', h('strong', { text: label(iv.outcome) })) : null,
      h('li', { text: `${label(iv.interview_type)}${iv.is_remote ? ' · remote' : iv.location ? ` · ${iv.location}` : ''}` }),
      iv.overall_rating ? h('li', {}, 'Overall ', ratingBadge(iv.overall_rating)) : null,
      upcoming ? h('li', {}, h('a', { href: `/app/mock?interview=${iv.id}`, text: 'Prepare with a mock interview →' })) : null),
    iv.notes ? h('p', { class: 'card', text: iv.notes }) : null,
    h('div', { class: 'two' },
      h('section', { class: 'card', 'aria-labelledby': 'rounds-title' },
        h('h2', { id: 'rounds-title', text: `Rounds (${iv.rounds.length})` }),
        iv.rounds.length ? h('div', { class: 'table-wrap' }, h('table', {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: '#' }), h('th', { scope: 'col', text: 'Type' }), h('th', { scope: 'col', text: 'Date' }), h('th', { scope: 'col', text: 'Rating' }), h('th', { scope: 'col', text: 'Result' }))),
          h('tbody', {}, iv.rounds.map((r) => h('tr', {},
            h('td', { text: r.round_number }),
            h('td', {}, label(r.round_type), r.interviewer_name ? h('div', { class: 'muted', text: r.interviewer_name }) : null),
            h('td', { text: r.round_date ? new Date(r.round_date).toLocaleDateString() : '—' }),
            h('td', {}, r.round_rating ? ratingBadge(r.round_rating) : '—'),
            h('td', { text: r.passed === null ? '—' : r.passed ? 'passed' : 'not passed' })))))) : h('p', { class: 'muted', text: 'No rounds recorded.' })),
      h('section', { class: 'card', 'aria-labelledby': 'questions-title' },
        h('h2', { id: 'questions-title' }, 'Questions asked', count),
        questionList)),
    logForm(iv, rounds, async () => {
      iv = await api(`/api/interviews/${id}`, { signal: ctx.signal });
      showQuestions();
    }));
}

function logForm(iv, rounds, refresh) {
  const text = h('textarea', { id: 'log-question', rows: 2, required: true, maxlength: 2000, placeholder: 'e.g. How would you rate-limit an API?' });
  const category = h('select', { id: 'log-category' }, CATEGORIES.map((c) => h('option', { value: c, selected: c === 'other', text: c === 'other' ? 'Other / not sure' : label(c) })));
  const rating = h('input', { id: 'log-rating', type: 'number', min: 1, max: 10, step: 1, required: true, inputmode: 'numeric', style: 'width:6rem' });
  const round = h('select', { id: 'log-round' }, h('option', { value: '', text: 'Not a particular round' }),
    [...rounds.values()].map((r) => h('option', { value: r.id, text: `Round ${r.round_number} · ${label(r.round_type)}` })));
  const status = h('p', { id: 'log-status', role: 'status', class: 'muted' });
  const button = h('button', { type: 'submit', id: 'log-submit', text: 'Log question' });

  const form = h('form', { class: 'card', id: 'log-form', 'aria-labelledby': 'log-title' },
    h('h2', { id: 'log-title', text: 'Log a question from this interview' }),
    h('div', { class: 'field' }, h('label', { for: 'log-question', text: 'I was asked' }), text),
    h('div', { class: 'fields', style: 'margin-top:.6rem' },
      h('div', { class: 'field' }, h('label', { for: 'log-rating', text: 'I\'d rate my answer (1–10)' }), rating),
      h('div', { class: 'field' }, h('label', { for: 'log-category', text: 'Kind of question' }), category),
      rounds.size ? h('div', { class: 'field' }, h('label', { for: 'log-round', text: 'Round' }), round) : null,
      button),
    status);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    status.className = 'muted';
    status.textContent = 'Saving…';
    try {
      const questionText = text.value.trim();
      const questionId = await findOrCreateQuestion(questionText, category.value, iv.company_id);
      const link = { question_id: questionId, answer_quality_rating: Number(rating.value) };
      if (round.value) link.round_id = Number(round.value);
      let verb = 'Logged';
      try {
        await api(`/api/interviews/${iv.id}/questions`, { json: link });
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 409)) throw err;
        // Already linked to this interview: the new rating replaces the old one.
        const { question_id: _, ...changes } = link;
        await api(`/api/interviews/${iv.id}/questions/${questionId}`, { method: 'PATCH', json: changes });
        verb = 'Updated';
      }
      await refresh();
      status.className = 'ok';
      status.textContent = `${verb}: "${questionText}", rated ${rating.value}/10. It is in your review schedule now.`;
      text.value = '';
      rating.value = '';
      text.focus();
    } catch (err) {
      status.className = 'error';
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// The question from the bank with exactly this text (ignoring case and spacing), or a new one.
async function findOrCreateQuestion(questionText, category, companyId) {
  const normal = (t) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  const found = await api(`/api/questions?${new URLSearchParams({ q: questionText.slice(0, 200), page_size: '20' })}`).catch(() => ({ items: [] }));
  const same = found.items.find((q) => normal(q.question_text) === normal(questionText));
  if (same) return same.id;
  const created = await api('/api/questions', { json: { question_text: questionText, question_category: category, company_id: companyId } });
  return created.id;
}

