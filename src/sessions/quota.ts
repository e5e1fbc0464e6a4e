// Recognising "storage is full". Browsers report it differently: a QuotaExceededError
// DOMException thrown by put(), or a transaction that aborts with it as `tx.error`
// (Chromium), or Firefox's legacy NS_ERROR_DOM_QUOTA_REACHED name.

export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  // DOMException.QUOTA_EXCEEDED_ERR, for engines that set the legacy code only.
  if (code === 22) return true;
  return typeof message === 'string' && /quota|disk is full|no space/i.test(message);
}

export const STORAGE_FULL_MESSAGE =
  'Recording paused: browser storage is full. Delete or export old sessions (or raise the storage budget), then resume. Frames captured meanwhile stay in the page until they can be stored.';

/** Thrown (rejected) by writes while storage is full; nothing stored before was changed. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(
    message: string = STORAGE_FULL_MESSAGE,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
