// Bounds of the capture path, in one place so the panel can state them.
import { DEFAULT_OUTBOX } from './outbox.ts';

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
// Batches go every 20 ms (the outbox's flushMs): at 10,000 frames/s the 1,000-record
// batches waited for a 50 ms timer, page → panel latency p50 73–78 ms in Chromium (43 with
// 200-record batches) and 78 in Firefox; at 20 ms 49–53 ms in both, with the CPU recording
// adds unchanged (capture-cpu, same rounds: Chromium 19.0 against 22.0 µs/frame, Firefox
// 19.4 against 19.2), batches at saturation still about 600 records.

export const HOOK_LIMITS = {
  /** Frame and body texts longer than this are kept truncated (and marked so). */
  maxTextLength: 4 * 1024 * 1024,
  /** Bytes of a binary frame kept as a hex/base64 preview. */
  previewBytes: 64,
  outbox: DEFAULT_OUTBOX,
} as const;
