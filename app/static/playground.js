// The playground: plain JS, no build step, served by the app. It uses the same SSE parsing
// logic as the Angular service (sse-parser.js mirrors SseParser in angular_example.ts).
import { renderMarkdown } from './markdown.js';
import { AGENT_EVENT_TYPES, SseParser, clientError, toAgentEvent } from './sse-parser.js';

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem('itk-token'), conversationId: null, abort: null, source: null };

// Thrown after a 401 has already signed the user out (and said why).
class SignedOut extends Error {}

function authHeaders() {
  return state.token ? { Authorization: `Bearer ${state.token}` } : {};
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  if (response.status === 401) { signOut('Your session expired; sign in again.'); throw new SignedOut(); }
  if (!response.ok) {
    let detail = `${response.status}`;
    try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

// ---- sign in --------------------------------------------------------------------------------

async function problemMessage(response) {
  try {
    const p = await response.json();
    const field = p.errors?.[0]?.message;
    return field ? `${p.detail} ${field}` : (p.detail || `${response.status}`);
  } catch (_) {
    return `${response.status}`;
  }
}

// Signing in never creates an account: a mistyped email must not land in an empty one.
async function signIn(email, password) {
  const form = new URLSearchParams({ username: email, password });
  const r = await fetch('/api/auth/token', { method: 'POST', body: form });
  if (r.status === 401) throw new Error('Wrong email or password. New here? Press "Create account".');
  if (!r.ok) throw new Error(await problemMessage(r));
  return (await r.json()).access_token;
}

async function createAccount(email, password) {
  const r = await fetch('/api/auth/register', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (r.status === 409) throw new Error('An account with this email already exists; press "Sign in".');
  if (!r.ok) throw new Error(await problemMessage(r));
  return signIn(email, password);
}

function signOut(message = '') {
  stop();
  sessionStorage.removeItem('itk-token');
  state.token = null;
  state.conversationId = null;
  $('thread').replaceChildren();
  $('conversations').replaceChildren();
  $('password').value = '';
  $('key').value = '';
  showLogin();
  $('login-error').textContent = message;
}

function showLogin() {
  $('login').hidden = false;
  $('app').hidden = true;
  $('who').textContent = '';
}

async function showApp() {
  const me = await api('/api/auth/me');
  $('who').textContent = me.email;
  $('login').hidden = true;
  $('app').hidden = false;
  const available = await api('/api/agents/available');
  const select = $('agent');
  select.length = 1;
  for (const a of available.agents) select.add(new Option(a.name, a.id));
  $('model').textContent = `Model: ${available.model}${available.offline ? ' — the offline coach (no LLM configured)' : ''}`;
  await loadConversations();
}

// ---- the thread -----------------------------------------------------------------------------

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function newTurn(question) {
  const turn = el('article', 'turn');
  turn.append(el('h3', '', question));
  const badge = el('span', 'badge', 'routing…');
  badge.dataset.testid = 'routing';
  const answer = el('div', 'answer');
  answer.dataset.testid = 'answer';
  const chips = el('div', 'chips');
  const status = el('p', 'status', 'streaming…');
  status.dataset.testid = 'status';
  turn.append(badge, answer, chips, status);
  $('thread').append(turn);
  turn.scrollIntoView({ block: 'end' });
  return { turn, badge, answer, chips, status, raw: '' };
}

function setStreaming(on) {
  $('stop').hidden = !on;
  $('ask').disabled = on;
  for (const chip of document.querySelectorAll('.chip')) chip.disabled = on;
}

function handle(view, event) {
  const d = event.data;
  switch (event.event_type) {
    case 'start':
      state.conversationId = d.conversation_id;
      break;
    case 'routing':
      view.badge.textContent = `${d.agent_name} · ${d.method} · ${Math.round(d.confidence * 100)}%`;
      view.badge.title = d.reason;
      view.badge.dataset.agent = d.agent;
      break;
    case 'processing':
      view.status.textContent = `answering with ${d.model}…`;
      break;
    case 'content':
      view.raw += d.chunk;
      renderMarkdown(view.answer, view.raw);
      break;
    case 'follow_ups':
      for (const q of d.questions) {
        const chip = el('button', 'chip', q);
        chip.type = 'button';
        chip.addEventListener('click', () => ask(q));
        view.chips.append(chip);
      }
      break;
    case 'complete':
      view.raw = d.answer;
      renderMarkdown(view.answer, d.answer);
      view.status.textContent = `complete · ${d.duration_ms} ms${d.usage ? ` · ${d.usage.total_tokens ?? '?'} tokens` : ''}`;
      break;
    case 'error':
      view.status.textContent = `error: ${d.message}${d.retryable ? ' (you can retry)' : ''}`;
      view.status.classList.add('error');
      break;
  }
  return event.event_type === 'complete' || event.event_type === 'error';
}

function requestBody(question) {
  const body = { question };
  const agent = $('agent').value;
  if (agent) body.agent = agent;
  if (state.conversationId) body.conversation_id = state.conversationId;
  return body;
}

async function streamWithFetch(question, view) {
  const abort = new AbortController();
  state.abort = abort;
  const parser = new SseParser();
  const response = await fetch('/api/agents/answer-stream', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() },
    body: JSON.stringify(requestBody(question)),
    signal: abort.signal,
  });
  if (!response.ok) {
    let detail = `${response.status}`;
    try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
    handle(view, clientError(`http_${response.status}`, detail, response.status >= 500 || response.status === 429));
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const message of parser.feed(value)) {
      if (handle(view, toAgentEvent(message))) { abort.abort(); return; }
    }
  }
  for (const message of parser.end()) handle(view, toAgentEvent(message));
}

