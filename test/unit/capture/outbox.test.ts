import { describe, expect, test } from 'vitest';
import { createOutbox, type Batch, type OutboxIo } from '../../../src/capture/outbox.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

function frame(socket: string, seq: number, text = 'x'): CaptureRecord {
  return { kind: 'ws-receive', socketId: `n:${socket}` as SocketId, seq, t: seq, data: text, size: text.length };
}

function harness(connected = true) {
  const sent: Batch[] = [];
  const timers: Array<() => void> = [];
  const io: OutboxIo & { connected: boolean } = {
    connected,
    send(batch) {
      if (!this.connected) return false;
      sent.push(batch);
      return true;
    },
    setTimer(fn) {
      timers.push(fn);
      return timers.length;
    },
    clearTimer(h) {
      timers[(h as number) - 1] = () => {};
    },
  };
  const fire = () => {
    const due = timers.splice(0);
    for (const fn of due) fn();
  };
  return { io, sent, fire };
}

const seqs = (batches: Batch[]) => batches.flatMap((b) => Array.from(b.records, (r) => r).map((r) => `${r.socketId}#${r.seq}`));

describe('outbox', () => {
  test('holds records until recording starts, then releases them in order', () => {
    const h = harness();
    const box = createOutbox(h.io);
    for (let i = 0; i < 5; i++) box.push(frame('1', i), 1);
    expect(h.sent).toHaveLength(0);
    box.setRecording(true);
    expect(seqs(h.sent)).toEqual(['n:1#0', 'n:1#1', 'n:1#2', 'n:1#3', 'n:1#4']);
  });

  test('batches by timer, never one message per record', () => {
    const h = harness();
    const box = createOutbox(h.io);
    box.setRecording(true);
    for (let i = 0; i < 100; i++) box.push(frame('1', i), 1);
    expect(h.sent).toHaveLength(0);
    h.fire();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.records).toHaveLength(100);
  });

  test('flushes early at maxBatch and at maxBatchBytes', () => {
    const h = harness();
    const box = createOutbox(h.io, { maxBatch: 10, maxBatchBytes: 1000 });
    box.setRecording(true);
    for (let i = 0; i < 25; i++) box.push(frame('1', i), 1);
    expect(h.sent.map((b) => b.records.length)).toEqual([10, 10]);
    box.push(frame('2', 0), 2000);
    expect(h.sent).toHaveLength(3);
  });

  test('keeps each socket head and drops the oldest others beyond the bound, counting them', () => {
    const h = harness();
    const box = createOutbox(h.io, { holdCount: 3, headPerSocket: 2 });
    for (let i = 0; i < 10; i++) box.push(frame('1', i), 1);
    box.setRecording(true);
    h.fire();
    expect(seqs(h.sent)).toEqual(['n:1#0', 'n:1#1', 'n:1#7', 'n:1#8', 'n:1#9']);
    expect(h.sent.reduce((n, b) => n + b.dropped, 0)).toBe(5);
    expect(box.stats().dropped).toBe(5);
  });

  test('bounds held bytes too', () => {
    const h = harness();
    const box = createOutbox(h.io, { holdBytes: 100, headPerSocket: 0 });
    for (let i = 0; i < 10; i++) box.push(frame('1', i), 30);
    box.setRecording(true);
    expect(seqs(h.sent)).toEqual(['n:1#7', 'n:1#8', 'n:1#9']);
  });

  test('keeps batches until acknowledged and resends them in order', () => {
    const h = harness();
    const box = createOutbox(h.io, { maxBatch: 2 });
    box.setRecording(true);
    for (let i = 0; i < 6; i++) box.push(frame('1', i), 1);
    expect(h.sent).toHaveLength(3);
    box.ack(h.sent[1]!.batchId);
    h.sent.length = 0;
    box.resend();
    expect(seqs(h.sent)).toEqual(['n:1#0', 'n:1#1', 'n:1#4', 'n:1#5']);
    expect(box.stats().inflight).toBe(2);
  });

  test('batches sent while disconnected go out on resend', () => {
    const h = harness(false);
    const box = createOutbox(h.io, { maxBatch: 2 });
    box.setRecording(true);
    for (let i = 0; i < 4; i++) box.push(frame('1', i), 1);
    expect(h.sent).toHaveLength(0);
    h.io.connected = true;
    box.resend();
    expect(seqs(h.sent)).toEqual(['n:1#0', 'n:1#1', 'n:1#2', 'n:1#3']);
  });

  test('stopping recording returns pending records to the hold buffer', () => {
    const h = harness();
    const box = createOutbox(h.io);
    box.setRecording(true);
    box.push(frame('1', 0), 1);
    box.setRecording(false);
    h.fire();
    expect(h.sent).toHaveLength(0);
    box.setRecording(true);
    expect(seqs(h.sent)).toEqual(['n:1#0']);
  });

  test('bounds unacknowledged batches and reports what it had to drop', () => {
    const h = harness();
    const box = createOutbox(h.io, { maxBatch: 1, maxInflight: 2 });
    box.setRecording(true);
    for (let i = 0; i < 4; i++) box.push(frame('1', i), 1);
    expect(box.stats().inflight).toBe(2);
    expect(box.stats().dropped).toBe(2);
  });

  test('stays fast with a long hold and many evictions', () => {
    const h = harness();
    const box = createOutbox(h.io, { holdCount: 1000, headPerSocket: 1 });
    for (let i = 0; i < 200_000; i++) box.push(frame(String(i % 3), i), 10);
    box.setRecording(true);
    const total = h.sent.reduce((n, b) => n + b.records.length, 0);
    expect(total).toBe(1003);
  });
});
