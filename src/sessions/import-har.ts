// HAR import: WebSocket entries that carry `_webSocketMessages` (Chrome DevTools and tools
// that copy its shape) and AppSync HTTP publishes (POST …/event). Sockets that look like
// AppSync Events (path ending /event/realtime, or the aws-appsync-event-ws subprotocol
// offered) are classified; other sockets are kept as generic ones.
//
// Entries are turned into capture records, ordered by time and stored through the same
// frame builder as live traffic, so an imported HAR reads like a recording.
//
// Lenient by design: HAR files come from many tools (and Chrome itself writes messages of
// type "error"). An entry or message that cannot be read is skipped, an odd shape that can
// be read is kept, a bad time is normalised; each with a warning naming its entry and
// message index. The file is rejected only when no entry is usable.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import { buildFrames, ConnectionTable } from './frame-builder.ts';
import { ImportError } from './import-error.ts';
import type { ImportContext, ImportResult } from './import-session.ts';
import { StagedSession } from './import-stage.ts';
import { Fields } from './import-validate.ts';
import { normaliseTime, type ImportWarnings } from './import-warnings.ts';
import { isKeptRequestHeader, isKeptResponseHeader, keptHeaders } from '../protocol/http-headers.ts';

const PREVIEW_BYTES = 48;

const KNOWN_HAR_VERSIONS = ['1.1', '1.2'];

/**
 * True when a JSON.parse error is the document ending early: V8 and SpiderMonkey say so in
 * words for some cuts, and otherwise report the error at the very end of the text.
 */
export function isCutShort(doc: string, message: string): boolean {
  if (/end of (JSON )?input|end of data|Unterminated/i.test(message)) return true;
  const at = /position (\d+)/.exec(message);
  const end = doc.trimEnd().length;
  if (at) return Number(at[1]) >= end - 1;
  const trimmed = doc.trim();
  return trimmed.startsWith('{') && !trimmed.endsWith('}');
}

function parseDoc(doc: string): unknown {
  try {
    return JSON.parse(doc) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (isCutShort(doc, msg)) {
      throw new ImportError('truncated', 'The file is cut short: its JSON ends before the document does.', e);
    }
    throw new ImportError('not-json', `The file is not JSON (${msg}).`, e);
  }
}

/** Where a record comes from, for warnings. */
interface Place {
  readonly warnings: ImportWarnings;
  readonly entry: number;
}

function header(headers: readonly { name: string; value: string }[], name: string): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === name)?.value;
}

/** HAR headers are a list of {name, value}; an object of name → value is read too (with a warning). */
function readHeaders(f: Fields, at: Place, what: string): { name: string; value: string }[] {
  if (f.isObject('headers')) {
    const map = f.strMap('headers');
    at.warnings.add('kept-as', { entry: at.entry }, `${what}.headers is an object, not a list of {name, value}; read as name → value.`);
    return Object.keys(map).map((name) => ({ name, value: map[name] as string }));
  }
  return (f.optList('headers') ?? []).map((_, i) => {
    const h = f.item('headers', i);
    return { name: h.str('name'), value: h.str('value') };
  });
}

