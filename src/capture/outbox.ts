// The hook's outbox: where capture records wait between the page and the background.
//
// Runs on the inspected page's main thread, so every operation is O(1) per record and
// nothing here parses or copies payloads. Three stages:
//  - held:     recording is off; records wait in a bounded buffer. The first records of
//              each socket (its handshake and subscribes, which the panel needs to decode
//              the rest) are kept; beyond the bound the oldest of the others are dropped
//              and counted, and the count is reported with the next batch.
//  - pending:  recording is on; records are flushed as one batch every `flushMs` or as
//              soon as `maxBatch` records are waiting (never one message per frame: that
//              measured 0.14x of bare throughput).
//  - inflight: sent batches are kept until the background acknowledges them (after its
//              IndexedDB commit) and are sent again after a reconnect. The background
//              de-duplicates by (socketId, seq).

import type { CaptureRecord } from './records.ts';

export interface OutboxOptions {
  /** Records kept while recording is off (beyond the per-socket head). */
  readonly holdCount: number;
  /** Approximate payload bytes kept while recording is off. */
  readonly holdBytes: number;
  /** Records of each socket that are never dropped while held. */
  readonly headPerSocket: number;
  readonly flushMs: number;
  readonly maxBatch: number;
  /** Flush early once a batch holds this many payload bytes (extension messages are capped at 64 MiB). */
  readonly maxBatchBytes: number;
  /** Unacknowledged batches kept for resending; beyond this the oldest are dropped and counted. */
  readonly maxInflight: number;
}

export const DEFAULT_OUTBOX: OutboxOptions = {
  holdCount: 20_000,
  holdBytes: 32 * 1024 * 1024,
  headPerSocket: 32,
  flushMs: 50,
  maxBatch: 1_000,
  maxBatchBytes: 8 * 1024 * 1024,
  maxInflight: 512,
};

export interface Batch {
  readonly batchId: number;
  readonly records: readonly CaptureRecord[];
  /** Records this outbox had to drop since the previous batch (bounded buffers). */
  readonly dropped: number;
}

export interface OutboxIo {
  /** Deliver a batch; return false when there is no connection (it stays inflight). */
  send(batch: Batch): boolean;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export interface Outbox {
  push(record: CaptureRecord, approxBytes: number): void;
  setRecording(on: boolean): void;
  ack(batchId: number): void;
  /** The connection came back: send every unacknowledged batch again, in order. */
  resend(): void;
  flush(): void;
  stats(): { held: number; inflight: number; dropped: number; recording: boolean };
}

export function createOutbox(io: OutboxIo, options: Partial<OutboxOptions> = {}): Outbox {
  const opt: OutboxOptions = { ...DEFAULT_OUTBOX, ...options };
  let recording = false;
  // Held records. `head` entries are exempt from eviction; others are evicted oldest first.
  let held: CaptureRecord[] = [];
  let heldHead: boolean[] = [];
  let heldBytes: number[] = [];
  let evictable = 0;
  let totalHeldBytes = 0;
  let firstEvictable = 0;
  const perSocket = new Map<string, number>();
  let pending: CaptureRecord[] = [];
  let pendingBytes = 0;
  const inflight = new Map<number, Batch>();
  let nextBatchId = 1;
  let droppedSinceBatch = 0;
  let droppedTotal = 0;
  let timer: unknown = undefined;

  function hold(record: CaptureRecord, bytes: number): void {
    const seen = perSocket.get(record.socketId) ?? 0;
    perSocket.set(record.socketId, seen + 1);
    const isHead = seen < opt.headPerSocket;
    held.push(record);
    heldHead.push(isHead);
    heldBytes.push(bytes);
    totalHeldBytes += bytes;
    if (!isHead) evictable++;
    while (evictable > 0 && (evictable > opt.holdCount || totalHeldBytes > opt.holdBytes)) evictOldest();
    // Compact now and then so evicted slots do not accumulate.
    if (firstEvictable > 4096 && firstEvictable > held.length / 2) compact();
  }

  function evictOldest(): void {
    while (firstEvictable < held.length && (heldHead[firstEvictable] || held[firstEvictable] === undefined)) firstEvictable++;
    // Head records before firstEvictable are skipped, not removed; compact() keeps them.
    const i = firstEvictable;
    if (i >= held.length) return;
    totalHeldBytes -= heldBytes[i] ?? 0;
    (held as (CaptureRecord | undefined)[])[i] = undefined;
    evictable--;
    droppedSinceBatch++;
    droppedTotal++;
    firstEvictable++;
  }

  function compact(): void {
    const r: CaptureRecord[] = [];
    const h: boolean[] = [];
    const b: number[] = [];
    for (let i = 0; i < held.length; i++) {
      const rec = held[i];
      if (rec === undefined) continue;
      r.push(rec);
      h.push(heldHead[i] ?? false);
      b.push(heldBytes[i] ?? 0);
    }
    held = r;
    heldHead = h;
    heldBytes = b;
    firstEvictable = 0;
  }

  function schedule(): void {
    if (timer === undefined) timer = io.setTimer(onTimer, opt.flushMs);
  }

  function onTimer(): void {
    timer = undefined;
    flush();
  }

  function flush(): void {
    if (timer !== undefined) {
      io.clearTimer(timer);
      timer = undefined;
    }
    if (!recording || (pending.length === 0 && droppedSinceBatch === 0)) return;
    const batch: Batch = { batchId: nextBatchId++, records: pending, dropped: droppedSinceBatch };
    pending = [];
    pendingBytes = 0;
    droppedSinceBatch = 0;
    inflight.set(batch.batchId, batch);
    while (inflight.size > opt.maxInflight) {
      const oldest = inflight.keys().next().value as number;
      const lost = inflight.get(oldest);
      inflight.delete(oldest);
      const n = lost?.records.length ?? 0;
      droppedSinceBatch += n;
      droppedTotal += n;
    }
    io.send(batch);
  }

  return {
    push(record, approxBytes) {
      if (!recording) {
        hold(record, approxBytes);
        return;
      }
      pending.push(record);
      pendingBytes += approxBytes;
      if (pending.length >= opt.maxBatch || pendingBytes >= opt.maxBatchBytes) flush();
      else schedule();
    },
    setRecording(on) {
      if (on === recording) return;
      recording = on;
      if (on) {
        const released = held.filter((r): r is CaptureRecord => r !== undefined);
        held = [];
        heldHead = [];
        heldBytes = [];
        evictable = 0;
        totalHeldBytes = 0;
        firstEvictable = 0;
        perSocket.clear();
        // Release in batches of maxBatch so one huge message never blocks the page.
        for (let i = 0; i < released.length; i += opt.maxBatch) {
          pending = released.slice(i, i + opt.maxBatch);
          flush();
        }
        if (droppedSinceBatch > 0) flush();
      } else {
        if (timer !== undefined) io.clearTimer(timer);
        timer = undefined;
        // What was pending goes back to being held, so nothing is lost by a quick toggle.
        const back = pending;
        pending = [];
        pendingBytes = 0;
        for (const r of back) hold(r, 0);
      }
    },
    ack(batchId) {
      inflight.delete(batchId);
    },
    resend() {
      for (const batch of inflight.values()) io.send(batch);
    },
    flush,
    stats() {
      return { held: held.length - countUndefined(), inflight: inflight.size, dropped: droppedTotal, recording };
    },
  };

  function countUndefined(): number {
    let n = 0;
    for (const r of held) if (r === undefined) n++;
    return n;
  }
}
