// The stored shapes of the sessions database: what the recorder writes, what queries,
// export and import read. Pure data (structured-clone friendly), no behaviour.

import type { CaptureRecord, SessionId } from '../capture/records.ts';

export type { SessionId };

/**
 * Where a frame sits in the conversation. Message frames are `send`/`receive` (WebSocket)
 * and `http-request`/`http-response` (HTTP publish); the rest are socket lifecycle events.
 * `connecting` is `new WebSocket()` being called, which is useful to see next to `open`.
 */
export type Direction =
  | 'send'
  | 'receive'
  | 'http-request'
  | 'http-response'
  | 'connecting'
  | 'open'
  | 'close'
  | 'error';

export const DIRECTIONS: readonly Direction[] = [
  'send',
  'receive',
  'http-request',
  'http-response',
  'connecting',
  'open',
  'close',
  'error',
];

/** Bits of `StoredFrame.flags`. */
export const FrameFlag = {
  /** The hook kept only the start of the text (see `extra.length`). */
  truncated: 1,
  /** Binary frame: only a description (`binary`) is stored. */
  binary: 2,
  /** Records of this socket were missing right before this frame (a gap in seq). */
  afterGap: 4,
  /** A close that was not clean, or an HTTP publish that failed. */
  failed: 8,
  /**
   * Not the app's or the server's own message: received, one that DevTools delivered to the
   * app (inject, or a block rule's replacement); sent, a block rule's replacement of the
   * app's message.
   */
  injected: 16,
  /**
   * A received message that a page script dispatched on the socket (the event was not
   * `isTrusted`): the app saw it, but it did not come from the network.
   */
  synthetic: 32,
  /**
   * Kept back by a block rule (src/capture/block-rules.ts): a sent message that never left
   * the page, or a received one that none of the app's listeners saw.
   */
  blocked: 64,
} as const;

/** A received message that did not come from the server (see FrameFlag). */
export const NOT_FROM_NETWORK = FrameFlag.injected | FrameFlag.synthetic;

export interface BinaryDescription {
  readonly size: number;
  /** Base64 of the first bytes. */
  readonly preview: string;
}

/** Rare, per-kind details kept so that export and HAR can be rebuilt. */
export interface FrameExtra {
  /** Original UTF-16 length of a truncated text. */
  readonly length?: number;
  readonly code?: number;
  readonly reason?: string;
  readonly wasClean?: boolean;
  readonly method?: string;
  readonly url?: string;
  /** Kept headers: the request's on an `http-request` frame, the response's on an `http-response` one. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * On an `http-response` frame: the seq of its request frame (same `sock`). Absent when
   * both halves came from one record and share their seq (older sessions, HAR, network log).
   */
  readonly request?: number;
  readonly status?: number;
  readonly duration?: number;
  readonly error?: string;
  /**
   * How a frame was seen when not by the page hook: `network`, by the browser's report
   * (a worker's socket handshake, DevTools' network log); `shared-worker`, on the
   * `connecting` frame that stands for a shared worker the page started, whose sockets
   * are not captured; `debugger`, on the `connecting` frame of a worker's socket captured
   * through Chromium's debugger (its close code is not known).
   */
  readonly via?: 'fetch' | 'xhr' | 'network' | 'shared-worker' | 'debugger';
}

export interface StoredFrame {
  /** Session-wide position, 0-based, contiguous. */
  readonly pos: number;
  /** Capture key (socketId, seq): the de-duplication key of the record the frame came from. */
  readonly sock: string;
  readonly seq: number;
  /** Wall-clock ms. */
  readonly t: number;
  /** Connection id (see ConnectionRecord.connId). */
  readonly conn: string;
  readonly dir: Direction;
  /** AppSync message type (`subscribe`, `data`, `publish`, `ka`, …) when classified. */
  readonly type?: string;
  /** Subscription or publish id. */
  readonly id?: string;
  /**
   * Channel. For `data` frames it is the channel (possibly a `/*` pattern) of the
   * subscription that `id` names, resolved from the connection's `subscribe` frame.
   */
  readonly channel?: string;
  /** Bytes on the wire (UTF-8 for text). */
  readonly size: number;
  readonly text?: string;
  readonly binary?: BinaryDescription;
  readonly flags: number;
  readonly extra?: FrameExtra;
}

export type ConnectionKind = 'websocket' | 'http';

