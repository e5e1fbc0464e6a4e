// The one formatter of a stored frame as a table row: plain strings that the view renders
// as text nodes (payloads come from pages and files and are never markup). Pure.
import { formatBytes } from '../../../../src/sessions/retention.ts';
import { FrameFlag, NOT_FROM_NETWORK, type StoredFrame } from '../../../../src/sessions/index.ts';
import { connectionLabel, type ConnectionLabels } from './filter-query.ts';

export type TimeMode = 'relative' | 'absolute';

export interface RowText {
  readonly time: string;
  readonly dir: string;
  readonly dirTitle: string;
  readonly conn: string;
  readonly type: string;
  readonly channel: string;
  readonly id: string;
  readonly size: string;
  readonly summary: string;
  /** An error frame, a failed HTTP publish or an unclean close. */
  readonly error: boolean;
}

const ARROWS: Readonly<Record<StoredFrame['dir'], readonly [string, string]>> = {
  send: ['↑', 'sent'],
  receive: ['↓', 'received'],
  'http-request': ['↑', 'HTTP request'],
  'http-response': ['↓', 'HTTP response'],
  connecting: ['•', 'connecting'],
  open: ['•', 'opened'],
  close: ['•', 'closed'],
  error: ['•', 'socket error'],
};

/** A message a block rule kept back: the title says from whom. */
function blocked(f: StoredFrame): readonly [string, string] {
  return f.dir === 'send' ? ['⊘', 'sent by the app, blocked by a rule: the server never got it'] : ['⊘', 'sent by the server, blocked by a rule: the app never saw it'];
}

/** A message that is not the app's or the server's own: a dashed arrow, and the title says whose. */
function notFromServer(f: StoredFrame): readonly [string, string] {
  if (f.dir === 'send') return ['⇡', "sent: a block rule's replacement, in place of the app's message"];
  return f.flags & FrameFlag.injected
    ? ['⇣', 'received: injected by DevTools, not sent by the server']
    : ['⇣', 'received: dispatched by a page script, not sent by the server'];
}

const ERROR_TYPES = new Set(['error', 'connection_error', 'subscribe_error', 'broadcast_error', 'unsubscribe_error', 'publish_error']);
const SUMMARY = 200;
/** Frames longer than this are summarised from their start instead of being parsed. */
const PARSE_LIMIT = 64 * 1024;

// One byte-size convention everywhere (IEC units), from the one formatter.
export { formatBytes };

export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Seconds since the session started, e.g. `+12.345 s`; minutes past 100 s. */
export function formatRelative(t: number, origin: number): string {
  const ms = Math.max(0, t - origin);
  if (ms < 100_000) return `+${(ms / 1000).toFixed(3)} s`;
  const m = Math.floor(ms / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(1).padStart(4, '0');
  return `+${m}:${s}`;
}

function clip(s: string): string {
  return s.length > SUMMARY ? `${s.slice(0, SUMMARY)}…` : s;
}

function oneLine(value: unknown): string {
  try {
    return clip(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  } catch {
    return '';
  }
}

function errorsText(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  return errors
    .slice(0, 3)
    .map((e) => (e && typeof e === 'object' ? [(e as { errorType?: unknown }).errorType, (e as { message?: unknown }).message].filter((x) => typeof x === 'string').join(': ') : ''))
    .filter(Boolean)
    .join('; ');
}

/** A short reading of the message: the event, the result counts, the error, the close code. */
export function summarize(f: StoredFrame): string {
  const x = f.extra;
  if (f.dir === 'close') return `${x?.code ?? ''}${x?.reason ? ` ${x.reason}` : ''}${x?.wasClean === false ? ' (not clean)' : ''}`.trim();
  if (f.dir === 'error') return x?.error ?? 'The browser reported a WebSocket error';
  if (f.dir === 'connecting') return x?.via === 'shared-worker' ? `shared worker ${x.url || '(script URL not a string)'}: its sockets are not captured` : (x?.url ?? '');
  if (f.dir === 'open') return '';
  if (f.binary) return `binary frame, ${formatBytes(f.binary.size)}`;
  const text = f.text;
  if (text === undefined) return f.dir === 'http-response' && x?.error ? `failed: ${x.error}` : '';
  if (text.length > PARSE_LIMIT) return clip(text);
  let obj: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return clip(text);
    obj = v as Record<string, unknown>;
  } catch {
    return clip(text);
  }
  const prefix = f.dir === 'http-response' ? `${x?.status ?? ''} ` : '';
  switch (f.type) {
    case 'data':
      return oneLine(obj['event']);
    case 'publish':
    case undefined: {
      const events = obj['events'];
      if (Array.isArray(events)) return `${events.length} event${events.length === 1 ? '' : 's'}: ${oneLine(events[0])}`;
      if (Array.isArray(obj['successful']) || Array.isArray(obj['failed'])) return `${prefix}${results(obj)}`;
      if (obj['errors']) return `${prefix}${errorsText(obj['errors'])}`;
      return clip(text);
    }
    case 'publish_success':
      return results(obj);
    case 'connection_ack':
      return typeof obj['connectionTimeoutMs'] === 'number' ? `timeout ${obj['connectionTimeoutMs']} ms` : '';
    case 'subscribe':
      return String(obj['channel'] ?? '');
    case 'ka':
    case 'connection_init':
    case 'subscribe_success':
    case 'unsubscribe_success':
    case 'unsubscribe':
      return '';
    default:
      return obj['errors'] !== undefined ? errorsText(obj['errors']) : clip(text);
  }
}

function results(obj: Record<string, unknown>): string {
  const ok = Array.isArray(obj['successful']) ? obj['successful'].length : 0;
  const failed = Array.isArray(obj['failed']) ? obj['failed'].length : 0;
  return `${ok} succeeded, ${failed} failed`;
}

function fallbackType(f: StoredFrame): string {
  if (f.dir === 'http-request') return `${f.extra?.method ?? 'POST'} /event`;
  if (f.dir === 'http-response') return f.extra?.status ? `HTTP ${f.extra.status}` : 'HTTP failed';
  if (f.dir === 'send' || f.dir === 'receive') return f.binary ? '(binary)' : '(text)';
  return f.dir;
}

export function isErrorFrame(f: StoredFrame): boolean {
  if (f.type !== undefined && ERROR_TYPES.has(f.type)) return true;
  if ((f.flags & FrameFlag.failed) !== 0) return true;
  return f.dir === 'error';
}

/**
 * `channelOf(frame)`: the channel of a frame that carries none itself (an ack), through
 * the traffic model; the frame's own channel wins.
 */
export function describeRow(f: StoredFrame, mode: TimeMode, origin: number, channelOf?: (f: StoredFrame) => string | undefined, labels?: ConnectionLabels): RowText {
  const [dir, dirTitle] = f.flags & FrameFlag.blocked ? blocked(f) : f.flags & NOT_FROM_NETWORK ? notFromServer(f) : ARROWS[f.dir];
  const isMessage = f.dir === 'send' || f.dir === 'receive' || f.dir === 'http-request' || f.dir === 'http-response';
  return {
    time: mode === 'relative' ? formatRelative(f.t, origin) : formatClock(f.t),
    dir,
    dirTitle,
    conn: connectionLabel(f.conn, labels),
    type: f.type ?? fallbackType(f),
    channel: f.channel ?? channelOf?.(f) ?? '',
    id: f.id ?? '',
    size: isMessage ? formatBytes(f.size) : '',
    summary: summarize(f),
    error: isErrorFrame(f),
  };
}
