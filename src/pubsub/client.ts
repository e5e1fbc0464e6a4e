// The console's WebSocket client for AppSync Events: connect with the `header-`
// subprotocol, connection_init / connection_ack, the `ka` watchdog (connectionTimeoutMs),
// subscriptions (wildcards, several at once), publish with per-event results, and
// reconnect with jittered backoff that re-subscribes with the same ids, as Amplify does.
// WebSocket, clock, randomness and ids are injected: it runs in the panel and under node.
//
// Choices where the protocol says nothing:
// - Our own closes use 1000 (user close, as Amplify), 3001 (no connection_ack in time,
//   Amplify's handshake-failure code) and 3008 (no `ka` or data within connectionTimeoutMs).
// - connection_error with errorCode 400/401/403 or errorType UnauthorizedException /
//   BadRequestException is final (Amplify does not retry those either); other failures retry.
// - After a close nobody asked for, it reconnects only while subscriptions exist.

import { isRecord, parseJson } from '../protocol/index.ts';
import { connectProtocols, wsAuthorization } from './auth.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { eventResults, serviceErrors } from './results.ts';
import { SubscriptionState, type Subscription } from './subscription.ts';
import type { PublishOutcome, ResolvedProfile, ServiceError } from './types.ts';
import type { WireListener } from './wire.ts';

export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly extensions: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number }
  | {
      readonly status: 'connected';
      readonly since: number;
      readonly connectionTimeoutMs: number;
      readonly kaCount: number;
      readonly lastKaAt?: number;
    }
  | { readonly status: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly code?: number; readonly reason?: string }
  | {
      readonly status: 'closed';
      readonly code?: number;
      readonly reason?: string;
      /** connection_error entries, or why the client gave up. */
      readonly errors: readonly ServiceError[];
      readonly byUser: boolean;
    };

export interface ClientOptions {
  readonly profile: ResolvedProfile;
  readonly WebSocket: WebSocketFactory;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly newId?: () => string;
  readonly onWire?: WireListener;
  /** Wait for connection_ack (Amplify: 15 s). */
  readonly ackTimeoutMs?: number;
  /** Wait for subscribe / publish / unsubscribe verdicts (Amplify: 15 s). */
  readonly operationTimeoutMs?: number;
  readonly maxReconnectAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** Events kept per subscription. */
  readonly eventLimit?: number;
}

export interface EventsClient {
  readonly state: ConnectionState;
  readonly subscriptions: readonly Subscription[];
  /** id-less `error` frames, newest last (bounded). */
  readonly errors: readonly ServiceError[];
  /** Resolves on connection_ack; rejects with the connection_error text. */
  connect(): Promise<void>;
  /** Subscribes (connecting first if needed); the subscription reports its own verdict. */
  subscribe(channel: string): Subscription;
  /** Publishes JSON-text events over the socket; never throws. */
  publish(channel: string, events: readonly string[]): Promise<PublishOutcome>;
  /** Unsubscribes nothing; closes the socket and stops reconnecting. */
  close(code?: number, reason?: string): void;
  /** Called after every change of state, subscriptions or their events. */
  onChange(listener: () => void): () => void;
}

const FINAL_TYPES = new Set(['UnauthorizedException', 'BadRequestException']);
const FINAL_CODES = new Set([400, 401, 403]);

interface Pending {
  readonly kind: 'publish' | 'unsubscribe';
  readonly settle: (frame: Record<string, unknown> | ServiceError) => void;
}

