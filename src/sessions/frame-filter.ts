// Frame filters, compiled once per query into two predicates: one on chunk summaries (to
// skip whole chunks that cannot match) and one on frames.

import { channelMatches } from '../protocol/channel.ts';
import { compileFields, escapeRegExp, type FieldCriterion } from '../protocol/event-fields.ts';
import { N_FLAGS, N_T, R_CHANNEL, R_CONN, R_DIR, R_ID, R_TEXT_LEN, R_TYPE, type ChunkView } from './packed-chunk.ts';
import type { ChunkSummary, Counts, Direction, MatchChannel, StoredFrame } from './types.ts';

/**
 * Every given criterion must hold (AND); within a list any value may match (OR). An empty
 * or missing list does not constrain.
 */
export interface FrameFilter {
  readonly connections?: readonly string[];
  readonly directions?: readonly Direction[];
  readonly types?: readonly string[];
  /** Exact channels or patterns with a trailing `/*`, matched by src/protocol's channelMatches. */
  readonly channels?: readonly string[];
  /** Subscription (or publish) ids. */
  readonly ids?: readonly string[];
  /** Substring of the payload text; case-insensitive unless `caseSensitive`. */
  readonly text?: string;
  readonly caseSensitive?: boolean;
  /** Regular expression over the payload text (a string is compiled without flags). */
  readonly regex?: RegExp | string;
  /** Fields of the frame's events (src/protocol/event-fields.ts); all must match. Case as `caseSensitive`. */
  readonly fields?: readonly FieldCriterion[];
  /** FrameFlag bits: the frame must carry at least one of them. */
  readonly marks?: number;
  /** Inclusive time bounds, wall-clock ms. */
  readonly fromTime?: number;
  readonly toTime?: number;
}

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

