import { describe, expect, test } from 'vitest';
import { createLiveFeed, mayBeAnswer, sliceFor, type LiveUpdate } from '../../../src/recording/live-feed.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const rec = (seq: number): CaptureRecord => ({ kind: 'ws-error', socketId: 'n:1' as SocketId, seq, t: seq });
const recv = (seq: number, data: string): CaptureRecord => ({ kind: 'ws-receive', socketId: 'n:1' as SocketId, seq, t: seq, data, size: data.length });
const success = (seq: number) => recv(seq, `{"type":"publish_success","id":"replay-${seq}","successful":[],"failed":[]}`);

function harness(maxRecords = 3, wantsAll = () => true) {
  const updates: LiveUpdate[] = [];
  const sent: Array<{ sessionId: string; seqs: number[]; skipped: number }> = [];
  const timers: Array<() => void> = [];
  const feed = createLiveFeed(
    (u) => {
      updates.push(u);
      const all = sliceFor(u, 'all');
      sent.push({ sessionId: u.sessionId, seqs: all.records.map((r) => r.seq), skipped: all.skipped });
    },
    (fn) => timers.push(fn),
    wantsAll,
    { intervalMs: 100, maxRecords },
  );
  return { feed, sent, updates, fire: () => timers.splice(0).forEach((f) => f()) };
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

  test('answers listeners get only possible publish answers, the rest counted as skipped', () => {
    const h = harness(10);
    h.feed.push('s', [recv(0, '{"type":"data","id":"x","event":"1"}'), success(1), rec(2), recv(3, '{"type":"error","id":"y","errors":[]}')]);
    h.feed.schedule();
    h.fire();
    const answers = sliceFor(h.updates[0]!, 'answers');
    expect(answers.records.map((r) => r.seq)).toEqual([1, 3]);
    expect(answers.skipped).toBe(2);
  });

  test('an answer survives a flood that the all-records slice skips', () => {
    const h = harness(3);
    h.feed.push('s', [success(0), ...[1, 2, 3, 4, 5].map(rec)]);
    h.feed.schedule();
    h.fire();
    expect(sliceFor(h.updates[0]!, 'all').records.map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(sliceFor(h.updates[0]!, 'answers').records.map((r) => r.seq)).toEqual([0]);
  });

  test('with no listener for every record, none is kept and a port that never said gets the answers', () => {
    const h = harness(10, () => false);
    h.feed.push('s', [rec(0), success(1)]);
    h.feed.schedule();
    h.fire();
    expect(h.updates[0]!.all).toBeNull();
    expect(sliceFor(h.updates[0]!, undefined).records.map((r) => r.seq)).toEqual([1]);
  });

  test('a listener for every record that arrives mid-update never gets a partial list', () => {
    let wants = false;
    const h = harness(10, () => wants);
    h.feed.push('s', [rec(0)]);
    wants = true;
    h.feed.push('s', [rec(1)]);
    h.feed.schedule();
    h.fire();
    expect(h.updates[0]!.all).toBeNull();
    h.feed.push('s', [rec(2)]);
    h.feed.schedule();
    h.fire();
    expect(sliceFor(h.updates[1]!, 'all').records.map((r) => r.seq)).toEqual([2]);
  });

  test('answers the recorder classified are taken as given, without searching the texts', () => {
    const h = harness(10);
    // A data frame that mentions publish_ in its event is not an answer when the recorder says so.
    const data = recv(0, '{"type":"data","id":"s","event":"\\"publish_success\\""}');
    h.feed.push('s', [data, success(1), rec(2)], [success(1)]);
    h.feed.schedule();
    h.fire();
    const answers = sliceFor(h.updates[0]!, 'answers');
    expect(answers.records.map((r) => r.seq)).toEqual([1]);
    expect(answers.skipped).toBe(2);
    expect(sliceFor(h.updates[0]!, 'all').records.map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  test('updates come at the answers interval while nobody wants every record', () => {
    let wants = false;
    const delays: number[] = [];
    const timers: Array<() => void> = [];
    const feed = createLiveFeed(() => {}, (fn, ms) => (delays.push(ms), timers.push(fn)), () => wants, { intervalMs: 100, maxRecords: 10, answersIntervalMs: 250 });
    feed.push('s', [rec(0)]);
    feed.schedule();
    timers.splice(0).forEach((f) => f());
    wants = true;
    feed.push('s', [rec(1)]);
    feed.schedule();
    expect(delays).toEqual([250, 100]);
  });

  test('mayBeAnswer: received text frames naming a publish answer or an error', () => {
    expect(mayBeAnswer(success(0))).toBe(true);
    expect(mayBeAnswer(recv(0, '{"type":"publish_error","id":"a"}'))).toBe(true);
    expect(mayBeAnswer(recv(0, '{"type":"ka"}'))).toBe(false);
    expect(mayBeAnswer({ kind: 'ws-send', socketId: 'n:1' as SocketId, seq: 0, t: 0, data: '{"type":"publish_success"}', size: 26 })).toBe(false);
  });
});