function time(f: Fields, name: string, at: Place, fallback: number | undefined): number {
  const t = Date.parse(f.str(name));
  if (Number.isNaN(t)) {
    if (fallback === undefined) f.fail(name, 'must be an ISO 8601 date');
    at.warnings.add('time', { entry: at.entry }, `${name} is not an ISO 8601 date; the time of its first message was used.`);
    return fallback;
  }
  const checked = normaliseTime(t, 'ms', fallback ?? 0);
  if ('warning' in checked) at.warnings.add('time', { entry: at.entry }, `${name}: ${checked.warning}.`);
  return checked.ms;
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

/** The first message time that reads as a time: a fallback for an entry without a valid start. */
function firstMessageTime(entry: Fields): number | undefined {
  for (const m of entry.optList('_webSocketMessages') ?? []) {
    const t = (m as { time?: unknown } | null)?.time;
    if (typeof t === 'number' && !('warning' in normaliseTime(t, 's', 0))) return normaliseTime(t, 's', 0).ms;
  }
  return undefined;
}

function socketRecords(entry: Fields, at: Place, records: CaptureRecord[]): void {
  const socketId = `har:${at.entry}` as SocketId;
  const request = entry.obj('request');
  const url = request.str('url');
  const offered = (header(readHeaders(request, at, 'request'), 'sec-websocket-protocol') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const created = time(entry, 'startedDateTime', at, firstMessageTime(entry));
  let seq = 0;
  let last = created;
  const base = (t: number): { socketId: SocketId; seq: number; t: number } => ({ socketId, seq: seq++, t });
  records.push({ ...base(created), kind: 'ws-create', url, protocols: offered, frameUrl: '', appsync: isAppSyncSocket(url, offered) });
  const response = entry.optObj('response');
  if (response && response.optInt('status') === 101) {
    const selected = header(readHeaders(response, at, 'response'), 'sec-websocket-protocol') ?? '';
    records.push({ ...base(created), kind: 'ws-open', protocol: selected.trim(), extensions: '' });
  }
  (entry.optList('_webSocketMessages') ?? []).forEach((_, j) => {
    const where = { entry: at.entry, message: j };
    try {
      const m = entry.item('_webSocketMessages', j);
      const type = m.str('type');
      if (type !== 'send' && type !== 'receive' && type !== 'error') m.fail('type', 'must be one of send, receive, error');
      const checked = normaliseTime(m.num('time'), 's', last);
      if ('warning' in checked) at.warnings.add('time', where, `${checked.warning}.`);
      const t = checked.ms;
      last = t;
      if (type === 'error') {
        // Chrome's record of a protocol error (opcode -1): kept as a socket error event.
        const data = m.optStr('data') ?? '';
        at.warnings.add('kept-as', where, `an "error" message was kept as a socket error${data ? `: ${data.slice(0, 200)}` : ''}.`);
        records.push({ ...base(t), kind: 'ws-error' });
        return;
      }
      const opcode = m.int('opcode', -1);
      const data = m.str('data');
      if (opcode === 8 || opcode === 9 || opcode === 10) return; // close, ping, pong: nothing we store
      if (opcode !== 1 && opcode !== 2) m.fail('opcode', 'must be 1 (text) or 2 (binary)');
      const payload = opcode === 1 ? data : binaryOf(data);
      const size = opcode === 1 ? new TextEncoder().encode(data).byteLength : binaryOf(data).size;
      records.push({ ...base(t), kind: type === 'send' ? 'ws-send' : 'ws-receive', data: payload, size });
    } catch (e) {
      if (!(e instanceof ImportError) || e.code !== 'invalid-field') throw e;
      at.warnings.add('skipped', where, `message skipped: ${e.message}.`);
    }
  });
}

function publishRecord(entry: Fields, at: Place): CaptureRecord {
  const request = entry.obj('request');
  const response = entry.obj('response');
  const requestHeaders = keptHeaders(readHeaders(request, at, 'request'), isKeptRequestHeader);
  const responseHeaders = keptHeaders(readHeaders(response, at, 'response'), isKeptResponseHeader);
  const startedAt = time(entry, 'startedDateTime', at, undefined);
  const duration = Math.max(0, entry.num('time'));
  const status = response.int('status');
  const content = response.optObj('content');
  const errorText = entry.optStr('_error');
  return {
    socketId: `har:${at.entry}` as SocketId,
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
  const { warnings } = ctx;
  const version = log.has('version') ? log.optStr('version') : undefined;
  if (version === undefined || !KNOWN_HAR_VERSIONS.includes(version)) {
    warnings.add('unknown-version', {}, `HAR version ${version === undefined ? '(none)' : JSON.stringify(version.slice(0, 20))} is not one this importer knows (1.1, 1.2); read as HAR 1.2.`);
  }
  const entries = log.list('entries');
  const records: CaptureRecord[] = [];
  let sockets = 0;
  let publishes = 0;
  let skipped = 0;
  entries.forEach((_, i) => {
    const at: Place = { warnings, entry: i };
    const before = records.length;
    try {
      const entry = log.item('entries', i);
      const isSocket = entry.has('_webSocketMessages') || entry.optStr('_resourceType') === 'websocket';
      const request = entry.obj('request');
      if (isSocket) {
        socketRecords(entry, at, records);
        sockets++;
      } else if (isPublish(request.str('method'), request.str('url'))) {
        records.push(publishRecord(entry, at));
        publishes++;
      }
    } catch (e) {
      if (!(e instanceof ImportError) || e.code !== 'invalid-field') throw e;
      records.length = before;
      skipped++;
      warnings.add('skipped', { entry: i }, `entry skipped: ${e.message}.`);
    }
  });
  if (sockets === 0 && publishes === 0) {
    if (skipped > 0) {
      const first = warnings.list().find((w) => w.code === 'skipped');
      throw new ImportError('invalid-field', `No entry of the HAR file could be read (${skipped} skipped; the first: ${first?.message ?? 'unknown'})`);
    }
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
    return { session, format: 'har', warnings: ctx.warnings.list(), warningCount: ctx.warnings.count };
  } catch (e) {
    await staged.discard();
    throw e;
  }
}
