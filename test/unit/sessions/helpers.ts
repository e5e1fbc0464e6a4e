// Shared fixtures for the sessions tests: a fresh fake IndexedDB per test, a small
// classifier and redactor standing in for the protocol module's, and record factories.

import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { CaptureRecord, HttpPublish, SocketId } from '../../../src/capture/records.ts';
import { openSessionsDb, type SessionsDb } from '../../../src/sessions/schema.ts';
import type { Classify, Redact } from '../../../src/sessions/types.ts';

export async function freshDb(factory: IDBFactory = new IDBFactory()): Promise<SessionsDb> {
  return openSessionsDb({ factory });
}

export const classify: Classify = (text) => {
  try {
    const v = JSON.parse(text) as { type?: unknown; id?: unknown; channel?: unknown };
    const out: { type?: string; id?: string; channel?: string } = {};
    if (typeof v.type === 'string') out.type = v.type;
    if (typeof v.id === 'string') out.id = v.id;
    if (typeof v.channel === 'string') out.channel = v.channel;
    if (out.type === undefined && typeof v.channel === 'string') out.type = 'publish';
    return out;
  } catch {
    return {};
  }
};

export const SECRET = 'da2-SECRETKEY';
export const HEADER_PROTOCOL = 'header-' + Buffer.from(JSON.stringify({ 'x-api-key': SECRET, host: 'h' })).toString('base64url');

export const redact: Redact = (r) => {
  switch (r.kind) {
    case 'ws-create':
      return { ...r, protocols: r.protocols.map((p) => (p.startsWith('header-') ? 'header-REDACTED' : p)) };
    case 'ws-send':
    case 'ws-receive':
      return typeof r.data === 'string' ? { ...r, data: r.data.split(SECRET).join('[redacted]') } : r;
    case 'http-request':
    case 'http':
      return {
        ...r,
        requestHeaders: Object.fromEntries(
          Object.entries(r.requestHeaders).map(([k, v]) => [k, k === 'x-api-key' ? '[redacted]' : v]),
        ),
      };
    default:
      return r;
  }
};

export const WS_URL = 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
export const HTTP_URL = 'https://example.appsync-api.us-east-1.amazonaws.com/event';

/** Builds the records of one socket, numbering seq from `seq0`. */
export class SocketScript {
  seq: number;
  constructor(
    readonly socketId: string,
    public t = 1_700_000_000_000,
    seq0 = 0,
  ) {
    this.seq = seq0;
  }
  private base(): { socketId: SocketId; seq: number; t: number } {
    this.t += 1;
    return { socketId: this.socketId as SocketId, seq: this.seq++, t: this.t };
  }
  create(): CaptureRecord {
    return { ...this.base(), kind: 'ws-create', url: WS_URL, protocols: ['aws-appsync-event-ws', HEADER_PROTOCOL], frameUrl: 'https://app.test/', appsync: true };
  }
  open(): CaptureRecord {
    return { ...this.base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' };
  }
  send(obj: unknown): CaptureRecord {
    const data = JSON.stringify(obj);
    return { ...this.base(), kind: 'ws-send', data, size: data.length };
  }
  receive(obj: unknown): CaptureRecord {
    const data = typeof obj === 'string' ? obj : JSON.stringify(obj);
    return { ...this.base(), kind: 'ws-receive', data, size: data.length };
  }
  binary(size: number): CaptureRecord {
    return { ...this.base(), kind: 'ws-receive', data: { binary: true, size, preview: 'AAEC' }, size };
  }
  truncated(text: string, length: number): CaptureRecord {
    return { ...this.base(), kind: 'ws-receive', data: { truncated: true, text, length }, size: length };
  }
  error(): CaptureRecord {
    return { ...this.base(), kind: 'ws-error' };
  }
  close(code = 1000, wasClean = true): CaptureRecord {
    return { ...this.base(), kind: 'ws-close', code, reason: 'bye', wasClean };
  }
  http(channel: string, status = 200): HttpPublish {
    const b = this.base();
    return {
      ...b,
      kind: 'http',
      url: HTTP_URL,
      method: 'POST',
      frameUrl: 'https://app.test/',
      requestHeaders: { 'content-type': 'application/json', 'x-api-key': SECRET },
      requestBody: JSON.stringify({ channel, events: ['"x"'] }),
      status,
      responseBody: status === 0 ? '' : JSON.stringify({ successful: [{ identifier: 'a', index: 0 }], failed: [] }),
      startedAt: b.t - 5,
      duration: 5,
      ...(status === 0 ? { error: 'network down' } : {}),
      via: 'fetch',
    };
  }
}

/** A typical conversation: create, open, subscribe to `channel` as `subId`, n data frames. */
export function conversation(s: SocketScript, channel: string, subId: string, n: number): CaptureRecord[] {
  const out = [s.create(), s.open(), s.send({ type: 'subscribe', id: subId, channel }), s.receive({ type: 'subscribe_success', id: subId })];
  for (let i = 0; i < n; i++) out.push(s.receive({ type: 'data', id: subId, event: JSON.stringify({ i, msg: `hello ${i}` }) }));
  return out;
}
