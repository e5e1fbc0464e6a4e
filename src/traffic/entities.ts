// Subscriptions and publishes: creation and lookup. Subscriptions are objects (bounded by
// LIMITS.subscriptions); publishes are columns (PubTable) with details only for a bounded few.

import { i32List, pushI32, pushU8, setI32 } from './grow.ts';
import { addFinding } from './findings.ts';
import { channelIndex } from './stats.ts';
import { bump, HTTP_FLAG, LIMITS, PUB_STATES, RATE_WINDOW_S, type ConnS, type PubDetail, type State, type SubS } from './state.ts';
import type { PublishState } from './types.ts';

export const ACK_TYPES = ['publish_success', 'publish_error', 'error', 'http-response'] as const;

export function newSub(s: State, c: ConnS, id: string, pos: number, t: number, channel: string | undefined, authMode: string | undefined): SubS | undefined {
  if (s.subs.length >= LIMITS.subscriptions) {
    bump(s.overflow, 'subscriptions');
    if (s.overflow.get('subscriptions') === 1) {
      addFinding(s, { code: 'model-capacity', severity: 'info', pos, message: `more than ${LIMITS.subscriptions} subscriptions: later ones are counted but not tracked one by one` });
    }
    return undefined;
  }
  const sub: SubS = {
    index: s.subs.length,
    conn: c.index,
    id,
    state: 'pending',
    unsubscribing: false,
    subscribePos: pos,
    subscribeAt: t,
    events: 0,
    data: i32List(4),
    rate: new Int32Array(RATE_WINDOW_S),
    rateSec: 0,
    broadcastErrors: 0,
    chIdx: channel === undefined ? -1 : channelIndex(s, channel),
  };
  if (channel !== undefined) sub.channel = channel;
  if (authMode !== undefined) sub.authMode = authMode;
  const prev = s.lastSubById.get(id);
  if (prev !== undefined && s.subs[prev]?.conn !== c.index) sub.previous = prev;
  s.lastSubById.set(id, sub.index);
  s.subs.push(sub);
  c.subs.push(sub.index);
  const list = c.byId.get(id);
  if (list) list.push(sub.index);
  else c.byId.set(id, [sub.index]);
  c.liveSubs++;
  setI32(s.chain, pos, sub.index + 1);
  return sub;
}

/** The oldest subscription with this id on the connection that satisfies `pred`. */
export function findSub(s: State, c: ConnS, id: string | undefined, pred: (sub: SubS) => boolean): SubS | undefined {
  if (id === undefined) return undefined;
  const list = c.byId.get(id);
  if (!list) return undefined;
  // An index loop: for…of allocated an iterator per data frame (capture-profile, panel).
  for (let k = 0; k < list.length; k++) {
    const sub = s.subs[list[k] as number];
    if (sub && pred(sub)) return sub;
  }
  return undefined;
}

export function lastSub(s: State, c: ConnS, id: string | undefined): SubS | undefined {
  if (id === undefined) return undefined;
  const list = c.byId.get(id);
  const i = list?.[list.length - 1];
  return i === undefined ? undefined : s.subs[i];
}

export function isLive(sub: SubS): boolean {
  return sub.state === 'pending' || sub.state === 'active';
}

export function endSub(c: ConnS, sub: SubS, state: SubS['state'], pos: number): void {
  if (isLive(sub)) c.liveSubs--;
  sub.state = state;
  sub.endPos = pos;
  sub.unsubscribing = false;
}

export function countEvent(sub: SubS, pos: number, t: number): void {
  sub.events++;
  sub.lastEventAt = t;
  pushI32(sub.data, pos);
  const sec = Math.floor(t / 1000);
  if (sec > sub.rateSec) {
    const clear = Math.min(sec - sub.rateSec, RATE_WINDOW_S);
    for (let k = 1; k <= clear; k++) sub.rate[(sub.rateSec + k) % RATE_WINDOW_S] = 0;
    sub.rateSec = sec;
  }
  const slot = (sec < sub.rateSec ? sub.rateSec : sec) % RATE_WINDOW_S;
  sub.rate[slot] = (sub.rate[slot] ?? 0) + 1;
}

/** Events per second over the RATE_WINDOW_S seconds ending at `now`. */
export function rateAt(sub: SubS, now: number): number {
  const nowSec = Math.floor(now / 1000);
  let sum = 0;
  for (let k = 0; k < RATE_WINDOW_S; k++) {
    const sec = nowSec - k;
    if (sec <= sub.rateSec && sec > sub.rateSec - RATE_WINDOW_S) sum += sub.rate[sec % RATE_WINDOW_S] ?? 0;
  }
  return sum / RATE_WINDOW_S;
}

export function newPub(s: State, c: ConnS, pos: number, t: number, http: boolean, events: number, channel: number): number {
  const p = s.pubs;
  const i = p.n++;
  pushI32(p.conn, c.index);
  pushI32(p.pos, pos);
  pushI32(p.ack, -1);
  pushI32(p.t, Math.round(t - (s.t0 ?? t)));
  pushI32(p.latency, -1);
  pushI32(p.events, events);
  pushI32(p.ok, 0);
  pushI32(p.failed, 0);
  pushU8(p.state, (http ? HTTP_FLAG : 0) | PUB_STATES.indexOf('pending'));
  pushI32(p.status, -1);
  pushI32(p.channel, channel);
  pushI32(p.ackType, -1);
  c.publishes++;
  setI32(s.chain, pos, -(i + 1));
  return i;
}

export function setPubState(s: State, i: number, state: PublishState): void {
  const cur = s.pubs.state.a[i] ?? 0;
  s.pubs.state.a[i] = (cur & HTTP_FLAG) | PUB_STATES.indexOf(state);
}

export function pubState(s: State, i: number): PublishState {
  return PUB_STATES[(s.pubs.state.a[i] ?? 0) & ~HTTP_FLAG] ?? 'pending';
}

/** Records the answer to publish i at (pos, t). */
export function answerPub(s: State, i: number, pos: number, t: number, ackType: (typeof ACK_TYPES)[number]): void {
  const p = s.pubs;
  p.ack.a[i] = pos;
  const sent = (s.t0 ?? 0) + (p.t.a[i] ?? 0);
  p.latency.a[i] = Math.max(0, Math.min(2 ** 31 - 1, Math.round((t - sent) * 1000)));
  p.ackType.a[i] = ACK_TYPES.indexOf(ackType);
  setI32(s.chain, pos, -(i + 1));
}

export function setPubDetail(s: State, i: number, detail: PubDetail, failures: boolean): void {
  const keep = (map: Map<number, PubDetail>, cap: number) => {
    map.set(i, detail);
    if (map.size > cap) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  };
  keep(s.pubs.recent, LIMITS.recentPublishDetails);
  if (failures) keep(s.pubs.failedDetails, LIMITS.failedPublishDetails);
}

/** Adds a pending publish id, evicting the oldest past the cap (it becomes unanswered). */
export function trackPending(s: State, c: ConnS, id: string, i: number): void {
  c.pending.set(id, i);
  if (c.pending.size > LIMITS.pendingPublishes) {
    const oldest = c.pending.entries().next();
    if (!oldest.done) {
      c.pending.delete(oldest.value[0]);
      setPubState(s, oldest.value[1], 'unanswered');
      bump(s.overflow, 'pendingPublishes');
    }
  }
}