export interface ConnectionRecord {
  readonly sessionId: SessionId;
  /** socketId for WebSockets; `http <origin+path>` for an HTTP publish endpoint. */
  readonly connId: string;
  readonly kind: ConnectionKind;
  readonly url: string;
  /** Detected (or declared) as AppSync Events; other sockets are kept as generic. */
  readonly appsync: boolean;
  readonly frameUrl?: string;
  readonly protocolsOffered: readonly string[];
  /** Subprotocol the server selected. */
  readonly protocol?: string;
  readonly extensions?: string;
  /**
   * An `AuthMode` of src/protocol/auth.ts (`API_KEY`, `AWS_IAM`, `AMAZON_COGNITO_USER_POOLS`,
   * `OPENID_CONNECT`, `AWS_LAMBDA`, `NONE`, `UNKNOWN`), or undefined if none was seen.
   * Sessions recorded or exported by earlier versions may hold `JWT` (Cognito or OIDC, not
   * told apart); it is read as it is, like any other string an imported file carries.
   */
  readonly authMode?: string;
  readonly createdAt?: number;
  readonly openedAt?: number;
  readonly closedAt?: number;
  readonly closeCode?: number;
  readonly closeReason?: string;
  readonly errors: number;
  readonly sent: number;
  readonly received: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Capture records known to be missing (gaps in seq). */
  readonly lost: number;
  /** Subscription id → channel, from this connection's `subscribe` frames. */
  readonly subscriptions: Readonly<Record<string, string>>;
}

/**
 * Who produced the frames: the inspected page (`live`), a file (`imported`), the panel's
 * pub/sub console (`console`) or a replay of another session (`replay`).
 */
export type SessionSource = 'live' | 'imported' | 'replay' | 'console';
export const SESSION_SOURCES: readonly SessionSource[] = ['live', 'imported', 'replay', 'console'];
/** `importing` sessions are staged: invisible until the import completes. */
export type SessionState = 'recording' | 'complete' | 'importing';

export interface ConnectionSummary {
  readonly websocket: number;
  readonly http: number;
  readonly appsync: number;
  readonly errors: number;
  readonly lost: number;
}

export interface SessionRecord {
  readonly id: SessionId;
  readonly name: string;
  readonly pageUrl: string;
  readonly pageTitle: string;
  readonly browser: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  /** Totals kept here so opening a session never needs count(). */
  readonly frameCount: number;
  readonly byteCount: number;
  /** Estimated bytes this session occupies in the database (retention budget). */
  readonly storedBytes: number;
  readonly chunkCount: number;
  readonly connections: ConnectionSummary;
  readonly source: SessionSource;
  /** The session this one was made from (a replay's original). */
  readonly derivedFrom?: SessionId;
  readonly tags: readonly string[];
  readonly pinned: boolean;
  readonly keepSecrets: boolean;
  readonly state: SessionState;
  /**
   * While `importing`: when the import last wrote (refreshed with every batch of chunks), so
   * a staged import left by a crash can be told from one still running in another panel.
   */
  readonly stagedAt?: number;
  /** Soft delete: set by deleteSession, cleared by undoDelete, purged later. */
  readonly deletedAt?: number;
}

/** Count maps: value → number of frames in the chunk with it. */
export type Counts = Readonly<Record<string, number>>;

export interface ChunkSummary {
  readonly sessionId: SessionId;
  readonly chunkNo: number;
  readonly firstPos: number;
  readonly count: number;
  readonly bytes: number;
  readonly tMin: number;
  readonly tMax: number;
  readonly channels: Counts;
  readonly types: Counts;
  readonly conns: Counts;
  /** Message ids: subscription ids (subscribe, data, unsubscribe) and publish ids. */
  readonly ids: Counts;
  readonly dirs: Counts;
}

export interface ChunkRecord {
  readonly sessionId: SessionId;
  readonly chunkNo: number;
  readonly firstPos: number;
  readonly frames: readonly StoredFrame[];
}

/** Per-socket high-water mark: the highest capture seq stored for (session, socket). */
export interface MarkRecord {
  readonly sessionId: SessionId;
  readonly socketId: string;
  readonly seq: number;
  /** The records up to `seq` were passed over (not stored while stopped); none stored since. */
  readonly passedOver?: true;
}

export interface MetaRecord {
  readonly key: string;
  readonly value: unknown;
}

/** Injected message classifier (the protocol module's), so sessions do not depend on it. */
export type Classify = (text: string) => { type?: string; id?: string; channel?: string };
/** Injected secret redactor, applied to records before storing and to exports. */
export type Redact = (record: CaptureRecord) => CaptureRecord;
/** Channel pattern matcher; the default handles exact names and a trailing `/*`. */
export type MatchChannel = (pattern: string, channel: string) => boolean;
