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
import { SAFE_PROTO, SafeMap, safeArray } from './native.ts';

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

// How big one hook → background message may grow depends on the browser's extension
// messaging (bench messaging-floor: the hop alone). Chromium's JSON messaging cost more per
// byte the larger the message (2026-12-05: 600 frames of ~560 B per message 40.2 µs/frame in
// all processes, 200 frames 35.9, 1,000 frames 51.6), so Chromium's batches were held to 200
// frames. As a structured clone (the manifest's message_serialization, Chromium 148+) it
// costs per message, like Firefox's always did (2026-12-07: 200 frames 7.8, 600 6.6, 1,000
// 6.7), and large batches pay: recording at saturation (capture-cpu, 5 rounds, against
// batches of 200 in the same rounds) added 20.8 µs/frame in all processes with batches of
// up to 1,000 against 29.6, the page's main thread +1.4 against +2.9, the page 0.74× bare
// against 0.67×. Chromium before 148 keeps JSON and pays the larger messages' cost.
// Batches go every 20 ms (flushMs): at 10,000 frames/s the 1,000-record
// batches waited for a 50 ms timer, page → panel latency p50 73–78 ms in Chromium (43 with
// 200-record batches) and 78 in Firefox; at 20 ms 49–53 ms in both, with the CPU recording
// adds unchanged (capture-cpu, same rounds: Chromium 19.0 against 22.0 µs/frame, Firefox
// 19.4 against 19.2), batches at saturation still about 600 records.
export const DEFAULT_OUTBOX: OutboxOptions = {
  holdCount: 20_000,
  holdBytes: 32 * 1024 * 1024,
  headPerSocket: 32,
  flushMs: 20,
  maxBatch: 1_000,
  maxBatchBytes: 8 * 1024 * 1024,
  maxInflight: 512,
};

export interface Batch {
  readonly batchId: number;
  /** An array on SAFE_PROTO: indexable and serialisable, without Array.prototype's methods. */
  readonly records: ArrayLike<CaptureRecord>;
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
  // Runs after page scripts: no method of a page-reachable prototype (Array.prototype.push,
  // Map.prototype.size, array iterators…) is used below. Arrays live on SAFE_PROTO and are
  // written by index; maps are SafeMaps.
  const opt: OutboxOptions = { ...DEFAULT_OUTBOX, ...options };
  let recording = false;
  // Held records. `head` entries are exempt from eviction; others are evicted oldest first.
  let held = safeArray<CaptureRecord | undefined>();
  let heldHead = safeArray<boolean>();
  let heldBytes = safeArray<number>();
  let heldLive = 0;
  let evictable = 0;
  let totalHeldBytes = 0;
  let firstEvictable = 0;
  let perSocket = new SafeMap<string, number>();
  let pending = safeArray<CaptureRecord>();
  let pendingBytes = 0;
  // Unacknowledged batches in send order; acknowledged slots become undefined.
  let inflight = safeArray<Batch | undefined>();
  let inflightFirst = 0;
  let inflightCount = 0;
  const inflightIndex = new SafeMap<number, number>();
  let nextBatchId = 1;
  let droppedSinceBatch = 0;
  let droppedTotal = 0;
  let timer: unknown = undefined;

  function hold(record: CaptureRecord, bytes: number): void {
    const seen = perSocket.get(record.socketId) ?? 0;
    perSocket.set(record.socketId, seen + 1);
    const isHead = seen < opt.headPerSocket;
    const i = held.length;
    held[i] = record;
    heldHead[i] = isHead;
    heldBytes[i] = bytes;
    heldLive++;
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
    held[i] = undefined;
    heldLive--;
    evictable--;
    droppedSinceBatch++;
    droppedTotal++;
    firstEvictable++;
  }

