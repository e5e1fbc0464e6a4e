// HAR import: WebSocket entries that carry `_webSocketMessages` (Chrome DevTools and tools
// that copy its shape) and AppSync HTTP publishes (POST …/event). Sockets that look like
// AppSync Events (path ending /event/realtime, or the aws-appsync-event-ws subprotocol
// offered) are classified; other sockets are kept as generic ones.
//
// Entries are turned into capture records, ordered by time and stored through the same
// frame builder as live traffic, so an imported HAR reads like a recording.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import { buildFrames, ConnectionTable } from './frame-builder.ts';
import { ImportError } from './import-error.ts';
import type { ImportContext, ImportResult } from './import-session.ts';
import { StagedSession } from './import-stage.ts';
import { Fields } from './import-validate.ts';
import { isKeptRequestHeader, isKeptResponseHeader, keptHeaders } from '../protocol/http-headers.ts';

const PREVIEW_BYTES = 48;

function parseDoc(doc: string): unknown {
  try {
    return JSON.parse(doc) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/end of (JSON )?input|Unterminated/i.test(msg)) {
      throw new ImportError('truncated', 'The file is cut short: its JSON ends before the document does.', e);
    }
    throw new ImportError('not-json', `The file is not JSON (${msg}).`, e);
  }
}

function header(headers: readonly { name: string; value: string }[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

function readHeaders(f: Fields): { name: string; value: string }[] {
  return (f.optList('headers') ?? []).map((_, i) => {
    const h = f.item('headers', i);
    return { name: h.str('name'), value: h.str('value') };
  });
}

function time(f: Fields, name: string): number {
  const t = Date.parse(f.str(name));
  if (Number.isNaN(t)) f.fail(name, 'must be an ISO 8601 date');
  return t;
}

function binaryOf(base64: string): { binary: true; size: number; preview: string } {
  const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return { binary: true, size: Math.max(0, Math.floor((base64.length * 3) / 4) - pad), preview: base64.slice(0, (PREVIEW_BYTES / 3) * 4) };
}

function decodeContent(content: Fields): string {
  const text = content.optStr('text') ?? '';
  if (content.optStr('encoding') !== 'base64') return text;
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
  } catch {
    content.fail('text', 'is not valid base64 although encoding is "base64"');
  }
}

function isAppSyncSocket(url: string, protocols: readonly string[]): boolean {
  const path = url.split(/[?#]/)[0] ?? '';
  return path.replace(/\/+$/, '').endsWith('/event/realtime') || protocols.includes('aws-appsync-event-ws');
}

function isPublish(method: string, url: string): boolean {
  const path = (url.split(/[?#]/)[0] ?? '').replace(/\/+$/, '');
  return method.toUpperCase() === 'POST' && path.endsWith('/event');
}

function socketRecords(entry: Fields, i: number, records: CaptureRecord[]): void {
  const socketId = `har:${i}` as SocketId;
  const request = entry.obj('request');
  const url = request.str('url');
  const offered = (header(readHeaders(request), 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const created = time(entry, 'startedDateTime');
  let seq = 0;
  const base = (t: number): { socketId: SocketId; seq: number; t: number } => ({ socketId, seq: seq++, t });
  records.push({ ...base(created), kind: 'ws-create', url, protocols: offered, frameUrl: '', appsync: isAppSyncSocket(url, offered) });
  const response = entry.optObj('response');
  if (response && response.optInt('status') === 101) {
    const selected = header(readHeaders(response), 'sec-websocket-protocol') ?? '';
    records.push({ ...base(created), kind: 'ws-open', protocol: selected.trim(), extensions: '' });
  }
  (entry.optList('_webSocketMessages') ?? []).forEach((_, j) => {
    const m = entry.item('_webSocketMessages', j);
    const type = m.oneOf('type', ['send', 'receive'] as const);
    const t = m.num('time') * 1000;
    const opcode = m.int('opcode');
    const data = m.str('data');
    if (opcode !== 1 && opcode !== 2) return; // control frames carry nothing we store
    const payload = opcode === 1 ? data : binaryOf(data);
    const size = opcode === 1 ? new TextEncoder().encode(data).byteLength : binaryOf(data).size;
    records.push({ ...base(t), kind: type === 'send' ? 'ws-send' : 'ws-receive', data: payload, size });
  });
}

function publishRecord(entry: Fields, i: number): CaptureRecord {
  const request = entry.obj('request');
  const response = entry.obj('response');
  const requestHeaders = keptHeaders(readHeaders(request), isKeptRequestHeader);
  const responseHeaders = keptHeaders(readHeaders(response), isKeptResponseHeader);
  const startedAt = time(entry, 'startedDateTime');
  const duration = Math.max(0, entry.num('time'));
  const status = response.int('status');
  const content = response.optObj('content');
  const errorText = entry.optStr('_error');
  return {
    socketId: `har:${i}` as SocketId,
    seq: 0,
    t: startedAt + duration,
    kind: 'http',
    url: request.str('url'),
    method: request.str('method'),
    frameUrl: '',
    requestHeaders,
    requestBody: request.optObj('postData')?.optStr('text') ?? '',
    status,
    responseBody: content ? decodeContent(content) : '',
    ...(Object.keys(responseHeaders).length > 0 ? { responseHeaders } : {}),
    startedAt,
    duration,
    ...(errorText !== undefined ? { error: errorText } : {}),
    via: 'network',
  };
}

export async function importHar(ctx: ImportContext, doc: string): Promise<ImportResult> {
  const { limits, options } = ctx;
  const root = parseDoc(doc);
  if (typeof root !== 'object' || root === null || Array.isArray(root) || !('log' in root)) {
    throw new ImportError('unknown-format', 'This is neither an AppSync Events DevTools session nor a HAR file (no "log" object).');
  }
  const log = Fields.of((root as { log: unknown }).log, 'log', '', limits.maxStringChars);
  const entries = log.list('entries');
  const records: CaptureRecord[] = [];
  let sockets = 0;
  let publishes = 0;
  entries.forEach((_, i) => {
    const entry = log.item('entries', i);
    const isSocket = entry.has('_webSocketMessages') || entry.optStr('_resourceType') === 'websocket';
    const request = entry.obj('request');
    if (isSocket) {
      socketRecords(entry, i, records);
      sockets++;
    } else if (isPublish(request.str('method'), request.str('url'))) {
      records.push(publishRecord(entry, i));
      publishes++;
    }
  });
  if (sockets === 0 && publishes === 0) {
    throw new ImportError('no-sockets', 'The HAR file has no WebSocket connections (entries with _webSocketMessages) and no AppSync publishes (POST …/event): nothing to import.');
  }
  ctx.checkAbort();
  // Time order across sockets; the sort is stable, so each socket keeps its own order.
  const at = (r: CaptureRecord): number => (r.kind === 'http' ? r.startedAt : r.t);
  records.sort((a, b) => at(a) - at(b));
  const firstPage = (log.optList('pages') ?? []).length > 0 ? log.item('pages', 0) : undefined;
  const pageTitle = firstPage?.optStr('title') ?? '';
  const browser = log.optObj('browser')?.optStr('name') ?? log.optObj('creator')?.optStr('name') ?? '';
  const startedAt = records.length > 0 ? at(records[0] as CaptureRecord) : Date.now();
  const staged = await StagedSession.begin(
    ctx.db,
    {
      // Our HAR export keeps the session name as log.comment.
      name: options.name ?? log.optStr('comment') ?? (pageTitle ? `HAR: ${pageTitle}` : 'Imported HAR'),
      pageUrl: /^https?:/.test(pageTitle) ? pageTitle : '',
      pageTitle,
      browser,
      startedAt,
      keepSecrets: options.keepSecrets ?? false,
    },
    options.chunkLimits,
  );
  try {
    const conns = new ConnectionTable(staged.id);
    let endedAt = startedAt;
    for (const raw of records) {
      const stored = options.keepSecrets ? raw : options.redact(raw);
      for (const draft of buildFrames(stored, raw, conns, options.classify, 0)) {
        const writing = staged.add(draft);
        if (writing) await writing;
        if (draft.t > endedAt) endedAt = draft.t;
      }
      if (staged.frames % 1000 === 0) {
        ctx.checkAbort();
        ctx.progress(staged.frames);
      }
    }
    const session = await staged.commit(conns.all(), { endedAt });
    ctx.progress(staged.frames);
    return { session, format: 'har' };
  } catch (e) {
    await staged.discard();
    throw e;
  }
}
