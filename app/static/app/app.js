// The web app's shell: sign-in, the navigation and a router of views under /app/<view>/<id>.
// Each view module exports render(container, ctx) and may return a cleanup function, called
// when the user leaves the view (it stops streams and pending requests).
import { ApiError, SignedOut, api, auth } from './api.js';
import { $, errorBox, h } from './dom.js';

const VIEWS = {
  coach: { title: 'Coach', load: () => import('./views/coach.js') },
  practice: { title: 'Practice', load: () => import('./views/practice.js') },
  mock: { title: 'Mock interview', load: () => import('./views/mock.js') },
  progress: { title: 'Progress', load: () => import('./views/progress.js') },
  interviews: { title: 'Interviews', load: () => import('./views/interviews.js') },
};
const DEFAULT_VIEW = 'coach';

const current = { leave: null, abort: null, seq: 0 };

function parsePath() {
  const parts = location.pathname.replace(/^\/app\/?/, '').split('/').filter(Boolean);
  return { name: parts[0] || DEFAULT_VIEW, params: parts.slice(1), query: new URLSearchParams(location.search) };
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

function leaveView() {
  try { current.leave?.(); } catch (err) { console.warn(err); }
  current.abort?.abort();
  current.leave = null;
  current.abort = null;
}

async function route() {
  if (!auth.token) { showLogin(); return; }
  leaveView();
  const seq = ++current.seq;
  const { name, params, query } = parsePath();
  const main = $('view');
  const view = VIEWS[name];
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.view !== name) { link.removeAttribute('aria-current'); continue; }
    link.setAttribute('aria-current', 'page');
    link.scrollIntoView({ block: 'nearest', inline: 'nearest' }); // the phone's nav scrolls sideways
  }
  if (!view) {
    document.title = 'Not found · Interview Coach';
    main.replaceChildren(h('h1', { text: 'Not found' }), h('p', {}, 'There is no such page. ', h('a', { href: '/app', text: 'Go to the app' })));
    return;
  }
  document.title = `${view.title} · Interview Coach`;
  const abort = new AbortController();
  current.abort = abort;
  main.replaceChildren(h('p', { class: 'muted', text: 'Loading…' }));
  main.setAttribute('aria-busy', 'true');
  try {
    const module = await view.load();
    if (seq !== current.seq) return;
    const container = h('div', { class: `view view-${name}` });
    main.replaceChildren(container);
    const leave = await module.render(container, { params, query, navigate, signal: abort.signal });
    if (seq !== current.seq) { leave?.(); return; }
    current.leave = leave || null;
  } catch (err) {
    if (err instanceof SignedOut || err?.name === 'AbortError' || seq !== current.seq) return;
    console.warn(err);
    main.replaceChildren(h('h1', { text: view.title }), errorBox(err));
  } finally {
    if (seq === current.seq) main.removeAttribute('aria-busy');
  }
}

// ---- sign in ----------------------------------------------------------------------------------

function showLogin(message = '') {
  leaveView();
  $('login').hidden = false;
  $('view').hidden = true;
  $('view').replaceChildren();
  $('nav').hidden = true;
  $('skip').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('password').value = '';
  $('key').value = '';
  $('login-error').textContent = message;
  document.title = 'Sign in · Interview Coach';
}

async function showApp() {
  const me = await api('/api/auth/me');
  $('who').textContent = me.email;
  $('login').hidden = true;
  $('login-error').textContent = '';
  $('nav').hidden = false;
  $('skip').hidden = false;
  $('logout').hidden = false;
  $('view').hidden = false;
  await route();
}

// Signing in never creates an account: a mistyped email must not land in an empty one.
async function signIn(email, password) {
  const r = await fetch('/api/auth/token', { method: 'POST', body: new URLSearchParams({ username: email, password }) });
  if (r.status === 401) throw new Error('Wrong email or password. New here? Press "Create account".');
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).detail || `Sign-in failed (${r.status}).`);
  return (await r.json()).access_token;
}

async function createAccount(email, password) {
  const r = await fetch('/api/auth/register', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (r.status === 409) throw new Error('An account with this email already exists; press "Sign in".');
  if (!r.ok) {
    const p = await r.json().catch(() => ({}));
    throw new Error([p.detail, p.errors?.[0]?.message].filter(Boolean).join(' ') || `${r.status}`);
  }
  return signIn(email, password);
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  const action = e.submitter?.value === 'create-account' ? createAccount : signIn;
  try {
    auth.set(await action($('email').value, $('password').value));
    await showApp();
  } catch (err) {
    if (!(err instanceof SignedOut)) $('login-error').textContent = err.message;
  }
});

$('key-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  auth.set($('key').value.trim());
  try {
    await showApp();
  } catch (err) {
    if (err instanceof SignedOut) $('login-error').textContent = 'That token or API key is not valid (or it has expired).';
    else $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', () => { auth.clear(); showLogin(); $('email').focus(); });
auth.onSignedOut((message) => showLogin(message));

// Links inside the app change the view without reloading the page.
document.addEventListener('click', (e) => {
  const link = e.target.closest?.('a[href^="/app"]');
  if (!link || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || link.target) return;
  e.preventDefault();
  if (link.getAttribute('href') !== location.pathname + location.search) navigate(link.getAttribute('href'));
  if (link.closest('#nav')) $('view').focus({ preventScroll: true });
});
window.addEventListener('popstate', () => route());
$('skip').addEventListener('click', (e) => { e.preventDefault(); $('view').focus(); });

if (auth.token) {
  showApp().catch((err) => { if (!(err instanceof SignedOut)) showLogin(err instanceof ApiError ? err.message : ''); });
} else {
  showLogin();
}
