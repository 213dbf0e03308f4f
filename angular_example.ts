/**
 * Interview Tracker — Angular client for the streaming interview coach.
 *
 * Usage notes
 * -----------
 * 1. Copy this file into an Angular (standalone) app, e.g. `src/app/interview-coach.ts`.
 * 2. Provide the HTTP client and the API settings once, in `app.config.ts`:
 *
 *      providers: [
 *        provideHttpClient(),
 *        { provide: INTERVIEW_COACH_CONFIG,
 *          useValue: { baseUrl: 'http://127.0.0.1:8000', token: () => localStorage.getItem('token') } },
 *      ]
 *
 *    `token` returns a bearer access token (POST /api/auth/token) or a personal API key (itk_…).
 *    The API allows the Angular dev server (http://localhost:4200) by default (CORS_ORIGINS).
 * 3. Use `<interview-coach />` anywhere, or call `InterviewCoachService.streamAnswer()` yourself.
 *
 * Two ways to stream:
 *  - `streamAnswer(request)` — POST with `fetch` and a stream reader (sends the bearer header,
 *    supports every request field). Recommended.
 *  - `streamAnswerWithEventSource(request)` — the browser's `EventSource` on the GET variant.
 *    EventSource can send no headers, so the service first gets a short-lived single-use ticket
 *    (POST /api/agents/tickets) and puts only that in the URL — never the long-lived token.
 * Unsubscribing from either Observable cancels the request, which stops the model upstream.
 * Failures never throw into your subscriber: they arrive as typed `error` events.
 *
 * Type-checked in strict mode against @angular/core, @angular/common and rxjs by `make check-ts`.
 */

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Injectable,
  InjectionToken,
  computed,
  inject,
  signal,
} from '@angular/core';
import { HttpClient, HttpHeaders } from '@angular/common/http';
import { Observable, Subscription, switchMap } from 'rxjs';

// ---------------------------------------------------------------------------------------------
// Models (CONTRACT §4)
// ---------------------------------------------------------------------------------------------

export type AgentId =
  | 'product_manager'
  | 'technical'
  | 'architect'
  | 'coding'
  | 'behavioral'
  | 'system_design';

export type SeniorityLevel =
  | 'intern' | 'junior' | 'mid' | 'senior' | 'staff' | 'principal' | 'lead' | 'manager' | 'director';

export interface RequestContext {
  company?: string;
  role?: string;
  seniority?: SeniorityLevel;
  notes?: string;
}

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface AnswerRequest {
  question: string;
  agent?: AgentId;
  context?: RequestContext;
  conversation_history?: HistoryMessage[];
  conversation_id?: number;
  interview_id?: number;
  question_id?: number;
  include_follow_ups?: boolean;
}

export interface RoutingData {
  agent: AgentId;
  agent_name: string;
  confidence: number;
  reason: string;
  method: 'explicit' | 'llm' | 'classifier';
}

export interface StartData { conversation_id: number; message_id: number; question: string; }
export interface ProcessingData { agent: AgentId; model: string; }
export interface ContentData { chunk: string; index: number; }
export interface FollowUpsData { questions: string[]; }
export interface Usage { input_tokens?: number; output_tokens?: number; total_tokens?: number; [key: string]: unknown; }
export interface CompleteData {
  answer: string;
  agent: AgentId;
  agent_name: string;
  conversation_id: number;
  message_id: number;
  duration_ms: number;
  usage: Usage | null;
  routing?: RoutingData;
  follow_ups?: string[];
  model?: string;
}
export interface ErrorData {
  code: string;
  message: string;
  retryable: boolean;
  conversation_id?: number;
  message_id?: number;
}

interface Envelope<T extends string, D> {
  event_type: T;
  data: D;
  timestamp: string;
  /** The SSE `id:` of the frame (increasing within a stream). */
  id?: string;
}

export type StartEvent = Envelope<'start', StartData>;
export type RoutingEvent = Envelope<'routing', RoutingData>;
export type ProcessingEvent = Envelope<'processing', ProcessingData>;
export type ContentEvent = Envelope<'content', ContentData>;
export type FollowUpsEvent = Envelope<'follow_ups', FollowUpsData>;
export type CompleteEvent = Envelope<'complete', CompleteData>;
export type ErrorEvent = Envelope<'error', ErrorData>;