async function streamWithEventSource(question, view) {
  const { ticket } = await api('/api/agents/tickets', { method: 'POST' });
  const body = requestBody(question);
  const params = new URLSearchParams({ question, ticket });
  if (body.agent) params.set('agent', body.agent);
  if (body.conversation_id) params.set('conversation_id', String(body.conversation_id));
  await new Promise((resolve) => {
    const source = new EventSource(`/api/agents/answer-stream?${params}`);
    state.source = { close: () => { source.close(); resolve(); } };
    for (const type of AGENT_EVENT_TYPES) {
      source.addEventListener(type, (e) => {
        if (handle(view, toAgentEvent({ event: type, data: e.data, id: e.lastEventId, retry: null }))) {
          source.close();
          resolve();
        }
      });
    }
    source.onerror = () => {
      handle(view, clientError('network', 'The event stream failed.', true));
      source.close();
      resolve();
    };
  });
}

async function ask(question) {
  question = question.trim();
  if (!question || !$('stop').hidden) return;
  $('question').value = '';
  const view = newTurn(question);
  setStreaming(true);
  try {
    if ($('use-eventsource').checked) await streamWithEventSource(question, view);
    else await streamWithFetch(question, view);
  } catch (err) {
    if (err.name === 'AbortError') {
      if (!view.status.textContent.startsWith('complete')) view.status.textContent = 'stopped';
    } else {
      handle(view, clientError('network', err.message, true));
    }
  } finally {
    state.abort = null;
    state.source = null;
    setStreaming(false);
    loadConversations().catch(() => {});
  }
}

function stop() {
  state.abort?.abort();
  state.source?.close();
  const statuses = document.querySelectorAll('[data-testid="status"]');
  const last = statuses[statuses.length - 1];
  if (last && !last.textContent.startsWith('complete')) last.textContent = 'stopped';
}

// ---- conversations --------------------------------------------------------------------------

async function loadConversations() {
  const page = await api('/api/agents/conversations?page_size=30');
  const list = $('conversations');
  list.replaceChildren();
  for (const c of page.items) {
    const li = el('li', c.id === state.conversationId ? 'active' : '', c.title);
    li.title = `${c.last_agent || 'unfinished'} · ${new Date(c.updated_at).toLocaleString()}`;
    li.addEventListener('click', () => openConversation(c.id));
    list.append(li);
  }
}

async function openConversation(id) {
  const conv = await api(`/api/agents/conversations/${id}`);
  state.conversationId = conv.id;
  $('thread').replaceChildren();
  let view = null;
  for (const m of conv.messages) {
    if (m.role === 'user') { view = newTurn(m.content); continue; }
    if (!view) continue;
    renderMarkdown(view.answer, m.content);
    view.badge.textContent = m.routing ? `${m.routing.agent_name} · ${m.routing.method}` : (m.agent || '—');
    view.status.textContent = m.status;
    for (const q of m.follow_ups || []) {
      const chip = el('button', 'chip', q);
      chip.type = 'button';
      chip.addEventListener('click', () => ask(q));
      view.chips.append(chip);
    }
  }
  await loadConversations();
}

// ---- wiring ---------------------------------------------------------------------------------

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  const action = e.submitter?.value === 'create-account' ? createAccount : signIn;
  try {
    state.token = await action($('email').value, $('password').value);
    sessionStorage.setItem('itk-token', state.token);
    await showApp();
  } catch (err) {
    if (!(err instanceof SignedOut)) $('login-error').textContent = err.message;
  }
});
$('key-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  state.token = $('key').value.trim();
  try {
    await showApp();
    sessionStorage.setItem('itk-token', state.token);
  } catch (err) {
    $('login-error').textContent = err instanceof SignedOut
      ? 'That token or API key is not valid (or it has expired).' : err.message;
  }
});
$('ask-form').addEventListener('submit', (e) => { e.preventDefault(); ask($('question').value); });
$('question').addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) ask($('question').value);
});
$('stop').addEventListener('click', stop);
$('new-conversation').addEventListener('click', () => {
  state.conversationId = null;
  $('thread').replaceChildren();
  loadConversations();
});
$('logout').addEventListener('click', () => signOut());

if (state.token) showApp().catch(() => signOut()); else showLogin();
