// Compare two event sequences (a capture and its replay, or two captures): which events
// match, which are missing from the right, which are extra on the right, and which match
// but arrive out of order. Events are identified by channel and canonical payload (ids and
// times never count). Memory stays bounded: each event is a 53-bit hash and a position in
// typed arrays; frames are read again only to show or export a difference.

import { eventKey, parseIgnoreFields, type IgnoreFields } from './canonical.ts';
import { remapChannel, type CompiledRule } from './remap.ts';
import type { ReplayItem } from './types.ts';

export interface CompareOptions {
  /** JSON fields to ignore (see IgnoreFields): `timestamp`, `meta.sentAt`. */
  readonly ignoreFields?: readonly string[];
  /** Compare payloads only (e.g. subscription patterns against concrete channels). */
  readonly ignoreChannel?: boolean;
  /** Applied to the left side's channels first, to compare a remapped replay. */
  readonly leftRules?: readonly CompiledRule[];
  readonly signal?: AbortSignal;
}

/** Growable column of numbers. */
class Column {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** One side: per event, its key, the frame position and the event's index in the frame. */
export interface SideEvents {
  readonly keys: Float64Array;
  readonly pos: Float64Array;
  readonly index: Float64Array;
}

export class SideBuilder {
  private readonly keys = new Column();
  private readonly pos = new Column();
  private readonly index = new Column();
  private readonly ignore: IgnoreFields;
  constructor(
    options: CompareOptions,
    private readonly rules: readonly CompiledRule[] = [],
  ) {
    this.ignore = parseIgnoreFields(options.ignoreFields ?? []);
    this.ignoreChannel = options.ignoreChannel ?? false;
  }
  private readonly ignoreChannel: boolean;

  add(item: ReplayItem): void {
    const channel = this.ignoreChannel ? '' : remapChannel(this.rules, item.channel);
    item.events.forEach((event, i) => {
      this.keys.push(eventKey(channel, event, this.ignore));
      this.pos.push(item.pos);
      this.index.push(i);
    });
  }
  get size(): number {
    return this.keys.length;
  }
  build(): SideEvents {
    return { keys: this.keys.view(), pos: this.pos.view(), index: this.index.view() };
  }
}

export type RowStatus = 'matched' | 'missing' | 'extra' | 'reordered';
const STATUS: readonly RowStatus[] = ['matched', 'missing', 'extra', 'reordered'];

export interface CompareCounts {
  readonly left: number;
  readonly right: number;
  /** Matched and in order. */
  readonly matched: number;
  /** Matched, but not in the order of the left side. */
  readonly reordered: number;
  /** On the left only. */
  readonly missing: number;
  /** On the right only. */
  readonly extra: number;
}

export interface CompareResult {
  readonly counts: CompareCounts;
  readonly left: SideEvents;
  readonly right: SideEvents;
  /** Per left event: index of its right match, or -1. */
  readonly matchLeft: Int32Array;
  /** Per right event: index of its left match, or -1. */
  readonly matchRight: Int32Array;
  /** Side-by-side rows: left and right event indices (-1 for none) and a status code. */
  readonly rows: { readonly left: Int32Array; readonly right: Int32Array; readonly status: Uint8Array; readonly length: number };
  /** Whether both sides hold the same events in the same order. */
  readonly identical: boolean;
}

export interface Row {
  readonly status: RowStatus;
  readonly left?: number;
  readonly right?: number;
}

export function rowAt(result: CompareResult, i: number): Row {
  const l = result.rows.left[i] ?? -1;
  const r = result.rows.right[i] ?? -1;
  return { status: STATUS[result.rows.status[i] ?? 0] ?? 'matched', ...(l >= 0 ? { left: l } : {}), ...(r >= 0 ? { right: r } : {}) };
}

/** Indices 0…n-1 ordered by key, then by index: equal keys keep their order of occurrence. */
function byKey(keys: Float64Array): Uint32Array {
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => (keys[a]! - keys[b]!) || a - b);
  return order;
}

/**
 * Which matched left events are in order: the longest increasing run of their right
 * indices (patience sorting, n log n). The rest of the matches are "reordered".
 */
