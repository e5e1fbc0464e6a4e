// Connection records of the model: created on first sight, enriched by ConnectionInfo
// (URL, offered protocols, auth mode) and by the frames' lifecycle.

import { AUTH_SUBPROTOCOL_PREFIX, detectAuthMode, findAuthSubprotocol, redactAuthHeaders } from '../protocol/auth.ts';
import { DEFAULT_CONNECTION_TIMEOUT_MS } from '../protocol/limits.ts';
import { addFinding, related } from './findings.ts';
import { bump, KEEPALIVE_WARNING_RATIO, LIMITS, type ConnS, type State } from './state.ts';
import type { ConnectionInfo, KeepAliveHealth } from './types.ts';

/** The connection every frame beyond LIMITS.connections is folded into. */
const OVERFLOW_CONN = '(other connections)';

export function connFor(s: State, connId: string, kind: 'websocket' | 'http', pos: number, t: number): ConnS {
  let i = s.connIndex.get(connId);
  if (i === undefined) {
    if (s.conns.length >= LIMITS.connections) {
      bump(s.overflow, 'connections');
      i = s.connIndex.get(OVERFLOW_CONN);
      if (i !== undefined) return s.conns[i]!;
      connId = OVERFLOW_CONN;
    }
    i = s.conns.length;
    s.conns.push(newConn(s, i, connId, kind, pos, t));
    s.connIndex.set(connId, i);
  }
  return s.conns[i]!;
}

function newConn(s: State, index: number, connId: string, kind: 'websocket' | 'http', pos: number, t: number): ConnS {
  return {
    index,
    connId,
    kind,
    url: '',
    origin: s.origin,
    appsync: true,
    connectionAuth: 'unknown',
    state: kind === 'http' ? 'open' : 'connecting',
    fromStart: false,
    acked: false,
    initSeen: false,
    firstPos: pos,
    lastPos: pos,
    lastAt: t,
    frames: 0,
    sent: 0,
    received: 0,
    bytesOut: 0,
    bytesIn: 0,
    errors: 0,
    kaLargest: 0,
    subs: [],
    byId: new Map(),
    liveSubs: 0,
    publishes: 0,
    pubSec: 0,
    pubInSec: 0,
    pending: new Map(),
    httpPending: [],
  };
}

/** Redacted again here whatever the session kept: display values never hold a secret. */
export function setAuthHeaders(c: ConnS, headers: Record<string, unknown> | undefined, label?: string): void {
  if (headers) {
    const mode = detectAuthMode(headers);
    c.authHeaders = redactAuthHeaders(headers);
    // The recorder saw the values before redaction and tells Cognito from Lambda better.
    c.authMode = label ?? (mode === 'NONE' ? c.authMode : mode);
    c.connectionAuth = mode === 'NONE' ? 'absent' : 'present';
  } else if (label) c.authMode = label;
}

export function applyInfo(s: State, info: ConnectionInfo): void {
  const c = connFor(s, info.connId, info.kind ?? 'websocket', s.nextPos, s.lastAt ?? 0);
  if (info.kind) c.kind = info.kind;
  if (info.url !== undefined) c.url = info.url;
  if (info.appsync !== undefined) c.appsync = info.appsync;
  if (info.origin) c.origin = info.origin;
  if (info.protocolsOffered) {
    const auth = findAuthSubprotocol(info.protocolsOffered);
    if (info.authMode) c.authLabel = info.authMode;
    if (auth) setAuthHeaders(c, auth, c.authLabel);
    else {
      if (c.authLabel) c.authMode = c.authLabel;
      // A browser cannot set upgrade headers (reference 2.1), so no header- value means no
      // connection credentials; one that does not decode (a redaction marker) may hold some.
      const offered = info.protocolsOffered.some((p) => p.startsWith(AUTH_SUBPROTOCOL_PREFIX));
      c.connectionAuth = offered ? 'unknown' : 'absent';
    }
  } else if (info.authMode) c.authMode = c.authLabel = info.authMode;
  s.version++;
}

export function timeoutOf(c: ConnS): number {
  return c.timeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
}

export function healthOf(gapMs: number, timeoutMs: number, measured: boolean): KeepAliveHealth {
  if (!measured) return 'unknown';
  if (gapMs > timeoutMs) return 'timed-out';
  if (gapMs > timeoutMs * KEEPALIVE_WARNING_RATIO) return 'warning';
  return 'ok';
}

/** A `ka`, `data` or `connection_ack` received: the keep-alive clock restarts. */
export function keepAliveSignal(s: State, c: ConnS, pos: number, t: number): void {
  if (c.kaLastAt !== undefined) checkGap(s, c, pos, t);
  c.kaLastAt = t;
  c.kaLastPos = pos;
}

/** Records the gap ending at (pos, t) and reports it when it exceeded the timeout. */
export function checkGap(s: State, c: ConnS, pos: number, t: number): void {
  if (c.kaLastAt === undefined) return;
  const gap = t - c.kaLastAt;
  if (gap > c.kaLargest) {
    c.kaLargest = gap;
    c.kaLargestEnd = pos;
  }
  const timeout = timeoutOf(c);
  if (gap > timeout) {
    addFinding(s, {
      code: 'keepalive-timeout',
      severity: 'warning',
      pos,
      message: `${Math.round(gap / 1000)} s without a ka or data frame; connectionTimeoutMs is ${timeout} ms, after which clients close and reconnect`,
      ...withRelated([c.kaLastPos]),
    });
  }
}

export function withRelated(positions: readonly (number | undefined)[]): { related?: number[] } {
  const r = related(positions);
  return r ? { related: r } : {};
}
