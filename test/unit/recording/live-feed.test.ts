import { describe, expect, test } from 'vitest';
import { createLiveFeed } from '../../../src/recording/live-feed.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const rec = (seq: number): CaptureRecord => ({ kind: 'ws-error', socketId: 'n:1' as SocketId, seq, t: seq });

function harness(maxRecords = 3) {
  const sent: Array<{ sessionId: string; seqs: number[]; skipped: number }> = [];
  const timers: Array<() => void> = [];
  const feed = createLiveFeed(
    (sessionId, records, skipped) => sent.push({ sessionId, seqs: records.map((r) => r.seq), skipped }),
    (fn) => timers.push(fn),
    { intervalMs: 100, maxRecords },
  );
  return { feed, sent, fire: () => timers.splice(0).forEach((f) => f()) };
}

describe('live feed', () => {
  test('coalesces pushes into one message per interval', () => {
    const h = harness(10);
    h.feed.push('s', [rec(0), rec(1)]);
    h.feed.schedule();
    h.feed.push('s', [rec(2)]);
    h.feed.schedule();
    expect(h.sent).toHaveLength(0);
    h.fire();
    expect(h.sent).toEqual([{ sessionId: 's', seqs: [0, 1, 2], skipped: 0 }]);
  });

  test('keeps the newest records and counts the skipped ones', () => {
    const h = harness(3);
    h.feed.push('s', [0, 1, 2, 3, 4].map(rec));
    h.feed.schedule();
    h.fire();
    expect(h.sent).toEqual([{ sessionId: 's', seqs: [2, 3, 4], skipped: 2 }]);
  });

  test('a new session flushes the old one first', () => {
    const h = harness(10);
    h.feed.push('a', [rec(0)]);
    h.feed.push('b', [rec(1)]);
    h.feed.schedule();
    h.fire();
    expect(h.sent.map((m) => [m.sessionId, m.seqs])).toEqual([
      ['a', [0]],
      ['b', [1]],
    ]);
  });

  test('a status-only schedule sends an empty update', () => {
    const h = harness();
    h.feed.push('s', []);
    h.feed.schedule();
    h.fire();
    expect(h.sent).toEqual([{ sessionId: 's', seqs: [], skipped: 0 }]);
  });
});
