// The traffic model's public face: apply batches of StoredFrames in position order, read
// plain frozen views. Views are cached per `version`, so a Preact component that keeps the
// last object it got re-renders only when the identity changes.

import type { StoredFrame } from '../sessions/types.ts';
import { applyInfo } from './connections.ts';
import { findingsAt, findingsFrom } from './findings.ts';
import { applyFrames, readsText } from './fold.ts';
import { getI32, getU8, trimI32, trimU8 } from './grow.ts';
import { createState, SNAPSHOT_VERSION, type State } from './state.ts';
import { channelTree, statsView } from './stats.ts';
import type {
  ChannelNode,
  ConnectionInfo,
  ConnectionView,
  Correlation,
  Finding,
  Origin,
  PublishView,
  StatsView,
  SubscriptionView,
} from './types.ts';
import { connectionView, correlation, lowerBound, publishView, subscriptionView } from './views.ts';

/** An opaque, structured-clone friendly copy of the model (IndexedDB can store it). */
export interface TrafficSnapshot {
  readonly v: number;
  readonly state: unknown;
}

export interface TrafficModel {
  /** Increases whenever applied frames or connection info changed something. */
  readonly version: number;
  /** Frames applied so far: the next position expected. */
  readonly nextPos: number;
  /** Frames in position order; positions already applied are skipped (counted as duplicates). */
  apply(frames: readonly StoredFrame[]): void;
  /**
   * Whether `apply` can read the text of a frame like this: a reader may leave out the texts
   * of frames for which it is false (data and ka messages, lifecycle frames).
   */
  readsText(dir: string, type: string | undefined, size: number): boolean;
  /** Facts frames do not carry: URL, offered protocols, auth label, origin. */
  setConnections(infos: readonly ConnectionInfo[]): void;
  /** `now` (ms) drives keep-alive health and rates; default: the last frame's time. */
  connections(now?: number): readonly ConnectionView[];
  connection(index: number, now?: number): ConnectionView | undefined;
  connectionIndex(connId: string): number | undefined;
  subscriptions(now?: number): readonly SubscriptionView[];
  subscription(index: number, now?: number): SubscriptionView | undefined;
  readonly publishCount: number;
  publish(index: number): PublishView | undefined;
  /** Publishes from index `from`, at most `limit`. */
  publishes(from?: number, limit?: number): readonly PublishView[];
  /** The chain the frame at `pos` belongs to. */
  correlation(pos: number, now?: number): Correlation | undefined;
  /** Positions of a subscription's data frames at or after `fromPos`, at most `limit`. */
  dataPositions(subscription: number, fromPos?: number, limit?: number): readonly number[];
  /** The frame's channel, or the one its chain resolves to (data frames, acks). */
  channelFor(frame: Pick<StoredFrame, 'pos' | 'channel'>): string | undefined;
  /** Mark bits (types.ts Mark) for a row. */
  markAt(pos: number): number;
  findingsAt(pos: number): readonly Finding[];
  findings(fromPos?: number, limit?: number): readonly Finding[];
  channelTree(): readonly ChannelNode[];
  stats(): StatsView;
  snapshot(): TrafficSnapshot;
}

export interface TrafficModelOptions {
  /** Fed from the session's source: console → 'console', replay → 'replay', else 'page'. */
  readonly origin?: Origin;
  /**
   * Also decode and lint every `data` frame (event JSON validity, event shape). Off by
   * default: it halves the fold rate; the detail view lints the selected frame anyway.
   */
  readonly lintData?: boolean;
}

export function originOfSource(source: string | undefined): Origin {
  return source === 'console' ? 'console' : source === 'replay' ? 'replay' : 'page';
}

export function createTrafficModel(opts?: TrafficModelOptions): TrafficModel {
  return wrap(createState(opts?.origin ?? 'page', opts?.lintData === true));
}

export function restoreTrafficModel(snapshot: TrafficSnapshot): TrafficModel {
  if (!snapshot || snapshot.v !== SNAPSHOT_VERSION) throw new Error(`traffic snapshot version ${String(snapshot?.v)} is not ${SNAPSHOT_VERSION}`);
  return wrap(structuredClone(snapshot.state) as State);
}

