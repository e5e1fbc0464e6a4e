// Channel remapping: `/default/orders/*` → `/staging/orders/*` sends what was on
// `/default/orders/a` to `/staging/orders/a`. Rules are checked with the protocol's channel
// rules, so a mapping never produces a channel the service would reject.

import { normalizeChannel, parseChannel } from '../protocol/channel.ts';

export interface RemapRule {
  readonly from: string;
  readonly to: string;
}

export interface CompiledRule {
  readonly from: string;
  readonly to: string;
  /** `from` ends in `/*`: a prefix rule (then `to` ends in `/*` too). */
  readonly prefix: boolean;
}

export type CompiledRemap = { readonly ok: true; readonly rules: readonly CompiledRule[] } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates rules. A prefix rule needs a prefix on both sides (`/a/*` → `/b/*`); an exact
 * rule maps one channel to one channel. Both sides must be valid channels (the `*` aside).
 */
export function compileRemap(rules: readonly RemapRule[]): CompiledRemap {
  const problems: string[] = [];
  const out: CompiledRule[] = [];
  rules.forEach((rule, i) => {
    const n = `rule ${i + 1}`;
    const from = parseChannel(rule.from.trim(), { allowWildcard: true });
    const to = parseChannel(rule.to.trim(), { allowWildcard: true });
    if (!from.ok) return problems.push(`${n}: "from" ${from.reason}`);
    if (!to.ok) return problems.push(`${n}: "to" ${to.reason}`);
    if (from.wildcard !== to.wildcard) {
      return problems.push(`${n}: a "/*" prefix must be on both sides or on neither (${from.channel} → ${to.channel})`);
    }
    out.push({ from: from.channel, to: to.channel, prefix: from.wildcard });
    return undefined;
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules: out };
}

/**
 * The channel after the first rule that applies (exact rules are tried before prefix rules,
 * longer prefixes before shorter ones), or the channel itself when none does. A pattern
 * channel (a received event's `/ns/*` subscription) is mapped like a channel: `/a/*` under
 * `/a/*` → `/b/*` becomes `/b/*`.
 */
export function remapChannel(rules: readonly CompiledRule[], channel: string): string {
  const c = normalizeChannel(channel);
  for (const r of rules) if (!r.prefix && r.from === c) return r.to;
  let best: CompiledRule | undefined;
  for (const r of rules) {
    if (!r.prefix) continue;
    const prefix = r.from.slice(0, -1); // keeps the slash
    if ((c.startsWith(prefix) && c.length > prefix.length) && (!best || r.from.length > best.from.length)) best = r;
  }
  if (!best) return c;
  return best.to.slice(0, -1) + c.slice(best.from.length - 1);
}

/** Whether the remapped channel is still a valid channel (segment count and length). */
export function remappedProblem(channel: string, allowWildcard: boolean): string | undefined {
  const parsed = parseChannel(channel, { allowWildcard });
  return parsed.ok ? undefined : `channel ${channel}: ${parsed.reason}`;
}

/** Parses the rule text of the UI: one `from → to` (or `from -> to`, `from to`) per line. */
export function parseRemapText(text: string): RemapRule[] {
  const rules: RemapRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s*(?:→|->|=>|\s)\s*/).filter((p) => p !== '');
    rules.push({ from: parts[0] ?? '', to: parts[1] ?? '' });
  }
  return rules;
}