export type AgentEvent =
  | StartEvent
  | RoutingEvent
  | ProcessingEvent
  | ContentEvent
  | FollowUpsEvent
  | CompleteEvent
  | ErrorEvent;

export const AGENT_EVENT_TYPES: readonly AgentEvent['event_type'][] = [
  'start', 'routing', 'processing', 'content', 'follow_ups', 'complete', 'error',
];

export interface AnswerResponse {
  answer: string;
  agent: AgentId;
  agent_name: string;
  routing: RoutingData;
  follow_ups: string[];
  conversation_id: number;
  message_id: number;
  model: string;
  duration_ms: number;
  usage: Usage | null;
}

export interface AgentInfo {
  id: AgentId;
  name: string;
  description: string;
  capabilities: string[];
  example_questions: string[];
  framework: string[];
  model: string;
  offline: boolean;
}

export interface AvailableAgents { agents: AgentInfo[]; provider: string; model: string; offline: boolean; }

export interface ConversationSummary {
  id: number;
  title: string;
  last_agent: string | null;
  interview_id: number | null;
  question_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface StoredMessage {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  status: 'streaming' | 'complete' | 'failed' | 'cancelled';
  agent: string | null;
  model: string | null;
  follow_ups: string[] | null;
  created_at: string;
}

export interface Conversation extends ConversationSummary { messages: StoredMessage[]; }

export interface Page<T> { items: T[]; total: number; page: number; page_size: number; pages: number; }

/** RFC 9457 problem details, as every API error is rendered. */
export interface Problem { type: string; title: string; status: number; detail: string; code?: string; retryable?: boolean; }

export interface InterviewCoachConfig {
  /** e.g. 'http://127.0.0.1:8000' — no trailing slash. */
  baseUrl: string;
  /** A bearer access token or personal API key, read at each request. */
  token: () => string | null;
}

export const INTERVIEW_COACH_CONFIG = new InjectionToken<InterviewCoachConfig>('INTERVIEW_COACH_CONFIG');

// ---------------------------------------------------------------------------------------------
// A real Server-Sent Events parser (WHATWG rules): CRLF/CR/LF line ends, comments, multi-line
// `data:`, `id:`, `event:`, `retry:`, and chunks split anywhere — even inside a line or a CRLF.
// ---------------------------------------------------------------------------------------------

export interface SseMessage { event: string; data: string; id: string | null; retry: number | null; }

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventName = '';
  private lastId: string | null = null;
  private retry: number | null = null;
  private pendingCR = false;

  /** Feed decoded text; returns the messages completed by it. */
  feed(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    let chunk = text;
    if (this.pendingCR && chunk.startsWith('\n')) {
      chunk = chunk.slice(1); // the LF of a CRLF split across two chunks
    }
    this.pendingCR = false;
    this.buffer += chunk;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') {
        continue;
      }
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') { i++; }
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) { out.push(message); }
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** Call when the stream ends: a final message without its blank line is dispatched. */
  end(): SseMessage[] {
    const rest = this.buffer.length ? this.feed('\n') : [];
    const last = this.line('');
    return last ? [...rest, last] : rest;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (this.data.length === 0) {
        this.eventName = '';
        return null;
      }
      const message: SseMessage = {
        event: this.eventName || 'message',
        data: this.data.join('\n'),
        id: this.lastId,
        retry: this.retry,
      };
      this.data = [];
      this.eventName = '';
      return message;
    }
    if (line.startsWith(':')) {
      return null; // a comment: the server's keep-alive
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) { value = value.slice(1); }
    switch (field) {
      case 'data': this.data.push(value); break;
      case 'event': this.eventName = value; break;
      case 'id': if (!value.includes('\u0000')) { this.lastId = value; } break;
      case 'retry': if (/^\d+$/.test(value)) { this.retry = Number(value); } break;
      default: break; // unknown fields are ignored
    }
    return null;
  }
}

