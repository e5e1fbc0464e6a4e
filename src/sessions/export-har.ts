// HAR 1.2 export. WebSockets use Chrome DevTools' shape (`_resourceType: "websocket"`,
// `_webSocketMessages: [{type, time (s), opcode, data}]`) so Chrome and HAR viewers read
// them; HTTP publishes are ordinary entries, with their kept request and response headers.
// Entries are in time order: sockets by creation merged with publishes by request time.
// Streamed: each socket's messages are read from the chunks that hold that socket (per the
// summaries), never the whole session at once.
//
// What HAR cannot hold (lost on a HAR round trip): session name is kept only as
// log.comment; tags, pinned, keepSecrets; capture keys (socketId, seq) and positions;
// connecting/close/error events, close codes and reasons; lost-record counts; binary
// payloads beyond their preview; the truncation flag and original length; the HTTP
// client (fetch/xhr) and frame URL.

import { readChunks } from './queries.ts';
import { exportSnapshot, type ExportSnapshot } from './export-session.ts';
import { isWorkerConnId } from './frame-builder.ts';
import type { SessionsDb } from './schema.ts';
import { textStream } from './stream-util.ts';
import { FrameFlag, type ConnectionRecord, type Redact, type SessionId, type StoredFrame } from './types.ts';

export interface HarExportOptions {
  readonly redact: Redact;
  readonly gzip?: boolean;
  readonly creatorVersion?: string;
}

type Header = { name: string; value: string };
// A time outside the Date range (a hostile page can report any finite number) would make
// toISOString throw and the whole export fail; such an entry gets the epoch instead.
const iso = (t: number): string => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
};
const json = JSON.stringify;

