// Total JSON helpers shared by the decoders and the redactor.
//
// Prototype safety: JSON.parse defines every key, `__proto__` included, as an own data
// property (CreateDataProperty), so parsed objects keep Object.prototype as their prototype
// and a `"__proto__"` key stays an ordinary, inert own property that the inspector can show.
// The engine never copies parsed objects with assignment (`Object.assign`, `o[k] = v`),
// which is the step that would turn such a key into a prototype change; it copies with
// spread, which also uses CreateDataProperty. No reviver: it would slow the hot path and
// recurse on deep input.

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.stringify that never throws (cycles, BigInt, throwing toJSON, stack depth). */
export function stringifySafe(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

export function errorText(e: unknown): string {
  try {
    if (e instanceof Error) return e.message;
    return String(e);
  } catch {
    return 'unknown error';
  }
}

/** A short label for a value's JSON kind, for messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Reads a property without letting a throwing getter or proxy escape. */
export function readProp(obj: unknown, key: string): unknown {
  // Checked first: a thrown TypeError is costly on the hot path.
  if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
