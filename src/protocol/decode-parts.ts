// Building blocks shared by the WebSocket and HTTP decoders: event texts, error lists and
// publish results, each normalised from whatever shape arrived. All total.

import { isRecord, kindOf, parseJson, stringifySafe } from './json.ts';
import type { AppSyncError, PublishSuccessEntry } from './messages.ts';

/** One event: the text as sent, and its JSON value when it parses (reference 3.2). */
export interface DecodedEvent {
  readonly raw: string;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export interface DecodeProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * A failed publish entry in one shape: `code`/`message` whether the source sent LIVE's
 * string `code`, Android's number or Swift's `errorCode`/`errorMessage` (reference 3.3).
 */
export interface PublishFailure {
  readonly index?: number;
  readonly identifier?: string;
  readonly code?: string;
  /** The service's error class (e.g. `PayloadTooLargeException`), when it names one: it
   * says more than the numeric code. */
  readonly errorType?: string;
  readonly message?: string;
}

export function decodeEvent(raw: unknown): DecodedEvent {
  if (typeof raw !== 'string') {
    return { raw: stringifySafe(raw) ?? '', ok: false, error: `event is ${article(kindOf(raw))}, not a JSON string` };
  }
  const parsed = parseJson(raw);
  return parsed.ok ? { raw, ok: true, value: parsed.value } : { raw, ok: false, error: parsed.error };
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** A position in a publish's `events`. */
export function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function toCode(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Normalised `errors`; `valid` says whether every entry had the documented shape. */
export function normalizeErrors(value: unknown): { errors: AppSyncError[]; valid: boolean } {
  if (!Array.isArray(value)) return { errors: [], valid: false };
  let valid = true;
  const errors: AppSyncError[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) {
      valid = false;
      errors.push({ errorType: 'Unknown', message: stringifySafe(entry) ?? '' });
      continue;
    }
    const { errorType, message, errorCode } = entry;
    if (typeof errorType !== 'string') valid = false;
    const code = typeof errorCode === 'number' ? errorCode : typeof errorCode === 'string' && /^\d+$/.test(errorCode) ? Number(errorCode) : undefined;
    errors.push({
      errorType: typeof errorType === 'string' ? errorType : 'Unknown',
      ...(typeof message === 'string' ? { message } : {}),
      ...(code !== undefined ? { errorCode: code } : {}),
    });
  }
  return { errors, valid };
}

export function normalizeSuccessful(value: unknown): { entries: PublishSuccessEntry[]; valid: boolean } {
  if (!Array.isArray(value)) return { entries: [], valid: false };
  let valid = true;
  const entries: PublishSuccessEntry[] = [];
  for (const e of value) {
    if (isRecord(e) && typeof e['identifier'] === 'string' && isIndex(e['index'])) {
      entries.push({ identifier: e['identifier'], index: e['index'] });
    } else valid = false;
  }
  return { entries, valid };
}

export function normalizeFailed(value: unknown): { entries: PublishFailure[]; valid: boolean } {
  if (!Array.isArray(value)) return { entries: [], valid: false };
  let valid = true;
  const entries: PublishFailure[] = [];
  for (const e of value) {
    if (!isRecord(e)) {
      valid = false;
      continue;
    }
    const code = toCode(e['code']) ?? toCode(e['errorCode']);
    const message = typeof e['message'] === 'string' ? e['message'] : typeof e['errorMessage'] === 'string' ? e['errorMessage'] : undefined;
    const index = isIndex(e['index']) ? e['index'] : undefined;
    const identifier = typeof e['identifier'] === 'string' ? e['identifier'] : undefined;
    const errorType = typeof e['errorType'] === 'string' ? e['errorType'] : undefined;
    // Every source sends the event's position; without it the failure names no event.
    if (index === undefined || (e['identifier'] !== undefined && identifier === undefined)) valid = false;
    entries.push({
      ...(index !== undefined ? { index } : {}),
      ...(identifier !== undefined ? { identifier } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(errorType !== undefined ? { errorType } : {}),
      ...(message !== undefined ? { message } : {}),
    });
  }
  return { entries, valid };
}
