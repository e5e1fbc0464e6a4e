// WebSockets and HTTP publishes of a tab's dedicated workers, from Chromium's debugger
// (chrome.debugger, CDP `Network.*` events of the worker's session), turned into capture
// records.
//
// Why: no content script runs in a worker, so the page hook never sees a worker's socket;
// webRequest reports only its handshake (socket-sightings.ts). Where the user opts in
// (Chromium only: Firefox has no debugger API for extensions), the background attaches the
// debugger to the tab and enables the Network domain in each worker, never in the page's
// own documents (the hook captures those, at a fraction of CDP's cost). What CDP reports
// differs from what the hook sees, and the records say so:
// - no close code: `Network.webSocketClosed` carries only a time, and close frames are not
//   reported as frames; the close record is marked `unreported`;
// - no `new WebSocket()` time: `Network.webSocketCreated` has no timestamp, so the socket's
//   record is made at its handshake request, whose `wallTime` also gives the clock offset of
//   the session's monotonic `timestamp`s;
// - text sizes are UTF-16 lengths and long texts are cut at the hook's limit, as the hook does;
// - an HTTP publish is known whole only when it has finished, and its response body must be
//   asked for (`Network.getResponseBody`): `httpEvent` says when, `httpPublish` makes the
//   one `http` record, as for the publishes of DevTools' network log (whose sighting of the
//   same request it then explains, publish-dedupe.ts).
//
// Pure: the background feeds it the debugger's events and stores what it returns.

import type { BinaryPayload, CaptureRecord, HttpPublish, Payload, SocketId, TruncatedText } from '../capture/records.ts';
import { isAppSyncEventsSocket, isHttpPublish } from '../protocol/endpoints.ts';
import { isKeptRequestHeader, isKeptResponseHeader } from '../protocol/http-headers.ts';
import { offeredSubprotocols } from '../protocol/auth-header.ts';

export interface DebuggerTrafficOptions {
  /** Prefix of this translator's socket ids: one translator per attachment of the debugger. */
  readonly prefix: string;
  /** Wall clock in ms, for events that arrive before any offset is known. */
  readonly now: () => number;
  readonly maxTextLength: number;
  readonly previewBytes: number;
  /** Record sockets that are not AppSync Events (the "capture all sockets" setting). */
  readonly captureAll: () => boolean;
}

/** A worker the debugger attached to (`Target.attachedToTarget`). */
export interface DebuggerTarget {
  readonly sessionId: string;
  readonly type: string;
  readonly url: string;
}

interface Sock {
  readonly socketId: SocketId;
  seq: number;
  url: string;
  /** Its `ws-create` was made (it is AppSync, or every socket is recorded). */
  recorded: boolean;
  /** Decided: recorded or not. Before the handshake request it is unknown. */
  decided: boolean;
  readonly workerUrl: string;
}

type Params = Record<string, unknown>;

/** An HTTP publish of a worker that has finished: its bodies are to be read, then `httpPublish`. */
export interface FinishedRequest {
  readonly sessionId: string;
  readonly requestId: string;
  /** The request body was not in the event (large bodies): ask `Network.getRequestPostData`. */
  readonly needsRequestBody: boolean;
  /** A response arrived: ask `Network.getResponseBody`. */
  readonly hasResponse: boolean;
}

interface Request {
  readonly url: string;
  readonly method: string;
  readonly frameUrl: string;
  readonly requestHeaders: Record<string, string>;
  readonly requestBody: string | undefined;
  readonly startedAt: number;
  readonly startTs: number | undefined;
  status: number;
  responseHeaders: Record<string, string>;
  endTs: number | undefined;
  error?: string;
}

/** CDP's `{ name: value }` headers, only those kept, lower-cased. */
function kept(headers: unknown, keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const h = obj(headers);
  for (const k of Object.keys(h)) if (keep(k.toLowerCase()) && typeof h[k] === 'string') out[k.toLowerCase()] = h[k] as string;
  return out;
}

/** At most this many unfinished publishes are followed per translator. */
const MAX_REQUESTS = 256;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Params => (typeof v === 'object' && v !== null ? (v as Params) : {});

/** A header's value from CDP's `{ name: value }` object, whatever its case. */
function header(headers: unknown, name: string): string {
  const h = obj(headers);
  for (const k of Object.keys(h)) if (k.toLowerCase() === name) return str(h[k]);
  return '';
}

function base64Bytes(b64: string): number {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - pad);
}

