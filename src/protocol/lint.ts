// Lint: what in a connection's traffic breaks a documented rule or will misbehave. Frames are
// passed in order, both directions, with one LintContext per connection.

import { detectAuthMode } from './auth.ts';
import { findAuthSubprotocol } from './auth-header.ts';
import type { DecodedFrame } from './decode.ts';
import type { DecodedHttpPublish } from './decode-http.ts';
import { isRecord, parseJson } from './json.ts';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from './limits.ts';
import {
  lintEvents,
  lintOperationId,
  lintPublishChannel,
  lintRequestSize,
  lintSubscribeChannel,
  type LintFinding,
} from './lint-rules.ts';
import { isClientMessageType, isServerMessageType } from './messages.ts';
import { lintServerLocal, lintUnknownType, SERVER_HANDLED_PROBLEMS } from './lint-server.ts';

export type { LintFinding, LintSeverity } from './lint-rules.ts';

/** Whether the connection itself carried credentials (header- subprotocol or upgrade headers). */
export type ConnectionAuth = 'present' | 'absent' | 'unknown';

export interface SubscriptionState {
  /** pending: subscribe sent; active: acknowledged; closing: unsubscribe sent. */
  state: 'pending' | 'active' | 'closing';
  readonly channel?: string;
}

export interface LintContext {
  connectionAuth: ConnectionAuth;
  readonly subscriptions: Map<string, SubscriptionState>;
  connectionInitSeen: boolean;
}

/**
 * Pass the protocols the page offered. A browser cannot set upgrade headers, so offered
 * protocols without a usable `header-` value mean the connection had no credentials; native
 * clients put them in upgrade headers (reference 2.1), so pass those when known. With neither,
 * connection auth is 'unknown' and the authorization rule stays quiet.
 */
export function createLintContext(opts?: { protocols?: readonly string[]; upgradeHeaders?: Record<string, unknown> }): LintContext {
  let connectionAuth: ConnectionAuth = 'unknown';
  const fromProtocol = findAuthSubprotocol(opts?.protocols);
  const hasCreds = (h: Record<string, unknown> | undefined) => {
    const mode = detectAuthMode(h);
    return h !== undefined && mode !== 'NONE';
  };
  if (hasCreds(fromProtocol) || hasCreds(opts?.upgradeHeaders)) connectionAuth = 'present';
  else if (opts?.protocols !== undefined || opts?.upgradeHeaders !== undefined) connectionAuth = 'absent';
  return { connectionAuth, subscriptions: new Map(), connectionInitSeen: false };
}

/** Decoder problems that a specific rule below reports better. */
const HANDLED_PROBLEMS = new Set(['event-not-string', 'unknown-type', 'missing-type', 'binary-frame', 'invalid-json', 'not-object', 'oversized', ...SERVER_HANDLED_PROBLEMS]);

/** Frame-local and context rules together: what the frame breaks given what came before. */
export function lintFrame(decoded: DecodedFrame, ctx: LintContext): LintFinding[] {
  const out: LintFinding[] = [];
  try {
    lintInto(decoded, ctx.connectionAuth, out);
    const push: Push = (f) => {
      if (f) out.push(f);
    };
    if (isClientMessageType(decoded.type)) lintClientContext(decoded, ctx, push);
    else if (isServerMessageType(decoded.type)) lintServerContext(decoded, ctx, push);
  } catch {
    // Lint is advisory; a fault in it must never break the capture path.
  }
  return out;
}

/**
 * The rules that need nothing but the frame (and whether its connection carried
 * credentials). The traffic model runs these and keeps its own history-dependent rules.
 */
export function lintFrameLocal(decoded: DecodedFrame, connectionAuth: ConnectionAuth = 'unknown'): LintFinding[] {
  const out: LintFinding[] = [];
  try {
    lintInto(decoded, connectionAuth, out);
  } catch {
    // advisory only
  }
  return out;
}

