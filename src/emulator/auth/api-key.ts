// API_KEY mode: the key travels as `x-api-key` (HTTP header, `header-` auth object or
// per-operation `authorization`). Keys may carry an expiry like real AppSync API keys.

import type { ApiKeyConfig } from '../config.ts';
import type { AuthOutcome } from './types.ts';

/** AppSync reports `expires` in epoch seconds; accept ms and ISO dates too for convenience. */
export function expiryMs(expires: number | string): number {
  if (typeof expires === 'number') return expires > 1e12 ? expires : expires * 1000;
  const n = Number(expires);
  if (Number.isFinite(n)) return expiryMs(n);
  return Date.parse(expires);
}

export function checkApiKey(keys: readonly ApiKeyConfig[], presented: string, now = Date.now()): AuthOutcome {
  const match = keys.find((k) => k.key === presented);
  if (!match) return { ok: false, reason: 'unknown API key' };
  if (match.expires !== undefined) {
    const at = expiryMs(match.expires);
    if (!Number.isFinite(at) || now >= at) return { ok: false, reason: 'API key expired' };
  }
  return { ok: true };
}
