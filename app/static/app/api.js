// Talking to the API: the bearer token (kept for this tab only), problem details as errors,
// and Server-Sent Events read from a POST with fetch (EventSource cannot send a body).
import { SseParser } from '/static/sse-parser.js';

const TOKEN_KEY = 'itk-token';
let signedOutHandler = () => {};

// Thrown after a 401 has already signed the user out (and said why).
export class SignedOut extends Error {}

// A problem-details response: `status` and a readable `message`.
export class ApiError extends Error {
  constructor(status, message, problem = null) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set(token) { sessionStorage.setItem(TOKEN_KEY, token); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); },
  onSignedOut(handler) { signedOutHandler = handler; },
};

function headers(extra = {}) {
  const token = auth.token;
  return token ? { Authorization: `Bearer ${token}`, ...extra } : extra;
}

async function problem(response) {
  try {
    const p = await response.json();
    const field = p.errors?.[0];
    const message = field?.message ? `${p.detail} ${field.message}` : (p.detail || `${response.status}`);
    return new ApiError(response.status, message, p);
  } catch (_) {
    return new ApiError(response.status, `The server answered ${response.status}.`);
  }
}

async function checked(response) {
  if (response.status === 401) {
    auth.clear();
    signedOutHandler('Your session expired; sign in again.');
    throw new SignedOut('signed out');
  }
  if (!response.ok) throw await problem(response);
  return response;
}

// `json` is sent as a JSON body; `form` as a URL-encoded form. Returns the parsed JSON (or null).
export async function api(path, { method, json, form, signal } = {}) {
  const init = { method: method || (json || form ? 'POST' : 'GET'), headers: headers(), signal };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form) {
    init.body = new URLSearchParams(form);
  }
  const response = await checked(await fetch(path, init));
  return response.status === 204 ? null : response.json();
}

// POSTs `json` and calls onEvent({event_type, data}) for every event until it returns true, the
// stream ends, or `signal` aborts (which also stops the server's work).
export async function stream(path, json, onEvent, signal) {
  const response = await checked(await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
    body: JSON.stringify(json),
    signal,
  }));
  const parser = new SseParser();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const deliver = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch (_) {
      event = { event_type: 'error', data: { code: 'bad_event', message: `Unreadable '${message.event}' event.`, retryable: false } };
    }
    return onEvent(event) === true;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const message of parser.feed(value)) if (deliver(message)) return;
    }
    for (const message of parser.end()) if (deliver(message)) return;
  } finally {
    reader.cancel().catch(() => {});
  }
}

export function isQuiet(err) {
  return err instanceof SignedOut || err?.name === 'AbortError';
}
