import { describe, expect, it } from 'vitest';
import { backoffMs, compileRemap, createFakeClock, createScheduler, startReplay, type ReplayProgress, type Timing } from '../../../src/replay/index.ts';
import { item, iterate, scriptedTarget } from './fixtures.ts';

// Original times 0, 100, 300, 1000 ms (offset so nothing depends on a zero origin).
const T0 = 1_700_000_000_000;
const items = () => iterate([0, 100, 300, 1000].map((t, i) => item(i, T0 + t, '/d/a', [String(i)])));

async function sendTimes(timing: Timing, merge = false) {
  const clock = createFakeClock(5000);
  const target = scriptedTarget(clock.now);
  const run = startReplay({ items: items(), target, timing, clock, merge });
  await clock.runAll();
  const summary = await run.done;
  return { at: target.log.map((l) => l.at - 5000), summary, sizes: target.log.map((l) => l.send.events.length) };
}

describe('timing schedules (fake clock)', () => {
  it('original gaps', async () => {
    const { at, summary } = await sendTimes({ mode: 'original' });
    expect(at).toEqual([0, 100, 300, 1000]);
    expect(summary).toMatchObject({ state: 'completed', items: 4, sent: 4, acknowledged: 4, failed: 0 });
  });

  it('× speed', async () => {
    expect((await sendTimes({ mode: 'speed', factor: 2 })).at).toEqual([0, 50, 150, 500]);
    expect((await sendTimes({ mode: 'speed', factor: 0.5 })).at).toEqual([0, 200, 600, 2000]);
  });

  it('fixed rate ignores the original gaps', async () => {
    expect((await sendTimes({ mode: 'rate', perSecond: 10 })).at).toEqual([0, 100, 200, 300]);
  });

  it('as fast as allowed: the destination rate, and batches of up to five when merging', async () => {
    expect((await sendTimes({ mode: 'fast' })).at).toEqual([0, 40, 80, 120]);
    const merged = await sendTimes({ mode: 'fast' }, true);
    expect(merged.sizes).toEqual([4]);
    expect(merged.summary.sent).toBe(4);
  });

  it('never sends before the previous send when original times go backwards', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now);
    const run = startReplay({ items: iterate([item(0, 1000, '/d/a', ['a']), item(1, 900, '/d/a', ['b']), item(2, 1200, '/d/a', ['c'])]), target, timing: { mode: 'original' }, clock });
    await clock.runAll();
    await run.done;
    expect(target.log.map((l) => l.at)).toEqual([0, 0, 200]);
  });
});

describe('control', () => {
  it('pause holds the schedule and resume keeps the original gaps', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now);
    const run = startReplay({ items: items(), target, timing: { mode: 'original' }, clock });
    await clock.advance(150); // sends at 0 and 100
    run.pause();
    expect(run.progress().state).toBe('paused');
    await clock.advance(10_000);
    expect(target.log).toHaveLength(2);
    run.resume();
    await clock.runAll();
    const s = await run.done;
    // 300 was due 150 ms after the pause began; 1000 comes 700 ms after it.
    expect(target.log.map((l) => l.at)).toEqual([0, 100, 10_300, 11_000]);
    expect(s.state).toBe('completed');
  });

  it('stop ends after the send in flight and says how far it got', async () => {
    const clock = createFakeClock(0);
    let release: (() => void) | undefined;
    const target = scriptedTarget(clock.now, (send) =>
      send.seq === 1 ? new Promise((r) => (release = () => r({ status: 'acknowledged' }))) : { status: 'acknowledged' },
    );
    const progress: ReplayProgress[] = [];
    const run = startReplay({ items: items(), total: 4, target, timing: { mode: 'original' }, clock, onProgress: (p) => progress.push(p) });
    await clock.advance(100);
    expect(target.log).toHaveLength(2);
    run.stop();
    expect(run.progress().state).toBe('stopping');
    release!();
    await clock.runAll();
    const s = await run.done;
    expect(s).toMatchObject({ state: 'stopped', sent: 2, acknowledged: 2, handled: 2, lastPos: 1, total: 4 });
    expect(s.endReason).toBe('stopped by the user after 2 of 4 messages, up to frame #1');
    expect(target.log).toHaveLength(2);
    expect(progress.at(-1)?.state).toBe('stopped');
  });

  it('stop while paused', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now);
    const run = startReplay({ items: items(), target, timing: { mode: 'original' }, clock });
    await clock.advance(50);
    run.pause();
    run.stop();
    await clock.runAll();
    expect((await run.done).state).toBe('stopped');
    expect(target.log).toHaveLength(1);
  });
});