function trimmedCopy(s: State): State {
  const p = s.pubs;
  return structuredClone({
    ...s,
    chain: trimI32(s.chain),
    mark: trimU8(s.mark),
    code: trimU8(s.code),
    subs: s.subs.map((sub) => ({ ...sub, data: trimI32(sub.data) })),
    pubs: {
      ...p,
      conn: trimI32(p.conn),
      pos: trimI32(p.pos),
      ack: trimI32(p.ack),
      t: trimI32(p.t),
      latency: trimI32(p.latency),
      events: trimI32(p.events),
      ok: trimI32(p.ok),
      failed: trimI32(p.failed),
      state: trimU8(p.state),
      status: trimI32(p.status),
      channel: trimI32(p.channel),
      ackType: trimI32(p.ackType),
    },
  });
}

function wrap(s: State): TrafficModel {
  // One entry per view, holding the argument (`now`) it was made for: a live panel asks
  // with a new `now` every tick while no frame arrives, so keying by `now` as well grew the
  // cache by one frozen copy of every connection and subscription per tick. Asking again
  // with an older `now` rebuilds the view, which no caller does in a loop.
  const cache = new Map<string, { readonly arg: number; readonly value: unknown }>();
  let cachedAt = -1;
  const memo = <T>(view: string, arg: number, make: () => T): T => {
    if (cachedAt !== s.version) {
      cache.clear();
      cachedAt = s.version;
    }
    const hit = cache.get(view);
    if (hit && hit.arg === arg) return hit.value as T;
    const value = make();
    cache.set(view, { arg, value });
    return value;
  };
  const nowOr = (now: number | undefined) => (typeof now === 'number' ? now : (s.lastAt ?? 0));
  return {
    get version() {
      return s.version;
    },
    get nextPos() {
      return s.nextPos;
    },
    apply(frames) {
      applyFrames(s, frames);
    },
    readsText(dir, type, size) {
      return readsText(s, dir, type, size);
    },
    setConnections(infos) {
      for (const info of infos) if (info && typeof info.connId === 'string') applyInfo(s, info);
    },
    connections(now) {
      const n = nowOr(now);
      return memo('connections', n, () => Object.freeze(s.conns.map((c) => connectionView(c, n))));
    },
    connection(index, now) {
      const c = s.conns[index];
      return c ? connectionView(c, nowOr(now)) : undefined;
    },
    connectionIndex(connId) {
      return s.connIndex.get(connId);
    },
    subscriptions(now) {
      const n = nowOr(now);
      return memo('subscriptions', n, () => Object.freeze(s.subs.map((sub) => subscriptionView(s, sub, n))));
    },
    subscription(index, now) {
      const sub = s.subs[index];
      return sub ? subscriptionView(s, sub, nowOr(now)) : undefined;
    },
    get publishCount() {
      return s.pubs.n;
    },
    publish(index) {
      return publishView(s, index);
    },
    publishes(from = 0, limit = 100) {
      const out: PublishView[] = [];
      for (let i = Math.max(0, from); i < s.pubs.n && out.length < limit; i++) {
        const v = publishView(s, i);
        if (v) out.push(v);
      }
      return Object.freeze(out);
    },
    correlation(pos, now) {
      return correlation(s, pos, nowOr(now));
    },
    dataPositions(subscription, fromPos = 0, limit = 100) {
      const sub = s.subs[subscription];
      if (!sub) return Object.freeze([]);
      const start = lowerBound(sub, fromPos);
      return Object.freeze(Array.from(sub.data.a.subarray(start, Math.min(sub.data.n, start + Math.max(0, limit)))));
    },
    channelFor(frame) {
      if (typeof frame.channel === 'string') return frame.channel;
      const v = getI32(s.chain, frame.pos);
      if (v > 0) return s.subs[v - 1]?.channel;
      if (v < 0) {
        const ch = s.pubs.channel.a[-v - 1] ?? -1;
        return ch >= 0 ? s.channels[ch] : undefined;
      }
      return undefined;
    },
    markAt(pos) {
      return getU8(s.mark, pos);
    },
    findingsAt(pos) {
      return Object.freeze(findingsAt(s, pos));
    },
    findings(fromPos = 0, limit = 1000) {
      return Object.freeze(findingsFrom(s, fromPos, limit));
    },
    channelTree() {
      return memo('tree', 0, () => channelTree(s));
    },
    stats() {
      return memo('stats', 0, () => statsView(s));
    },
    snapshot() {
      return { v: SNAPSHOT_VERSION, state: trimmedCopy(s) };
    },
  };
}