export function createEventsClient(o: ClientOptions): EventsClient {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const newId = o.newId ?? (() => globalThis.crypto.randomUUID());
  const ackTimeoutMs = o.ackTimeoutMs ?? 15_000;
  const opTimeoutMs = o.operationTimeoutMs ?? 15_000;
  const maxAttempts = o.maxReconnectAttempts ?? 8;
  const backoff = o.backoff ?? DEFAULT_BACKOFF;

  let state: ConnectionState = { status: 'idle' };
  const subs: SubscriptionState[] = [];
  const errors: ServiceError[] = [];
  const pending = new Map<string, Pending>();
  const listeners = new Set<() => void>();
  let ws: WebSocketLike | null = null;
  let streamNo = 0;
  let stream = '';
  let attempt = 0;
  let lastActivity = 0;
  let connectionTimeoutMs = 300_000;
  let timer: unknown = null;
  let closeIntent: { code: number; final: boolean; errors: ServiceError[] } | null = null;
  let waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let userClosed = false;
  /** Subscriptions sent at least once: a later send is a re-subscribe after a reconnect. */
  const sentOnce = new Set<string>();

  const changed = () => {
    for (const l of listeners) l();
  };
  const setState = (s: ConnectionState) => {
    state = s;
    changed();
  };
  const setTimer = (fn: () => void, ms: number) => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  const clearTimer = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  };

  function send(frame: Record<string, unknown>): boolean {
    if (!ws || ws.readyState !== 1) return false;
    const text = JSON.stringify(frame);
    ws.send(text);
    o.onWire?.({ kind: 'ws-send', stream, t: clock.now(), data: text, size: text.length });
    return true;
  }

  async function open(): Promise<void> {
    setState({ status: 'connecting', attempt });
    closeIntent = null;
    let protocols: string[];
    try {
      protocols = await connectProtocols(o.profile, new Date(clock.now()));
    } catch (e) {
      return giveUp([{ errorType: 'SigningError', message: e instanceof Error ? e.message : String(e) }]);
    }
    if (state.status !== 'connecting') return; // closed meanwhile
    streamNo++;
    stream = `ws${streamNo}`;
    const mine = stream;
    o.onWire?.({ kind: 'ws-create', stream, t: clock.now(), url: o.profile.realtimeUrl, protocols, frameUrl: '', appsync: true });
    let sock: WebSocketLike;
    try {
      sock = o.WebSocket(o.profile.realtimeUrl, protocols);
    } catch (e) {
      return giveUp([{ errorType: 'NetworkError', message: e instanceof Error ? e.message : String(e) }]);
    }
    ws = sock;
    const current = () => ws === sock && stream === mine;
    sock.onopen = () => {
      if (!current()) return;
      o.onWire?.({ kind: 'ws-open', stream: mine, t: clock.now(), protocol: sock.protocol, extensions: sock.extensions ?? '' });
      send({ type: 'connection_init' });
      setTimer(() => drop(3001, 'No connection_ack in time'), ackTimeoutMs);
    };
    sock.onmessage = (ev) => {
      if (!current() || typeof ev.data !== 'string') return;
      o.onWire?.({ kind: 'ws-receive', stream: mine, t: clock.now(), data: ev.data, size: ev.data.length });
      const parsed = parseJson(ev.data);
      if (parsed.ok && isRecord(parsed.value)) onFrame(parsed.value);
    };
    sock.onerror = () => {
      if (current()) o.onWire?.({ kind: 'ws-error', stream: mine, t: clock.now() });
    };
    sock.onclose = (ev) => {
      if (!current()) return;
      o.onWire?.({ kind: 'ws-close', stream: mine, t: clock.now(), code: ev.code, reason: ev.reason, wasClean: ev.wasClean });
      ws = null;
      onClosed(ev.code, ev.reason);
    };
  }

  function drop(code: number, reason: string): void {
    closeIntent ??= { code, final: false, errors: [] };
    ws?.close(code, reason);
  }

  function giveUp(errs: ServiceError[]): void {
    clearTimer();
    setState({ status: 'closed', errors: errs, byUser: false });
    rejectWaiters(errs);
  }

  function rejectWaiters(errs: readonly ServiceError[]): void {
    const e = errs[0];
    const err = new Error(`${e?.errorType ?? 'Error'}: ${e?.message ?? 'connection failed'}`);
    for (const w of waiters) w.reject(err);
    waiters = [];
  }

  function watchdog(): void {
    const idle = clock.now() - lastActivity;
    if (idle >= connectionTimeoutMs) return drop(3008, 'No keep-alive in time');
    setTimer(watchdog, Math.min(5_000, connectionTimeoutMs - idle));
  }

  function onFrame(f: Record<string, unknown>): void {
    const type = f['type'];
    const id = typeof f['id'] === 'string' ? f['id'] : undefined;
    lastActivity = clock.now();
    switch (type) {
      case 'connection_ack': {
        const t = f['connectionTimeoutMs'];
        connectionTimeoutMs = typeof t === 'number' && t > 0 ? t : 300_000;
        attempt = 0;
        setState({ status: 'connected', since: clock.now(), connectionTimeoutMs, kaCount: 0 });
        watchdog();
        for (const w of waiters) w.resolve();
        waiters = [];
        for (const s of subs) if (s.status === 'subscribing') void sendSubscribe(s);
        return;
      }
      case 'connection_error': {
        const errs = serviceErrors(f);
        const final = errs.some((e) => FINAL_TYPES.has(e.errorType ?? '') || FINAL_CODES.has(e.errorCode ?? 0));
        closeIntent = { code: 1000, final, errors: errs };
        if (final) rejectWaiters(errs);
        // The service closes the socket itself; close it too in case it does not.
        ws?.close(1000, 'connection_error');
        return;
      }
      case 'ka':
        if (state.status === 'connected') setState({ ...state, kaCount: state.kaCount + 1, lastKaAt: lastActivity });
        return;
      case 'data': {
        const s = subs.find((x) => x.id === id);
        if (s && typeof f['event'] === 'string') {
          s.deliver(f['event'], lastActivity);
          changed();
        }
        return;
      }
      case 'subscribe_success':
      case 'subscribe_error': {
        const s = subs.find((x) => x.id === id);
        if (!s || s.status === 'unsubscribed') return;
        if (type === 'subscribe_success') s.succeeded();
        else s.failed(serviceErrors(f));
        changed();
        return;
      }
      case 'broadcast_error': {
        const s = subs.find((x) => x.id === id);
        if (s) {
          s.errors.push(...serviceErrors(f));
          changed();
        }
        return;
      }
      case 'publish_success':
      case 'publish_error':
      case 'unsubscribe_success':
      case 'unsubscribe_error':
        if (id !== undefined) pending.get(id)?.settle(f);
        return;
      case 'error': {
        const errs = serviceErrors(f);
        const s = id !== undefined ? subs.find((x) => x.id === id && x.status === 'subscribing') : undefined;
        if (id !== undefined && pending.has(id)) pending.get(id)?.settle(f);
        else if (s) {
          s.failed(errs);
          changed();
        } else {
          errors.push(...errs);
          if (errors.length > 50) errors.splice(0, errors.length - 50);
          changed();
        }
        return;
      }
    }
  }

  function onClosed(code: number, reason: string): void {
    clearTimer();
    const intent = closeIntent;
    closeIntent = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.settle({ errorType: 'ConnectionClosed', message: `The connection closed (${code}) before the service answered.` });
    }
    for (const s of subs) if (s.status === 'active') s.status = 'subscribing';
    if (intent?.final) {
      if (userClosed) {
        for (const s of subs) s.status = 'unsubscribed';
        subs.length = 0;
      } else for (const s of subs) if (s.status === 'subscribing') s.failed(intent.errors);
      setState({ status: 'closed', code, reason, errors: intent.errors, byUser: userClosed });
      rejectWaiters(intent.errors.length ? intent.errors : [{ errorType: 'ConnectionClosed', message: `closed (${code})` }]);
      return;
    }
    const wanted = waiters.length > 0 || subs.some((s) => s.status === 'subscribing');
    if (!wanted || attempt >= maxAttempts) {
      const errs = intent?.errors.length ? intent.errors : attempt >= maxAttempts && wanted ? [{ errorType: 'ConnectionClosed', message: `Gave up after ${attempt} reconnect attempts.` }] : [];
      for (const s of subs) if (s.status === 'subscribing') s.failed(errs.length ? errs : [{ errorType: 'ConnectionClosed', message: `closed (${code})` }]);
      setState({ status: 'closed', code, reason, errors: errs, byUser: false });
      rejectWaiters(errs.length ? errs : [{ errorType: 'ConnectionClosed', message: `The connection closed (${code}).` }]);
      return;
    }
    const delayMs = backoffDelay(attempt, random(), backoff);
    attempt++;
    setState({ status: 'reconnecting', attempt, delayMs, code, reason });
    setTimer(() => void open(), delayMs);
  }

  async function sendSubscribe(s: SubscriptionState): Promise<void> {
    const authorization = await wsAuthorization(o.profile, JSON.stringify({ channel: s.channel }), new Date(clock.now()));
    if (s.status !== 'subscribing' || state.status !== 'connected') return;
    if (sentOnce.has(s.id)) s.resubscribed++;
    sentOnce.add(s.id);
    send({ type: 'subscribe', id: s.id, channel: s.channel, authorization });
    const mineStream = stream;
    clock.setTimeout(() => {
      if (s.status === 'subscribing' && stream === mineStream && state.status === 'connected') {
        s.failed([{ errorType: 'Timeout', message: 'No subscribe_success in time.' }]);
        changed();
      }
    }, opTimeoutMs);
  }
  function request(kind: Pending['kind'], id: string, frame: Record<string, unknown>): Promise<Record<string, unknown> | ServiceError> {
    return new Promise((resolve) => {
      const handle = clock.setTimeout(() => {
        pending.delete(id);
        resolve({ errorType: 'Timeout', message: `No ${kind} answer in time.` });
      }, opTimeoutMs);
      pending.set(id, {
        kind,
        settle: (f) => {
          clock.clearTimeout(handle);
          pending.delete(id);
          resolve(f);
        },
      });
      if (!send(frame)) pending.get(id)?.settle({ errorType: 'ConnectionClosed', message: 'Not connected.' });
    });
  }

  async function unsubscribe(s: SubscriptionState): Promise<void> {
    const wasActive = s.status === 'active';
    if (s.status === 'subscribing' && state.status === 'connected') await s.ready.catch(() => undefined);
    const active = s.status === 'active' || wasActive;
    s.status = 'unsubscribed';
    subs.splice(subs.indexOf(s), 1);
    changed();
    if (active && state.status === 'connected') await request('unsubscribe', s.id, { type: 'unsubscribe', id: s.id });
  }

  const client: EventsClient = {
    get state() {
      return state;
    },
    get subscriptions() {
      return subs;
    },
    get errors() {
      return errors;
    },
    connect() {
      if (state.status === 'connected') return Promise.resolve();
      const p = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (state.status === 'idle' || state.status === 'closed') {
        userClosed = false;
        attempt = 0;
        void open();
      }
      return p;
    },
    subscribe(channel) {
      const s = new SubscriptionState(newId(), channel.trim(), o.eventLimit ?? 500, unsubscribe);
      subs.push(s);
      changed();
      if (state.status === 'connected') void sendSubscribe(s);
      else client.connect().catch(() => undefined);
      return s;
    },
    async publish(channel, events) {
      const started = clock.now();
      const fail = (errs: ServiceError[]): PublishOutcome => ({ ok: false, transport: 'ws', errors: errs, durationMs: clock.now() - started });
      try {
        await client.connect();
      } catch (e) {
        return fail(state.status === 'closed' && state.errors.length ? [...state.errors] : [{ errorType: 'ConnectionClosed', message: String(e) }]);
      }
      const id = newId();
      const authorization = await wsAuthorization(o.profile, JSON.stringify({ channel, events }), new Date(clock.now()));
      const r = await request('publish', id, { type: 'publish', id, channel, events, authorization });
      const durationMs = clock.now() - started;
      if (isRecord(r) && r['type'] === 'publish_success') return { ok: true, transport: 'ws', events: eventResults(events.length, r), durationMs };
      if (isRecord(r) && typeof r['type'] === 'string') return { ok: false, transport: 'ws', errors: serviceErrors(r), durationMs };
      return fail([r as ServiceError]);
    },
    close(code = 1000, reason = '') {
      userClosed = true;
      clearTimer();
      if (ws) {
        // Unsubscribe first, as the protocol asks of clients before they close.
        for (const s of subs) if (s.status === 'active') send({ type: 'unsubscribe', id: s.id });
        closeIntent = { code, final: true, errors: [] };
        ws.close(code, reason);
      } else {
        for (const s of subs) s.status = 'unsubscribed';
        subs.length = 0;
        setState({ status: 'closed', errors: [], byUser: true });
        rejectWaiters([{ errorType: 'ConnectionClosed', message: 'Closed.' }]);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return client;
}
