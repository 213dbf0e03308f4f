// Coach: ask a question, watch the routed specialist's answer stream, follow up, stop, and come
// back to stored conversations (the playground's flow, in the app's shell).
import { renderMarkdown } from '/static/markdown.js';
import { api, isQuiet, stream } from '../api.js';
import { h } from '../dom.js';

export async function render(root, ctx) {
  const state = { conversationId: null, abort: null };
  const question = h('textarea', { id: 'coach-question', rows: 3, required: true, placeholder: 'e.g. How would you design Instagram?' });
  const agent = h('select', { id: 'coach-agent' }, h('option', { value: '', text: 'Let the supervisor choose' }));
  const ask = h('button', { id: 'coach-ask', type: 'submit', text: 'Ask' });
  const stop = h('button', { id: 'coach-stop', type: 'button', class: 'stop', hidden: true, text: 'Stop' });
  const model = h('p', { class: 'muted', id: 'coach-model' });
  const thread = h('div', { id: 'coach-thread', 'aria-live': 'polite' });
  const conversations = h('ul', { class: 'conversations', id: 'coach-conversations' });
  const form = h('form', { class: 'card', id: 'coach-form' },
    h('div', { class: 'field' }, h('label', { for: 'coach-question', text: 'Your interview question' }), question),
    h('div', { class: 'row', style: 'margin-top:.5rem' },
      h('label', { for: 'coach-agent', class: 'muted', text: 'Coach' }), agent,
      h('span', { class: 'spacer' }), stop, ask),
    model);

  root.append(
    h('h1', { text: 'Coach' }),
    h('div', { class: 'coach' },
      h('aside', { 'aria-labelledby': 'coach-conv-title' },
        h('button', { type: 'button', class: 'secondary', id: 'coach-new', onclick: newConversation, text: '+ New conversation' }),
        h('h2', { id: 'coach-conv-title', style: 'margin-top:1rem', text: 'Conversations' }),
        conversations),
      h('section', { 'aria-label': 'Conversation' }, form, thread)));

  function newConversation() {
    state.conversationId = null;
    thread.replaceChildren();
    question.focus();
    loadConversations();
  }

  function setStreaming(on) {
    stop.hidden = !on;
    ask.disabled = on;
    for (const chip of root.querySelectorAll('.chip')) chip.disabled = on;
  }

  function chip(text) {
    return h('button', { type: 'button', class: 'chip', text, onclick: () => send(text) });
  }

  function newTurn(text) {
    const badge = h('span', { class: 'badge', dataset: { testid: 'routing' }, text: 'routing…' });
    const answer = h('div', { class: 'answer', dataset: { testid: 'answer' } });
    const chips = h('div', { class: 'chips' });
    const status = h('p', { class: 'status', dataset: { testid: 'status' }, text: 'streaming…' });
    const turn = h('article', { class: 'turn' }, h('h2', { text }), badge, answer, chips, status);
    thread.append(turn);
    turn.scrollIntoView({ block: 'end' });
    return { badge, answer, chips, status, raw: '' };
  }

  function handle(view, event) {
    const d = event.data || {};
    switch (event.event_type) {
      case 'start': state.conversationId = d.conversation_id; break;
      case 'routing':
        view.badge.textContent = `${d.agent_name} · ${d.method} · ${Math.round(d.confidence * 100)}%`;
        view.badge.title = d.reason;
        view.badge.dataset.agent = d.agent;
        break;
      case 'processing': view.status.textContent = `answering with ${d.model}…`; break;
      case 'content': view.raw += d.chunk; renderMarkdown(view.answer, view.raw); break;
      case 'follow_ups': view.chips.append(...d.questions.map(chip)); break;
      case 'complete':
        renderMarkdown(view.answer, d.answer);
        view.status.textContent = `complete · ${d.duration_ms} ms`;
        break;
      case 'error':
        view.status.textContent = `error: ${d.message}${d.retryable ? ' (you can retry)' : ''}`;
        view.status.classList.add('error');
        break;
      default: break;
    }
    return event.event_type === 'complete' || event.event_type === 'error';
  }

  async function send(text) {
    text = text.trim();
    if (!text || state.abort) return;
    question.value = '';
    const view = newTurn(text);
    const body = { question: text };
    if (agent.value) body.agent = agent.value;
    if (state.conversationId) body.conversation_id = state.conversationId;
    state.abort = new AbortController();
    setStreaming(true);
    try {
      await stream('/api/agents/answer-stream', body, (event) => handle(view, event), state.abort.signal);
    } catch (err) {
      if (err?.name === 'AbortError') {
        if (!view.status.textContent.startsWith('complete')) view.status.textContent = 'stopped';
      } else if (!isQuiet(err)) {
        handle(view, { event_type: 'error', data: { message: err.message, retryable: true } });
      }
    } finally {
      state.abort = null;
      setStreaming(false);
      loadConversations().catch(() => {});
    }
  }

  async function loadConversations() {
    const page = await api('/api/agents/conversations?page_size=30', { signal: ctx.signal });
    conversations.replaceChildren(...page.items.map((c) => h('li', {},
      h('button', {
        type: 'button',
        'aria-current': c.id === state.conversationId ? 'true' : null,
        title: `${c.last_agent || 'unfinished'} · ${new Date(c.updated_at).toLocaleString()}`,
        onclick: () => openConversation(c.id),
        text: c.title,
      }))));
    if (!page.items.length) conversations.append(h('li', { class: 'muted', text: 'None yet.' }));
  }

  async function openConversation(id) {
    if (state.abort) return;
    const conv = await api(`/api/agents/conversations/${id}`, { signal: ctx.signal });
    state.conversationId = conv.id;
    thread.replaceChildren();
    let view = null;
    for (const m of conv.messages) {
      if (m.role === 'user') { view = newTurn(m.content); continue; }
      if (!view) continue;
      renderMarkdown(view.answer, m.content);
      view.badge.textContent = m.routing ? `${m.routing.agent_name} · ${m.routing.method}` : (m.agent || '—');
      view.status.textContent = m.status;
      view.chips.append(...(m.follow_ups || []).map(chip));
    }
    await loadConversations();
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); send(question.value); });
  question.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) { e.preventDefault(); send(question.value); }
  });
  stop.addEventListener('click', () => state.abort?.abort());

  const available = await api('/api/agents/available', { signal: ctx.signal });
  for (const a of available.agents) agent.add(new Option(a.name, a.id));
  model.textContent = `Model: ${available.model}${available.offline ? ' — the offline coach (no language model configured)' : ''}`;
  await loadConversations();
  return () => state.abort?.abort();
}
