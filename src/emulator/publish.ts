// Validation shared by WebSocket publish, HTTP publish and emu.publish(): channel and
// namespace checks, the events array, and the per-event verdicts of publish_success.

import { randomUUID } from 'node:crypto';
import { parseChannel } from '../protocol/channel.ts';
import { parseJson } from '../protocol/json.ts';
import type { ResolvedConfig, ResolvedNamespace } from './config.ts';

export interface ProtocolError {
  readonly errorType: string;
  readonly message: string;
}

/** The service's text for every authorization failure (LIVE, reference 2.3). */
export const UNAUTHORIZED: ProtocolError = {
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

export type ChannelCheck =
  | { readonly ok: true; readonly channel: string; readonly namespace: ResolvedNamespace }
  | { readonly ok: false; readonly error: ProtocolError; readonly notFound: boolean };

/**
 * parseChannel enforces the documented limits; the config may lower them (tests scale them
 * down), so the stricter configured limits are checked on top.
 */
export function checkChannel(config: ResolvedConfig, raw: unknown, allowWildcard: boolean): ChannelCheck {
  const bad = (message: string): ChannelCheck => ({
    ok: false,
    notFound: false,
    // "Invalid Channel Format" is the text third-party fixtures show for this case (reference 3.3).
    error: { errorType: 'BadRequestException', message: `Invalid Channel Format: ${message}` },
  });
  if (typeof raw !== 'string') return bad('channel must be a string');
  const p = parseChannel(raw, { allowWildcard });
  if (!p.ok) return bad(p.reason);
  const { maxChannelSegments, maxSegmentLength } = config.limits;
  if (p.segments.length + (p.wildcard ? 1 : 0) > maxChannelSegments) {
    return bad(`channel has more than ${maxChannelSegments} segments`);
  }
  if (p.segments.some((s) => s.length > maxSegmentLength)) {
    return bad(`a segment is longer than ${maxSegmentLength} characters`);
  }
  const namespace = config.namespaces.get(p.namespace);
  if (!namespace) {
    // Android maps ResourceNotFound to "Namespace not found" (reference 3.3).
    return { ok: false, notFound: true, error: { errorType: 'ResourceNotFound', message: `Namespace not found: ${p.namespace}` } };
  }
  return { ok: true, channel: p.channel, namespace };
}

export type EventsCheck =
  | { readonly ok: true; readonly events: readonly string[] }
  | { readonly ok: false; readonly message: string };

export function checkEventsShape(config: ResolvedConfig, events: unknown): EventsCheck {
  if (!Array.isArray(events) || events.length === 0) {
    return { ok: false, message: 'events must be a non-empty array of strings' };
  }
  // Non-string entries fail the whole request: the documented contract is an array of
  // strings, so an object there is a malformed request, not a bad event (UNKNOWN upstream).
  if (!events.every((e) => typeof e === 'string')) {
    return { ok: false, message: 'every event must be a string holding JSON' };
  }
  const max = config.limits.maxEventsPerPublish;
  if (events.length > max) return { ok: false, message: `Too many events: ${events.length}, the limit is ${max}` };
  return { ok: true, events: events as string[] };
}

export interface PublishSuccessEntry {
  readonly identifier: string;
  readonly index: number;
}
/**
 * A `failed[]` entry. Sources disagree (reference 3.3: LIVE shows a string `code`, Android a
 * number, Swift `errorCode`); we send the numeric `code` the typed clients parse, with the
 * error's name in a separate `errorType`, so both kinds of reader find what they look for.
 */
export interface PublishFailedEntry extends PublishSuccessEntry {
  readonly code: number;
  readonly errorType: string;
  readonly message: string;
}
export interface PublishVerdict {
  readonly successful: PublishSuccessEntry[];
  readonly failed: PublishFailedEntry[];
  /** The events to broadcast, in request order. */
  readonly accepted: string[];
}

export function judgeEvents(config: ResolvedConfig, events: readonly string[]): PublishVerdict {
  const successful: PublishSuccessEntry[] = [];
  const failed: PublishFailedEntry[] = [];
  const accepted: string[] = [];
  events.forEach((event, index) => {
    const identifier = randomUUID();
    if (Buffer.byteLength(event) > config.limits.maxEventBytes) {
      // Name and text as observed LIVE for an over-size event (reference 3.3); 413 is the
      // HTTP meaning of "too large".
      failed.push({ identifier, index, code: 413, errorType: 'EventTooLargeException', message: 'Transformed event is larger than 240KB' });
    } else if (!parseJson(event).ok) {
      // The service parses every event (handlers see parsed payloads); its reaction to bad
      // JSON is UNKNOWN. A per-event failure keeps the valid events of the batch flowing.
      failed.push({ identifier, index, code: 400, errorType: 'BadRequestException', message: 'Event is not valid JSON' });
    } else {
      successful.push({ identifier, index });
      accepted.push(event);
    }
  });
  return { successful, failed, accepted };
}
