// Time for the replay engine, injected so schedules are tested with a fake clock.

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function aborted(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(aborted(signal!));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

export interface FakeClock extends Clock {
  /** Moves time forward, waking every sleeper due by then (in due order). */
  advance(ms: number): Promise<void>;
  /** Runs until no sleeper is left (at most `limit` wake-ups); returns the time reached. */
  runAll(limit?: number): Promise<number>;
  readonly sleepers: number;
}

/** A manual clock: sleeps resolve only when the test advances time past them. */
export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let nextId = 0;
  const waiting = new Map<number, { due: number; wake: () => void }>();
  // Let woken code run up to its next sleep: one macrotask turn drains every microtask.
  const settle = () => new Promise<void>((r) => setTimeout(r, 0));
  const earliest = () => {
    let best: [number, { due: number; wake: () => void }] | undefined;
    for (const entry of waiting) if (!best || entry[1].due < best[1].due) best = entry;
    return best;
  };
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(aborted(signal));
        const id = nextId++;
        const onAbort = () => {
          waiting.delete(id);
          reject(aborted(signal!));
        };
        waiting.set(id, {
          due: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const next = earliest();
        if (!next || next[1].due > until) break;
        waiting.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].wake();
        await settle();
      }
      now = until;
      await settle();
    },
    async runAll(limit = 100_000) {
      await settle();
      for (let i = 0; i < limit; i++) {
        let next = earliest();
        if (!next) {
          await settle();
          next = earliest();
        }
        if (!next) break;
        waiting.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].wake();
        await settle();
      }
      return now;
    },
    get sleepers() {
      return waiting.size;
    },
  };
}