describe('outcomes and throttling', () => {
  it('backs off on throttling and retries, then counts per-event failures with reasons', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now, (send, attempt) => {
      if (send.seq === 0) return attempt < 2 ? { status: 'failed', error: 'LimitExceededError: Rate exceeded', throttled: true } : { status: 'acknowledged' };
      if (send.seq === 1) return { status: 'acknowledged', failedEvents: [{ index: 0, reason: 'EventTooLargeException' }] };
      if (send.seq === 2) return { status: 'unconfirmed', error: 'no answer' };
      return { status: 'failed', error: 'BadRequestException: bad' };
    });
    const run = startReplay({ items: items(), target, timing: { mode: 'fast' }, clock, random: () => 0 });
    await clock.runAll();
    const s = await run.done;
    const first = target.log.filter((l) => l.send.seq === 0).map((l) => l.at);
    expect(first).toEqual([0, backoffMs(0, () => 0), backoffMs(0, () => 0) + backoffMs(1, () => 0)]);
    expect(s).toMatchObject({ state: 'completed', sent: 4, acknowledged: 1, unconfirmed: 1, failed: 2, retries: 2 });
    expect(s.reasons).toEqual({ EventTooLargeException: 1, 'unconfirmed: no answer': 1, 'BadRequestException: bad': 1 });
  });

  it('gives up on a send after the retry limit', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now, () => ({ status: 'failed', error: 'TooManyRequests', throttled: true }));
    const run = startReplay({ items: iterate([item(0, 0, '/d/a', ['x'])]), target, timing: { mode: 'fast' }, clock, maxRetries: 2, random: () => 0.5 });
    await clock.runAll();
    const s = await run.done;
    expect(target.log).toHaveLength(3);
    expect(s.failed).toBe(1);
    expect(Object.keys(s.reasons)).toEqual(['throttled 3 times: TooManyRequests']);
  });

  it('ends as failed when the target keeps failing, and when the selection cannot be read', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now, () => ({ status: 'failed', error: 'socket closed' }));
    const many = iterate(Array.from({ length: 50 }, (_, i) => item(i, i, '/d/a', ['x'])));
    const run = startReplay({ items: many, target, timing: { mode: 'fast' }, clock, maxConsecutiveFailures: 3 });
    await clock.runAll();
    const s = await run.done;
    expect(s.state).toBe('failed');
    expect(s.sent).toBe(3);
    expect(s.endReason).toBe('3 sends in a row failed; the last: socket closed, up to frame #2');

    async function* broken() {
      yield item(0, 0, '/d/a', ['x']);
      throw new Error('database closed');
    }
    const run2 = startReplay({ items: broken(), target: scriptedTarget(clock.now), timing: { mode: 'fast' }, clock });
    await clock.runAll();
    const s2 = await run2.done;
    expect(s2.state).toBe('failed');
    expect(s2.endReason).toBe('reading the session failed: database closed, up to frame #0');
    expect(s2.sent).toBe(1);
  });

  it('a target that throws is a failed send, and skips are counted with reasons', async () => {
    const clock = createFakeClock(0);
    const target = scriptedTarget(clock.now, () => {
      throw new Error('boom');
    }, { channelProblem: (c) => (c === '/d/bad' ? 'no subscription' : undefined) });
    const remap = compileRemap([{ from: '/d/x', to: '/d/bad' }]);
    if (!remap.ok) throw new Error();
    const run = startReplay({ items: iterate([item(0, 0, '/d/a', ['1']), item(1, 0, '/d/x', ['2', '3'])]), target, rules: remap.rules, timing: { mode: 'fast' }, clock });
    await clock.runAll();
    const s = await run.done;
    expect(s).toMatchObject({ sent: 1, failed: 3, lastPos: 1 });
    expect(s.reasons).toEqual({ boom: 1, 'no subscription': 2 });
  });
});

describe('scheduler', () => {
  it('fast timing slows down when throttled and recovers', () => {
    const s = createScheduler({ mode: 'fast' }, 25);
    s.sent(0);
    expect(s.dueAt(0, 0)).toBe(40);
    s.throttled();
    s.throttled();
    expect(s.dueAt(0, 0)).toBe(160);
    for (let i = 0; i < 50; i++) s.sent(0);
    expect(s.dueAt(0, 0)).toBe(40);
  });

  it('backoff grows exponentially with jitter and a cap', () => {
    expect(backoffMs(0, () => 0)).toBe(100);
    expect(backoffMs(0, () => 1)).toBe(200);
    expect(backoffMs(3, () => 1)).toBe(1600);
    expect(backoffMs(20, () => 1)).toBe(10_000);
  });
});
