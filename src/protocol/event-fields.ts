// Matching a field of a frame's events: the filter bar's `event.<path>:<value>` tokens.
//
// AppSync carries each event as a JSON text inside the frame (`event` of a `data` frame, each
// of `events` of a publish, WebSocket or HTTP), so "the room of this event" is two parses
// away from the frame's text. A path is relative to each event: `event.room.id:7` matches
// a frame any of whose events has `room.id` equal to 7; given several values, any of them. A segment that meets an array
// applies to its elements (`event.items.sku:A1` matches when any item has that sku), unless
// it is an index (`event.items.0.sku:A1`), and a list at the end matches when any of its
// values does (`event.tags:urgent`). Values: a string compares as itself, any other
// leaf as its JSON text (`7`, `true`, `null`); `*` stands for any run of characters, so
// `event.user:*` asks only that the field exists. Pure; never throws.

import { isRecord, parseJson } from './json.ts';

export interface FieldCriterion {
  /** Keys (or array indexes) from the event's root. */
  readonly path: readonly string[];
  /** Values as typed, any of which may match; `*` matches any run of characters. */
  readonly values: readonly string[];
}

export interface CompiledField {
  /** Whether any event of the frame whose text this is matches. */
  matchesText(text: string): boolean;
}

/** Events nested deeper than this are not searched (a path this long is a typo). */
const MAX_PATH = 32;

/** The frame's events, decoded: `event`, or every one of `events`. None when it has neither. */
export function framePayloads(text: string): unknown[] {
  const parsed = parseJson(text);
  const frame = parsed.ok ? parsed.value : undefined;
  if (!isRecord(frame)) return [];
  const out: unknown[] = [];
  if ('event' in frame) out.push(decoded(frame['event']));
  const events = frame['events'];
  if (Array.isArray(events)) for (const e of events) out.push(decoded(e));
  return out;
}

/** An event as AppSync carries it (a JSON text), decoded; a value that is not one, as is. */
function decoded(e: unknown): unknown {
  if (typeof e !== 'string') return e;
  const parsed = parseJson(e);
  return parsed.ok ? parsed.value : e;
}

/** A leaf as a field token's value compares with it: a string as itself, others as JSON; containers have none. */
export function fieldValueText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return JSON.stringify(v);
  return undefined;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function globRegExp(value: string, caseSensitive: boolean): RegExp {
  const body = value.split('*').map(escapeRegExp).join('[\\s\\S]*');
  return new RegExp(`^${body}$`, caseSensitive ? '' : 'i');
}

const INDEX = /^(0|[1-9]\d{0,8})$/;

/** Every value at `path` below `node` (arrays fan out, see the module comment). */
function collect(node: unknown, path: readonly string[], at: number, out: unknown[]): void {
  if (at === path.length) {
    // A list of values matches when any of them does (`event.tags:urgent`).
    if (Array.isArray(node)) out.push(node, ...node);
    else out.push(node);
    return;
  }
  const key = path[at] as string;
  if (Array.isArray(node)) {
    if (INDEX.test(key)) {
      const i = Number(key);
      if (i < node.length) collect(node[i], path, at + 1, out);
      return;
    }
    for (const item of node) collect(item, path, at, out);
    return;
  }
  // Own keys only: `constructor` or `__proto__` must not walk into Object.prototype.
  if (isRecord(node) && Object.prototype.hasOwnProperty.call(node, key)) collect(node[key], path, at + 1, out);
}

interface FieldTest {
  /** Whether the frame's text can hold the field at all (no parse). */
  mayHold(text: string): boolean;
  /** Whether one of the frame's decoded events has it with a wanted value. */
  holds(payloads: readonly unknown[]): boolean;
}

function fieldTest(criterion: FieldCriterion, caseSensitive: boolean): FieldTest {
  const path = criterion.path.slice(0, MAX_PATH);
  const anything = criterion.values.some((v) => /^\*+$/.test(v));
  const patterns = anything ? [] : criterion.values.map((v) => globRegExp(v, caseSensitive));
  // A frame whose text does not hold the field's last key is ruled out without a parse (most
  // frames): inside the frame the event's JSON text is escaped, so the key is followed by
  // `\"` (or by `"` where a client put the event in unencoded). Only for keys JSON writes
  // as typed; a key written with \u escapes by its client is not found.
  const last = [...path].reverse().find((k) => !INDEX.test(k));
  const needle = last !== undefined && /^[\w$@.-]+$/.test(last) ? `${last}\\"` : undefined;
  return {
    mayHold: (text) => needle === undefined || text.indexOf(needle) >= 0 || text.indexOf(`"${last}"`) >= 0,
    holds(payloads) {
      for (const payload of payloads) {
        const found: unknown[] = [];
        collect(payload, path, 0, found);
        for (const v of found) {
          if (anything) return true;
          const s = fieldValueText(v);
          if (s !== undefined && patterns.some((p) => p.test(s))) return true;
        }
      }
      return false;
    },
  };
}

/** Every criterion must hold; the frame's text is parsed once, and only if each key is in it. */
export function compileFields(criteria: readonly FieldCriterion[], caseSensitive: boolean): CompiledField {
  const tests = criteria.map((c) => fieldTest(c, caseSensitive));
  return {
    matchesText(text) {
      if (!tests.every((t) => t.mayHold(text))) return false;
      const payloads = framePayloads(text);
      return tests.every((t) => t.holds(payloads));
    },
  };
}

/** Parses the path part of `event.a.b` (without `event.`); null when it has an empty segment. */
export function parseFieldPath(path: string): string[] | null {
  const parts = path.split('.');
  return parts.length > 0 && parts.length <= MAX_PATH && parts.every((p) => p !== '') ? parts : null;
}
