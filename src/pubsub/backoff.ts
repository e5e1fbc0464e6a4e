// Jittered exponential backoff, as Amplify's WebSocket provider retries a connection:
// 2^n × base plus jitter, capped, so a flapping API is not hammered.

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, maxMs: 5_000 };

/** Delay before retry number `attempt` (0-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, random: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  // Up to +50 % jitter, never beyond the cap.
  return Math.min(opts.maxMs, Math.round(exp + exp * 0.5 * random));
}
