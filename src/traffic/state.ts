// The model's internal state: plain data only (objects, arrays, Maps, typed arrays), so a
// snapshot is a trimmed structuredClone. Nothing here is per frame except the three typed
// arrays indexed by position (chain, mark, code): 6 bytes a frame.

import type { AppSyncError } from '../protocol/messages.ts';
import type { ConnectionAuth } from '../protocol/lint.ts';
import { i32List, u8List, type I32List, type U8List } from './grow.ts';
import type { ConnectionState, Finding, Origin, PublishResults, SubscriptionState } from './types.ts';

export const SNAPSHOT_VERSION = 1;

/** Bounds (README: memory). Past them the model aggregates and counts in `overflow`. */
export const LIMITS = {
  connections: 20_000,
  subscriptions: 50_000,
  /** Finding objects kept; later ones are counted and still marked per frame. */
  findings: 50_000,
  /** Publishes whose per-event results are kept in full: the most recent ones… */
  recentPublishDetails: 2_000,
  /** …and those with failures, separately, so a failure is not pushed out by successes. */
  failedPublishDetails: 10_000,
  /** Unanswered publishes tracked per connection (ids are page data). */
  pendingPublishes: 10_000,
  channels: 10_000,
  types: 64,
  codes: 250,
  buckets: 2_048,
  /** Positions listed in one finding's `related`. */
  related: 20,
} as const;

export const RATE_WINDOW_S = 10;
export const KEEPALIVE_WARNING_RATIO = 0.75;

export interface ConnS {
  index: number;
  connId: string;
  kind: 'websocket' | 'http';
  url: string;
  origin: Origin;
  appsync: boolean;
  authMode?: string;
  /** The recorder's auth label (ConnectionInfo), which wins over what redacted headers say. */
  authLabel?: string;
  authHeaders?: Record<string, unknown>;
  /** Whether the connection carried credentials, for the authorization lint rule. */
  connectionAuth: ConnectionAuth;
  state: ConnectionState;
  /** A connecting/open frame was seen: the capture covers the connection from its start. */
  fromStart: boolean;
  acked: boolean;
  initSeen: boolean;
  timeoutMs?: number;
  createdAt?: number;
  openedAt?: number;
  closedAt?: number;
  closePos?: number;
  closeCode?: number;
  closeReason?: string;
  wasClean?: boolean;
  firstPos: number;
  lastPos: number;
  lastAt: number;
  frames: number;
  sent: number;
  received: number;
  bytesOut: number;
  bytesIn: number;
  errors: number;
  connectionErrors?: AppSyncError[];
  kaLastAt?: number;
  kaLastPos?: number;
  kaLargest: number;
  kaLargestEnd?: number;
  subs: number[];
  /** Subscription id → every subscription with that id on this connection, oldest first. */
  byId: Map<string, number[]>;
  liveSubs: number;
  publishes: number;
  /** Publishes sent in second `pubSec` (the per-connection rate quota). */
  pubSec: number;
  pubInSec: number;
  /** Publish id → publish index, while unanswered. */
  pending: Map<string, number>;
  /** HTTP: unanswered requests in order, as [publish index, seq]. */
  httpPending: [number, number][];
}

export interface SubS {
  index: number;
  conn: number;
  id: string;
  channel?: string;
  /** Interned channel (-1 none): data frames are counted without hashing their channel. */
  chIdx: number;
  authMode?: string;
  state: SubscriptionState;
  unsubscribing: boolean;
  error?: string;
  subscribePos: number;
  subscribeAt: number;
  ackPos?: number;
  unsubscribePos?: number;
  unsubAckPos?: number;
  endPos?: number;
  events: number;
  lastEventAt?: number;
  /** Data positions, in order (all of them: 4 bytes each). */
  data: I32List;
  /** Events per second for the last RATE_WINDOW_S seconds, as a ring keyed by second. */
  rate: Int32Array;
  rateSec: number;
  broadcastErrors: number;
  previous?: number;
  /** Subscribed before the capture began: subscribePos is its first captured event. */
  inferred?: boolean;
}

