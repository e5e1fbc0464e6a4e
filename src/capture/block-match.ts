// The hook's side of the block rules (src/capture/block-rules.ts): the rules as the relay
// sent them, checked and compiled into one matcher the socket tap asks per text message.
//
// No parse on the page's thread: a rule's type is matched as the text `"type":"<type>"`,
// which is how the service and its clients write a message's type (compact JSON). The
// `"` before `type` cannot come from inside a string value, where quotes are escaped, so an
// event whose own JSON has a `type` field does not match. A frame written with spaces
// around the colon is not matched by type (its `contains` text still is).
//
// Runs after page scripts: only saved natives (native.ts); the lint test
// test/unit/capture/hook-natives.test.ts checks this file.

import { ArrayIsArray, StringIndexOf, defineData, ownValue, safeArray } from './native.ts';
import type { BlockMatch } from './block-rules.ts';
import { MAX_BLOCK_RULES, MAX_BLOCK_TEXT, MAX_REPLACE_TEXT } from './block-rules.ts';

/**
 * What happens to a text message (`send` for the app's, false for the server's): false, it
 * passes; true, it is blocked; a string, it is replaced by that text.
 */
export type BlockMatcher = (send: boolean, text: string) => boolean | string;

interface Compiled {
  readonly send: boolean;
  readonly receive: boolean;
  /** `"type":"<type>"`, or '' for any type. */
  readonly typeNeedle: string;
  readonly contains: string;
  /** true to block, or the replacement. */
  readonly verdict: true | string;
}

const isText = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_BLOCK_TEXT;

/**
 * Reads rules from a relay command (own data properties only); undefined when malformed.
 * An empty list is valid: nothing is blocked.
 */
export function readBlockRules(list: unknown): BlockMatch[] | undefined {
  if (!ArrayIsArray(list)) return undefined;
  const a = list as unknown[];
  const n = a.length;
  if (!(n <= MAX_BLOCK_RULES)) return undefined;
  const out = safeArray<BlockMatch>();
  for (let i = 0; i < n; i++) {
    const r = ownValue(a, i);
    if (typeof r !== 'object' || r === null) return undefined;
    const dir = ownValue(r, 'dir');
    const type = ownValue(r, 'type');
    const contains = ownValue(r, 'contains');
    const replace = ownValue(r, 'replace');
    if ((dir !== 'send' && dir !== 'receive' && dir !== 'any') || !isText(type) || !isText(contains)) return undefined;
    if (typeof replace !== 'string' || replace.length > MAX_REPLACE_TEXT) return undefined;
    // A quote or backslash in a type could never match a compact JSON type: refuse it.
    if (StringIndexOf(type, '"') >= 0 || StringIndexOf(type, '\\') >= 0) return undefined;
    defineData(out, i, { __proto__: null, dir, type, contains, replace } as unknown as BlockMatch);
  }
  return out;
}

/** One matcher for the rules, or null when there are none (the tap's fast path). */
export function compileBlockRules(rules: readonly BlockMatch[]): BlockMatcher | null {
  const n = rules.length;
  if (n === 0) return null;
  const compiled = safeArray<Compiled>();
  for (let i = 0; i < n; i++) {
    const r = rules[i]!;
    defineData(compiled, i, {
      __proto__: null,
      send: r.dir !== 'receive',
      receive: r.dir !== 'send',
      typeNeedle: r.type === '' ? '' : '"type":"' + r.type + '"',
      contains: r.contains,
      verdict: r.replace === '' ? true : r.replace,
    } as unknown as Compiled);
  }
  return (send, text) => {
    for (let i = 0; i < n; i++) {
      const c = compiled[i]!;
      if (!(send ? c.send : c.receive)) continue;
      if (c.typeNeedle !== '' && StringIndexOf(text, c.typeNeedle) < 0) continue;
      if (c.contains !== '' && StringIndexOf(text, c.contains) < 0) continue;
      return c.verdict;
    }
    return false;
  };
}