function lintInto(d: DecodedFrame, connectionAuth: ConnectionAuth, out: LintFinding[]): void {
  const push = (f: LintFinding | undefined) => {
    if (f) out.push(f);
  };
  switch (d.type) {
    case '(invalid-json)':
      return push({ code: 'invalid-json', severity: 'error', message: `frame is not valid JSON: ${d.problem?.message ?? ''}` });
    case '(not-object)':
      return push({ code: 'not-object', severity: 'error', message: 'frame is not a JSON object' });
    case '(binary)':
      return push({ code: 'binary-frame', severity: 'warning', message: 'binary frame: AppSync Events uses text frames only' });
    case '(oversized)':
      return push({ code: 'oversized', severity: 'warning', message: d.problem?.message ?? 'frame too large to decode' });
    case '(unknown)':
      return push({ code: 'missing-type', severity: 'error', message: d.problem?.message ?? 'frame has no "type"' });
  }
  if (d.problem?.code === 'binary-frame') push({ code: 'binary-frame', severity: 'warning', message: d.problem.message });
  if (!d.known) return push(lintUnknownType(d.type));
  const client = isClientMessageType(d.type);
  if (d.direction && (client ? d.direction !== 'send' : d.direction !== 'receive')) {
    push({ code: 'wrong-direction', severity: 'warning', message: `${d.type} is a ${client ? 'client' : 'server'} message but was ${d.direction === 'send' ? 'sent' : 'received'} by the page` });
  }
  if (d.problem && !HANDLED_PROBLEMS.has(d.problem.code)) push({ code: d.problem.code, severity: 'error', message: d.problem.message });
  if (client) lintClient(d, connectionAuth, push);
  else if (isServerMessageType(d.type)) lintServerLocal(d, push);
}

function frameObject(d: DecodedFrame): Record<string, unknown> | undefined {
  if (d.message) return d.message;
  if (d.raw === undefined) return undefined;
  const p = parseJson(d.raw);
  return p.ok && isRecord(p.value) ? p.value : undefined;
}

type Push = (f: LintFinding | undefined) => void;

function lintClient(d: DecodedFrame, connectionAuth: ConnectionAuth, push: Push): void {
  if (d.type === 'connection_init') return;
  if (d.id !== undefined) push(lintOperationId(d.id));
  const obj = frameObject(d);
  if (d.type === 'subscribe' || d.type === 'publish') {
    if (d.channel !== undefined) {
      const raw = obj?.['channel'];
      const channel = typeof raw === 'string' ? raw : d.channel;
      push(d.type === 'subscribe' ? lintSubscribeChannel(channel) : lintPublishChannel(channel));
    }
    lintAuthorization(d.type, obj?.['authorization'], connectionAuth, push);
  }
  if (d.type === 'publish') {
    const rawEvents = obj?.['events'];
    for (const f of lintEvents(d.events, Array.isArray(rawEvents) ? rawEvents : undefined)) push(f);
    push(lintRequestSize(d.raw));
  }
}

function lintClientContext(d: DecodedFrame, ctx: LintContext, push: Push): void {
  if (d.type === 'connection_init') {
    if (ctx.connectionInitSeen) push({ code: 'duplicate-connection-init', severity: 'warning', message: 'connection_init sent more than once' });
    ctx.connectionInitSeen = true;
    return;
  }
  if (d.type === 'subscribe' && d.id !== undefined) {
    const existing = ctx.subscriptions.get(d.id);
    if (existing) {
      push(
        existing.state === 'closing'
          ? { code: 'duplicate-subscription-id', severity: 'warning', message: `subscription id ${d.id} is reused before its unsubscribe was acknowledged` }
          : { code: 'duplicate-subscription-id', severity: 'error', message: `subscription id ${d.id} is already in use on this connection; the service rejects duplicates` },
      );
    } else {
      ctx.subscriptions.set(d.id, { state: 'pending', ...(d.channel !== undefined ? { channel: d.channel } : {}) });
      if (ctx.subscriptions.size > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
        push({ code: 'too-many-subscriptions', severity: 'warning', message: `${ctx.subscriptions.size} subscriptions on one connection; the default quota is ${MAX_SUBSCRIPTIONS_PER_CONNECTION}` });
      }
    }
  }
  if (d.type === 'unsubscribe' && d.id !== undefined) {
    const sub = ctx.subscriptions.get(d.id);
    if (!sub) {
      push({ code: 'unsubscribe-unknown-id', severity: 'warning', message: `unsubscribe for ${d.id}, which is not a subscription on this connection` });
    } else {
      if (sub.state === 'pending') {
        // Reference 3.2: an unsubscribe before subscribe_success is silently ignored.
        push({ code: 'unsubscribe-before-ack', severity: 'warning', message: `unsubscribe for ${d.id} before its subscribe_success; the service may ignore it and keep the subscription` });
      }
      sub.state = 'closing';
    }
  }
}

