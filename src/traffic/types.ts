// The read shapes of the traffic model: plain, frozen data that the inspector, the console
// and replay render. Positions are StoredFrame.pos values (session-wide, 0-based), so every
// link here is something the UI can jump to.

import type { AppSyncError } from '../protocol/messages.ts';
import type { PublishFailure } from '../protocol/decode-parts.ts';
import type { LintSeverity } from '../protocol/lint-rules.ts';

/** Who opened a connection: the inspected page, the panel's console, or a replay. */
export type Origin = 'page' | 'console' | 'replay';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * ok: the gap since the last `ka`/`data` is below 75 % of `connectionTimeoutMs`;
 * warning: above it; timed-out: above the timeout itself; unknown: nothing to measure yet.
 */
export type KeepAliveHealth = 'ok' | 'warning' | 'timed-out' | 'unknown';

export interface KeepAliveView {
  /** Time and position of the last `ka` or `data` received (or the `connection_ack`). */
  readonly lastAt?: number;
  readonly lastPos?: number;
  /** Time since lastAt, at `now` for an open connection, at the close for a closed one. */
  readonly currentGapMs: number;
  readonly health: KeepAliveHealth;
  /** The largest gap seen between two keep-alive signals, and where it ended. */
  readonly largestGapMs: number;
  readonly largestGapEndPos?: number;
  /** Health of the largest gap: a connection that once came close stays visible. */
  readonly worst: KeepAliveHealth;
  /** `connectionTimeoutMs` used for health: the ack's, or 300000 when it sent none. */
  readonly timeoutMs: number;
}

export interface AuthView {
  /** src/protocol's AuthMode, or the recorder's label when only that is known. */
  readonly mode: string;
  /** The header object with every secret fingerprinted (never the raw values). */
  readonly headers?: Readonly<Record<string, unknown>>;
}

export interface ConnectionView {
  /** Stable index in the model, in order of first appearance. */
  readonly index: number;
  readonly connId: string;
  readonly kind: 'websocket' | 'http';
  /** Empty until the connection's record or an HTTP request names it. */
  readonly url: string;
  readonly origin: Origin;
  /** False for sockets captured with "capture every WebSocket" that are not AppSync. */
  readonly appsync: boolean;
  readonly auth?: AuthView;
  readonly state: ConnectionState;
  /** A `connection_ack` was received. */
  readonly acked: boolean;
  /** From `connection_ack`; undefined when the ack had none (or no ack yet). */
  readonly connectionTimeoutMs?: number;
  readonly createdAt?: number;
  readonly openedAt?: number;
  readonly closedAt?: number;
  readonly closeCode?: number;
  readonly closeReason?: string;
  readonly wasClean?: boolean;
  readonly firstPos: number;
  readonly lastPos: number;
  readonly lastAt: number;
  readonly frames: number;
  readonly sent: number;
  readonly received: number;
  readonly bytesOut: number;
  readonly bytesIn: number;
  /** Error frames (`*_error`, `error`, failed HTTP publishes, socket errors). */
  readonly errors: number;
  /** The last `connection_error`'s errors. */
  readonly connectionErrors?: readonly AppSyncError[];
  readonly keepAlive: KeepAliveView;
  /** Indexes into subscriptions(), oldest first. */
  readonly subscriptions: readonly number[];
  readonly publishes: number;
}

/**
 * pending: subscribe sent; active: subscribe_success; failed: subscribe_error (or an `error`
 * frame with its id); unsubscribed: unsubscribe_success; closed: the connection closed while
 * it was pending or active. `unsubscribing` marks an unsubscribe still waiting for its ack.
 */
export type SubscriptionState = 'pending' | 'active' | 'failed' | 'unsubscribed' | 'closed';

export interface SubscriptionView {
  readonly index: number;
  readonly conn: number;
  readonly connId: string;
  readonly id: string;
  readonly channel?: string;
  readonly authMode?: string;
  readonly state: SubscriptionState;
  readonly unsubscribing: boolean;
  /** First error text (`errorType: message`), for failed subscriptions and unsubscribe errors. */
  readonly error?: string;
  readonly subscribePos: number;
  readonly subscribeAt: number;
  readonly ackPos?: number;
  readonly unsubscribePos?: number;
  readonly endPos?: number;
  readonly events: number;
  readonly firstEventPos?: number;
  readonly lastEventPos?: number;
  readonly lastEventAt?: number;
  /** Events per second over the last RATE_WINDOW_S seconds before `now`. */
  readonly rate: number;
  readonly broadcastErrors: number;
  /** The subscription with the same id on an earlier connection (a reconnect's re-subscribe). */
  readonly previous?: number;
  /**
   * Subscribed before the capture began (only its events were captured): `subscribePos` and
   * `subscribeAt` are its first captured event's, and its channel is known only if the
   * events carry it.
   */
  readonly inferred?: true;
}

