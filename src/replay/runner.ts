// The replay run: pulls planned sends from the selection one at a time, waits for each to be
// due, hands it to the target and counts what came back. Pause, resume and stop act
// between sends: a send in flight always finishes, so the result session and the summary
// agree with what the destination saw.

import { planSends, type Planned } from './batch.ts';
import { systemClock, type Clock } from './clock.ts';
import type { CompiledRule } from './remap.ts';
import { backoffMs, createScheduler, mergeSpanFor, type Timing } from './schedule.ts';
import type { ReplayItem, ReplayProgress, ReplaySend, ReplayState, ReplaySummary, ReplayTarget, SendOutcome } from './types.ts';

export interface ReplayOptions {
  readonly items: AsyncIterable<ReplayItem>;
  /** Expected number of items, for a progress bar. */
  readonly total?: number;
  readonly target: ReplayTarget;
  readonly rules?: readonly CompiledRule[];
  readonly timing: Timing;
  /** Merge consecutive events on one channel into one send (publish targets). */
  readonly merge?: boolean;
  readonly clock?: Clock;
  /** Retries of a throttled send before it counts as failed. */
  readonly maxRetries?: number;
  /** Whole sends failing in a row before the run gives up (the target is gone). */
  readonly maxConsecutiveFailures?: number;
  readonly random?: () => number;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Every attempt of a send and its outcome (for the result session). */
  readonly onExchange?: (send: ReplaySend, outcome: SendOutcome) => void;
}