function isAgentEvent(value: unknown): value is AgentEvent {
  if (typeof value !== 'object' || value === null) { return false; }
  const v = value as { event_type?: unknown; data?: unknown };
  return typeof v.event_type === 'string'
    && (AGENT_EVENT_TYPES as readonly string[]).includes(v.event_type)
    && typeof v.data === 'object' && v.data !== null;
}

/** Turn one SSE message into a typed event, or a typed `error` event if it is malformed. */
export function toAgentEvent(message: SseMessage): AgentEvent {
  try {
    const parsed: unknown = JSON.parse(message.data);
    if (isAgentEvent(parsed)) {
      return { ...parsed, id: message.id ?? undefined } as AgentEvent;
    }
  } catch {
    // fall through
  }
  return clientError('bad_event', `Unreadable '${message.event}' event from the server.`, false);
}

function clientError(code: string, message: string, retryable: boolean): ErrorEvent {
  return { event_type: 'error', data: { code, message, retryable }, timestamp: new Date().toISOString() };
}

async function problemEvent(response: Response): Promise<ErrorEvent> {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = (await response.json()) as Partial<Problem>;
    detail = problem.detail ?? problem.title ?? detail;
  } catch {
    // not JSON
  }
  const retryable = response.status === 429 || response.status >= 500;
  return clientError(`http_${response.status}`, detail, retryable);
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

@Injectable({ providedIn: 'root' })
export class InterviewCoachService {
  private readonly http = inject(HttpClient);
  private readonly config = inject(INTERVIEW_COACH_CONFIG);

  private headers(): HttpHeaders {
    const token = this.config.token();
    return token ? new HttpHeaders({ Authorization: `Bearer ${token}` }) : new HttpHeaders();
  }

  /** POST /api/agents/answer-stream, read with fetch + ReadableStream. Unsubscribe to stop. */
  streamAnswer(request: AnswerRequest): Observable<AgentEvent> {
    return new Observable<AgentEvent>((subscriber) => {
      const abort = new AbortController();
      const parser = new SseParser();
      let finished = false;

      const emit = (event: AgentEvent): void => {
        if (finished) { return; }
        subscriber.next(event);
        if (event.event_type === 'complete' || event.event_type === 'error') {
          finished = true;
          subscriber.complete();
          abort.abort(); // the server ends the stream too; this frees the connection at once
        }
      };

      const run = async (): Promise<void> => {
        const token = this.config.token();
        const response = await fetch(`${this.config.baseUrl}/api/agents/answer-stream`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'text/event-stream',
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(request),
          signal: abort.signal,
        });
        if (!response.ok || !response.body) {
          emit(await problemEvent(response));
          return;
        }
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) { break; }
          for (const message of parser.feed(value)) { emit(toAgentEvent(message)); }
        }
        for (const message of parser.end()) { emit(toAgentEvent(message)); }
        emit(clientError('stream_ended', 'The stream ended before the answer completed.', true));
      };

      run().catch((err: unknown) => {
        if (abort.signal.aborted) { return; } // we stopped it
        const message = err instanceof Error ? err.message : String(err);
        emit(clientError('network', `Could not reach the coach: ${message}`, true));
      });

