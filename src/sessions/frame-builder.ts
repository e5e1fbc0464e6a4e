// Turns capture records into stored frames and keeps the connection records up to date
// (counts, lifecycle, subscription id → channel map used to label `data` frames).

import type { CaptureRecord, FrameReceived, FrameSent, HttpPublish, HttpRequestSent, HttpResponseReceived, Payload, TruncatedText } from '../capture/records.ts';
import { detectAuthMode, findAuthSubprotocol } from '../protocol/auth.ts';
import type { FrameDraft } from './chunk-builder.ts';
import {
  FrameFlag,
  type BinaryDescription,
  type Classify,
  type ConnectionRecord,
  type FrameExtra,
  type SessionId,
} from './types.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MutableConnection = Mutable<ConnectionRecord> & { subscriptions: Record<string, string> };
type Labels = { type?: string; id?: string; channel?: string };

/** Requests whose response is still to come, per table; more are not remembered. */
const MAX_OPEN_REQUESTS = 1024;

/**
 * The connection that stands for a shared worker the page started (`worker-start`): one per
 * worker, though a page's workers share one record stream. It holds a single `connecting`
 * frame marked `via: 'shared-worker'`; the worker's sockets are not captured.
 */
export function workerConnId(socketId: string, seq: number): string {
  return `worker ${socketId}/${seq}`;
}

export function isWorkerConnId(connId: string): boolean {
  return connId.startsWith('worker ');
}

