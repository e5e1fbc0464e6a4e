// The inspector's filter bar and type chips, turned into a store query. Pure.
//
// Syntax: free text (a substring, or a regular expression when Regex is on) plus tokens
// `channel:` `type:` `dir:` `conn:` `id:` `is:` (a mark: blocked, injected, …) and
// `event.<path>:` (a field of the frame's events, src/protocol/event-fields.ts); the same
// key twice means either value; a leading `-` excludes (`-type:ka`). Invert shows the frames that the text and the other tokens
// do not match (`-` tokens still exclude). Chips hide
// groups of message types; `ka` is hidden by default.
import type { ConnectionRecord, Direction, FrameFilter } from '../../../../src/sessions/index.ts';
import { FrameFlag } from '../../../../src/sessions/types.ts';
import { parseFieldPath } from '../../../../src/protocol/event-fields.ts';
import { isWorkerConnId } from '../../../../src/sessions/frame-builder.ts';
import type { PositionQuery } from '../../../../src/sessions/frame-positions.ts';

export type ChipName = 'data' | 'subscribe' | 'publish' | 'errors' | 'connection' | 'ka';

export const CHIPS: ReadonlyArray<{ readonly name: ChipName; readonly label: string; readonly types: readonly string[] }> = [
  { name: 'data', label: 'data', types: ['data'] },
  { name: 'subscribe', label: 'subscribe…', types: ['subscribe', 'subscribe_success', 'subscribe_error', 'unsubscribe', 'unsubscribe_success', 'unsubscribe_error'] },
  { name: 'publish', label: 'publish…', types: ['publish', 'publish_success', 'publish_error'] },
  { name: 'errors', label: 'errors', types: ['error', 'connection_error', 'broadcast_error', 'subscribe_error', 'unsubscribe_error', 'publish_error'] },
  { name: 'connection', label: 'connection', types: ['connection_init', 'connection_ack'] },
  { name: 'ka', label: 'ka', types: ['ka'] },
];

export const DEFAULT_HIDDEN: ReadonlySet<ChipName> = new Set<ChipName>(['ka']);

export interface FilterInput {
  readonly text: string;
  readonly regex: boolean;
  readonly invert: boolean;
  readonly caseSensitive: boolean;
  readonly hidden: ReadonlySet<ChipName>;
}

export const EMPTY_FILTER: FilterInput = { text: '', regex: false, invert: false, caseSensitive: false, hidden: DEFAULT_HIDDEN };

export interface ParsedFilter {
  readonly query: PositionQuery;
  /** Problems in words (an invalid regex, an unknown direction); the query ignores them. */
  readonly problems: readonly string[];
}

const DIR_ALIASES: Readonly<Record<string, readonly Direction[]>> = {
  send: ['send', 'http-request'],
  sent: ['send', 'http-request'],
  out: ['send', 'http-request'],
  up: ['send', 'http-request'],
  receive: ['receive', 'http-response'],
  received: ['receive', 'http-response'],
  in: ['receive', 'http-response'],
  down: ['receive', 'http-response'],
  'http-request': ['http-request'],
  'http-response': ['http-response'],
  http: ['http-request', 'http-response'],
  connecting: ['connecting'],
  open: ['open'],
  close: ['close'],
  error: ['error'],
};

/** `is:` values: the marks a stored frame can carry (FrameFlag). */
export const MARKS: Readonly<Record<string, number>> = {
  blocked: FrameFlag.blocked,
  injected: FrameFlag.injected,
  synthetic: FrameFlag.synthetic,
  truncated: FrameFlag.truncated,
  binary: FrameFlag.binary,
  gap: FrameFlag.afterGap,
  failed: FrameFlag.failed,
};

const KEYS = ['channel', 'type', 'dir', 'conn', 'id', 'is'] as const;
type Key = (typeof KEYS)[number] | 'event';
const TOKEN = /^(-?)(channel|type|dir|conn|id|is|event\.[^:]+):(.+)$/i;

/**
 * Splits on spaces. Quotes are kept as typed: payloads are JSON, and searching for `"id":`
 * must find exactly that (token values, channels and ids, never contain spaces).
 */
export function tokenize(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== '');
}

interface Parts {
  channels: string[];
  types: string[];
  directions: Direction[];
  connections: string[];
  ids: string[];
  marks: number;
  /** Values by path (joined with dots), in the order first typed. */
  fields: Map<string, { path: string[]; values: string[] }>;
}

const emptyParts = (): Parts => ({ channels: [], types: [], directions: [], connections: [], ids: [], marks: 0, fields: new Map() });

/** Short names of a session's connections by id (see connectionLabels). */
export type ConnectionLabels = ReadonlyMap<string, string>;

/**
 * `conn:` accepts what the table shows (the connection's number, `http`, `w0`; also `#1`,
 * `HTTP` as the sidebar writes them) as well as the full id; `labels` are the session's, used to resolve the short form.
 */
