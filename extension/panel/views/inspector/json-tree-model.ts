// A JSON value as the rows of a collapsible tree. Pure and iterative: an explicit stack
// instead of recursion, so 10,000 nested arrays cannot overflow the call stack, and only
// expanded nodes are visited. Containers deeper than DEFAULT_DEPTH or with more than
// DEFAULT_MAX_CHILDREN children start collapsed; long child lists are shown a slice at a
// time. JSON strings under `event` and `events` (AppSync sends each event as a JSON text)
// are shown as the value they encode, marked as such.

import { fieldValueText } from '../../../../src/protocol/event-fields.ts';

export const DEFAULT_DEPTH = 3;
export const DEFAULT_MAX_CHILDREN = 50;
/** Children listed per container before a "more" row. */
export const CHILDREN_PAGE = 200;
/** Rows in one tree at most; past it a final "more" row says how to see the rest. */
export const MAX_ROWS = 3000;
/** Strings longer than this are not parsed as JSON for display. */
const MAX_NESTED_JSON = 1024 * 1024;
const LEAF_TEXT = 2000;

export type TreeKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'other' | 'more';

export interface TreeRow {
  readonly id: string;
  readonly depth: number;
  /** Property name or array index; null for the root. */
  readonly key: string | null;
  readonly kind: TreeKind;
  /** Leaf: the value as JSON text; container: a size summary; more: what is left. */
  readonly text: string;
  readonly expandable: boolean;
  readonly expanded: boolean;
  /** The value was a JSON string, shown decoded. */
  readonly decoded: boolean;
  /** For a `more` row: the container whose list it continues. */
  readonly parent?: string;
  /**
   * A leaf inside a decoded event: the filter bar token that selects frames whose events
   * have this value here (`event.room.id:7`), when the path and value can be written as one.
   */
  readonly filter?: string;
}

export interface TreeState {
  /** User toggles: id → expanded, overriding the defaults. */
  readonly toggled: ReadonlyMap<string, boolean>;
  /** id → children to list for containers where the user asked for more. */
  readonly shown: ReadonlyMap<string, number>;
}

export const EMPTY_TREE_STATE: TreeState = { toggled: new Map(), shown: new Map() };

