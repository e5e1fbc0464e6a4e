// Redaction of what is already stored, for exports of sessions that did not keep their
// secrets. The injected redactor works on capture records, so each stored piece is turned
// back into the record it came from, redacted, and read back.

import type { SocketId } from '../capture/records.ts';
import type { ConnectionRecord, FrameExtra, Redact, StoredFrame } from './types.ts';

export interface StoredRedactor {
  connection(c: ConnectionRecord): ConnectionRecord;
  frame(f: StoredFrame): StoredFrame;
  /** The session's page URL: a query may carry a key or token (`?api_key=…`, `?token=…`). */
  pageUrl(url: string): string;
}

export const keepAll: StoredRedactor = { connection: (c) => c, frame: (f) => f, pageUrl: (url) => url };

/**
 * A page URL as a session that does not keep secrets stores it, by the rule the redactor
 * applies to every URL a record carries (a shared worker's script URL stands in for it).
 */
export function redactPageUrl(redact: Redact, url: string): string {
  const r = redact({ socketId: '' as SocketId, seq: 0, t: 0, kind: 'worker-start', url, frameUrl: '' });
  return r.kind === 'worker-start' ? r.url : url;
}

function textOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  const text = typeof data === 'object' && data !== null ? (data as { text?: unknown }).text : undefined;
  return typeof text === 'string' ? text : undefined;
}

export function storedRedactor(redact: Redact): StoredRedactor {
  const base = (f: StoredFrame): { socketId: SocketId; seq: number; t: number } => ({
    socketId: f.sock as SocketId,
    seq: f.seq,
    t: f.t,
  });
  return {
    pageUrl: (url) => redactPageUrl(redact, url),
    connection(c) {
      if (c.kind === 'http') {
        const r = redact({ socketId: '' as SocketId, seq: 0, t: 0, kind: 'http-request', url: c.url, method: 'POST', frameUrl: c.frameUrl ?? '', requestHeaders: {}, requestBody: '', via: 'fetch' });
        return r.kind === 'http-request' ? { ...c, url: r.url, ...(c.frameUrl !== undefined ? { frameUrl: r.frameUrl } : {}) } : c;
      }
      const r = redact({
        socketId: c.connId as SocketId,
        seq: 0,
        t: c.createdAt ?? 0,
        kind: 'ws-create',
        url: c.url,
        protocols: c.protocolsOffered,
        frameUrl: c.frameUrl ?? '',
        appsync: c.appsync,
      });
      return r.kind === 'ws-create' ? { ...c, url: r.url, protocolsOffered: [...r.protocols], ...(c.frameUrl !== undefined ? { frameUrl: r.frameUrl } : {}) } : c;
    },
    frame(f) {
      if (f.text === undefined) return f;
      if (f.dir === 'send' || f.dir === 'receive') {
        const r = redact({ ...base(f), kind: f.dir === 'send' ? 'ws-send' : 'ws-receive', data: f.text, size: f.size });
        const text = r.kind === 'ws-send' || r.kind === 'ws-receive' ? textOf(r.data) : undefined;
        // Most frames hold no secret: no copy then (a copy per frame is felt at 1M frames).
        return text === undefined || text === f.text ? f : { ...f, text };
      }
      if (f.dir === 'http-request') {
        const x = f.extra ?? {};
        const r = redact({ ...base(f), kind: 'http-request', url: x.url ?? '', method: x.method ?? 'POST', frameUrl: '', requestHeaders: x.headers ?? {}, requestBody: f.text, via: x.via === 'xhr' || x.via === 'network' ? x.via : 'fetch' });
        if (r.kind !== 'http-request') return f;
        const extra: FrameExtra = { ...f.extra, ...(x.url !== undefined ? { url: r.url } : {}), ...(x.headers !== undefined ? { headers: { ...r.requestHeaders } } : {}) };
        return { ...f, text: textOf(r.requestBody) ?? f.text, extra };
      }
      if (f.dir === 'http-response') {
        const x = f.extra ?? {};
        const r = redact({ ...base(f), kind: 'http-response', request: x.request ?? f.seq, url: '', status: x.status ?? 0, responseHeaders: x.headers ?? {}, responseBody: f.text, duration: x.duration ?? 0 });
        if (r.kind !== 'http-response') return f;
        const text = textOf(r.responseBody) ?? f.text;
        if (x.headers === undefined) return text === f.text ? f : { ...f, text };
        return { ...f, text, extra: { ...f.extra, headers: { ...r.responseHeaders } } };
      }
      return f;
    },
  };
}
