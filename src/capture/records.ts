// The capture record: what the page hook observes, one fact per record.
// Produced in the page (so: small, flat, cheap to build, no parsing), validated at the relay,
// stored by the background and read by the panel. Every record of one socket or HTTP call
// is keyed by (socketId, seq); seq starts at 0 and has no gaps within a page load, which is
// what makes de-duplication after a resend and loss detection possible.

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** `<pageNonce>:<n>`: unique per page load and frame, stable across resends. */
export type SocketId = Brand<string, 'SocketId'>;
export type SessionId = Brand<string, 'SessionId'>;

/** A frame's payload. Text frames carry their text; binary frames only a description. */
export type Payload = string | BinaryPayload;

export interface BinaryPayload {
  readonly binary: true;
  /** Byte length of the whole frame. */
  readonly size: number;
  /** Base64 of the first bytes (at most PREVIEW_BYTES), for a hex view. */
  readonly preview: string;
}

export interface TruncatedText {
  readonly truncated: true;
  /** The first part of the text that was kept. */
  readonly text: string;
  /** UTF-16 length of the original text. */
  readonly length: number;
}

interface Base {
  readonly socketId: SocketId;
  readonly seq: number;
  /** Wall-clock time in ms with sub-ms precision (performance.timeOrigin + performance.now()). */
  readonly t: number;
}

/** `new WebSocket(url, protocols)` was called. `appsync` says whether detection matched. */
export interface SocketCreated extends Base {
  readonly kind: 'ws-create';
  readonly url: string;
  readonly protocols: readonly string[];
  readonly frameUrl: string;
  readonly appsync: boolean;
  /**
   * Set only by the background, never accepted from a page: a socket whose handshake the
   * browser reported and that the hook did not capture (a worker's), `network`: its frames are
   * not recorded; a worker's socket captured through Chromium's debugger where the user opted
   * in (src/recording/debugger-traffic.ts), `debugger`: `frameUrl` is then the worker's script.
   */
  readonly via?: 'network' | 'debugger';
}
export interface SocketOpened extends Base {
  readonly kind: 'ws-open';
  readonly protocol: string;
  readonly extensions: string;
}
export interface FrameSent extends Base {
  readonly kind: 'ws-send';
  readonly data: Payload | TruncatedText;
  readonly size: number;
  /** Kept from the server by a block rule (block-rules.ts): not sent. */
  readonly blocked?: true;
  /** Sent by the extension in the app's place: a block rule's replacement of a blocked send. */
  readonly injected?: true;
}
export interface FrameReceived extends Base {
  readonly kind: 'ws-receive';
  readonly data: Payload | TruncatedText;
  readonly size: number;
  /**
   * Delivered to the app by the extension (DevTools inject, or a block rule's replacement of
   * a blocked message), not received from the server.
   */
  readonly injected?: true;
  /**
   * Dispatched on the socket by a page script (the event was not `isTrusted`), not received
   * from the server. Kept so nothing the app saw is lost, but it is not wire traffic.
   */
  readonly synthetic?: true;
  /** Kept from the app by a block rule: none of the app's listeners saw it. */
  readonly blocked?: true;
}
export interface SocketErrored extends Base {
  readonly kind: 'ws-error';
}
export interface SocketClosed extends Base {
  readonly kind: 'ws-close';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /**
   * Set only by the background: the debugger reported that the socket closed but not how
   * (no code, reason or cleanliness); `code`, `reason` and `wasClean` are placeholders.
   */
  readonly unreported?: true;
}
/**
 * An HTTP publish (`POST …/event`) from fetch or XMLHttpRequest, recorded when it starts:
 * before the `data` frames it causes, so position order is time order. Its response is the
 * `http-response` record whose `request` is this record's seq (same socketId).
 */
export interface HttpRequestSent extends Base {
  readonly kind: 'http-request';
  readonly url: string;
  readonly method: string;
  readonly frameUrl: string;
  /** Request headers of KEPT_REQUEST_HEADERS (src/protocol/http-headers.ts), lower-cased keys. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | TruncatedText;
  readonly via: 'fetch' | 'xhr' | 'network';
}
/** How the publish recorded as `http-request` with seq `request` ended, when it settles. */
export interface HttpResponseReceived extends Base {
  readonly kind: 'http-response';
  /** seq of the request's record. */
  readonly request: number;
  /** The request's URL again: the response is filed under the same connection without state. */
  readonly url: string;
  /** 0 when the request failed before a response. */
  readonly status: number;
  /** Response headers of KEPT_RESPONSE_HEADERS that the page could read, lower-cased keys. */
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string | TruncatedText;
  /** ms since the request started. */
  readonly duration: number;
  /** Network error text when status is 0. */
  readonly error?: string;
}
/**
 * A whole HTTP publish in one record, made after it settled: publishes from DevTools' network
 * log (workers' requests, known only once finished) and HAR imports. The page's own are
 * `http-request` + `http-response`.
 */
export interface HttpPublish extends Base {
  readonly kind: 'http';
  readonly url: string;
  readonly method: string;
  readonly frameUrl: string;
  /** Request headers that matter for AppSync (auth, content-type), lower-cased keys. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: string | TruncatedText;
  /** 0 when the request failed before a response. */
  readonly status: number;
  readonly responseBody: string | TruncatedText;
  /** Response headers of KEPT_RESPONSE_HEADERS, lower-cased keys; absent in older records. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  readonly startedAt: number;
  readonly duration: number;
  /** Network error text when status is 0. */
  readonly error?: string;
  readonly via: 'fetch' | 'xhr' | 'network';
}

/**
 * `new SharedWorker(url)` was called (src/capture/worker-tap.ts). Not traffic: the hook
 * cannot reach a worker, so the WebSockets it opens are missing from the recording, and in
 * Chromium nothing else reports them. `url` is the resolved script URL, or '' when the page
 * passed something other than a string. All of a page's workers share one socketId.
 */
export interface WorkerStarted extends Base {
  readonly kind: 'worker-start';
  readonly url: string;
  readonly frameUrl: string;
}

export type CaptureRecord =
  | SocketCreated
  | SocketOpened
  | FrameSent
  | FrameReceived
  | SocketErrored
  | SocketClosed
  | HttpRequestSent
  | HttpResponseReceived
  | HttpPublish
  | WorkerStarted;

export type CaptureKind = CaptureRecord['kind'];

export const CAPTURE_KINDS: readonly CaptureKind[] = [
  'ws-create',
  'ws-open',
  'ws-send',
  'ws-receive',
  'ws-error',
  'ws-close',
  'http-request',
  'http-response',
  'http',
  'worker-start',
];

/** The text of a payload when it has one (truncated text gives its kept part). */
export function payloadText(data: Payload | TruncatedText | string): string | undefined {
  if (typeof data === 'string') return data;
  if ('truncated' in data) return data.text;
  return undefined;
}