function nestedJson(value: unknown): unknown {
  if (typeof value !== 'string' || value.length > MAX_NESTED_JSON) return undefined;
  const t = value.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function leafText(v: unknown): [TreeKind, string] {
  if (v === null) return ['null', 'null'];
  switch (typeof v) {
    case 'string': {
      const s = JSON.stringify(v.length > LEAF_TEXT ? v.slice(0, LEAF_TEXT) : v);
      return ['string', v.length > LEAF_TEXT ? `${s.slice(0, -1)}…" (${v.length.toLocaleString()} characters)` : s];
    }
    case 'number':
      return ['number', String(v)];
    case 'boolean':
      return ['boolean', String(v)];
    default:
      return ['other', String(v)];
  }
}

interface Item {
  readonly value: unknown;
  readonly key: string | null;
  readonly id: string;
  readonly depth: number;
  readonly decoded: boolean;
  /** Expand JSON strings among this node's children (it is `event` or `events`). */
  readonly eventish: boolean;
  /** Keys from the root of the event this node is in (null: not inside an event). */
  readonly eventPath: readonly string[] | null;
  readonly more?: { readonly parent: string; readonly left: number };
}

/** Path segments the filter bar's `event.` token can hold: no dot, colon, space or quote. */
const TOKEN_SEGMENT = /^[^\s.:"]+$/;

/** The filter token for a leaf value at `path` in an event, or undefined when none can say it. */
export function fieldToken(path: readonly string[], value: unknown): string | undefined {
  if (path.length === 0 || !path.every((k) => TOKEN_SEGMENT.test(k))) return undefined;
  const compared = fieldValueText(value);
  if (compared === undefined) return undefined;
  // Tokens end at whitespace: a run of it becomes `*` (any run), which still selects this value.
  const text = compared.trim().replace(/\s+/g, '*');
  if (text === '' || text.length > 200) return undefined;
  return `event.${path.join('.')}:${text}`;
}

export function flattenJson(root: unknown, state: TreeState = EMPTY_TREE_STATE, rootEventish = false): TreeRow[] {
  const rows: TreeRow[] = [];
  const stack: Item[] = [{ value: root, key: null, id: '$', depth: 0, decoded: false, eventish: rootEventish, eventPath: null }];
  while (stack.length > 0) {
    if (rows.length >= MAX_ROWS) {
      rows.push({ id: '$more', depth: 0, key: null, kind: 'more', text: 'Tree cut short here; collapse some nodes or use the Raw tab to see everything', expandable: false, expanded: false, decoded: false });
      break;
    }
    const item = stack.pop() as Item;
    if (item.more) {
      rows.push({ id: `${item.id}`, depth: item.depth, key: null, kind: 'more', text: `${item.more.left.toLocaleString()} more…`, expandable: false, expanded: false, decoded: false, parent: item.more.parent });
      continue;
    }
    let value = item.value;
    let decoded = item.decoded;
    if (item.eventish && typeof value === 'string') {
      const inner = nestedJson(value);
      if (inner !== undefined) {
        value = inner;
        decoded = true;
      }
    }
    const eventPath = item.eventPath;
    if (value === null || typeof value !== 'object') {
      const [kind, text] = leafText(value);
      const filter = eventPath && eventPath.length > 0 ? fieldToken(eventPath, value) : undefined;
      rows.push({ id: item.id, depth: item.depth, key: item.key, kind, text, expandable: false, expanded: false, decoded, ...(filter ? { filter } : {}) });
      continue;
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? null : Object.keys(value);
    const size = isArray ? (value as unknown[]).length : (keys as string[]).length;
    const byDefault = item.depth < DEFAULT_DEPTH && size <= DEFAULT_MAX_CHILDREN;
    const expanded = size > 0 && (state.toggled.get(item.id) ?? byDefault);
    rows.push({
      id: item.id,
      depth: item.depth,
      key: item.key,
      kind: isArray ? 'array' : 'object',
      text: isArray ? `Array(${size})` : `{${size} ${size === 1 ? 'key' : 'keys'}}`,
      expandable: size > 0,
      expanded,
      decoded,
    });
    if (!expanded) continue;
    const limit = Math.min(size, state.shown.get(item.id) ?? CHILDREN_PAGE);
    // Pushed in reverse so they pop in order.
    if (limit < size) stack.push({ value: undefined, key: null, id: `${item.id}/+`, depth: item.depth + 1, decoded: false, eventish: false, eventPath: null, more: { parent: item.id, left: size - limit } });
    for (let i = limit - 1; i >= 0; i--) {
      const key = isArray ? String(i) : (keys as string[])[i] as string;
      const child = isArray ? (value as unknown[])[i] : (value as Record<string, unknown>)[key];
      // `events` holds JSON strings; `event` is one.
      const eventish = !isArray && (key === 'event' || key === 'events');
      // An event (the value of `event`, or an item of `events`) starts a path the filter can
      // name (an event that is a lone value has an empty one: no token). Inside an event,
      // array indexes are left out of the path: the filter applies a segment that meets a
      // list to its items.
      const startsEvent = isArray ? item.eventish : key === 'event';
      const childPath = eventPath !== null ? (isArray ? eventPath : [...eventPath, key]) : startsEvent ? [] : null;
      stack.push({ value: child, key, id: `${item.id}/${i}`, depth: item.depth + 1, decoded: false, eventish: eventish || (item.eventish && isArray), eventPath: childPath });
    }
  }
  return rows;
}

export function toggle(state: TreeState, row: TreeRow): TreeState {
  const toggled = new Map(state.toggled);
  toggled.set(row.id, !row.expanded);
  return { ...state, toggled };
}

export function showMore(state: TreeState, row: TreeRow): TreeState {
  if (!row.parent) return state;
  const shown = new Map(state.shown);
  shown.set(row.parent, (state.shown.get(row.parent) ?? CHILDREN_PAGE) + CHILDREN_PAGE * 5);
  return { ...state, shown };
}