function queryString(url: string): Header[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function socketEntryHead(c: ConnectionRecord, started: number): string {
  const end = c.closedAt ?? started;
  const entry = {
    startedDateTime: iso(started),
    time: Math.max(0, end - started),
    request: {
      method: 'GET',
      url: c.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [
        { name: 'Upgrade', value: 'websocket' },
        ...(c.protocolsOffered.length > 0 ? [{ name: 'Sec-WebSocket-Protocol', value: c.protocolsOffered.join(', ') }] : []),
      ],
      queryString: queryString(c.url),
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: c.openedAt !== undefined ? 101 : 0,
      statusText: c.openedAt !== undefined ? 'Switching Protocols' : '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: c.protocol ? [{ name: 'Sec-WebSocket-Protocol', value: c.protocol }] : [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: Math.max(0, (c.openedAt ?? started) - started), receive: 0 },
    _resourceType: 'websocket',
  };
  // The messages array is streamed after this prefix; the closing `]}` follows it.
  return json(entry).slice(0, -1) + ',"_webSocketMessages":[';
}

function message(f: StoredFrame): string | undefined {
  if (f.dir !== 'send' && f.dir !== 'receive') return undefined;
  const binary = f.binary !== undefined;
  const m = { type: f.dir, time: f.t / 1000, opcode: binary ? 2 : 1, data: binary ? f.binary?.preview : (f.text ?? '') };
  // Our own fields (HAR allows `_`-prefixed ones; Chrome's importer ignores them): a message
  // a block rule kept back, a received message that the server did not send, so a
  // re-import keeps saying so.
  if (f.flags & FrameFlag.blocked) return json({ ...m, _blocked: true });
  if (f.flags & FrameFlag.injected) return json({ ...m, _origin: 'injected' });
  if (f.flags & FrameFlag.synthetic) return json({ ...m, _origin: 'synthetic' });
  return json(m);
}

function httpEntry(req: StoredFrame, res: StoredFrame | undefined, c: ConnectionRecord | undefined): string {
  const x = req.extra ?? {};
  const r = res?.extra ?? {};
  const headers = Object.entries(x.headers ?? {}).map(([name, value]) => ({ name, value }));
  const duration = r.duration ?? (res ? Math.max(0, res.t - req.t) : 0);
  const url = x.url ?? c?.url ?? '';
  return json({
    startedDateTime: iso(req.t),
    time: duration,
    request: {
      method: x.method ?? 'POST',
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers,
      queryString: queryString(url),
      postData: { mimeType: x.headers?.['content-type'] ?? 'application/json', text: req.text ?? '' },
      headersSize: -1,
      bodySize: req.size,
    },
    response: {
      status: r.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: Object.entries(r.headers ?? {}).map(([name, value]) => ({ name, value })),
      content: { size: res?.size ?? 0, mimeType: 'application/json', text: res?.text ?? '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: res?.size ?? 0,
    },
    cache: {},
    timings: { send: 0, wait: duration, receive: 0 },
    ...(r.error !== undefined ? { _error: r.error } : {}),
  });
}

async function* socketEntry(db: SessionsDb, snap: ExportSnapshot, c: ConnectionRecord, start: (c: ConnectionRecord) => number, sep: string): AsyncGenerator<string, void, undefined> {
  const { session: s, redactor } = snap;
  yield sep + socketEntryHead(c, start(c));
  let firstMsg = true;
  for await (const chunk of readChunks(db, s.id, s.chunkCount, (sum) => (sum.conns[c.connId] ?? 0) > 0)) {
    let out = '';
    for (const f of chunk.frames) {
      if (f.conn !== c.connId || f.pos >= s.frameCount) continue;
      const m = message(redactor.frame(f));
      if (m === undefined) continue;
      out += (firstMsg ? '' : ',') + m;
      firstMsg = false;
    }
    if (out) yield out;
  }
  yield ']}';
}

/** Requests waiting for their response before the entries after them are written; beyond that, written without. */
const MAX_OPEN_REQUESTS = 1024;

/**
 * HTTP publish entries in request order. A response names its request by seq (extra.request)
 * or shares its seq (one record for both halves); frames of other requests may lie between.
 */
async function* httpEntries(db: SessionsDb, snap: ExportSnapshot): AsyncGenerator<{ t: number; text: string }, void, undefined> {
  const { session: s, redactor } = snap;
  const conns = new Map(snap.connections.map((c) => [c.connId, c]));
  const queue: { req: StoredFrame; res?: StoredFrame }[] = [];
  const open = new Map<string, { req: StoredFrame; res?: StoredFrame }>();
  const entry = (q: { req: StoredFrame; res?: StoredFrame }) => ({ t: q.req.t, text: httpEntry(q.req, q.res, conns.get(q.req.conn)) });
  const wanted = (sum: { dirs: Readonly<Record<string, number>> }): boolean => (sum.dirs['http-request'] ?? 0) + (sum.dirs['http-response'] ?? 0) > 0;
  for await (const chunk of readChunks(db, s.id, s.chunkCount, wanted)) {
    for (const raw of chunk.frames) {
      if (raw.pos >= s.frameCount || (raw.dir !== 'http-request' && raw.dir !== 'http-response')) continue;
      const f = redactor.frame(raw);
      if (f.dir === 'http-request') {
        const slot = { req: f };
        queue.push(slot);
        open.set(`${f.sock}\n${f.seq}`, slot);
      } else {
        const key = `${f.sock}\n${f.extra?.request ?? f.seq}`;
        const slot = open.get(key);
        if (slot && !slot.res) slot.res = f;
        open.delete(key);
      }
      while (queue.length > 0 && (queue[0]?.res !== undefined || queue.length > MAX_OPEN_REQUESTS)) {
        const q = queue.shift() as { req: StoredFrame; res?: StoredFrame };
        open.delete(`${q.req.sock}\n${q.req.seq}`);
        yield entry(q);
      }
    }
  }
  for (const q of queue) yield entry(q);
}

async function* har(db: SessionsDb, snap: ExportSnapshot, version: string): AsyncGenerator<string, void, undefined> {
  const { session: s, redactor } = snap;
  const log = {
    version: '1.2',
    creator: { name: 'AppSync Events DevTools', version },
    ...(s.browser ? { browser: { name: s.browser, version: '' } } : {}),
    pages: [{ startedDateTime: iso(s.startedAt), id: 'page_1', title: redactor.pageUrl(s.pageUrl) || s.pageTitle, pageTimings: { onContentLoad: -1, onLoad: -1 } }],
    comment: s.name,
  };
  yield '{"log":' + json(log).slice(0, -1) + ',"entries":[';
  let first = true;
  const sep = (): string => (first ? ((first = false), '') : ',');
  // Entries in time order: sockets by creation, merged with the publishes by request time.
  const start = (c: ConnectionRecord): number => c.createdAt ?? c.openedAt ?? s.startedAt;
  // A shared worker the page started is kept as a connection of its own, not a socket: HAR
  // has no entry for it.
  const sockets = snap.connections.filter((c) => c.kind === 'websocket' && !isWorkerConnId(c.connId)).sort((a, b) => start(a) - start(b));
  let next = 0;
  for await (const entry of httpEntries(db, snap)) {
    while (next < sockets.length && start(sockets[next] as ConnectionRecord) <= entry.t) {
      yield* socketEntry(db, snap, sockets[next++] as ConnectionRecord, start, sep());
    }
    yield sep() + entry.text;
  }
  while (next < sockets.length) yield* socketEntry(db, snap, sockets[next++] as ConnectionRecord, start, sep());
  yield ']}}';
}

export async function exportHar(db: SessionsDb, id: SessionId, options: HarExportOptions): Promise<ReadableStream<Uint8Array>> {
  const snap = await exportSnapshot(db, id, options.redact);
  return textStream(har(db, snap, options.creatorVersion ?? '0.1.0'), options.gzip ?? false);
}