export interface CompiledFilter {
  chunkMayMatch(summary: ChunkSummary): boolean;
  matches(frame: StoredFrame): boolean;
  /** Whether chunkMayMatch can rule out anything; text-only scans need not read summaries. */
  readonly usesSummaries: boolean;
  /**
   * matches() for every frame of a packed chunk at once (1 = match), without building
   * frames: criteria are decided once per distinct string of the chunk, and a substring is
   * searched in the chunk's joined text instead of frame by frame.
   */
  matchChunk(view: ChunkView): Uint8Array;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * The only characters outside ASCII whose toLowerCase() contains ASCII (İ → i̇, Kelvin sign
 * → k): with neither in a text, an ASCII needle matches it case-insensitively under a
 * RegExp `i` flag exactly when it matches under toLowerCase(), as matches() decides.
 */
const LOWERS_TO_ASCII = ['\u0130', '\u212a'];

/**
 * Sets hit[i] for every frame whose own text contains a match of `pattern` (a global
 * RegExp for a literal), searching the chunk's joined texts once: irregexp skips through
 * a literal several times faster than lower-casing the text and calling indexOf.
 */
function searchJoined(texts: string, pattern: RegExp, starts: Int32Array, hit: Uint8Array): void {
  const n = hit.length;
  let k = 0;
  pattern.lastIndex = 0;
  for (;;) {
    const m = pattern.exec(texts);
    if (m === null) return;
    const h = m.index;
    while (k < n && (starts[k + 1] as number) <= h) k++;
    if (k >= n) return;
    const end = starts[k + 1] as number;
    if (h + m[0].length <= end) {
      hit[k] = 1;
      pattern.lastIndex = end; // one match is enough for this frame
      k++;
    } else pattern.lastIndex = h + 1; // straddles two texts: a match of neither
  }
}

function list<T>(values: readonly T[] | undefined): readonly T[] | undefined {
  return values && values.length > 0 ? values : undefined;
}

function anyKey(counts: Counts, wanted: readonly string[]): boolean {
  for (const w of wanted) if ((counts[w] ?? 0) > 0) return true;
  return false;
}

function compileRegex(regex: RegExp | string): RegExp {
  try {
    // Without g/y, test() keeps no lastIndex state between frames.
    return typeof regex === 'string' ? new RegExp(regex) : new RegExp(regex.source, regex.flags.replace(/[gy]/g, ''));
  } catch (e) {
    throw new FilterError(`Invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function compileFilter(filter: FrameFilter, matchChannel: MatchChannel = channelMatches): CompiledFilter {
  const connections = list(filter.connections);
  const directions = list(filter.directions);
  const types = list(filter.types);
  const channels = list(filter.channels);
  const ids = list(filter.ids);
  const from = filter.fromTime ?? -Infinity;
  const to = filter.toTime ?? Infinity;
  const regex = filter.regex !== undefined ? compileRegex(filter.regex) : undefined;
  const caseSensitive = filter.caseSensitive ?? false;
  const needle = filter.text ? (caseSensitive ? filter.text : filter.text.toLowerCase()) : undefined;
  const channelMatches = (channel: string): boolean => channels!.some((p) => matchChannel(p, channel));
  const fieldList = list(filter.fields);
  const fields = fieldList ? compileFields(fieldList, caseSensitive) : undefined;
  const marks = filter.marks ?? 0;
  const fieldsMatch = (text: string | undefined): boolean => text !== undefined && fields!.matchesText(text);

  const matches = (f: StoredFrame): boolean => {
    if (f.t < from || f.t > to) return false;
    if (connections && !connections.includes(f.conn)) return false;
    if (directions && !directions.includes(f.dir)) return false;
    if (types && (f.type === undefined || !types.includes(f.type))) return false;
    if (ids && (f.id === undefined || !ids.includes(f.id))) return false;
    if (channels && (f.channel === undefined || !channelMatches(f.channel))) return false;
    if (marks !== 0 && (f.flags & marks) === 0) return false;
    if (needle !== undefined || regex) {
      const text = f.text;
      if (text === undefined) return false;
      if (needle !== undefined && !(caseSensitive ? text : text.toLowerCase()).includes(needle)) return false;
      if (regex && !regex.test(text)) return false;
    }
    if (fields && !fieldsMatch(f.text)) return false;
    return true;
  };
  const literal = needle !== undefined ? new RegExp(escapeRegExp(needle), caseSensitive ? 'g' : 'gi') : undefined;
  const needleAscii = needle !== undefined && ASCII_ONLY.test(needle);
  const timed = from !== -Infinity || to !== Infinity;
  const byString: [number, (s: string) => boolean][] = [];
  if (connections) byString.push([R_CONN, (v) => connections.includes(v)]);
  if (directions) byString.push([R_DIR, (v) => (directions as readonly string[]).includes(v)]);
  if (types) byString.push([R_TYPE, (v) => types.includes(v)]);
  if (ids) byString.push([R_ID, (v) => ids.includes(v)]);
  if (channels) byString.push([R_CHANNEL, channelMatches]);

  /** After every cheaper criterion: each frame still in is parsed (when it holds the field's key). */
  const fieldsLast = (view: ChunkView, out: Uint8Array): Uint8Array => {
    if (fields) for (let i = 0; i < out.length; i++) if (out[i] === 1 && !fieldsMatch(view.text(i))) out[i] = 0;
    return out;
  };

  const matchChunk = (view: ChunkView): Uint8Array => {
    const n = view.count;
    const { ref, num, strings } = view.packed;
    // Scans always read a chunk with its texts (chunk-store.ts); only the traffic model's feed does not.
    const texts = view.packed.texts ?? '';
    const out = new Uint8Array(n).fill(1);
    if (timed) {
      for (let i = 0; i < n; i++) {
        const t = num[N_T * n + i] as number;
        if (t < from || t > to) out[i] = 0;
      }
    }
    if (marks !== 0) {
      const base = N_FLAGS * n;
      for (let i = 0; i < n; i++) if (((num[base + i] as number) & marks) === 0) out[i] = 0;
    }
    for (const [col, accept] of byString) {
      // Decided once per distinct string: index + 1 → 1 if accepted (0 = no value).
      const ok = new Uint8Array(strings.length + 1);
      for (let k = 0; k < strings.length; k++) ok[k + 1] = accept(strings[k] as string) ? 1 : 0;
      const base = col * n;
      for (let i = 0; i < n; i++) if (ok[ref[base + i] as number] === 0) out[i] = 0;
    }
    if (needle === undefined && !regex) return fieldsLast(view, out);
    const lens = R_TEXT_LEN * n;
    if (needle !== undefined && literal) {
      const joined = caseSensitive || (needleAscii && LOWERS_TO_ASCII.every((c) => texts.indexOf(c) < 0));
      if (joined) {
        const hit = new Uint8Array(n);
        searchJoined(texts, literal, view.textStarts(), hit);
        for (let i = 0; i < n; i++) if (hit[i] === 0) out[i] = 0;
      } else {
        // Rare text (or needle) where the two notions of case differ: frame by frame.
        for (let i = 0; i < n; i++) {
          if (out[i] === 0) continue;
          const text = view.text(i);
          if (text === undefined || !text.toLowerCase().includes(needle)) out[i] = 0;
        }
      }
    }
    if (regex) {
      for (let i = 0; i < n; i++) {
        if (out[i] === 0) continue;
        if ((ref[lens + i] as number) < 0 || !regex.test(view.text(i) as string)) out[i] = 0;
      }
    }
    if (needle !== undefined) for (let i = 0; i < n; i++) if ((ref[lens + i] as number) < 0) out[i] = 0;
    return fieldsLast(view, out);
  };

  return {
    usesSummaries: timed || byString.length > 0,
    matchChunk,
    chunkMayMatch(s) {
      if (s.count === 0 || s.tMax < from || s.tMin > to) return false;
      if (connections && !anyKey(s.conns, connections)) return false;
      if (directions && !anyKey(s.dirs, directions)) return false;
      if (types && !anyKey(s.types, types)) return false;
      if (ids && !anyKey(s.ids, ids)) return false;
      if (channels && !Object.keys(s.channels).some(channelMatches)) return false;
      return true;
    },
    matches,
  };
}
