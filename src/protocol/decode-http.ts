// HTTP publish (reference 4): the request body and the response, decoded as totally as frames.

import { utf8Length } from './base64.ts';
import { normalizeChannel } from './channel.ts';
import {
  decodeEvent,
  normalizeErrors,
  normalizeFailed,
  normalizeSuccessful,
  type DecodeProblem,
  type DecodedEvent,
  type PublishFailure,
} from './decode-parts.ts';
import { errorText, isRecord, parseJson } from './json.ts';
import { DEFAULT_MAX_DECODE_BYTES } from './limits.ts';
import type { AppSyncError, HttpPublishRequest, HttpPublishResponse, PublishSuccessEntry } from './messages.ts';

export interface DecodedHttpPublish {
  /** True when the body is `{channel: string, events: string[]}`. */
  readonly ok: boolean;
  /** Normalised. */
  readonly channel?: string;
  readonly events?: readonly DecodedEvent[];
  /** The parsed body when ok; unknown fields preserved. */
  readonly request?: HttpPublishRequest;
  readonly problem?: DecodeProblem;
  readonly raw?: string;
}

export interface DecodedHttpPublishResponse {
  readonly status: number;
  /** 2xx, no request-level errors and no failed events. */
  readonly ok: boolean;
  readonly successful?: readonly PublishSuccessEntry[];
  readonly failed?: readonly PublishFailure[];
  readonly errors?: readonly AppSyncError[];
  /** The parsed body when it has one of the documented shapes. */
  readonly response?: HttpPublishResponse;
  readonly problem?: DecodeProblem;
  readonly raw?: string;
}

function tooBig(text: string, maxBytes: number): boolean {
  return text.length > maxBytes || (text.length * 3 > maxBytes && utf8Length(text) > maxBytes);
}

export function decodeHttpPublish(body: string, opts?: { maxBytes?: number }): DecodedHttpPublish {
  try {
    if (typeof body !== 'string') return { ok: false, problem: { code: 'unsupported-input', message: 'body is not text' } };
    const max = typeof opts?.maxBytes === 'number' ? opts.maxBytes : DEFAULT_MAX_DECODE_BYTES;
    if (tooBig(body, max)) return { ok: false, raw: body, problem: { code: 'oversized', message: `body is larger than ${max} bytes; not decoded` } };
    const parsed = parseJson(body);
    if (!parsed.ok) return { ok: false, raw: body, problem: { code: 'invalid-json', message: parsed.error } };
    const v = parsed.value;
    if (!isRecord(v)) return { ok: false, raw: body, problem: { code: 'not-object', message: 'body is not a JSON object' } };
    const { channel, events } = v;
    let problem: DecodeProblem | undefined;
    if (typeof channel !== 'string') problem = { code: 'missing-channel', message: 'body has no string "channel"' };
    else if (!Array.isArray(events)) problem = { code: 'missing-events', message: 'body has no "events" array' };
    else if (events.some((e) => typeof e !== 'string')) problem = { code: 'event-not-string', message: 'every entry of "events" must be a JSON string' };
    return {
      ok: !problem,
      raw: body,
      ...(typeof channel === 'string' ? { channel: normalizeChannel(channel) } : {}),
      ...(Array.isArray(events) ? { events: events.map(decodeEvent) } : {}),
      ...(problem ? { problem } : { request: v as HttpPublishRequest }),
    };
  } catch (e) {
    return { ok: false, problem: { code: 'internal', message: errorText(e) } };
  }
}

/** A response body: `{successful, failed}` on success, `{errors}` for request-level failure. */
export function decodeHttpPublishResponse(status: number, body: string): DecodedHttpPublishResponse {
  const st = typeof status === 'number' ? status : 0;
  const is2xx = st >= 200 && st < 300;
  try {
    if (typeof body !== 'string') return { status: st, ok: false, problem: { code: 'unsupported-input', message: 'body is not text' } };
    if (tooBig(body, DEFAULT_MAX_DECODE_BYTES)) return { status: st, ok: false, raw: body, problem: { code: 'oversized', message: 'body too large to decode' } };
    const parsed = parseJson(body);
    if (!parsed.ok) {
      // Gateways and proxies answer with HTML or nothing; the status then carries the meaning.
      return { status: st, ok: false, raw: body, problem: { code: 'invalid-json', message: body.trim() === '' ? 'empty body' : parsed.error } };
    }
    const v = parsed.value;
    if (!isRecord(v)) return { status: st, ok: false, raw: body, problem: { code: 'not-object', message: 'body is not a JSON object' } };
    if (v['errors'] !== undefined) {
      const e = normalizeErrors(v['errors']);
      return {
        status: st,
        ok: false,
        raw: body,
        errors: e.errors,
        ...(e.valid ? { response: v as HttpPublishResponse } : { problem: { code: 'bad-errors', message: '"errors" is not a list of {errorType, message}' } }),
      };
    }
    const s = normalizeSuccessful(v['successful']);
    const f = normalizeFailed(v['failed']);
    const shaped = Array.isArray(v['successful']) && Array.isArray(v['failed']) && s.valid && f.valid;
    let problem: DecodeProblem | undefined;
    if (!shaped) problem = { code: 'missing-results', message: 'expected "successful" and "failed" arrays or "errors"' };
    else if (!is2xx) problem = { code: 'http-status', message: `HTTP ${st}` };
    return {
      status: st,
      ok: is2xx && shaped && f.entries.length === 0,
      raw: body,
      successful: s.entries,
      failed: f.entries,
      ...(shaped ? { response: v as HttpPublishResponse } : {}),
      ...(problem ? { problem } : {}),
    };
  } catch (e) {
    return { status: st, ok: false, problem: { code: 'internal', message: errorText(e) } };
  }
}
