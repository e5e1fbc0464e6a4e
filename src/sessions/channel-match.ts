// Default channel matcher for filters: exact names and one trailing `/*`. The protocol
// module has the full rules; callers that want them inject its matcher instead, so this
// module does not depend on it.

import type { MatchChannel } from './types.ts';

/**
 * `/ns/*` matches `/ns/a`, `/ns/a/b` and also the stored pattern `/ns/*` itself (data
 * frames carry the channel of the subscription that received them). Leading and trailing
 * slashes are ignored on both sides, as the service does.
 */
export const matchChannelPattern: MatchChannel = (pattern, channel) => {
  const p = trimSlashes(pattern);
  const c = trimSlashes(channel);
  if (p === '*') return true;
  if (p.endsWith('/*')) {
    const prefix = p.slice(0, -1); // keeps the slash: `ns/`
    return c.startsWith(prefix) && c.length > prefix.length;
  }
  return p === c;
};

function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 47) start++;
  while (end > start && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(start, end);
}
