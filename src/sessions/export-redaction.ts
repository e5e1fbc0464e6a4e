// Redaction of what is already stored, for exports of sessions that did not keep their
// secrets. The injected redactor works on capture records, so each stored piece is turned
// back into the record it came from, redacted, and read back.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import type { ConnectionRecord, FrameExtra, Redact, StoredFrame } from './types.ts';

export interface StoredRedactor {
  connection(c: ConnectionRecord): ConnectionRecord;
  frame(f: StoredFrame): StoredFrame;
}

export const keepAll: StoredRedactor = { connection: (c) => c, frame: (f) => f };

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
    connection(c) {
      if (c.kind === 'http') {
        const r = redact(httpRecord({ url: c.url }, '', ''));
        return r.kind === 'http' ? { ...c, url: r.url } : c;
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
      return r.kind === 'ws-create' ? { ...c, url: r.url, protocolsOffered: [...r.protocols] } : c;
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
        const r = redact({ ...base(f), ...httpRecord(f.extra ?? {}, f.text, '') });
        if (r.kind !== 'http') return f;
        const extra: FrameExtra = { ...f.extra, url: r.url, headers: { ...r.requestHeaders } };
        return { ...f, text: textOf(r.requestBody) ?? f.text, extra };
      }
      if (f.dir === 'http-response') {
        const r = redact({ ...base(f), ...httpRecord(f.extra ?? {}, '', f.text) });
        return r.kind === 'http' ? { ...f, text: textOf(r.responseBody) ?? f.text } : f;
      }
      return f;
    },
  };
}

function httpRecord(extra: FrameExtra, requestBody: string, responseBody: string): CaptureRecord {
  return {
    socketId: '' as SocketId,
    seq: 0,
    t: 0,
    kind: 'http',
    url: extra.url ?? '',
    method: extra.method ?? 'POST',
    frameUrl: '',
    requestHeaders: extra.headers ?? {},
    requestBody,
    status: extra.status ?? 0,
    responseBody,
    startedAt: 0,
    duration: extra.duration ?? 0,
    via: extra.via ?? 'fetch',
  };
}
