// Bounds of the hook's records, in one place so the panel can state them (the outbox's own
// bounds, batch sizes and timing included, are DEFAULT_OUTBOX in outbox.ts).
export const HOOK_LIMITS = {
  /** Frame and body texts longer than this are kept truncated (and marked so). */
  maxTextLength: 4 * 1024 * 1024,
  /** Bytes of a binary frame kept as a hex/base64 preview. */
  previewBytes: 64,
} as const;
