// Plain-text descriptions of stored sessions and frames. Everything returned is rendered as
// text nodes: names, URLs and payloads come from pages and files and are never markup.
import { formatBytes, type ConnectionSummary, type SessionRecord, type StoredFrame } from '../../../../src/sessions/index.ts';
import { formatTime } from '../../format.ts';

// The one byte-size formatter, shared with the live view and the storage notices.
export { formatBytes };

export function formatDay(t: number): string {
  return new Date(t).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function formatClock(t: number): string {
  return new Date(t).toLocaleTimeString(undefined, { timeStyle: 'short' });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function framesText(n: number): string {
  return plural(n, 'frame');
}

/** "2 WebSockets · 1 HTTP endpoint · 3 lost" — only the parts that are not zero. */
export function connectionSummary(c: ConnectionSummary): string {
  const parts: string[] = [];
  if (c.websocket > 0) parts.push(plural(c.websocket, 'WebSocket'));
  if (c.http > 0) parts.push(plural(c.http, 'HTTP endpoint'));
  if (c.errors > 0) parts.push(plural(c.errors, 'error'));
  if (c.lost > 0) parts.push(`${c.lost.toLocaleString()} lost`);
  return parts.length > 0 ? parts.join(' · ') : 'no connections';
}

export const SOURCE_LABEL: Readonly<Record<SessionRecord['source'], string>> = {
  live: 'Live',
  imported: 'Imported',
  replay: 'Replay',
  console: 'Console',
};

export interface FrameText {
  readonly time: string;
  readonly dir: string;
  readonly conn: string;
  readonly type: string;
  readonly channel: string;
  readonly size: string;
  readonly preview: string;
}

const ARROWS: Readonly<Record<StoredFrame['dir'], string>> = {
  send: '↑',
  receive: '↓',
  'http-request': '↑',
  'http-response': '↓',
  connecting: '•',
  open: '•',
  close: '•',
  error: '•',
};

const PREVIEW = 240;

function previewOf(f: StoredFrame): string {
  if (f.text !== undefined) return f.text.slice(0, PREVIEW);
  if (f.binary) return `binary frame, ${formatBytes(f.binary.size)}`;
  const x = f.extra;
  if (f.dir === 'close') return `${x?.code ?? ''}${x?.reason ? ' ' + x.reason : ''}${x?.wasClean === false ? ' (not clean)' : ''}`.trim();
  if (f.dir === 'error') return x?.error ?? 'error';
  return x?.url ?? '';
}

function fallbackType(f: StoredFrame, isMessage: boolean): string {
  if (f.dir === 'http-request') return `${f.extra?.method ?? 'POST'} (HTTP)`;
  if (f.dir === 'http-response') return f.extra?.status ? `HTTP ${f.extra.status}` : 'HTTP response';
  if (!isMessage) return f.dir;
  return f.binary ? '(binary)' : '(text)';
}

export function describeFrame(f: StoredFrame): FrameText {
  // WebSocket connection ids are "<tab>:<n>"; the number is what tells sockets apart here.
  const conn = f.conn.startsWith('http ') ? 'http' : (f.conn.split(':').pop() ?? f.conn);
  const isMessage = f.dir === 'send' || f.dir === 'receive' || f.dir === 'http-request' || f.dir === 'http-response';
  return {
    time: formatTime(f.t),
    dir: ARROWS[f.dir],
    conn,
    type: f.type ?? fallbackType(f, isMessage),
    channel: f.channel ?? '',
    size: isMessage ? formatBytes(f.size) : '',
    preview: previewOf(f),
  };
}