      return () => {
        finished = true;
        abort.abort(); // cancels the request: the server stops the model call upstream
      };
    });
  }

  /** GET /api/agents/answer-stream with EventSource and a single-use ticket. Unsubscribe to stop. */
  streamAnswerWithEventSource(request: AnswerRequest): Observable<AgentEvent> {
    return this.http
      .post<{ ticket: string; expires_at: string }>(`${this.config.baseUrl}/api/agents/tickets`, null, {
        headers: this.headers(),
      })
      .pipe(switchMap(({ ticket }) => this.eventSource(ticket, request)));
  }

  private eventSource(ticket: string, request: AnswerRequest): Observable<AgentEvent> {
    return new Observable<AgentEvent>((subscriber) => {
      const params = new URLSearchParams({ question: request.question, ticket });
      if (request.agent) { params.set('agent', request.agent); }
      if (request.conversation_id) { params.set('conversation_id', String(request.conversation_id)); }
      if (request.interview_id) { params.set('interview_id', String(request.interview_id)); }
      if (request.question_id) { params.set('question_id', String(request.question_id)); }
      if (request.include_follow_ups === false) { params.set('include_follow_ups', 'false'); }
      if (request.context?.company) { params.set('company', request.context.company); }
      if (request.context?.role) { params.set('role', request.context.role); }
      if (request.context?.seniority) { params.set('seniority', request.context.seniority); }

      const source = new EventSource(`${this.config.baseUrl}/api/agents/answer-stream?${params}`);
      let finished = false;
      const finish = (): void => {
        finished = true;
        source.close(); // EventSource would otherwise reconnect, and the ticket is single use
        subscriber.complete();
      };
      for (const type of AGENT_EVENT_TYPES) {
        source.addEventListener(type, (raw: MessageEvent<string>) => {
          if (finished) { return; }
          const event = toAgentEvent({ event: type, data: raw.data, id: raw.lastEventId || null, retry: null });
          subscriber.next(event);
          if (event.event_type === 'complete' || event.event_type === 'error') { finish(); }
        });
      }
      source.onerror = () => {
        if (finished) { return; }
        subscriber.next(clientError('network', 'The event stream failed or was refused.', true));
        finish();
      };
      return () => {
        finished = true;
        source.close();
      };
    });
  }

  /** POST /api/agents/answer — the whole answer at once. Errors are problem details (502/504…). */
  answer(request: AnswerRequest): Observable<AnswerResponse> {
    return this.http.post<AnswerResponse>(`${this.config.baseUrl}/api/agents/answer`, request, {
      headers: this.headers(),
    });
  }

  available(): Observable<AvailableAgents> {
    return this.http.get<AvailableAgents>(`${this.config.baseUrl}/api/agents/available`, { headers: this.headers() });
  }

  conversations(page = 1): Observable<Page<ConversationSummary>> {
    return this.http.get<Page<ConversationSummary>>(`${this.config.baseUrl}/api/agents/conversations`, {
      headers: this.headers(),
      params: { page },
    });
  }

  conversation(id: number): Observable<Conversation> {
    return this.http.get<Conversation>(`${this.config.baseUrl}/api/agents/conversations/${id}`, {
      headers: this.headers(),
    });
  }

  deleteConversation(id: number): Observable<void> {
    return this.http.delete<void>(`${this.config.baseUrl}/api/agents/conversations/${id}`, {
      headers: this.headers(),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// A standalone component: routed agent, the answer as it grows, follow-up chips, stop, thread
// ---------------------------------------------------------------------------------------------

export interface Turn {
  question: string;
  answer: string;
  routing: RoutingData | null;
  model: string | null;
  followUps: string[];
  status: 'streaming' | 'complete' | 'stopped' | 'error';
  error: string | null;
}

const AGENTS: { id: AgentId | ''; label: string }[] = [
  { id: '', label: 'Let the supervisor route' },
  { id: 'system_design', label: 'System design' },
  { id: 'coding', label: 'Coding' },
  { id: 'behavioral', label: 'Behavioral' },
  { id: 'technical', label: 'Technical concepts' },
  { id: 'architect', label: 'Architecture' },
  { id: 'product_manager', label: 'Product management' },
];

@Component({
  selector: 'interview-coach',
  standalone: true,
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="coach">
      <form class="ask" (submit)="$event.preventDefault(); ask(questionInput.value); questionInput.value = ''">
        <textarea #questionInput rows="3" placeholder="Paste an interview question…" [disabled]="streaming()"></textarea>
        <div class="row">
          <select #agentSelect (change)="agent.set(asAgent(agentSelect.value))" [disabled]="streaming()">
            @for (a of agents; track a.id) {
              <option [value]="a.id">{{ a.label }}</option>
            }
          </select>
          @if (streaming()) {
            <button type="button" class="stop" (click)="stop()">Stop</button>
          } @else {
            <button type="submit">Ask</button>
          }
        </div>
      </form>

      @for (turn of thread(); track $index) {
        <article class="turn">
          <h3>{{ turn.question }}</h3>
          @if (turn.routing; as r) {
            <p class="badge" [title]="r.reason">
              {{ r.agent_name }} · {{ r.method }} · {{ (r.confidence * 100).toFixed(0) }}%
              @if (turn.model) { <span class="model">{{ turn.model }}</span> }
            </p>
          }
          <pre class="answer">{{ turn.answer }}@if (turn.status === 'streaming') {<span class="cursor">▍</span>}</pre>
          @if (turn.error) { <p class="error">{{ turn.error }}</p> }
          @if (turn.status === 'stopped') { <p class="muted">Stopped.</p> }
          @if (turn.followUps.length && $last && !streaming()) {
            <div class="chips">
              @for (f of turn.followUps; track f) {
                <button type="button" class="chip" (click)="ask(f)">{{ f }}</button>
              }
            </div>
          }
        </article>
      }
    </section>
  `,
  styles: [`
    .coach { font-family: system-ui, sans-serif; max-width: 860px; margin: 0 auto; }
    .ask textarea { width: 100%; font: inherit; padding: .6rem; box-sizing: border-box; }
    .row { display: flex; gap: .5rem; margin: .5rem 0 1rem; }
    .badge { display: inline-block; background: #eef2ff; color: #3730a3; border-radius: 999px; padding: .2rem .7rem; font-size: .85rem; }
    .model { margin-left: .5rem; color: #6b7280; }
    .answer { white-space: pre-wrap; font-family: inherit; line-height: 1.5; }
    .cursor { animation: blink 1s steps(1) infinite; }
    @keyframes blink { 50% { opacity: 0; } }
    .chips { display: flex; flex-wrap: wrap; gap: .4rem; }
    .chip { border: 1px solid #c7d2fe; background: white; border-radius: 999px; padding: .3rem .8rem; cursor: pointer; }
    .stop { background: #fee2e2; }
    .error { color: #b91c1c; }
    .muted { color: #6b7280; }
  `],
})
export class InterviewCoachComponent {
  private readonly coach = inject(InterviewCoachService);
  private subscription: Subscription | null = null;

  readonly agents = AGENTS;
  readonly agent = signal<AgentId | ''>('');
  readonly thread = signal<Turn[]>([]);
  readonly conversationId = signal<number | null>(null);
  readonly streaming = computed(() => this.thread().some((t) => t.status === 'streaming'));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  asAgent(value: string): AgentId | '' {
    return AGENTS.some((a) => a.id === value) ? (value as AgentId | '') : '';
  }

  ask(question: string): void {
    const text = question.trim();
    if (!text || this.streaming()) { return; }
    const agent = this.agent();
    const conversationId = this.conversationId();
    const request: AnswerRequest = {
      question: text,
      ...(agent ? { agent } : {}),
      ...(conversationId ? { conversation_id: conversationId } : {}),
    };
    this.thread.update((t) => [
      ...t,
      { question: text, answer: '', routing: null, model: null, followUps: [], status: 'streaming', error: null },
    ]);
    this.subscription = this.coach.streamAnswer(request).subscribe((event) => this.apply(event));
  }

  stop(): void {
    this.subscription?.unsubscribe(); // aborts the fetch; the server cancels the model call
    this.subscription = null;
    this.patchLast((turn) => (turn.status === 'streaming' ? { ...turn, status: 'stopped' } : turn));
  }

  private apply(event: AgentEvent): void {
    switch (event.event_type) {
      case 'start':
        this.conversationId.set(event.data.conversation_id);
        break;
      case 'routing':
        this.patchLast((turn) => ({ ...turn, routing: event.data }));
        break;
      case 'processing':
        this.patchLast((turn) => ({ ...turn, model: event.data.model }));
        break;
      case 'content':
        this.patchLast((turn) => ({ ...turn, answer: turn.answer + event.data.chunk }));
        break;
      case 'follow_ups':
        this.patchLast((turn) => ({ ...turn, followUps: event.data.questions }));
        break;
      case 'complete':
        this.patchLast((turn) => ({ ...turn, answer: event.data.answer, status: 'complete' }));
        break;
      case 'error':
        this.patchLast((turn) => ({ ...turn, status: 'error', error: event.data.message }));
        break;
    }
  }

  private patchLast(change: (turn: Turn) => Turn): void {
    this.thread.update((turns) => (turns.length ? [...turns.slice(0, -1), change(turns[turns.length - 1])] : turns));
  }
}
