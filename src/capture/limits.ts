// Bounds of the capture path, in one place so the panel can state them.
import { DEFAULT_OUTBOX, type OutboxOptions } from './outbox.ts';

// How big one hook → background message may grow depends on the browser's extension
// messaging (bench messaging-floor: the hop alone, 2026-12-05). Chromium's costs more per
// byte the larger the message: 600 frames of ~560 B per message cost 40.2 µs/frame in all
// processes and 13.3 on the page's main thread, 200 frames 35.9 / 11.0, 100 frames 40.5 /
// 7.6, 1,000 frames 51.6 / 13.2. With the whole pipeline (capture-cpu, 5 rounds, 100k
// frames, against batches of up to 1,000) batches of at most 200 frames cut the CPU
// recording adds from 90.7 to 61.8 µs/frame and on the page's main thread from 12.3 to 3.8;
// the page went from 0.66× to 0.77× bare. The background writes the batches that arrive
// during a write together (tab-hub.ts), so transactions stay as large as before.
// Firefox clones messages at a cost per message instead: the same small batches cost it
// 95.5 µs/frame against 70.5, so it keeps large ones. More, smaller batches need more of
// them in flight for the same time without an acknowledgement: about the same records.
const CHROMIUM_OUTBOX: Partial<OutboxOptions> = { maxBatch: 200, maxBatchBytes: 128 * 1024, maxInflight: 2_560 };
const OUTBOX: OutboxOptions = import.meta.env?.TARGET === 'firefox' ? DEFAULT_OUTBOX : { ...DEFAULT_OUTBOX, ...CHROMIUM_OUTBOX };

export const HOOK_LIMITS = {
  /** Frame and body texts longer than this are kept truncated (and marked so). */
  maxTextLength: 4 * 1024 * 1024,
  /** Bytes of a binary frame kept as a hex/base64 preview. */
  previewBytes: 64,
  outbox: OUTBOX,
} as const;