function inOrderFlags(matchLeft: Int32Array): Uint8Array {
  const n = matchLeft.length;
  const flags = new Uint8Array(n);
  const tails = new Int32Array(n); // left index ending the best run of each length
  const prev = new Int32Array(n).fill(-1);
  let len = 0;
  for (let i = 0; i < n; i++) {
    const v = matchLeft[i]!;
    if (v < 0) continue;
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (matchLeft[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    prev[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
    if (lo === len) len++;
  }
  for (let i = len > 0 ? tails[len - 1]! : -1; i >= 0; i = prev[i]!) flags[i] = 1;
  return flags;
}

/**
 * Above this many candidate pairs (left event × right events with the same key) the
 * exact in-order matching is skipped for the k-th-occurrence pairing: sessions where one
 * payload repeats thousands of times would otherwise cost n² time and memory.
 */
export const EXACT_PAIR_BUDGET = 2_000_000;

/** Index of the first entry of sorted `keys` (through `order`) not less than `key`. */
function lowerBound(keys: Float64Array, order: Uint32Array, key: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[order[mid]!]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The largest set of matches that are in order on both sides (a longest common
 * subsequence, Hunt–Szymanski: an increasing run over each left event's candidate right
 * indices, taken in decreasing order so one left event matches at most once). Returns
 * false without touching the arrays when the candidates exceed the budget.
 */
function exactInOrder(left: SideEvents, right: SideEvents, or: Uint32Array, matchLeft: Int32Array, matchRight: Int32Array, budget: number): boolean {
  const nl = left.keys.length;
  const starts = new Int32Array(nl);
  const ends = new Int32Array(nl);
  let pairs = 0;
  for (let i = 0; i < nl; i++) {
    const k = left.keys[i]!;
    const a = lowerBound(right.keys, or, k);
    // Upper bound: the first key after k.
    let lo = a;
    let hi = or.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (right.keys[or[mid]!]! <= k) lo = mid + 1;
      else hi = mid;
    }
    starts[i] = a;
    ends[i] = lo;
    pairs += lo - a;
    if (pairs > budget) return false;
  }
  const pi = new Int32Array(pairs);
  const pj = new Int32Array(pairs);
  const prev = new Int32Array(pairs);
  const tails = new Int32Array(Math.min(nl, right.keys.length) + 1);
  let len = 0;
  let p = 0;
  for (let i = 0; i < nl; i++) {
    // Within a key, `or` lists right indices ascending; walk them descending.
    for (let x = ends[i]! - 1; x >= starts[i]!; x--) {
      const j = or[x]!;
      let lo = 0;
      let hi = len;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pj[tails[mid]!]! < j) lo = mid + 1;
        else hi = mid;
      }
      pi[p] = i;
      pj[p] = j;
      prev[p] = lo > 0 ? tails[lo - 1]! : -1;
      tails[lo] = p;
      if (lo === len) len++;
      p++;
    }
  }
  for (let q = len > 0 ? tails[len - 1]! : -1; q >= 0; q = prev[q]!) {
    matchLeft[pi[q]!] = pj[q]!;
    matchRight[pj[q]!] = pi[q]!;
  }
  return true;
}

/** Pairs the k-th unmatched occurrence of a key on the left with its k-th on the right. */
function pairRest(left: SideEvents, right: SideEvents, ol: Uint32Array, or: Uint32Array, matchLeft: Int32Array, matchRight: Int32Array): void {
  const nl = ol.length;
  const nr = or.length;
  for (let a = 0, b = 0; a < nl && b < nr; ) {
    const i = ol[a]!;
    const j = or[b]!;
    if (matchLeft[i]! >= 0) {
      a++;
      continue;
    }
    if (matchRight[j]! >= 0) {
      b++;
      continue;
    }
    const d = left.keys[i]! - right.keys[j]!;
    if (d < 0) a++;
    else if (d > 0) b++;
    else {
      matchLeft[i] = j;
      matchRight[j] = i;
      a++;
      b++;
    }
  }
}

export function compareEvents(left: SideEvents, right: SideEvents, budget = EXACT_PAIR_BUDGET): CompareResult {
  const nl = left.keys.length;
  const nr = right.keys.length;
  const matchLeft = new Int32Array(nl).fill(-1);
  const matchRight = new Int32Array(nr).fill(-1);
  const ol = byKey(left.keys);
  const or = byKey(right.keys);
  // First the most matches in order, then the remaining equal events as reordered ones.
  exactInOrder(left, right, or, matchLeft, matchRight, budget);
  pairRest(left, right, ol, or, matchLeft, matchRight);
  const inOrder = inOrderFlags(matchLeft);
  let matched = 0;
  let reordered = 0;
  let missing = 0;
  for (let i = 0; i < nl; i++) {
    if (matchLeft[i]! < 0) missing++;
    else if (inOrder[i]) matched++;
    else reordered++;
  }
  const extra = nr - matched - reordered;

  const rowsLeft = new Int32Array(nl + nr);
  const rowsRight = new Int32Array(nl + nr);
  const rowsStatus = new Uint8Array(nl + nr);
  let n = 0;
  const row = (l: number, r: number, s: number) => {
    rowsLeft[n] = l;
    rowsRight[n] = r;
    rowsStatus[n] = s;
    n++;
  };
  // Walk both sides between in-order anchors: the left's missing and reordered events come
  // first, then the right's extras, then the anchor pair itself.
  for (let i = 0, j = 0; i < nl || j < nr; ) {
    if (i < nl && matchLeft[i]! < 0) row(i++, -1, 1);
    else if (i < nl && !inOrder[i]) {
      row(i, matchLeft[i]!, 3);
      i++;
    } else if (j < nr && matchRight[j]! < 0) row(-1, j++, 2);
    else if (j < nr && !inOrder[matchRight[j]!]) j++;
    else {
      row(i, j, 0);
      i++;
      j++;
    }
  }
  return {
    counts: { left: nl, right: nr, matched, reordered, missing, extra },
    left,
    right,
    matchLeft,
    matchRight,
    rows: { left: rowsLeft.subarray(0, n), right: rowsRight.subarray(0, n), status: rowsStatus.subarray(0, n), length: n },
    identical: missing === 0 && extra === 0 && reordered === 0,
  };
}

/** Streams both selections into hashes, then compares. */
export async function compareItems(left: AsyncIterable<ReplayItem>, right: AsyncIterable<ReplayItem>, options: CompareOptions = {}): Promise<CompareResult> {
  const l = new SideBuilder(options, options.leftRules);
  const r = new SideBuilder(options);
  for await (const item of left) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (item.problem === undefined || item.events.length > 0) l.add(item);
  }
  for await (const item of right) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (item.problem === undefined || item.events.length > 0) r.add(item);
  }
  return compareEvents(l.build(), r.build());
}
