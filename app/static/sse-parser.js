// A Server-Sent Events parser: the same algorithm as SseParser in angular_example.ts
// (CRLF/CR/LF line ends, comments, multi-line data, id, event, retry, chunks split anywhere).
export class SseParser {
  constructor() {
    this.buffer = '';
    this.data = [];
    this.eventName = '';
    this.lastId = null;
    this.retry = null;
    this.pendingCR = false;
  }

  feed(text) {
    const out = [];
    let chunk = text;
    if (this.pendingCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCR = false;
    this.buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) out.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  end() {
    const rest = this.buffer.length ? this.feed('\n') : [];
    const last = this.line('');
    return last ? [...rest, last] : rest;
  }

  line(line) {
    if (line === '') {
      if (this.data.length === 0) { this.eventName = ''; return null; }
      const message = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.lastId, retry: this.retry };
      this.data = [];
      this.eventName = '';
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id') { if (!value.includes('\u0000')) this.lastId = value; }
    else if (field === 'retry') { if (/^\d+$/.test(value)) this.retry = Number(value); }
    return null;
  }
}

export const AGENT_EVENT_TYPES = ['start', 'routing', 'processing', 'content', 'follow_ups', 'complete', 'error'];

export function toAgentEvent(message) {
  try {
    const parsed = JSON.parse(message.data);
    if (parsed && AGENT_EVENT_TYPES.includes(parsed.event_type) && typeof parsed.data === 'object') {
      return { ...parsed, id: message.id ?? undefined };
    }
  } catch (_) { /* fall through */ }
  return clientError('bad_event', `Unreadable '${message.event}' event from the server.`, false);
}

export function clientError(code, message, retryable) {
  return { event_type: 'error', data: { code, message, retryable }, timestamp: new Date().toISOString() };
}
