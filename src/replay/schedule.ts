// Timing schedules: when each send is due. Times are the injected clock's; pauses shift the
// original-gap schedules so a resumed replay keeps its gaps instead of catching up.

import { MAX_PUBLISHES_PER_SECOND_PER_CONNECTION } from '../protocol/limits.ts';

export type Timing =
  /** The original gaps between messages. */
  | { readonly mode: 'original' }
  /** The original gaps divided by `factor` (2 = twice as fast). */
  | { readonly mode: 'speed'; readonly factor: number }
  /** A fixed number of sends per second. */
  | { readonly mode: 'rate'; readonly perSecond: number }
  /** As fast as the destination's publish rate allows, backing off when throttled. */
  | { readonly mode: 'fast' };

export function timingProblem(timing: Timing): string | undefined {
  if (timing.mode === 'speed' && !(timing.factor > 0 && Number.isFinite(timing.factor))) return 'speed must be a positive number';
  if (timing.mode === 'rate' && !(timing.perSecond > 0 && Number.isFinite(timing.perSecond))) return 'rate must be a positive number of sends per second';
  return undefined;
}

/** Whether merging items into one send keeps the schedule's meaning (see planSends). */
export function mergeSpanFor(timing: Timing): number {
  return timing.mode === 'rate' || timing.mode === 'fast' ? Infinity : 0;
}

export interface Scheduler {
  /** Clock time at which a send of original time `t` is due. */
  dueAt(t: number, now: number): number;
  /** A send went out at `now`. */
  sent(now: number): void;
  /** The destination throttled: slow down. */
  throttled(): void;
  /** Time spent paused, so original gaps resume where they were. */
  paused(ms: number): void;
}

/** Slowest pace the adaptive "fast" timing falls back to under throttling. */
const FAST_MAX_INTERVAL_MS = 2000;

export function createScheduler(timing: Timing, maxSendsPerSecond = MAX_PUBLISHES_PER_SECOND_PER_CONNECTION): Scheduler {
  let origin: { clock: number; t: number } | undefined;
  let lastSent = -Infinity;
  const floor = 1000 / Math.max(0.001, maxSendsPerSecond);
  let interval = timing.mode === 'rate' ? 1000 / timing.perSecond : timing.mode === 'fast' ? floor : 0;
  return {
    dueAt(t, now) {
      if (timing.mode === 'original' || timing.mode === 'speed') {
        origin ??= { clock: now, t };
        const factor = timing.mode === 'speed' ? timing.factor : 1;
        // Never earlier than the previous send: times in a session are nearly but not
        // strictly ordered (two sockets' records interleave).
        return Math.max(origin.clock + Math.max(0, t - origin.t) / factor, lastSent);
      }
      return Math.max(now, lastSent + interval);
    },
    sent(now) {
      lastSent = now;
      // Additive recovery after a throttle: back towards the destination's rate.
      if (timing.mode === 'fast' && interval > floor) interval = Math.max(floor, interval * 0.9);
    },
    throttled() {
      if (timing.mode === 'fast') interval = Math.min(FAST_MAX_INTERVAL_MS, interval * 2);
    },
    paused(ms) {
      if (origin) origin = { clock: origin.clock + ms, t: origin.t };
    },
  };
}

/** Delay before the `attempt`-th retry (0-based) of a throttled send: exponential with jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 200 * 2 ** attempt);
  return Math.round(base / 2 + (base / 2) * random());
}
