// Bounds of the capture path, in one place so the panel can state them.
import { DEFAULT_OUTBOX } from './outbox.ts';

export const HOOK_LIMITS = {
  /** Frame and body texts longer than this are kept truncated (and marked so). */
  maxTextLength: 4 * 1024 * 1024,
  /** Bytes of a binary frame kept as a hex/base64 preview. */
  previewBytes: 64,
  outbox: DEFAULT_OUTBOX,
} as const;
