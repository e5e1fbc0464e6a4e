// Block rules: messages the page hook keeps from the app (received) or from the server
// (sent), or replaces with other text, to try how an app copes with a missing keep-alive,
// acknowledgement or event, or with an odd payload. Kept
// in storage.local, shared by every tab like the capture settings: the panel edits them, each
// frame's relay reads them at document_start and hands the enabled ones to its hook, which
// matches them (block-match.ts). A blocked message is still recorded, marked. Pure, so the
// schema is tested without a browser; only block-match.ts runs in the page.

export type BlockDirection = 'send' | 'receive' | 'any';

export interface BlockRule {
  /** Messages the app sends, messages the server sends, or both. */
  readonly dir: BlockDirection;
  /** An AppSync message type (`ka`, `data`, `publish`, `subscribe_success`, …); '' for any. */
  readonly type: string;
  /** Text the message must contain (case-sensitive); '' for any. */
  readonly contains: string;
  /**
   * '' to block; otherwise the text delivered (received) or sent (sent) in the matched
   * message's place, recorded as the extension's (`injected`) after the blocked original.
   */
  readonly replace: string;
  /** A rule can be kept but switched off. */
  readonly on: boolean;
}

export interface BlockRules {
  readonly rules: readonly BlockRule[];
}

/** storage.local key of the rules (read by the relays and the panel). */
export const BLOCK_RULES_KEY = 'blockRules';
export const MAX_BLOCK_RULES = 32;
/** Longest `type` or `contains` text, in UTF-16 units. */
export const MAX_BLOCK_TEXT = 1024;
/** Longest replacement, in UTF-16 units (an AppSync event is at most 240 KB). */
export const MAX_REPLACE_TEXT = 256 * 1024;

export const NO_BLOCK_RULES: BlockRules = { rules: [] };

const DIRECTIONS: readonly BlockDirection[] = ['send', 'receive', 'any'];

/** One rule as the hook is given it: what to match, nothing else. */
export interface BlockMatch {
  readonly dir: BlockDirection;
  readonly type: string;
  readonly contains: string;
  readonly replace: string;
}

/** Reads stored rules, keeping only well-formed ones (storage is shared with other versions). */
export function parseBlockRules(raw: unknown): BlockRules {
  const list = typeof raw === 'object' && raw !== null ? (raw as { rules?: unknown }).rules : undefined;
  if (!Array.isArray(list)) return NO_BLOCK_RULES;
  const rules: BlockRule[] = [];
  for (const r of list) {
    if (rules.length >= MAX_BLOCK_RULES) break;
    const rule = parseRule(r);
    if (rule) rules.push(rule);
  }
  return { rules };
}

function parseRule(raw: unknown): BlockRule | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const dir = DIRECTIONS.find((d) => d === r.dir);
  const type = typeof r.type === 'string' ? r.type.trim() : '';
  const contains = typeof r.contains === 'string' ? r.contains : '';
  const replace = typeof r.replace === 'string' ? r.replace : '';
  if (dir === undefined || ruleProblem({ type, contains, replace }) !== undefined) return undefined;
  return { dir, type, contains, replace, on: r.on !== false };
}

/** The same rules, every one switched off. */
export function allOff(rules: BlockRules): BlockRules {
  return { rules: rules.rules.map((r) => ({ ...r, on: false })) };
}

/** The rules the hook applies: the switched-on ones. */
export function activeMatches(rules: BlockRules): BlockMatch[] {
  return rules.rules.filter((r) => r.on).map(({ dir, type, contains, replace }) => ({ dir, type, contains, replace }));
}

/** A rule in words, for the panel. */
export function describeRule(r: BlockMatch): string {
  const what = r.type === '' ? 'every message' : `${r.type} messages`;
  const dir = r.dir === 'send' ? ' the app sends' : r.dir === 'receive' ? ' the server sends' : '';
  const text = r.contains === '' ? '' : ` containing ${JSON.stringify(r.contains)}`;
  // The replacement as typed (usually JSON: quoting it again would escape every quote).
  const instead = r.replace === '' ? '' : `, replaced with ${r.replace.length > 60 ? `${r.replace.slice(0, 60)}…` : r.replace}`;
  return `${what}${dir}${text}${instead}`;
}

/** Why a rule as typed cannot be saved, or undefined. */
export function ruleProblem(r: { type: string; contains: string; replace?: string }): string | undefined {
  if (/["\\]/.test(r.type)) return 'A message type has no quotes or backslashes (e.g. ka, data, subscribe_success).';
  if (r.type.length > MAX_BLOCK_TEXT || r.contains.length > MAX_BLOCK_TEXT) return `Keep the type and text under ${MAX_BLOCK_TEXT} characters.`;
  if ((r.replace ?? '').length > MAX_REPLACE_TEXT) return `Keep the replacement under ${MAX_REPLACE_TEXT / 1024} KiB.`;
  return undefined;
}