/** Whether a socket id is one of this module's (`<prefix>:d<n>`; the hook's are `<nonce>:<n>`). */
export function isDebuggerSocketId(socketId: string): boolean {
  return /^dbg[0-9a-z]*:d\d+$/.test(socketId);
}

export function createDebuggerTraffic(opts: DebuggerTrafficOptions) {
  const workers = new Map<string, DebuggerTarget>();
  // Keyed by session and request id: request ids are only unique within a target.
  const sockets = new Map<string, Sock>();
  let next = 0;
  const requests = new Map<string, Request>();
  // Monotonic seconds → wall ms, learnt from a handshake's or a request's `wallTime`.
  let offset: number | undefined;

  const cut = (text: string): string | TruncatedText =>
    text.length <= opts.maxTextLength ? text : { truncated: true, text: text.slice(0, opts.maxTextLength), length: text.length };

  const timeOf = (p: Params): number => {
    const ts = num(p.timestamp);
    return ts !== undefined && offset !== undefined ? ts * 1000 + offset : opts.now();
  };

  const payload = (response: Params): { data: Payload | TruncatedText; size: number } | null => {
    const opcode = num(response.opcode);
    const text = str(response.payloadData);
    if (opcode === 1) return { data: cut(text), size: text.length };
    if (opcode === 2) {
      const size = base64Bytes(text);
      let preview = '';
      try {
        preview = btoa(atob(text).slice(0, opts.previewBytes));
      } catch {
        // Not base64 after all: the size stands, the preview stays empty.
      }
      const data: BinaryPayload = { binary: true, size, preview };
      return { data, size };
    }
    return null; // Control frames: CDP reports none today; nothing to record if it did.
  };

  function create(sock: Sock, t: number, protocols: readonly string[]): CaptureRecord[] {
    sock.decided = true;
    const appsync = isAppSyncEventsSocket(sock.url, protocols);
    sock.recorded = appsync || opts.captureAll();
    if (!sock.recorded) return [];
    return [{ kind: 'ws-create', socketId: sock.socketId, seq: sock.seq++, t, url: sock.url, protocols, frameUrl: sock.workerUrl, appsync, via: 'debugger' }];
  }

  return {
    /** A target the debugger attached to; only workers' events are translated. */
    attached(target: DebuggerTarget): void {
      if (target.type === 'worker') workers.set(target.sessionId, target);
    },
    detached(sessionId: string): void {
      workers.delete(sessionId);
      // A worker that ended took its sockets with it; their closes were reported before.
      for (const k of sockets.keys()) if (k.startsWith(`${sessionId} `)) sockets.delete(k);
      for (const k of requests.keys()) if (k.startsWith(`${sessionId} `)) requests.delete(k);
    },
    /** Whether a session is a worker's (its Network domain is wanted). */
    isWorker(sessionId: string): boolean {
      return workers.has(sessionId);
    },
    /**
     * A worker's HTTP publish, as its events arrive: returns the request once it has
     * finished (or failed), when its bodies are to be read.
     */
    httpEvent(sessionId: string | undefined, method: string, raw: unknown): FinishedRequest | null {
      if (sessionId === undefined) return null;
      const worker = workers.get(sessionId);
      if (!worker) return null;
      const p = obj(raw);
      const requestId = str(p.requestId);
      if (!requestId) return null;
      const key = `${sessionId} ${requestId}`;
      if (method === 'Network.requestWillBeSent') {
        const request = obj(p.request);
        const url = str(request.url);
        const verb = str(request.method);
        const body = typeof request.postData === 'string' ? request.postData : undefined;
        if (!isHttpPublish(verb, url, body) || requests.size >= MAX_REQUESTS) return null;
        const wall = num(p.wallTime);
        const ts = num(p.timestamp);
        if (wall !== undefined && ts !== undefined) offset = wall * 1000 - ts * 1000;
        requests.set(key, {
          url,
          method: verb,
          frameUrl: worker.url,
          requestHeaders: kept(request.headers, isKeptRequestHeader),
          requestBody: body,
          startedAt: wall !== undefined ? wall * 1000 : timeOf(p),
          startTs: ts,
          status: 0,
          responseHeaders: {},
          endTs: undefined,
        });
        return null;
      }
      const req = requests.get(key);
      if (!req) return null;
      if (method === 'Network.responseReceived') {
        const response = obj(p.response);
        req.status = num(response.status) ?? 0;
        req.responseHeaders = kept(response.headers, isKeptResponseHeader);
        return null;
      }
      if (method === 'Network.loadingFinished' || method === 'Network.loadingFailed') {
        req.endTs = num(p.timestamp);
        if (method === 'Network.loadingFailed') {
          req.error = str(p.errorText) || 'failed';
          req.status = 0;
        }
        return { sessionId, requestId, needsRequestBody: req.requestBody === undefined, hasResponse: req.status !== 0 };
      }
      return null;
    },
    /** The `http` record of a finished publish, with the bodies read (or '' where none could be). */
    httpPublish(done: FinishedRequest, bodies: { requestBody?: string; responseBody?: string }, key: () => { socketId: SocketId; seq: number }): HttpPublish | null {
      const k = `${done.sessionId} ${done.requestId}`;
      const req = requests.get(k);
      requests.delete(k);
      if (!req) return null;
      const requestBody = req.requestBody ?? bodies.requestBody ?? '';
      // A body too large for the event may not be a publish after all.
      if (!isHttpPublish(req.method, req.url, requestBody)) return null;
      const duration = req.startTs !== undefined && req.endTs !== undefined ? Math.max(0, (req.endTs - req.startTs) * 1000) : 0;
      return {
        kind: 'http',
        // Taken only for a record made: the stream's seqs have no gaps.
        ...key(),
        t: req.startedAt,
        url: req.url,
        method: req.method,
        frameUrl: req.frameUrl,
        requestHeaders: req.requestHeaders,
        requestBody: cut(requestBody),
        status: req.status,
        responseBody: cut(bodies.responseBody ?? ''),
        responseHeaders: req.responseHeaders,
        startedAt: req.startedAt,
        duration,
        ...(req.error !== undefined ? { error: req.error } : {}),
        via: 'network',
      };
    },
    /** The records one debugger event makes (none for most). */
    event(sessionId: string | undefined, method: string, raw: unknown): CaptureRecord[] {
      if (sessionId === undefined) return [];
      const worker = workers.get(sessionId);
      if (!worker || !method.startsWith('Network.webSocket')) return [];
      const p = obj(raw);
      const requestId = str(p.requestId);
      if (!requestId) return [];
      const key = `${sessionId} ${requestId}`;
      if (method === 'Network.webSocketCreated') {
        if (!sockets.has(key)) {
          sockets.set(key, { socketId: `${opts.prefix}:d${next++}` as SocketId, seq: 0, url: str(p.url), recorded: false, decided: false, workerUrl: worker.url });
        }
        return [];
      }
      const sock = sockets.get(key);
      if (!sock) return []; // Created before the Network domain was on: nothing to attach it to.
      const out: CaptureRecord[] = [];
      if (method === 'Network.webSocketWillSendHandshakeRequest') {
        const wall = num(p.wallTime);
        const ts = num(p.timestamp);
        if (wall !== undefined && ts !== undefined) offset = wall * 1000 - ts * 1000;
        if (sock.decided) return [];
        const offered = header(obj(p.request).headers, 'sec-websocket-protocol');
        return create(sock, wall !== undefined ? wall * 1000 : timeOf(p), offeredSubprotocols(offered).slice(0, 64));
      }
      const t = timeOf(p);
      if (!sock.decided) out.push(...create(sock, t, []));
      if (!sock.recorded) {
        if (method === 'Network.webSocketClosed') sockets.delete(key);
        return out;
      }
      const base = { socketId: sock.socketId, t };
      switch (method) {
        case 'Network.webSocketHandshakeResponseReceived': {
          const response = obj(p.response);
          const status = num(response.status);
          if (status !== undefined && status !== 101) break; // The error and close that follow tell it.
          out.push({
            kind: 'ws-open',
            ...base,
            seq: sock.seq++,
            protocol: header(response.headers, 'sec-websocket-protocol'),
            extensions: header(response.headers, 'sec-websocket-extensions'),
          });
          break;
        }
        case 'Network.webSocketFrameSent':
        case 'Network.webSocketFrameReceived': {
          const body = payload(obj(p.response));
          if (!body) break;
          const kind = method === 'Network.webSocketFrameSent' ? 'ws-send' : 'ws-receive';
          out.push({ kind, ...base, seq: sock.seq++, data: body.data, size: body.size });
          break;
        }
        case 'Network.webSocketFrameError':
          out.push({ kind: 'ws-error', ...base, seq: sock.seq++ });
          break;
        case 'Network.webSocketClosed':
          sockets.delete(key);
          out.push({ kind: 'ws-close', ...base, seq: sock.seq++, code: 1005, reason: '', wasClean: true, unreported: true });
          break;
      }
      return out;
    },
  };
}

export type DebuggerTraffic = ReturnType<typeof createDebuggerTraffic>;