/** The connection an HTTP publish belongs to: one per endpoint (query string dropped). */
export function httpConnId(url: string): string {
  const q = url.search(/[?#]/);
  return 'http ' + (q < 0 ? url : url.slice(0, q));
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export class ConnectionTable {
  private readonly byId = new Map<string, MutableConnection>();
  private readonly dirty = new Set<string>();
  // The labels of HTTP requests awaiting their response, so that a response frame carries
  // its request's channel and id. Memory only: after a restart a response may lack them.
  private readonly openRequests = new Map<string, Labels>();

  rememberRequest(key: string, labels: Labels): void {
    if (this.openRequests.size >= MAX_OPEN_REQUESTS) {
      const oldest = this.openRequests.keys().next().value;
      if (oldest !== undefined) this.openRequests.delete(oldest);
    }
    this.openRequests.set(key, labels);
  }

  takeRequest(key: string): Labels | undefined {
    const labels = this.openRequests.get(key);
    this.openRequests.delete(key);
    return labels;
  }

  constructor(
    private readonly sessionId: SessionId,
    initial: readonly ConnectionRecord[] = [],
  ) {
    // Null prototype, as for new connections: ids come from traffic (`toString` is a legal id).
    for (const c of initial) this.byId.set(c.connId, { ...c, subscriptions: Object.assign(Object.create(null) as Record<string, string>, c.subscriptions) });
  }

  all(): ConnectionRecord[] {
    return [...this.byId.values()];
  }

  /** Connections changed since the last call. */
  takeDirty(): ConnectionRecord[] {
    const out: ConnectionRecord[] = [];
    for (const id of this.dirty) {
      const c = this.byId.get(id);
      if (c) out.push({ ...c, subscriptions: { ...c.subscriptions } });
    }
    this.dirty.clear();
    return out;
  }

  touch(connId: string, kind: ConnectionRecord['kind'], url: string): MutableConnection {
    let c = this.byId.get(connId);
    if (!c) {
      // A socket whose creation was not captured (ring buffer overflow) still gets a record.
      // The hook forwards only detected AppSync sockets unless told otherwise.
      c = {
        sessionId: this.sessionId,
        connId,
        kind,
        url,
        appsync: true,
        protocolsOffered: [],
        errors: 0,
        sent: 0,
        received: 0,
        bytesSent: 0,
        bytesReceived: 0,
        lost: 0,
        subscriptions: Object.create(null) as Record<string, string>,
      };
      this.byId.set(connId, c);
    }
    this.dirty.add(connId);
    return c;
  }
}

interface PayloadParts {
  text?: string;
  binary?: { size: number; preview: string };
  flags: number;
  length?: number;
}

function payloadParts(data: Payload | TruncatedText | string): PayloadParts {
  if (typeof data === 'string') return { text: data, flags: 0 };
  if ('truncated' in data) return { text: data.text, flags: FrameFlag.truncated, length: data.length };
  return { binary: { size: data.size, preview: data.preview }, flags: FrameFlag.binary };
}

function withDefined(extra: Mutable<FrameExtra>): FrameExtra | undefined {
  for (const k of Object.keys(extra) as (keyof FrameExtra)[]) if (extra[k] === undefined) delete extra[k];
  return Object.keys(extra).length > 0 ? extra : undefined;
}

const NO_LABELS: { type?: string; id?: string; channel?: string } = Object.freeze({});

function classified(
  classify: Classify,
  appsync: boolean,
  text: string | undefined,
): { type?: string; id?: string; channel?: string } {
  if (!appsync || text === undefined) return NO_LABELS;
  try {
    return classify(text);
  } catch {
    // A classifier bug must not lose the frame; it is stored unclassified.
    return NO_LABELS;
  }
}

function draft(base: FrameDraft, labels: { type?: string; id?: string; channel?: string }): FrameDraft {
  const out: Mutable<FrameDraft> = { ...base };
  if (labels.type !== undefined) out.type = labels.type;
  if (labels.id !== undefined) out.id = labels.id;
  if (labels.channel !== undefined) out.channel = labels.channel;
  return out;
}

/**
 * Frames for one record. `stored` is the record as it will be stored (redacted unless the
 * session keeps secrets); `raw` is the original, read only for the auth mode. `gap` records
 * of the socket were lost right before it; `afterPassed`: some were not stored (recording
 * was stopped). Either way the frame is marked as following a gap; only `gap` counts as lost.
 */
export function buildFrames(
  stored: CaptureRecord,
  raw: CaptureRecord,
  conns: ConnectionTable,
  classify: Classify,
  gap: number,
  afterPassed = false,
): FrameDraft[] {
  const key = { sock: stored.socketId as string, seq: stored.seq, flags: gap > 0 || afterPassed ? FrameFlag.afterGap : 0 };
  if (stored.kind === 'http') return httpFrames(stored, raw as HttpPublish, conns, classify, gap, key);
  if (stored.kind === 'http-request') return [requestFrame(stored, raw as HttpRequestSent, conns, classify, gap, key)];
  if (stored.kind === 'http-response') return [responseFrame(stored, conns, classify, gap, key)];
  if (stored.kind === 'worker-start') {
    // Listed like the uncaptured sockets it stands for.
    const w = conns.touch(workerConnId(stored.socketId, stored.seq), 'websocket', stored.url);
    w.appsync = false;
    w.frameUrl = stored.frameUrl;
    w.createdAt = stored.t;
    return [{ ...key, t: stored.t, conn: w.connId, size: 0, dir: 'connecting', extra: { via: 'shared-worker', url: stored.url } }];
  }
  const c = conns.touch(stored.socketId, 'websocket', stored.kind === 'ws-create' ? stored.url : '');
  c.lost += gap;
  const base = { ...key, t: stored.t, conn: c.connId, size: 0 };
  switch (stored.kind) {
    case 'ws-create': {
      c.url = stored.url;
      c.appsync = stored.appsync;
      c.frameUrl = stored.frameUrl;
      c.protocolsOffered = [...stored.protocols];
      c.authMode = raw.kind === 'ws-create' ? socketAuthMode(raw.protocols) : undefined;
      c.createdAt = stored.t;
      // A socket only the browser's report of its handshake saw (a worker's): the frame says so, for the
      // inspector's notice and for every later read of the session.
      if (stored.via === 'network') return [{ ...base, dir: 'connecting', extra: { via: 'network', url: stored.url } }];
      if (stored.via === 'debugger') return [{ ...base, dir: 'connecting', extra: { via: 'debugger' } }];
      return [{ ...base, dir: 'connecting' }];
    }
    case 'ws-open':
      c.protocol = stored.protocol;
      c.extensions = stored.extensions;
      c.openedAt = stored.t;
      return [{ ...base, dir: 'open' }];
    case 'ws-error':
      c.errors++;
      return [{ ...base, dir: 'error' }];
    case 'ws-close': {
      c.closedAt = stored.t;
      // The debugger says that a socket closed, not how: no code, reason or cleanliness.
      if (stored.unreported) return [{ ...base, dir: 'close', extra: { reason: 'close code not reported by the debugger' } }];
      c.closeCode = stored.code;
      c.closeReason = stored.reason;
      const flags = key.flags | (stored.wasClean ? 0 : FrameFlag.failed);
      const extra = { code: stored.code, reason: stored.reason, wasClean: stored.wasClean };
      return [{ ...base, flags, dir: 'close', extra }];
    }
    case 'ws-send':
    case 'ws-receive': {
      // The hot path (every message of a busy socket): one object literal per frame and no
      // spreads or deletes, which cost more than everything else here together.
      const data = stored.data;
      let text: string | undefined;
      let binary: BinaryDescription | undefined;
      let payloadFlags = 0;
      let length: number | undefined;
      if (typeof data === 'string') text = data;
      else if ('truncated' in data) {
        text = data.text;
        payloadFlags = FrameFlag.truncated;
        length = data.length;
      } else {
        binary = { size: data.size, preview: data.preview };
        payloadFlags = FrameFlag.binary;
      }
      const send = stored.kind === 'ws-send';
      if (send) {
        c.sent++;
        c.bytesSent += stored.size;
      } else {
        c.received++;
        c.bytesReceived += stored.size;
      }
      const labels = classified(classify, c.appsync, text);
      const type = labels.type;
      const id = labels.id;
      let channel = labels.channel;
      if (id !== undefined) {
        if (type === 'subscribe' && channel !== undefined) c.subscriptions[id] = channel;
        else if (channel === undefined) channel = c.subscriptions[id];
      }
      const frame: Mutable<FrameDraft> = {
        sock: key.sock,
        seq: key.seq,
        t: stored.t,
        conn: c.connId,
        dir: send ? 'send' : 'receive',
        size: stored.size,
        flags: key.flags | payloadFlags | markFlags(stored),
      };
      if (type !== undefined) frame.type = type;
      if (id !== undefined) frame.id = id;
      if (channel !== undefined) frame.channel = channel;
      if (text !== undefined) frame.text = text;
      if (binary !== undefined) frame.binary = binary;
      if (length !== undefined) frame.extra = { length };
      return [frame];
    }
  }
}

type Key = { sock: string; seq: number; flags: number };

/** A message's marks: blocked by a rule, or not the app's or the server's own (injected, synthetic). */
function markFlags(r: FrameSent | FrameReceived): number {
  const flags = (r.blocked === true ? FrameFlag.blocked : 0) | (r.injected === true ? FrameFlag.injected : 0);
  return r.kind === 'ws-receive' && r.synthetic === true ? flags | FrameFlag.synthetic : flags;
}

function requestFrame(
  rec: HttpRequestSent | HttpPublish,
  raw: HttpRequestSent | HttpPublish,
  conns: ConnectionTable,
  classify: Classify,
  gap: number,
  key: Key,
  t: number = rec.t,
): FrameDraft {
  const c = conns.touch(httpConnId(rec.url), 'http', rec.url);
  c.lost += gap;
  c.frameUrl ??= rec.frameUrl;
  c.createdAt ??= t;
  c.authMode = publishAuthMode(raw.requestHeaders) ?? c.authMode;
  const req = payloadParts(rec.requestBody);
  const size = utf8Length(req.text ?? '');
  c.sent++;
  c.bytesSent += size;
  const extra = withDefined({ method: rec.method, url: rec.url, headers: { ...rec.requestHeaders }, via: rec.via, length: req.length });
  const frame: FrameDraft = {
    ...key,
    t,
    conn: c.connId,
    dir: 'http-request',
    size,
    flags: key.flags | req.flags,
    ...(req.text !== undefined ? { text: req.text } : {}),
    ...(extra ? { extra } : {}),
  };
  const labels = classified(classify, true, req.text);
  if (rec.kind === 'http-request') conns.rememberRequest(`${key.sock}\n${key.seq}`, labels);
  return draft(frame, labels);
}

type ResponseParts = Pick<HttpResponseReceived, 'url' | 'status' | 'responseBody' | 'duration' | 'error' | 't'> & {
  readonly responseHeaders?: Readonly<Record<string, string>>;
  readonly request?: number;
};

function responseFrame(rec: ResponseParts, conns: ConnectionTable, classify: Classify, gap: number, key: Key, request?: Labels): FrameDraft {
  const c = conns.touch(httpConnId(rec.url), 'http', rec.url);
  c.lost += gap;
  const res = payloadParts(rec.responseBody);
  const size = utf8Length(res.text ?? '');
  if (rec.status !== 0) {
    c.received++;
    c.bytesReceived += size;
  } else c.errors++;
  const failed = rec.status === 0 || rec.status >= 400 ? FrameFlag.failed : 0;
  const headers = rec.responseHeaders && Object.keys(rec.responseHeaders).length > 0 ? { ...rec.responseHeaders } : undefined;
  const extra = withDefined({ status: rec.status, duration: rec.duration, error: rec.error, length: res.length, headers, request: rec.request });
  const frame: FrameDraft = {
    ...key,
    t: rec.t,
    conn: c.connId,
    dir: 'http-response',
    size,
    flags: key.flags | res.flags | failed,
    ...(res.text !== undefined ? { text: res.text } : {}),
    ...(extra ? { extra } : {}),
  };
  // The response answers the request: it carries the request's channel and id when the
  // response body itself names none, so a channel filter finds both halves.
  const own = classified(classify, true, res.text);
  const pending = rec.request !== undefined ? conns.takeRequest(`${key.sock}\n${rec.request}`) : undefined;
  const req = request ?? pending ?? NO_LABELS;
  return draft(frame, { type: own.type, id: own.id ?? req.id, channel: own.channel ?? req.channel });
}

/** A whole publish in one record: its two frames, the request at its start time. */
function httpFrames(rec: HttpPublish, raw: HttpPublish, conns: ConnectionTable, classify: Classify, gap: number, key: Key): FrameDraft[] {
  const request = requestFrame(rec, raw, conns, classify, gap, key, rec.startedAt);
  const response = responseFrame({ ...rec, t: rec.startedAt + rec.duration }, conns, classify, 0, { ...key, flags: key.flags & ~FrameFlag.afterGap }, request);
  return [request, response];
}

// Read from the raw record: the mode is not a secret, the header values are. A socket that
// offered no `header-` subprotocol has no auth object to read (generic sockets): unknown, not
// NONE. A publish without credentials does not hide the mode an earlier one showed.
function socketAuthMode(protocols: readonly string[]): string | undefined {
  const header = findAuthSubprotocol(protocols);
  return header ? detectAuthMode(header) : undefined;
}

function publishAuthMode(headers: Readonly<Record<string, string>>): string | undefined {
  const mode = detectAuthMode(headers);
  return mode === 'NONE' ? undefined : mode;
}
