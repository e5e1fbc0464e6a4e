// State → frozen read shapes. Built on demand; the model caches them per version.

import { healthOf, timeoutOf } from './connections.ts';
import { ACK_TYPES, pubState, rateAt } from './entities.ts';
import { getI32 } from './grow.ts';
import { HTTP_FLAG, type ConnS, type State, type SubS } from './state.ts';
import type { ChainLink, ConnectionView, Correlation, KeepAliveView, PublishView, SubscriptionView } from './types.ts';

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return Object.freeze(o);
}

function keepAlive(c: ConnS, now: number): KeepAliveView {
  const timeoutMs = timeoutOf(c);
  const measured = c.kaLastAt !== undefined;
  const end = c.state === 'closed' ? (c.closedAt ?? now) : now;
  const currentGapMs = measured ? Math.max(0, end - (c.kaLastAt ?? end)) : 0;
  return defined({
    lastAt: c.kaLastAt,
    lastPos: c.kaLastPos,
    currentGapMs,
    health: c.kind === 'http' ? 'unknown' : healthOf(currentGapMs, timeoutMs, measured),
    largestGapMs: c.kaLargest,
    largestGapEndPos: c.kaLargestEnd,
    worst: c.kind === 'http' ? 'unknown' : healthOf(Math.max(c.kaLargest, currentGapMs), timeoutMs, measured),
    timeoutMs,
  });
}

export function connectionView(c: ConnS, now: number): ConnectionView {
  return defined({
    index: c.index,
    connId: c.connId,
    kind: c.kind,
    url: c.url,
    origin: c.origin,
    appsync: c.appsync,
    auth: c.authMode !== undefined || c.authHeaders ? Object.freeze({ mode: c.authMode ?? 'UNKNOWN', ...(c.authHeaders ? { headers: Object.freeze({ ...c.authHeaders }) } : {}) }) : undefined,
    state: c.state,
    acked: c.acked,
    connectionTimeoutMs: c.timeoutMs,
    createdAt: c.createdAt,
    openedAt: c.openedAt,
    closedAt: c.closedAt,
    closeCode: c.closeCode,
    closeReason: c.closeReason,
    wasClean: c.wasClean,
    firstPos: c.firstPos,
    lastPos: c.lastPos,
    lastAt: c.lastAt,
    frames: c.frames,
    sent: c.sent,
    received: c.received,
    bytesOut: c.bytesOut,
    bytesIn: c.bytesIn,
    errors: c.errors,
    connectionErrors: c.connectionErrors ? Object.freeze([...c.connectionErrors]) : undefined,
    keepAlive: keepAlive(c, now),
    subscriptions: Object.freeze([...c.subs]),
    publishes: c.publishes,
  });
}

export function subscriptionView(s: State, sub: SubS, now: number): SubscriptionView {
  const c = s.conns[sub.conn];
  return defined({
    index: sub.index,
    conn: sub.conn,
    connId: c?.connId ?? '',
    id: sub.id,
    channel: sub.channel,
    authMode: sub.authMode,
    state: sub.state,
    unsubscribing: sub.unsubscribing,
    error: sub.error,
    subscribePos: sub.subscribePos,
    subscribeAt: sub.subscribeAt,
    ackPos: sub.ackPos,
    unsubscribePos: sub.unsubscribePos,
    endPos: sub.endPos,
    events: sub.events,
    firstEventPos: sub.data.n > 0 ? sub.data.a[0] : undefined,
    lastEventPos: sub.data.n > 0 ? sub.data.a[sub.data.n - 1] : undefined,
    lastEventAt: sub.lastEventAt,
    rate: rateAt(sub, now),
    broadcastErrors: sub.broadcastErrors,
    previous: sub.previous,
    inferred: sub.inferred ? true : undefined,
  });
}

