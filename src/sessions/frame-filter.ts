// Frame filters, compiled once per query into two predicates: one on chunk summaries (to
// skip whole chunks that cannot match) and one on frames.

import { matchChannelPattern } from './channel-match.ts';
import type { ChunkSummary, Counts, Direction, MatchChannel, StoredFrame } from './types.ts';

/**
 * Every given criterion must hold (AND); within a list any value may match (OR). An empty
 * or missing list does not constrain.
 */
export interface FrameFilter {
  readonly connections?: readonly string[];
  readonly directions?: readonly Direction[];
  readonly types?: readonly string[];
  /** Exact channels or patterns with a trailing `/*`. */
  readonly channels?: readonly string[];
  /** Subscription (or publish) ids. */
  readonly ids?: readonly string[];
  /** Substring of the payload text; case-insensitive unless `caseSensitive`. */
  readonly text?: string;
  readonly caseSensitive?: boolean;
  /** Regular expression over the payload text (a string is compiled without flags). */
  readonly regex?: RegExp | string;
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

export function compileFilter(filter: FrameFilter, matchChannel: MatchChannel = matchChannelPattern): CompiledFilter {
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

  return {
    chunkMayMatch(s) {
      if (s.count === 0 || s.tMax < from || s.tMin > to) return false;
      if (connections && !anyKey(s.conns, connections)) return false;
      if (directions && !anyKey(s.dirs, directions)) return false;
      if (types && !anyKey(s.types, types)) return false;
      if (ids && !anyKey(s.ids, ids)) return false;
      if (channels && !Object.keys(s.channels).some(channelMatches)) return false;
      return true;
    },
    matches(f) {
      if (f.t < from || f.t > to) return false;
      if (connections && !connections.includes(f.conn)) return false;
      if (directions && !directions.includes(f.dir)) return false;
      if (types && (f.type === undefined || !types.includes(f.type))) return false;
      if (ids && (f.id === undefined || !ids.includes(f.id))) return false;
      if (channels && (f.channel === undefined || !channelMatches(f.channel))) return false;
      if (needle !== undefined || regex) {
        const text = f.text;
        if (text === undefined) return false;
        if (needle !== undefined && !(caseSensitive ? text : text.toLowerCase()).includes(needle)) return false;
        if (regex && !regex.test(text)) return false;
      }
      return true;
    },
  };
}
