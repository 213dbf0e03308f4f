// Mock interview: plan one for an upcoming interview (or a company and role), answer question by
// question while the interviewer's reply streams, then finish and read the report.
import { renderMarkdown } from '/static/markdown.js';
import { ApiError, api, isQuiet, stream } from '../api.js';
import { date, h, label, number, ratingBadge } from '../dom.js';

export async function render(root, ctx) {
  if (ctx.params[0]) return session(root, ctx, Number(ctx.params[0]));
  return start(root, ctx);
}

// ---- plan a mock -------------------------------------------------------------------------------

async function start(root, ctx) {
  const now = new Date().toISOString();
  const [upcoming, companies, roles, mocks] = await Promise.all([
    api(`/api/interviews?date_from=${encodeURIComponent(now)}&interview_status=scheduled&sort_by=interview_date&sort_order=asc&page_size=20`, { signal: ctx.signal }),
    api('/api/companies?page_size=100', { signal: ctx.signal }),
    api('/api/roles?page_size=100', { signal: ctx.signal }),
    api('/api/mock-interviews?page_size=10', { signal: ctx.signal }),
  ]);
  const wanted = ctx.query.get('interview');
  const forInterview = h('input', { type: 'radio', name: 'target', id: 'target-interview', value: 'interview', checked: upcoming.items.length > 0 });
  const forCompany = h('input', { type: 'radio', name: 'target', id: 'target-company', value: 'company', checked: upcoming.items.length === 0 });
  const interview = h('select', { id: 'mock-interview' }, upcoming.items.map((iv) => h('option', {
    value: iv.id, selected: String(iv.id) === wanted,
    text: `${iv.company.company_name}${iv.role ? ` — ${iv.role.role_title}` : ''} · ${date(iv.interview_date)}`,
  })));
  const company = h('select', { id: 'mock-company' }, h('option', { value: '', text: 'Any company' }),
    companies.items.map((c) => h('option', { value: c.id, text: c.company_name })));
  const role = h('select', { id: 'mock-role' }, h('option', { value: '', text: 'Any role' }),
    roles.items.map((r) => h('option', { value: r.id, text: r.role_title })));
  const count = h('input', { id: 'mock-count', type: 'number', min: 1, max: 15, value: '5', required: true, style: 'width:6rem' });
  const status = h('p', { role: 'status', class: 'muted' });
  const button = h('button', { type: 'submit', id: 'mock-start', text: 'Start the mock interview' });
  const interviewFields = h('div', { class: 'field' }, h('label', { for: 'mock-interview', text: 'Upcoming interview' }), interview);
  const companyFields = h('div', { class: 'fields' },
    h('div', { class: 'field' }, h('label', { for: 'mock-company', text: 'Company' }), company),
    h('div', { class: 'field' }, h('label', { for: 'mock-role', text: 'Role' }), role));
  const sync = () => {
    interviewFields.hidden = !forInterview.checked;
    companyFields.hidden = !forCompany.checked;
  };
  forInterview.addEventListener('change', sync);
  forCompany.addEventListener('change', sync);
  if (!upcoming.items.length) forInterview.disabled = true;
  sync();

  const form = h('form', { class: 'card', id: 'mock-form', 'aria-labelledby': 'mock-plan-title' },
    h('h2', { id: 'mock-plan-title', text: 'Plan a mock interview' }),
    h('fieldset', { class: 'choice' },
      h('legend', { text: 'Prepare for' }),
      h('label', {}, forInterview, upcoming.items.length ? ' An upcoming interview' : ' An upcoming interview (none scheduled)'),
      h('label', {}, forCompany, ' A company and role')),
    interviewFields,
    companyFields,
    h('div', { class: 'fields', style: 'margin-top:.75rem' },
      h('div', { class: 'field' }, h('label', { for: 'mock-count', text: 'Questions' }), count),
      button),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { question_count: Number(count.value) };
    if (forInterview.checked && interview.value) body.interview_id = Number(interview.value);
    if (forCompany.checked) {
      if (company.value) body.company_id = Number(company.value);
      if (role.value) body.role_id = Number(role.value);
    }
    button.disabled = true;
    status.className = 'muted';
    status.textContent = 'Choosing the questions…';
    try {
      const mock = await api('/api/mock-interviews', { json: body, signal: ctx.signal });
      ctx.navigate(`/app/mock/${mock.id}`);
    } catch (err) {
      if (isQuiet(err)) return;
      button.disabled = false;
      status.className = 'error';
      status.textContent = err.message;
    }
  });

  root.append(
    h('h1', { text: 'Mock interview' }),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'mock-past-title' },
      h('h2', { id: 'mock-past-title', text: 'Your mock interviews' }),
      mocks.items.length
        ? h('ul', { class: 'interview-list' }, mocks.items.map((m) => h('li', {}, h('a', { href: `/app/mock/${m.id}` },
          h('span', { class: 'company', text: `Mock #${m.id}` }),
          h('span', { class: 'muted', text: date(m.created_at, true) }),
          h('span', { class: 'badge', text: label(m.status) }),
          h('span', { text: `${m.answered} of ${m.question_count} answered` }),
          m.overall !== null ? h('span', { text: `mean ${number(m.overall)}/10` }) : null))))
        : h('p', { class: 'muted', text: 'None yet.' })));
}

