// Payload identity for compare: an event's JSON with chosen fields removed and object keys
// sorted, hashed to 53 bits. Only hashes are kept, so a million events cost a few typed
// arrays, not a million parsed objects.

import { parseJson } from '../protocol/json.ts';

/**
 * Fields to ignore. A plain name (`timestamp`) is ignored at every depth; a dotted path
 * (`meta.sentAt`) only there, from the event's root. Array elements are crossed by paths
 * without an index (`items.price` ignores `price` in every element of `items`).
 */
export interface IgnoreFields {
  readonly names: ReadonlySet<string>;
  readonly paths: readonly (readonly string[])[];
}

export function parseIgnoreFields(list: readonly string[]): IgnoreFields {
  const names = new Set<string>();
  const paths: string[][] = [];
  for (const raw of list) {
    const f = raw.trim();
    if (f === '') continue;
    if (f.includes('.')) paths.push(f.split('.').filter((p) => p !== ''));
    else names.add(f);
  }
  return { names, paths };
}

const NO_IGNORE: IgnoreFields = { names: new Set(), paths: [] };

function canonical(value: unknown, ignore: IgnoreFields, paths: readonly (readonly string[])[]): string {
  if (Array.isArray(value)) return '[' + value.map((v) => canonical(v, ignore, paths)).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const k of keys) {
      if (ignore.names.has(k)) continue;
      if (paths.some((p) => p.length === 1 && p[0] === k)) continue;
      const deeper = paths.filter((p) => p.length > 1 && p[0] === k).map((p) => p.slice(1));
      parts.push(JSON.stringify(k) + ':' + canonical(obj[k], ignore, deeper));
    }
    return '{' + parts.join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The canonical text of an event. An event that is not JSON (invalid on the wire, but
 * possible in a capture) is compared as its raw text, marked so it never equals a JSON
 * string with the same characters.
 */
export function canonicalEvent(event: string, ignore: IgnoreFields = NO_IGNORE): string {
  const parsed = parseJson(event);
  if (!parsed.ok) return '\u0000raw:' + event;
  return canonical(parsed.value, ignore, ignore.paths);
}

/**
 * 53-bit hash (two 32-bit FNV-1a variants combined), exact in a double. Collisions are
 * possible in theory; at 2^-53 per pair they do not matter for sessions of millions.
 */
export function hash53(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return (h2 >>> 0) * 0x200000 + ((h1 >>> 0) & 0x1fffff);
}

/** Identity of an event on a channel: what compare matches on. */
export function eventKey(channel: string, event: string, ignore?: IgnoreFields): number {
  return hash53(channel + '\u0000' + canonicalEvent(event, ignore));
}