export interface ReplayRun {
  pause(): void;
  resume(): void;
  /** Ends the run after the send in flight; `done` then resolves with state 'stopped'. */
  stop(): void;
  progress(): ReplayProgress;
  readonly done: Promise<ReplaySummary>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function startReplay(options: ReplayOptions): ReplayRun {
  const clock = options.clock ?? systemClock;
  const target = options.target;
  const scheduler = createScheduler(options.timing, target.maxSendsPerSecond);
  const maxRetries = options.maxRetries ?? 5;
  const maxConsecutive = options.maxConsecutiveFailures ?? 10;
  const startedAt = clock.now();
  let state: ReplayState = 'running';
  let stopRequested = false;
  let items = 0;
  let sent = 0;
  let acknowledged = 0;
  let delivered = 0;
  let unconfirmed = 0;
  let failed = 0;
  let retries = 0;
  let lastPos: number | undefined;
  // Items dealt with (sent, failed or skipped), counted by position: positions only grow.
  let handled = 0;
  let handledPos: number | undefined;
  let seq = 0;
  const reasons: Record<string, number> = Object.create(null) as Record<string, number>;
  // Aborted by pause and stop to cut a sleep short.
  let wake = new AbortController();
  let resumed: (() => void) | undefined;
  let pausedAt = 0;

  const progress = (): ReplayProgress => ({
    state,
    items,
    handled,
    sent,
    acknowledged,
    delivered,
    unconfirmed,
    failed,
    retries,
    ...(options.total !== undefined ? { total: options.total } : {}),
    ...(lastPos !== undefined ? { lastPos } : {}),
  });
  const report = () => options.onProgress?.(progress());
  const dealtWith = (refs: readonly { readonly pos: number }[]) => {
    for (const r of refs) {
      if (r.pos === handledPos) continue;
      handledPos = r.pos;
      handled++;
    }
  };
  const reason = (why: string, n: number) => {
    reasons[why] = (reasons[why] ?? 0) + n;
  };

  async function whilePaused(): Promise<void> {
    while (state === 'paused' && !stopRequested) {
      await new Promise<void>((r) => (resumed = r));
    }
  }

  /** Sleeps until `due`, or less when paused or stopped; returns whether the time came. */
  async function sleepUntil(due: number): Promise<boolean> {
    const wait = due - clock.now();
    if (wait <= 0) return true;
    try {
      await clock.sleep(wait, wake.signal);
      return true;
    } catch {
      return false;
    }
  }

  async function sendWithRetries(planned: Extract<Planned, { kind: 'send' }>): Promise<SendOutcome> {
    const send: ReplaySend = { seq: seq++, channel: planned.channel, events: planned.events, refs: planned.refs };
    for (let attempt = 0; ; attempt++) {
      let outcome: SendOutcome;
      try {
        outcome = await target.send(send, new AbortController().signal);
      } catch (e) {
        outcome = { status: 'failed', error: message(e) };
      }
      scheduler.sent(clock.now());
      options.onExchange?.(send, outcome);
      if (!outcome.throttled) return outcome;
      scheduler.throttled();
      if (attempt >= maxRetries || stopRequested) {
        return { status: 'failed', error: `throttled ${attempt + 1} times: ${outcome.error ?? 'rate exceeded'}` };
      }
      retries++;
      report();
      await sleepUntil(clock.now() + backoffMs(attempt, options.random));
      await whilePaused();
    }
  }

  function count(planned: Extract<Planned, { kind: 'send' }>, outcome: SendOutcome): boolean {
    const n = planned.events.length;
    sent += n;
    const bad = new Set<number>();
    for (const f of outcome.failedEvents ?? []) {
      if (f.index >= 0 && f.index < n && !bad.has(f.index)) {
        bad.add(f.index);
        reason(f.reason, 1);
      }
    }
    const good = n - bad.size;
    failed += bad.size;
    if (outcome.status === 'acknowledged') acknowledged += good;
    else if (outcome.status === 'delivered') delivered += good;
    else if (outcome.status === 'unconfirmed') {
      unconfirmed += good;
      reason(`unconfirmed: ${outcome.error ?? 'no answer in time'}`, good);
    } else {
      failed += good;
      reason(outcome.error ?? 'failed', good);
    }
    return outcome.status === 'failed';
  }

  async function run(): Promise<ReplaySummary> {
    let endReason: string | undefined;
    let consecutive = 0;
    // One item is read ahead of its send: counted when it arrives.
    async function* counted(): AsyncGenerator<ReplayItem> {
      for await (const item of options.items) {
        items++;
        yield item;
      }
    }
    const plan = planSends(counted(), {
      rules: options.rules ?? [],
      target,
      merge: options.merge ?? false,
      mergeSpanMs: mergeSpanFor(options.timing),
      allowWildcard: target.kind === 'inject',
    });
    try {
      for await (const planned of plan) {
        await whilePaused();
        if (stopRequested) break;
        if (planned.kind === 'skip') {
          failed += planned.refs.length;
          reason(planned.reason, planned.refs.length);
          dealtWith(planned.refs);
          lastPos = planned.lastPos;
          report();
          continue;
        }
        for (;;) {
          if (await sleepUntil(scheduler.dueAt(planned.t, clock.now()))) break;
          await whilePaused();
          if (stopRequested) break;
        }
        if (stopRequested) break;
        const outcome = await sendWithRetries(planned);
        const wholeFailed = count(planned, outcome);
        dealtWith(planned.refs);
        lastPos = planned.lastPos;
        consecutive = wholeFailed ? consecutive + 1 : 0;
        report();
        if (consecutive >= maxConsecutive) {
          state = 'failed';
          endReason = `${consecutive} sends in a row failed; the last: ${outcome.error ?? 'failed'}`;
          break;
        }
      }
      if (state !== 'failed') state = stopRequested ? 'stopped' : 'completed';
      if (stopRequested) endReason = `stopped by the user after ${handled} of ${options.total ?? items} messages`;
    } catch (e) {
      state = 'failed';
      endReason = `reading the session failed: ${message(e)}`;
    } finally {
      await plan.return(undefined).catch(() => undefined);
      await Promise.resolve(target.close?.()).catch(() => undefined);
    }
    if (endReason !== undefined && lastPos !== undefined) endReason += `, up to frame #${lastPos}`;
    report();
    return { ...progress(), startedAt, endedAt: clock.now(), reasons: { ...reasons }, ...(endReason !== undefined ? { endReason } : {}) };
  }

  const done = run();
  return {
    pause() {
      if (state !== 'running') return;
      state = 'paused';
      pausedAt = clock.now();
      wake.abort();
      report();
    },
    resume() {
      if (state !== 'paused') return;
      scheduler.paused(clock.now() - pausedAt);
      state = 'running';
      wake = new AbortController();
      resumed?.();
      report();
    },
    stop() {
      if (state !== 'running' && state !== 'paused') return;
      stopRequested = true;
      state = 'stopping';
      wake.abort();
      resumed?.();
      report();
    },
    progress,
    done,
  };
}
