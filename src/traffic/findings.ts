// Findings: kept as objects up to LIMITS.findings, always counted, and always marked on
// their frame (mark and code bytes), so a frame past the cap still shows its finding with
// the plain-words explanation of its code.

import type { LintSeverity } from '../protocol/lint-rules.ts';
import { getU8, setU8 } from './grow.ts';
import { bump, LIMITS, type State } from './state.ts';
import { Mark, type Finding } from './types.ts';

const SEVERITY_MARK: Record<LintSeverity, number> = { error: Mark.error, warning: Mark.warning, info: Mark.info };

/** A socket seen only by the browser's report of its handshake (a worker's): the session has none of its frames. */
export const NOT_CAPTURED = 'socket-not-captured';
/** A shared worker the page started: whatever sockets it opens, the session has none of their frames. */
export const WORKER_NOT_CAPTURED = 'worker-not-captured';
/** A received message that a page script dispatched on the socket: not wire traffic. */
export const SYNTHETIC_MESSAGE = 'synthetic-message';
/** The first captured event of a subscription made before the capture of its connection began. */
export const SUBSCRIBED_BEFORE_CAPTURE = 'subscribed-before-capture';

/** What each history-dependent code means, for frames whose finding object was not kept. */
export const EXPLAIN: Readonly<Record<string, string>> = {
  'duplicate-subscription-id': 'a subscribe reused an id that is still in use on this connection; the service rejects duplicates',
  'too-many-subscriptions': 'more subscriptions are open on this connection than the default quota of 200',
  'unsubscribe-before-ack': 'the unsubscribe was sent before subscribe_success; the service may ignore it',
  'unsubscribe-unknown-id': 'the unsubscribe names no subscription of this connection',
  'data-unknown-subscription': 'an event arrived for a subscription id this connection never subscribed with',
  [SUBSCRIBED_BEFORE_CAPTURE]: 'the first captured event of a subscription made before the capture began: its subscribe and ack are not in the session',
  'data-before-ack': 'an event arrived before the subscription was acknowledged',
  'data-after-unsubscribe': 'an event arrived for a subscription that had already ended',
  'ack-without-request': 'an acknowledgement arrived for an operation that was never sent on this connection',
  'duplicate-ack': 'a second acknowledgement arrived for an operation that was already answered',
  'publish-ack-unknown-id': 'a publish result names a publish id that was not sent (or was already answered) on this connection',
  'duplicate-publish-id': 'a publish reused the id of a publish that was still waiting for its result',
  'publish-results-mismatch': 'the publish result does not account for each published event exactly once',
  'publish-unanswered': 'the connection closed before these publishes were answered',
  'subscribe-unanswered': 'the connection closed before these subscriptions were acknowledged',
  'http-response-without-request': 'an HTTP publish response arrived with no request before it',
  'frame-after-close': 'a message was recorded on a connection after it closed',
  'keepalive-timeout': 'no ka or data frame arrived within connectionTimeoutMs; clients close the connection then',
  'duplicate-connection-init': 'connection_init was sent more than once',
  'duplicate-connection-ack': 'connection_ack arrived more than once',
  'publish-rate': 'more than 25 publishes were sent within one second on one connection, over the service quota',
  [NOT_CAPTURED]: 'a WebSocket opened by a worker (or another context) is not captured: the page hook cannot see it and only the browser\'s report of its handshake listed it; its frames are not recorded',
  [WORKER_NOT_CAPTURED]: 'the page started a shared worker: WebSockets it opens are not captured (no page hook runs in a worker), and Chromium does not report them to extensions at all',
  [SYNTHETIC_MESSAGE]: 'a page script dispatched this message on the socket itself (the event was not trusted): the app saw it, but the server never sent it',
  'model-capacity': 'the inspector stopped tracking some details here to stay within its memory bounds',
};

export function codeIndex(s: State, code: string): number {
  let i = s.codeIndex.get(code);
  if (i === undefined) {
    if (s.codes.length >= LIMITS.codes) return LIMITS.codes; // shared "other" slot
    i = s.codes.length;
    s.codes.push(code);
    s.codeIndex.set(code, i);
  }
  return i;
}

export function addFinding(s: State, f: Finding): void {
  s.bySeverity[f.severity]++;
  bump(s.byCode, f.code);
  setU8(s.mark, f.pos, getU8(s.mark, f.pos) | SEVERITY_MARK[f.severity]);
  if (getU8(s.code, f.pos) === 0) setU8(s.code, f.pos, 1 + codeIndex(s, f.code));
  if (s.findings.length >= LIMITS.findings) {
    s.findingsDropped++;
    return;
  }
  const list = s.findings;
  // Findings come in position order except those placed at an earlier frame (unanswered
  // publishes at close): a short backwards walk keeps the list sorted.
  let i = list.length;
  while (i > 0 && (list[i - 1]?.pos ?? 0) > f.pos) i--;
  if (i === list.length) list.push(Object.freeze(f));
  else list.splice(i, 0, Object.freeze(f));
}

function lowerBound(list: readonly Finding[], pos: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.pos ?? 0) < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function findingsAt(s: State, pos: number): Finding[] {
  const out: Finding[] = [];
  for (let i = lowerBound(s.findings, pos); i < s.findings.length; i++) {
    const f = s.findings[i];
    if (!f || f.pos !== pos) break;
    out.push(f);
  }
  if (out.length > 0) return out;
  const c = getU8(s.code, pos);
  if (c === 0) return out;
  const code = s.codes[c - 1] ?? 'other';
  const m = getU8(s.mark, pos);
  const severity: LintSeverity = m & Mark.error ? 'error' : m & Mark.warning ? 'warning' : 'info';
  out.push({ code, severity, pos, message: EXPLAIN[code] ?? `finding ${code} (details not kept: the session has more than ${LIMITS.findings} findings)` });
  return out;
}

export function findingsFrom(s: State, fromPos: number, limit: number): Finding[] {
  const start = lowerBound(s.findings, fromPos);
  return s.findings.slice(start, start + Math.max(0, limit));
}

export function related(positions: readonly (number | undefined)[]): number[] | undefined {
  const out: number[] = [];
  for (const p of positions) if (p !== undefined && p >= 0 && out.length < LIMITS.related) out.push(p);
  return out.length > 0 ? out : undefined;
}