export type PublishState = 'pending' | 'success' | 'partial' | 'failed' | 'error' | 'unanswered';

export interface PublishResults {
  readonly successful: readonly { readonly identifier: string; readonly index: number }[];
  readonly failed: readonly PublishFailure[];
}

export interface PublishView {
  readonly index: number;
  readonly conn: number;
  readonly kind: 'websocket' | 'http';
  readonly id?: string;
  readonly channel?: string;
  readonly pos: number;
  readonly t: number;
  readonly events: number;
  readonly ackPos?: number;
  readonly ackType?: string;
  /** HTTP status of the response (0: the request failed before a response). */
  readonly status?: number;
  readonly latencyMs?: number;
  readonly state: PublishState;
  readonly successCount: number;
  readonly failedCount: number;
  /**
   * Per-event results, kept for the most recent publishes and for every publish with
   * failures (see README: bounds). When absent but ackPos is set, decode that frame.
   */
  readonly results?: PublishResults;
  readonly errors?: readonly AppSyncError[];
}

export type ChainRole =
  | 'subscribe'
  | 'subscribe-ack'
  | 'data'
  | 'broadcast-error'
  | 'unsubscribe'
  | 'unsubscribe-ack'
  | 'publish'
  | 'publish-ack'
  | 'http-request'
  | 'http-response';

export interface ChainLink {
  readonly role: ChainRole;
  readonly pos: number;
}

/** The conversation a frame belongs to, as positions to jump to. */
export interface Correlation {
  readonly kind: 'subscription' | 'publish';
  readonly subscription?: SubscriptionView;
  readonly publish?: PublishView;
  /** The role of the frame asked about. */
  readonly role: ChainRole;
  /** Request, ack and end links (never the data frames, which can be millions). */
  readonly links: readonly ChainLink[];
  /** Data frames of a subscription: count and ends; page through them with dataPositions(). */
  readonly data?: { readonly count: number; readonly first?: number; readonly last?: number };
}

export interface Finding {
  readonly code: string;
  readonly severity: LintSeverity;
  readonly pos: number;
  readonly message: string;
  /** Other frames the finding is about (the earlier subscribe, the close, …). */
  readonly related?: readonly number[];
  /** Position in `events` when the finding is about one event. */
  readonly index?: number;
}

export interface ChannelNode {
  /** The segment (`default`, `chat`, `*`), or the namespace at the top level. */
  readonly name: string;
  /** Normalised path up to here (`/default/chat`). */
  readonly path: string;
  /** Frames naming exactly this path. */
  readonly own: number;
  /** Frames naming this path or anything below it. */
  readonly total: number;
  readonly children: readonly ChannelNode[];
}

export interface SeriesView {
  /** Bucket width; doubles when the session outgrows MAX_BUCKETS. */
  readonly bucketMs: number;
  /** uPlot's x axis: bucket starts in seconds. */
  readonly x: readonly number[];
  /** Data events per second in each bucket. */
  readonly events: readonly number[];
  /** All frames per second in each bucket. */
  readonly frames: readonly number[];
  readonly errors: readonly number[];
}

export interface StatsView {
  readonly frames: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly byDirection: Readonly<Record<string, number>>;
  /** Top channels by frames (at most 200), most first. */
  readonly byChannel: readonly { readonly channel: string; readonly count: number }[];
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly errors: number;
  readonly findings: Readonly<Record<LintSeverity, number>>;
  readonly findingsByCode: Readonly<Record<string, number>>;
  readonly firstAt?: number;
  readonly lastAt?: number;
  readonly series: SeriesView;
  /** Frames skipped because their position was already applied, and positions never seen. */
  readonly duplicates: number;
  readonly missing: number;
  /** What a capacity cap folded into aggregates (see README: bounds); zero normally. */
  readonly overflow: Readonly<Record<string, number>>;
}

/** Bits of markAt(pos): what a row should look like. */
export const Mark = {
  /** The frame is an error (an `*_error` or `error` frame, a failed HTTP publish, a socket error). */
  errorFrame: 1,
  error: 2,
  warning: 4,
  info: 8,
} as const;

/** Connection facts the frames do not carry (URL, offered protocols): ConnectionRecord's. */
export interface ConnectionInfo {
  readonly connId: string;
  readonly kind?: 'websocket' | 'http';
  readonly url?: string;
  readonly appsync?: boolean;
  readonly protocolsOffered?: readonly string[];
  readonly authMode?: string;
  readonly origin?: Origin;
}
