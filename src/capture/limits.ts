// Bounds of the capture path, in one place so the panel can state them.
import type { OutboxOptions } from './outbox.ts';

export const HOOK_LIMITS = {
  /** Frame and body texts longer than this are kept truncated (and marked so). */
  maxTextLength: 4 * 1024 * 1024,
  /** Bytes of a binary frame kept as a hex/base64 preview. */
  previewBytes: 64,
  outbox: {
    holdCount: 20_000,
    holdBytes: 32 * 1024 * 1024,
    headPerSocket: 32,
    flushMs: 50,
    maxBatch: 1_000,
    maxBatchBytes: 8 * 1024 * 1024,
    maxInflight: 512,
  } satisfies OutboxOptions,
} as const;
