// What a click in the sidebar or the channel tree does to the filter text: put its tokens in
// place of the other tokens of the same key, or take them out when they are already there
// (a second click clears). Free text and other keys stay as typed. Pure.
import { tokenize } from './filter-query.ts';

export type TokenKey = 'channel' | 'conn' | 'id';

const keyOf = (token: string): string | null => /^(channel|type|dir|conn|id):/i.exec(token)?.[1]?.toLowerCase() ?? null;

/** The tokens present for `key` in `text`. */
export function tokensOf(text: string, key: TokenKey): string[] {
  return tokenize(text).filter((t) => keyOf(t) === key);
}

/** Is exactly this set of `key` tokens in the text? */
export function hasTokens(text: string, key: TokenKey, tokens: readonly string[]): boolean {
  const present = tokensOf(text, key);
  return present.length === tokens.length && tokens.every((t) => present.includes(t));
}

/**
 * Toggles `tokens` (all of one key): set them when the text does not hold exactly them, else
 * remove them. `alsoClear` keys are dropped when setting (clicking a connection after a
 * subscription replaces the subscription's `id:`).
 */
export function toggleTokens(text: string, key: TokenKey, tokens: readonly string[], alsoClear: readonly TokenKey[] = []): string {
  const on = hasTokens(text, key, tokens);
  const drop = new Set<string>([key, ...(on ? [] : alsoClear)]);
  const kept = tokenize(text).filter((t) => {
    const k = keyOf(t);
    return k === null || !drop.has(k);
  });
  return (on ? kept : [...kept, ...tokens]).join(' ');
}

/** The `channel:` tokens that select a tree node: itself, and everything below it when it has children. */
export function channelTokens(path: string, own: number, hasChildren: boolean): string[] {
  const out: string[] = [];
  if (own > 0 || !hasChildren) out.push(`channel:${path}`);
  if (hasChildren && path !== '/') out.push(`channel:${path}/*`);
  return out;
}

/** Replaces every `key` token with `tokens`. */
export function withTokens(text: string, key: TokenKey, tokens: readonly string[]): string {
  return [...tokenize(text).filter((t) => keyOf(t) !== key), ...tokens].join(' ');
}

/** A subscription's click: its connection and id, or neither when they are already the filter. */
export function toggleSubscription(text: string, connToken: string, idToken: string): string {
  if (hasTokens(text, 'id', [idToken])) return withTokens(withTokens(text, 'id', []), 'conn', []);
  return withTokens(withTokens(text, 'conn', [connToken]), 'id', [idToken]);
}

/** Adds `token` to the filter text unless it is there already. */
export function addToken(text: string, token: string): string {
  const tokens = tokenize(text);
  return tokens.includes(token) ? text : [...tokens, token].join(' ');
}