// ---- answer, question by question -------------------------------------------------------------

function bubble(who, text, cls) {
  return h('div', { class: `bubble ${cls}` }, h('span', { class: 'who', text: who }), text);
}

function interviewerBubble(markdown) {
  const body = h('div', { class: 'answer' });
  renderMarkdown(body, markdown || '');
  return { node: h('div', { class: 'bubble interviewer' }, h('span', { class: 'who', text: 'Interviewer' }), body), body };
}

function transcriptItem(item) {
  const grade = item.grade ? ratingBadge(item.grade.overall, 'grade ') : null;
  return h('li', { class: 'mock-item', dataset: { status: item.status } },
    h('h3', {}, `Q${item.position}. `, item.question, ' ', item.status === 'skipped' ? h('span', { class: 'badge', text: 'skipped' }) : grade),
    item.answer ? bubble('You', item.answer, 'me') : null,
    item.reply ? interviewerBubble(item.reply).node : null,
    item.follow_up ? bubble('Follow-up', item.follow_up, 'interviewer') : null,
    item.follow_up_answer ? bubble('You', item.follow_up_answer, 'me') : null,
    item.follow_up_reply ? interviewerBubble(item.follow_up_reply).node : null);
}

async function session(root, ctx, id) {
  const state = { abort: null };
  const heading = h('h1', { text: 'Mock interview' });
  const transcript = h('ol', { class: 'card', id: 'mock-transcript', style: 'list-style:none;padding-left:1.1rem' });
  const current = h('div', { id: 'mock-current' });
  const report = h('div', { id: 'mock-report' });
  root.append(h('p', {}, h('a', { href: '/app/mock', text: '← Mock interviews' })), heading, transcript, current, report);

  async function refresh(focusAnswer = false) {
    let mock;
    try {
      mock = await api(`/api/mock-interviews/${id}`, { signal: ctx.signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) { heading.textContent = 'Mock interview not found'; transcript.hidden = true; return; }
      throw err;
    }
    heading.textContent = `Mock interview #${mock.id}`;
    const shown = mock.items.filter((i) => i.status !== 'pending' && !(mock.current && i.position === mock.current.position && i.status === 'follow_up'));
    transcript.replaceChildren(...shown.map(transcriptItem));
    transcript.hidden = shown.length === 0;
    if (mock.status === 'finished') {
      current.replaceChildren();
      await showReport();
      return;
    }
    showCurrent(mock, mock.items.find((i) => i.position === mock.current.position));
    if (focusAnswer) document.getElementById('mock-answer')?.focus();
  }

  function showCurrent(mock, item) {
    const followUp = mock.awaiting_follow_up;
    const answer = h('textarea', { id: 'mock-answer', rows: 6, required: true, placeholder: 'Answer as you would in the room…' });
    const send = h('button', { type: 'submit', id: 'mock-send', text: 'Send answer' });
    const skip = h('button', { type: 'button', class: 'secondary', id: 'mock-skip', text: followUp ? 'Skip the follow-up' : 'Skip question' });
    const finish = h('button', { type: 'button', class: 'secondary', id: 'mock-finish', text: 'Finish and see the report' });
    const live = h('div', { id: 'mock-live', 'aria-live': 'polite' });
    const controls = [answer, send, skip, finish];
    const busy = (on) => { for (const c of controls) c.disabled = on; };
    const total = mock.question_count;
    const form = h('form', { class: 'card', id: 'mock-answer-form', 'aria-labelledby': 'mock-question' },
      h('p', { class: 'muted' }, `Question ${mock.current.position} of ${total} · ${label(mock.current.question_category)} · `, h('span', { title: mock.current.reason, text: mock.current.reason })),
      followUp
        ? [h('p', { class: 'muted', text: item.question }), h('h2', { id: 'mock-question', class: 'question-text', text: item.follow_up })]
        : h('h2', { id: 'mock-question', class: 'question-text', text: mock.current.question }),
      followUp && item.answer ? bubble('You', item.answer, 'me') : null,
      followUp && item.reply ? interviewerBubble(item.reply).node : null,
      h('div', { class: 'field' }, h('label', { for: 'mock-answer', text: followUp ? 'Your answer to the follow-up' : 'Your answer' }), answer),
      h('div', { class: 'row', style: 'margin-top:.5rem' }, send, skip, h('span', { class: 'spacer' }), finish),
      live);
    current.replaceChildren(form);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!answer.value.trim()) { answer.focus(); return; }
      busy(true);
      const grade = h('p', { class: 'muted', text: 'Grading your answer…' });
      const reply = interviewerBubble('');
      let raw = '';
      let failed = null;
      live.replaceChildren(bubble('You', answer.value, 'me'), grade, reply.node);
      state.abort = new AbortController();
      try {
        await stream(`/api/mock-interviews/${id}/answers-stream`, { answer: answer.value }, (event) => {
          const d = event.data || {};
          if (event.event_type === 'grade') grade.replaceChildren('Graded ', ratingBadge(d.overall), ` · ${d.model}`);
          else if (event.event_type === 'content') { raw += d.chunk; renderMarkdown(reply.body, raw); }
          else if (event.event_type === 'error') failed = d.message;
          return event.event_type === 'complete' || event.event_type === 'error';
        }, state.abort.signal);
      } catch (err) {
        if (isQuiet(err)) return;
        failed = err.message;
      } finally {
        state.abort = null;
      }
      if (failed) {
        busy(false);
        live.append(h('p', { class: 'error', role: 'alert', text: failed }));
        return;
      }
      await refresh(true);
    });
    skip.addEventListener('click', async () => {
      busy(true);
      try { await api(`/api/mock-interviews/${id}/skip`, { method: 'POST' }); await refresh(true); } catch (err) { busy(false); live.replaceChildren(h('p', { class: 'error', role: 'alert', text: err.message })); }
    });
    finish.addEventListener('click', async () => {
      busy(true);
      try { await api(`/api/mock-interviews/${id}/finish`, { method: 'POST' }); await refresh(); } catch (err) { busy(false); live.replaceChildren(h('p', { class: 'error', role: 'alert', text: err.message })); }
    });
  }

  async function showReport() {
    const r = await api(`/api/mock-interviews/${id}/report`, { signal: ctx.signal });
    const bars = (rows, name) => h('ul', { class: 'bars' }, rows.map((row) => h('li', {},
      h('span', { text: name(row) }),
      h('span', { class: 'track', 'aria-hidden': 'true' }, h('span', { class: 'fill', style: `display:block;width:${(row.average / 10) * 100}%` })),
      h('span', { class: 'num', text: number(row.average) }))));
    const title = h('h2', { id: 'report-title', tabindex: '-1', text: 'Report' });
    report.replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'report-title', dataset: { testid: 'report' } },
      title,
      h('p', {}, h('span', { class: 'big', dataset: { testid: 'report-overall' }, text: r.overall === null ? '—' : `${number(r.overall)}/10` }),
        ` mean grade · ${r.answered} answered · ${r.skipped} skipped`),
      r.per_criterion.length ? [h('h3', { text: 'Per rubric criterion' }), bars(r.per_criterion, (c) => c.criterion)] : null,
      r.per_category.length ? [h('h3', { text: 'Per category' }), bars(r.per_category, (c) => label(c.category))] : null,
      r.work_on.length ? [h('h3', { text: 'Work on' }), h('ol', {}, r.work_on.map((w) => h('li', {},
        h('strong', { text: `${w.criterion} (${number(w.average)})` }), ` — ${w.advice} `, h('span', { class: 'muted', text: `Lowest on: ${w.question}` }))))] : null,
      r.schedule.length ? [h('h3', { text: 'Your review schedule' }), h('ul', {}, r.schedule.map((c) => h('li', {},
        `${c.change === 'added' ? 'Added' : 'Moved'}: ${c.question}`, c.due_after ? h('span', { class: 'muted', text: ` — next review ${date(c.due_after)}` }) : null)))] : null,
      h('p', {}, h('a', { class: 'button-link', href: '/app/practice', text: 'Practise in the review queue' }), ' ', h('a', { href: '/app/mock', text: 'Plan another mock' }))));
    title.focus();
  }

  await refresh();
  return () => state.abort?.abort();
}