export function publishView(s: State, i: number): PublishView | undefined {
  const p = s.pubs;
  if (i < 0 || i >= p.n) return undefined;
  const http = ((p.state.a[i] ?? 0) & HTTP_FLAG) !== 0;
  const ack = p.ack.a[i] ?? -1;
  const ch = p.channel.a[i] ?? -1;
  const status = p.status.a[i] ?? -1;
  const latency = p.latency.a[i] ?? -1;
  const ackType = p.ackType.a[i] ?? -1;
  const detail = p.failedDetails.get(i) ?? p.recent.get(i);
  return defined({
    index: i,
    conn: p.conn.a[i] ?? 0,
    kind: (http ? 'http' : 'websocket') as PublishView['kind'],
    id: detail?.id,
    channel: ch >= 0 ? s.channels[ch] : undefined,
    pos: p.pos.a[i] ?? 0,
    t: (s.t0 ?? 0) + (p.t.a[i] ?? 0),
    events: p.events.a[i] ?? 0,
    ackPos: ack >= 0 ? ack : undefined,
    ackType: ackType >= 0 ? ACK_TYPES[ackType] : undefined,
    status: status >= 0 ? status : undefined,
    latencyMs: latency >= 0 ? latency / 1000 : undefined,
    state: pubState(s, i),
    successCount: p.ok.a[i] ?? 0,
    failedCount: p.failed.a[i] ?? 0,
    results: detail?.results,
    errors: detail?.errors ? Object.freeze([...detail.errors]) : undefined,
  });
}

function roleOfSub(sub: SubS, pos: number): ChainLink['role'] {
  if (pos === sub.subscribePos && !sub.inferred) return 'subscribe';
  if (pos === sub.ackPos) return 'subscribe-ack';
  if (pos === sub.unsubscribePos) return 'unsubscribe';
  if (pos === sub.unsubAckPos) return 'unsubscribe-ack';
  return 'data';
}

export function correlation(s: State, pos: number, now: number): Correlation | undefined {
  const v = getI32(s.chain, pos);
  if (v > 0) {
    const sub = s.subs[v - 1];
    if (!sub) return undefined;
    // A subscription that began before the capture starts at its first captured event.
    const links: ChainLink[] = [{ role: sub.inferred ? 'data' : 'subscribe', pos: sub.subscribePos }];
    if (sub.ackPos !== undefined) links.push({ role: 'subscribe-ack', pos: sub.ackPos });
    if (sub.unsubscribePos !== undefined) links.push({ role: 'unsubscribe', pos: sub.unsubscribePos });
    if (sub.unsubAckPos !== undefined) links.push({ role: 'unsubscribe-ack', pos: sub.unsubAckPos });
    let role = roleOfSub(sub, pos);
    if (role === 'data' && !isDataPos(sub, pos)) role = 'broadcast-error';
    return Object.freeze({
      kind: 'subscription',
      subscription: subscriptionView(s, sub, now),
      role,
      links: Object.freeze(links.map((l) => Object.freeze(l))),
      data: defined({ count: sub.data.n, first: sub.data.n > 0 ? sub.data.a[0] : undefined, last: sub.data.n > 0 ? sub.data.a[sub.data.n - 1] : undefined }),
    });
  }
  if (v < 0) {
    const pub = publishView(s, -v - 1);
    if (!pub) return undefined;
    const http = pub.kind === 'http';
    const links: ChainLink[] = [{ role: http ? 'http-request' : 'publish', pos: pub.pos }];
    if (pub.ackPos !== undefined) links.push({ role: http ? 'http-response' : 'publish-ack', pos: pub.ackPos });
    const role = pos === pub.pos ? (http ? 'http-request' : 'publish') : http ? 'http-response' : 'publish-ack';
    return Object.freeze({ kind: 'publish', publish: pub, role, links: Object.freeze(links.map((l) => Object.freeze(l))) });
  }
  return undefined;
}

/** Binary search in the subscription's data positions (they are in order). */
export function isDataPos(sub: SubS, pos: number): boolean {
  return lowerBound(sub, pos) < sub.data.n && sub.data.a[lowerBound(sub, pos)] === pos;
}

export function lowerBound(sub: SubS, pos: number): number {
  let lo = 0;
  let hi = sub.data.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sub.data.a[mid] ?? 0) < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