/**
 * Each subscribe and publish is authorized on its own with its `authorization` object
 * (reference 7). Whether the service falls back to the connection's credentials when it is
 * missing is UNKNOWN, so a missing object is an error only when the connection had none
 * either, an info note when it had some, and not reported when we cannot tell.
 */
function lintAuthorization(type: string, auth: unknown, connectionAuth: ConnectionAuth, push: Push): void {
  const hasCreds = isRecord(auth) && detectAuthMode(auth) !== 'NONE';
  if (hasCreds) return;
  const what = auth === undefined ? 'has no authorization' : 'has an authorization object without credentials';
  if (connectionAuth === 'absent') {
    push({ code: 'missing-authorization', severity: 'error', message: `${type} ${what}, and the connection carried none either` });
  } else if (connectionAuth === 'present') {
    push({ code: 'no-operation-authorization', severity: 'info', message: `${type} ${what}; it relies on the connection's credentials, which is undocumented` });
  }
}

function lintServerContext(d: DecodedFrame, ctx: LintContext, push: Push): void {
  const sub = d.id !== undefined ? ctx.subscriptions.get(d.id) : undefined;
  switch (d.type) {
    case 'subscribe_success':
      if (sub && sub.state === 'pending') sub.state = 'active';
      break;
    case 'subscribe_error':
    case 'unsubscribe_success':
      if (d.id !== undefined) ctx.subscriptions.delete(d.id);
      break;
    case 'unsubscribe_error':
      if (sub) sub.state = 'active';
      break;
    case 'data':
      if (d.id !== undefined && !sub) {
        push({ code: 'data-unknown-subscription', severity: 'info', message: `data for ${d.id}, which is not a subscription seen on this connection` });
      }
      break;
  }
}

/** Lint an HTTP publish body; pass the request headers to check that it carries credentials. */
export function lintHttpPublish(decoded: DecodedHttpPublish, headers?: Record<string, unknown>): LintFinding[] {
  const out: LintFinding[] = [];
  try {
    const p = decoded.problem;
    if (p && p.code !== 'event-not-string') out.push({ code: p.code, severity: p.code === 'oversized' ? 'warning' : 'error', message: p.message });
    const obj = decoded.raw !== undefined && p?.code === 'event-not-string' ? parseJson(decoded.raw) : undefined;
    const rawEvents = obj?.ok && isRecord(obj.value) ? obj.value['events'] : decoded.request?.events;
    if (decoded.channel !== undefined) {
      const raw = decoded.request?.channel ?? decoded.channel;
      const f = lintPublishChannel(raw);
      if (f) out.push(f);
    }
    out.push(...lintEvents(decoded.events, Array.isArray(rawEvents) ? rawEvents : undefined));
    const size = lintRequestSize(decoded.raw);
    if (size) out.push(size);
    if (headers !== undefined && detectAuthMode(headers) === 'NONE') {
      out.push({ code: 'missing-authorization', severity: 'error', message: 'HTTP publish carries no x-api-key or authorization header' });
    }
  } catch {
    // advisory only
  }
  return out;
}