  function compact(): void {
    const r = safeArray<CaptureRecord | undefined>();
    const h = safeArray<boolean>();
    const b = safeArray<number>();
    for (let i = 0, n = held.length; i < n; i++) {
      const rec = held[i];
      if (rec === undefined) continue;
      const j = r.length;
      r[j] = rec;
      h[j] = heldHead[i] ?? false;
      b[j] = heldBytes[i] ?? 0;
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

  function addInflight(batch: Batch): void {
    const i = inflight.length;
    inflight[i] = batch;
    inflightIndex.set(batch.batchId, i);
    inflightCount++;
    while (inflightCount > opt.maxInflight) {
      const lost = inflight[inflightFirst];
      if (lost !== undefined) {
        inflight[inflightFirst] = undefined;
        inflightIndex.delete(lost.batchId);
        inflightCount--;
        droppedSinceBatch += lost.records.length;
        droppedTotal += lost.records.length;
      }
      inflightFirst++;
    }
    settleInflight();
  }

  /** Skips acknowledged slots at the front and compacts now and then. */
  function settleInflight(): void {
    while (inflightFirst < inflight.length && inflight[inflightFirst] === undefined) inflightFirst++;
    if (inflightFirst > 1024 && inflightFirst > inflight.length / 2) {
      const next = safeArray<Batch | undefined>();
      for (let i = inflightFirst, n = inflight.length; i < n; i++) {
        const b = inflight[i];
        if (b === undefined) continue;
        inflightIndex.set(b.batchId, next.length);
        next[next.length] = b;
      }
      inflight = next;
      inflightFirst = 0;
    }
  }

  function flush(): void {
    if (timer !== undefined) {
      io.clearTimer(timer);
      timer = undefined;
    }
    if (!recording || (pending.length === 0 && droppedSinceBatch === 0)) return;
    const batch: Batch = { __proto__: SAFE_PROTO, batchId: nextBatchId++, records: pending, dropped: droppedSinceBatch } as Batch;
    pending = safeArray<CaptureRecord>();
    pendingBytes = 0;
    droppedSinceBatch = 0;
    addInflight(batch);
    io.send(batch);
  }

  return {
    push(record, approxBytes) {
      if (!recording) {
        hold(record, approxBytes);
        return;
      }
      pending[pending.length] = record;
      pendingBytes += approxBytes;
      if (pending.length >= opt.maxBatch || pendingBytes >= opt.maxBatchBytes) flush();
      else schedule();
    },
    setRecording(on) {
      if (on === recording) return;
      recording = on;
      if (on) {
        const released = held;
        held = safeArray<CaptureRecord | undefined>();
        heldHead = safeArray<boolean>();
        heldBytes = safeArray<number>();
        heldLive = 0;
        evictable = 0;
        totalHeldBytes = 0;
        firstEvictable = 0;
        perSocket = new SafeMap<string, number>();
        // Release in batches of maxBatch so one huge message never blocks the page.
        for (let i = 0, n = released.length; i < n; i++) {
          const r = released[i];
          if (r === undefined) continue;
          pending[pending.length] = r;
          if (pending.length >= opt.maxBatch) flush();
        }
        if (pending.length > 0 || droppedSinceBatch > 0) flush();
      } else {
        if (timer !== undefined) io.clearTimer(timer);
        timer = undefined;
        // What was pending goes back to being held, so nothing is lost by a quick toggle.
        const back = pending;
        pending = safeArray<CaptureRecord>();
        pendingBytes = 0;
        for (let i = 0, n = back.length; i < n; i++) hold(back[i]!, 0);
      }
    },
    ack(batchId) {
      const i = inflightIndex.get(batchId);
      if (i === undefined) return;
      inflightIndex.delete(batchId);
      inflight[i] = undefined;
      inflightCount--;
      settleInflight();
    },
    resend() {
      for (let i = inflightFirst, n = inflight.length; i < n; i++) {
        const b = inflight[i];
        if (b !== undefined) io.send(b);
      }
    },
    flush,
    stats() {
      return { held: heldLive, inflight: inflightCount, dropped: droppedTotal, recording };
    },
  };
}
