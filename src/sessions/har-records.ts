// Reading HAR entries into capture records: WebSocket entries that carry
// `_webSocketMessages` (Chrome DevTools and tools that copy its shape) and AppSync HTTP
// publishes (POST …/event). Sockets that look like AppSync Events (path ending
// /event/realtime, or the aws-appsync-event-ws subprotocol offered) are classified; other
// sockets are kept as generic ones. Odd shapes that can be read are kept with a warning.

import type { CaptureRecord, SocketId } from '../capture/records.ts';
import { ImportError } from './import-error.ts';
import { Fields } from './import-validate.ts';
import { normaliseTime, type ImportWarnings } from './import-warnings.ts';
import { isKeptRequestHeader, isKeptResponseHeader, keptHeaders } from '../protocol/http-headers.ts';
import { offeredSubprotocols } from '../protocol/auth-header.ts';

const PREVIEW_BYTES = 48;

export const KNOWN_HAR_VERSIONS = ['1.1', '1.2'];

/** Where a record comes from, for warnings. */
export interface Place {
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

export function isPublish(method: string, url: string): boolean {
  const path = (url.split(/[?#]/)[0] ?? '').replace(/\/+$/, '');
  return method.toUpperCase() === 'POST' && path.endsWith('/event');
}

/** A message's time in ms, if it reads as a plausible one: a start for an entry without a valid one. */
export function messageTime(m: unknown): number | undefined {
  const t = (m as { time?: unknown } | null)?.time;
  if (typeof t !== 'number') return undefined;
  const checked = normaliseTime(t, 's', 0);
  return 'warning' in checked ? undefined : checked.ms;
}

/** A socket entry being read: its create/open records are out, its messages follow. */
export interface SocketReader {
  readonly socketId: SocketId;
  seq: number;
  last: number;
}

/**
 * The records that open a socket entry (create, and open when it was upgraded). Throws an
 * invalid-field ImportError, emitting nothing, when the entry cannot be read.
 */
export function socketStart(entry: Fields, at: Place, fallback: number | undefined, emit: (r: CaptureRecord) => void): SocketReader {
  const socketId = `har:${at.entry}` as SocketId;
  const request = entry.obj('request');
  const url = request.str('url');
  const offered = offeredSubprotocols(header(readHeaders(request, at, 'request'), 'sec-websocket-protocol') ?? '');
  const created = time(entry, 'startedDateTime', at, fallback);
  const response = entry.optObj('response');
  const upgraded = response !== undefined && response.optInt('status') === 101;
  const selected = upgraded ? (header(readHeaders(response, at, 'response'), 'sec-websocket-protocol') ?? '') : '';
  const reader: SocketReader = { socketId, seq: 0, last: created };
  emit({ socketId, seq: reader.seq++, t: created, kind: 'ws-create', url, protocols: offered, frameUrl: '', appsync: isAppSyncSocket(url, offered) });
  if (upgraded) emit({ socketId, seq: reader.seq++, t: created, kind: 'ws-open', protocol: selected.trim(), extensions: '' });
  return reader;
}

/** One `_webSocketMessages` element; one that cannot be read is skipped with a warning. */
export function socketMessage(value: unknown, j: number, socket: SocketReader, at: Place, maxString: number, emit: (r: CaptureRecord) => void): void {
  const where = { entry: at.entry, message: j };
  const base = (t: number): { socketId: SocketId; seq: number; t: number } => ({ socketId: socket.socketId, seq: socket.seq++, t });
  try {
    const m = Fields.of(value, `log.entries[${at.entry}]._webSocketMessages[${j}]`, '', maxString);
    const type = m.str('type');
    if (type !== 'send' && type !== 'receive' && type !== 'error') m.fail('type', 'must be one of send, receive, error');
    const checked = normaliseTime(m.num('time'), 's', socket.last);
    if ('warning' in checked) at.warnings.add('time', where, `${checked.warning}.`);
    const t = checked.ms;
    socket.last = t;
    if (type === 'error') {
      // Chrome's record of a protocol error (opcode -1): kept as a socket error event.
      const data = m.optStr('data') ?? '';
      at.warnings.add('kept-as', where, `an "error" message was kept as a socket error${data ? `: ${data.slice(0, 200)}` : ''}.`);
      emit({ ...base(t), kind: 'ws-error' });
      return;
    }
    const opcode = m.int('opcode', -1);
    const data = m.str('data');
    if (opcode === 8 || opcode === 9 || opcode === 10) return; // close, ping, pong: nothing we store
    if (opcode !== 1 && opcode !== 2) m.fail('opcode', 'must be 1 (text) or 2 (binary)');
    const payload = opcode === 1 ? data : binaryOf(data);
    const size = opcode === 1 ? new TextEncoder().encode(data).byteLength : binaryOf(data).size;
    // Our export's marks (export-har.ts): a message a block rule kept back, one the server
    // did not send. Anything else in these fields is ignored.
    const own = value as Record<string, unknown>;
    const mark =
      own['_origin'] === 'injected' ? { injected: true } : own['_origin'] === 'synthetic' && type === 'receive' ? { synthetic: true } : own['_blocked'] === true ? { blocked: true } : {};
    emit({ ...base(t), kind: type === 'send' ? 'ws-send' : 'ws-receive', data: payload, size, ...mark } as CaptureRecord);
  } catch (e) {
    if (!(e instanceof ImportError) || e.code !== 'invalid-field') throw e;
    at.warnings.add('skipped', where, `message skipped: ${e.message}.`);
  }
}

export function publishRecord(entry: Fields, at: Place): CaptureRecord {
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
