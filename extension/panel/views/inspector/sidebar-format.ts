// Words for the connections sidebar: state, age, keep-alive health and subscription rates,
// as plain strings (the view renders them as text). Pure.
import type { ConnectionView, KeepAliveHealth, SubscriptionView } from '../../../../src/traffic/index.ts';
import type { ConnectionRecord } from '../../../../src/sessions/index.ts';
import { redactUrl } from '../../../../src/protocol/redact.ts';
import { connectionLabel, type ConnectionLabels } from './filter-query.ts';

/** `850 ms`, `12 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export interface ConnectionText {
  /** `#3` for a socket, `HTTP` for an HTTP publish endpoint. */
  readonly label: string;
  /** The `conn:` token value that filters to it. */
  readonly token: string;
  readonly state: string;
  /** Close code and reason, or the last connection_error. */
  readonly stateDetail: string;
  /** An unclean close or a connection_error: the detail is shown as an error. */
  readonly problem: boolean;
  readonly age: string;
  readonly auth: string;
  readonly health: KeepAliveHealth;
  /** Keep-alive in words, with an icon so colour is not the only cue. */
  readonly healthText: string;
  readonly healthTitle: string;
  readonly host: string;
}

/**
 * For each connection opened by a document other than the session's page (an iframe, a
 * later page kept with Preserve log), that document: its path, with its host when that is
 * another; what tells the demo's socket from its iframe's, both on the same host and key.
 */
export function framesOf(conns: readonly ConnectionRecord[], pageUrl: string): ReadonlyMap<string, { readonly text: string; readonly url: string }> {
  const out = new Map<string, { text: string; url: string }>();
  const page = parse(pageUrl);
  // A session that keeps no secrets holds its frames' URLs redacted, and its page URL too
  // unless it was recorded before page URLs were: compared both redacted (idempotent).
  const pageDoc = documentOf(redactUrl(pageUrl));
  for (const c of conns) {
    if (!c.frameUrl || documentOf(redactUrl(c.frameUrl)) === pageDoc) continue;
    const u = parse(c.frameUrl);
    // about:blank, about:srcdoc, data: … have no host: shown whole.
    const text = !u || u.host === '' ? c.frameUrl : page && u.host === page.host && u.protocol === page.protocol ? u.pathname + u.search : `${u.host}${u.pathname}${u.search}`;
    out.set(c.connId, { text, url: c.frameUrl });
  }
  return out;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function documentOf(url: string): string {
  return url.split('#')[0] ?? url;
}

const HEALTH_ICON: Readonly<Record<KeepAliveHealth, string>> = { ok: '✓', warning: '⚠', 'timed-out': '✕', unknown: '·' };

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** `operationModes`: auth modes of the connection's subscribes, shown when the connection itself names none. */
export function connectionText(c: ConnectionView, now: number, operationModes: readonly string[] = [], labels?: ConnectionLabels): ConnectionText {
  const label = connectionLabel(c.connId, labels);
  const start = c.createdAt ?? c.openedAt;
  const end = c.state === 'closed' ? (c.closedAt ?? c.lastAt) : Math.max(now, c.lastAt);
  const span = start !== undefined ? formatDuration(end - start) : '';
  const ka = c.keepAlive;
  const timeout = formatDuration(ka.timeoutMs);
  let healthText = '';
  if (c.kind === 'websocket') {
    if (ka.health === 'unknown') healthText = `${HEALTH_ICON.unknown} keep-alive: no signal yet`;
    else if (ka.health === 'timed-out') healthText = `${HEALTH_ICON['timed-out']} keep-alive timed out: ${formatDuration(ka.currentGapMs)} silent (timeout ${timeout})`;
    else if (ka.health === 'warning') healthText = `${HEALTH_ICON.warning} keep-alive late: ${formatDuration(ka.currentGapMs)} of ${timeout}`;
    else healthText = `${HEALTH_ICON.ok} keep-alive ${formatDuration(ka.currentGapMs)} ago`;
    if (ka.health === 'ok' && ka.worst !== 'ok' && ka.worst !== 'unknown') healthText += ` (once ${formatDuration(ka.largestGapMs)})`;
  }
  const detail: string[] = [];
  if (c.closeCode !== undefined) detail.push(String(c.closeCode));
  if (c.closeReason) detail.push(c.closeReason);
  if (c.state === 'closed' && c.wasClean === false) detail.push('not clean');
  const connErr = c.connectionErrors?.[0];
  if (connErr) detail.push([connErr.errorType, connErr.message].filter(Boolean).join(': '));
  return {
    label: c.kind === 'http' ? 'HTTP' : `#${label}`,
    token: label,
    state: c.kind === 'http' ? `${c.publishes} publish${c.publishes === 1 ? '' : 'es'}` : c.state,
    stateDetail: detail.join(' · '),
    problem: (c.state === 'closed' && c.wasClean === false) || connErr !== undefined,
    age: span === '' ? '' : c.state === 'closed' ? `lasted ${span}` : `age ${span}`,
    auth: c.auth?.mode ?? (operationModes.length ? `${operationModes.slice(0, 3).join(', ')} (per operation)` : 'auth unknown'),
    health: c.kind === 'websocket' ? ka.health : 'unknown',
    healthText,
    healthTitle: `Largest gap ${formatDuration(ka.largestGapMs)}; the server closes after ${timeout} without a keep-alive or data`,
    host: hostOf(c.url),
  };
}

/** `3.5/s`, `12/s`, or empty when idle. */
export function formatRate(rate: number): string {
  if (!(rate > 0)) return '';
  return rate < 10 ? `${rate.toFixed(1)}/s` : `${Math.round(rate)}/s`;
}

export function subscriptionState(s: SubscriptionView): string {
  return s.unsubscribing ? 'unsubscribing' : s.state;
}