export function resolveConnection(value: string, labels: ConnectionLabels): string[] {
  if (labels.has(value)) return [value];
  // As the sidebar writes them too: `#1`, `HTTP`.
  const name = value.replace(/^#/, '').toLowerCase();
  const short = [...labels].filter(([, label]) => label.toLowerCase() === name).map(([id]) => id);
  return short.length > 0 ? short : [value];
}

/**
 * The short names the inspector gives a session's connections: WebSockets numbered 0, 1, …
 * in the order they were created (ties and sockets whose creation was not seen by id), `w0`,
 * `w1`, … for shared workers, `http` for HTTP publish endpoints. Not the socket id's own
 * number: each page and frame numbers its sockets from 0, so a page with a socket in an
 * iframe, or a session kept across reloads, had several connections called 0.
 */
export function connectionLabels(conns: readonly ConnectionRecord[]): ConnectionLabels {
  const created = (c: ConnectionRecord) => c.createdAt ?? c.openedAt ?? Infinity;
  const order = (a: ConnectionRecord, b: ConnectionRecord) => created(a) - created(b) || (a.connId < b.connId ? -1 : a.connId > b.connId ? 1 : 0);
  const out = new Map<string, string>();
  const sockets = conns.filter((c) => c.kind === 'websocket');
  sockets.filter((c) => !isWorkerConnId(c.connId)).sort(order).forEach((c, i) => out.set(c.connId, String(i)));
  sockets.filter((c) => isWorkerConnId(c.connId)).sort(order).forEach((c, i) => out.set(c.connId, `w${i}`));
  for (const c of conns) if (!out.has(c.connId)) out.set(c.connId, connectionLabel(c.connId));
  return out;
}

/**
 * What the table shows for a connection id: its name in `labels`, else (a connection the
 * session has no record of yet) the socket's own number, or `http`.
 */
export function connectionLabel(conn: string, labels?: ConnectionLabels): string {
  const known = labels?.get(conn);
  if (known !== undefined) return known;
  if (conn.startsWith('http ')) return 'http';
  return conn.split(':').pop() ?? conn;
}

function add(parts: Parts, key: Key, value: string, connections: ConnectionLabels, problems: string[], fieldPath?: string): void {
  switch (key) {
    case 'event': {
      const path = parseFieldPath(fieldPath ?? '');
      if (!path) {
        problems.push(`“event.${fieldPath ?? ''}” is not a field path (write it as event.room.id:7).`);
        return;
      }
      const joined = path.join('.');
      const known = parts.fields.get(joined);
      if (known) known.values.push(value);
      else parts.fields.set(joined, { path, values: [value] });
      return;
    }
    case 'is': {
      const bit = MARKS[value.toLowerCase()];
      if (bit !== undefined) parts.marks |= bit;
      else problems.push(`Unknown mark “${value}” (use ${Object.keys(MARKS).join(', ')}).`);
      return;
    }
    case 'channel':
      parts.channels.push(value.startsWith('/') ? value : `/${value}`);
      return;
    case 'type':
      parts.types.push(value);
      return;
    case 'id':
      parts.ids.push(value);
      return;
    case 'conn':
      parts.connections.push(...resolveConnection(value, connections));
      return;
    case 'dir': {
      const dirs = DIR_ALIASES[value.toLowerCase()];
      if (dirs) parts.directions.push(...dirs);
      else problems.push(`Unknown direction “${value}” (use send, receive, http, open, close or error).`);
    }
  }
}

function toFilter(p: Parts): FrameFilter {
  const f: { -readonly [K in keyof FrameFilter]: FrameFilter[K] } = {};
  if (p.channels.length) f.channels = p.channels;
  if (p.types.length) f.types = p.types;
  if (p.directions.length) f.directions = [...new Set(p.directions)];
  if (p.connections.length) f.connections = p.connections;
  if (p.ids.length) f.ids = p.ids;
  if (p.marks !== 0) f.marks = p.marks;
  if (p.fields.size) f.fields = [...p.fields.values()];
  return f;
}

const isEmpty = (f: FrameFilter): boolean => Object.keys(f).length === 0;

/** Types hidden by the chips: those of hidden groups that no shown group also names. */
export function hiddenTypes(hidden: ReadonlySet<ChipName>): string[] {
  const shown = new Set(CHIPS.filter((c) => !hidden.has(c.name)).flatMap((c) => c.types));
  return [...new Set(CHIPS.filter((c) => hidden.has(c.name)).flatMap((c) => c.types))].filter((t) => !shown.has(t));
}

export function parseFilter(input: FilterInput, connections: ConnectionLabels = new Map()): ParsedFilter {
  const problems: string[] = [];
  const include = emptyParts();
  const negative: FrameFilter[] = [];
  const words: string[] = [];
  for (const token of tokenize(input.text)) {
    const m = TOKEN.exec(token);
    if (!m) {
      words.push(token);
      continue;
    }
    const name = m[2]!;
    // The path keeps its case: event fields are case-sensitive keys.
    const field = /^event\./i.test(name) ? name.slice('event.'.length) : undefined;
    const key = field !== undefined ? 'event' : (name.toLowerCase() as Key);
    if (m[1] === '-') {
      const one = emptyParts();
      add(one, key, m[3]!, connections, problems, field);
      const f = toFilter(one);
      if (!isEmpty(f)) negative.push(f);
    } else add(include, key, m[3]!, connections, problems, field);
  }
  const bar: { -readonly [K in keyof FrameFilter]: FrameFilter[K] } = { ...toFilter(include) };
  const free = words.join(' ');
  if (free !== '') {
    if (input.regex) {
      try {
        bar.regex = new RegExp(free, input.caseSensitive ? '' : 'i');
      } catch (e) {
        problems.push(`Invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      bar.text = free;
      bar.caseSensitive = input.caseSensitive;
    }
  }
  const exclude: FrameFilter[] = [];
  const chipTypes = hiddenTypes(input.hidden);
  if (chipTypes.length) exclude.push({ types: chipTypes });
  if (input.hidden.has('connection')) exclude.push({ directions: ['connecting', 'open', 'close'] });
  let include2: FrameFilter = bar;
  if (input.invert) {
    // Invert leaves out what the bar's text and tokens match; `-` tokens still exclude.
    const { caseSensitive: _c, ...rest } = bar;
    if (!isEmpty(rest)) exclude.push(bar);
    include2 = {};
  }
  exclude.push(...negative);
  return { query: { include: include2, exclude }, problems };
}