export interface PubDetail {
  id?: string;
  results?: PublishResults;
  errors?: AppSyncError[];
}

/** Publishes, column-wise: one publish costs ~40 bytes and no object. */
export interface PubTable {
  conn: I32List;
  pos: I32List;
  /** -1 until answered. */
  ack: I32List;
  /** ms relative to the model's first frame, rounded (latency is the ack's minus this). */
  t: I32List;
  latency: I32List;
  events: I32List;
  ok: I32List;
  failed: I32List;
  /** PUB_STATES index; +16 for HTTP. */
  state: U8List;
  /** HTTP status, -1 when none. */
  status: I32List;
  /** Interned channel, -1 when none. */
  channel: I32List;
  /** Interned ack type, -1 when none. */
  ackType: I32List;
  n: number;
  recent: Map<number, PubDetail>;
  failedDetails: Map<number, PubDetail>;
}

export const PUB_STATES = ['pending', 'success', 'partial', 'failed', 'error', 'unanswered'] as const;
export const HTTP_FLAG = 16;

export interface SeriesS {
  startMs: number;
  bucketMs: number;
  events: number[];
  frames: number[];
  errors: number[];
}

export interface State {
  v: typeof SNAPSHOT_VERSION;
  origin: Origin;
  /** Decode and lint every data frame too (about half the fold rate). */
  lintData: boolean;
  version: number;
  nextPos: number;
  duplicates: number;
  missing: number;
  t0?: number;
  firstAt?: number;
  lastAt?: number;
  conns: ConnS[];
  connIndex: Map<string, number>;
  subs: SubS[];
  /** Subscription id → its latest subscription on any connection (re-subscribe links). */
  lastSubById: Map<string, number>;
  pubs: PubTable;
  /** Per position: 0 none, s + 1 subscription s, -(p + 1) publish p. */
  chain: I32List;
  /** Per position: Mark bits. */
  mark: U8List;
  /** Per position: 1 + the code index of the frame's first finding, 0 none. */
  code: U8List;
  findings: Finding[];
  findingsDropped: number;
  codes: string[];
  codeIndex: Map<string, number>;
  bySeverity: { error: number; warning: number; info: number };
  byCode: Map<string, number>;
  byType: Map<string, number>;
  byDir: Map<string, number>;
  channels: string[];
  channelIndex: Map<string, number>;
  channelCount: number[];
  bytesIn: number;
  bytesOut: number;
  errors: number;
  series: SeriesS;
  overflow: Map<string, number>;
}

export function createState(origin: Origin, lintData = false): State {
  return {
    v: SNAPSHOT_VERSION,
    origin,
    lintData,
    version: 0,
    nextPos: 0,
    duplicates: 0,
    missing: 0,
    conns: [],
    connIndex: new Map(),
    subs: [],
    lastSubById: new Map(),
    pubs: {
      conn: i32List(),
      pos: i32List(),
      ack: i32List(),
      t: i32List(),
      latency: i32List(),
      events: i32List(),
      ok: i32List(),
      failed: i32List(),
      state: u8List(),
      status: i32List(),
      channel: i32List(),
      ackType: i32List(),
      n: 0,
      recent: new Map(),
      failedDetails: new Map(),
    },
    chain: i32List(1024),
    mark: u8List(1024),
    code: u8List(1024),
    findings: [],
    findingsDropped: 0,
    codes: [],
    codeIndex: new Map(),
    bySeverity: { error: 0, warning: 0, info: 0 },
    byCode: new Map(),
    byType: new Map(),
    byDir: new Map(),
    channels: [],
    channelIndex: new Map(),
    channelCount: [],
    bytesIn: 0,
    bytesOut: 0,
    errors: 0,
    series: { startMs: 0, bucketMs: 1000, events: [], frames: [], errors: [] },
    overflow: new Map(),
  };
}

export function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
