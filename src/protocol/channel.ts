// Channel paths: normalisation, validation and wildcard matching (reference section 5).
// Pure and total: every function accepts any string and never throws.

import { MAX_CHANNEL_SEGMENTS, MAX_SEGMENT_LENGTH } from './limits.ts';

export type ChannelParse =
  | {
      readonly ok: true;
      /** Normalised: one leading `/`, no trailing `/`, wildcard kept (`/ns/a/*`). */
      readonly channel: string;
      readonly namespace: string;
      /** Every segment including the namespace, excluding a trailing `*`. */
      readonly segments: string[];
      readonly wildcard: boolean;
    }
  | { readonly ok: false; readonly reason: string };

const SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const BAD_CHAR = /[^A-Za-z0-9-]/;
/** Format characters (Cf: U+FEFF, U+200B–U+200F, U+2060…), whitespace and controls. */
const INVISIBLE_START = /^[\p{Cf}\p{Z}\s\p{Cc}]/u;
const INVISIBLE = /^[\p{Cf}\p{Z}\s\p{Cc}]$/u;

/** `"x"` for visible characters, `U+FEFF (invisible)` for those a reader cannot see. */
function showChar(ch: string): string {
  if (!INVISIBLE.test(ch)) return JSON.stringify(ch);
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} (invisible)`;
}

/**
 * `default/a/` → `/default/a`. The service treats `default/x` and `/default/x` as one channel
 * (INFERRED in the reference), so every comparison and display goes through this form.
 * All leading and trailing slashes go, so the function is idempotent; inner empty segments
 * are left for parseChannel to report. Input beginning with an invisible character is
 * returned unchanged (see below).
 */
export function normalizeChannel(input: string): string {
  const s = typeof input === 'string' ? input : String(input);
  // Kept as is: a channel that begins with an invisible character (a BOM, a zero-width
  // space, whitespace) is invalid, and adding a slash in front would make `\uFEFF/ns/a` look
  // like the valid `/ns/a` while still differing from it. Unchanged, it reads as what was
  // sent, compares unequal to every valid channel, and parseChannel names the character.
  if (s.length > 0 && INVISIBLE_START.test(s)) return s;
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 47) start++;
  while (end > start && s.charCodeAt(end - 1) === 47) end--;
  return '/' + s.slice(start, end);
}

function quote(segment: string): string {
  return JSON.stringify(segment.length > 60 ? segment.slice(0, 57) + '...' : segment);
}

function segmentProblem(segment: string, position: number): string | undefined {
  if (SEGMENT.test(segment) && segment.length <= MAX_SEGMENT_LENGTH) return undefined;
  const label = position === 1 ? `namespace ${quote(segment)}` : `segment ${position} ${quote(segment)}`;
  if (segment.length === 0) {
    return position === 1 ? 'namespace is empty' : `segment ${position} is empty (double slash?)`;
  }
  if (segment.length > MAX_SEGMENT_LENGTH) {
    return `${label} is ${segment.length} characters long; the limit is ${MAX_SEGMENT_LENGTH}`;
  }
  const bad = BAD_CHAR.exec(segment);
  if (bad) {
    return `${label} contains ${showChar(bad[0])}; only letters, digits and dashes are allowed`;
  }
  if (!SEGMENT.test(segment)) return `${label} must start and end with a letter or digit`;
  return undefined;
}

/**
 * Validates a channel. The docs regex allows one optional leading and one optional trailing
 * slash, so exactly that is accepted (`//a` is rejected as an empty namespace).
 *
 * Wildcards (UNKNOWN server behaviour for edge cases; our choices):
 * - `*` is accepted only as the whole last segment and only with `allowWildcard`
 *   (subscriptions); `a*` or a mid-path `*` is rejected.
 * - `/*` (wildcard namespace) is rejected: the namespace must name an existing namespace.
 * - The `*` counts towards the 5-segment limit, so `/a/b/c/d/*` is the deepest pattern;
 *   a deeper one could never match a valid channel.
 * - Matching semantics are in channelMatches: `/ns/*` matches one or more further segments.
 */
export function parseChannel(input: string, opts?: { allowWildcard?: boolean }): ChannelParse {
  if (typeof input !== 'string') return { ok: false, reason: 'channel is not a string' };
  let body = input;
  if (body.startsWith('/')) body = body.slice(1);
  if (body.endsWith('/')) body = body.slice(0, -1);
  if (body.length === 0) return { ok: false, reason: 'channel is empty' };
  // Cheap guard before splitting a pathological input.
  if (body.length > MAX_CHANNEL_SEGMENTS * (MAX_SEGMENT_LENGTH + 1)) {
    return { ok: false, reason: `channel is ${input.length} characters long; too long to be valid` };
  }
  const parts = body.split('/');
  let wildcard = false;
  if (parts[parts.length - 1] === '*') {
    if (parts.length === 1) return { ok: false, reason: 'namespace cannot be the wildcard "*"' };
    if (!opts?.allowWildcard) {
      return { ok: false, reason: 'wildcard "*" is only allowed when subscribing' };
    }
    wildcard = true;
  }
  if (parts.length > MAX_CHANNEL_SEGMENTS) {
    return {
      ok: false,
      reason: `channel has ${parts.length} segments; the limit is ${MAX_CHANNEL_SEGMENTS} (namespace included${wildcard ? ', "*" included' : ''})`,
    };
  }
  const segments = wildcard ? parts.slice(0, -1) : parts;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    if (segment === '*') {
      return { ok: false, reason: `segment ${i + 1} "*": a wildcard is only allowed as the last segment` };
    }
    const problem = segmentProblem(segment, i + 1);
    if (problem) return { ok: false, reason: problem };
  }
  return {
    ok: true,
    channel: '/' + parts.join('/'),
    namespace: segments[0] ?? '',
    segments,
    wildcard,
  };
}

/**
 * Does a subscription pattern cover a channel? Both sides are normalised first.
 * A trailing `/*` is a prefix match over one or more further segments (the console tutorial
 * delivers `/default/greetings/tutorial` to `/default/*`); it does not match the prefix
 * channel itself (`/ns/*` vs `/ns`: UNKNOWN upstream, we say no). A bare `/*` matches nothing,
 * consistent with parseChannel rejecting it. Otherwise an exact, case-sensitive comparison.
 */
export function channelMatches(pattern: string, channel: string): boolean {
  const p = normalizeChannel(pattern);
  const c = normalizeChannel(channel);
  if (p.endsWith('/*')) {
    if (p === '/*') return false;
    const prefix = p.slice(0, -1); // keeps the trailing '/'
    return c.length > prefix.length && c.startsWith(prefix);
  }
  return p === c;
}
