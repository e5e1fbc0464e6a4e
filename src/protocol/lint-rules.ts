// Stateless lint rules shared by WebSocket and HTTP publish linting.

import { utf8Length } from './base64.ts';
import { parseChannel } from './channel.ts';
import type { DecodedEvent } from './decode-parts.ts';
import {
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_PUBLISH,
  MAX_OPERATION_ID_LENGTH,
  MAX_PUBLISH_REQUEST_BYTES,
  OPERATION_ID_PATTERN,
} from './limits.ts';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  readonly code: string;
  readonly severity: LintSeverity;
  readonly message: string;
  /** Position in `events` when the finding is about one event. */
  readonly index?: number;
}

export function lintOperationId(id: string): LintFinding | undefined {
  if (OPERATION_ID_PATTERN.test(id)) return undefined;
  const why =
    id.length === 0
      ? 'is empty'
      : id.length > MAX_OPERATION_ID_LENGTH
        ? `is ${id.length} characters long (limit ${MAX_OPERATION_ID_LENGTH})`
        : `contains ${JSON.stringify(/[^a-zA-Z0-9\-_+]/.exec(id)?.[0] ?? '')}; allowed are letters, digits, "-", "_" and "+"`;
  return { code: 'invalid-id', severity: 'error', message: `id ${why}` };
}

export function lintSubscribeChannel(channel: string): LintFinding | undefined {
  const p = parseChannel(channel, { allowWildcard: true });
  return p.ok ? undefined : { code: 'invalid-channel', severity: 'error', message: `invalid channel: ${p.reason}` };
}

export function lintPublishChannel(channel: string): LintFinding | undefined {
  const p = parseChannel(channel);
  if (p.ok) return undefined;
  // Wildcards are for subscriptions; no source shows publishing to one (reference 5).
  if (parseChannel(channel, { allowWildcard: true }).ok) {
    return { code: 'publish-wildcard', severity: 'error', message: 'cannot publish to a wildcard channel; "*" is for subscriptions' };
  }
  return { code: 'invalid-channel', severity: 'error', message: `invalid channel: ${p.reason}` };
}

/** Event count, JSON validity and per-event size (reference 3.2, 6). */
export function lintEvents(events: readonly DecodedEvent[] | undefined, rawEvents?: readonly unknown[]): LintFinding[] {
  const out: LintFinding[] = [];
  if (!events) return out;
  if (events.length === 0) out.push({ code: 'no-events', severity: 'error', message: 'publish has no events' });
  if (events.length > MAX_EVENTS_PER_PUBLISH) {
    out.push({ code: 'too-many-events', severity: 'error', message: `${events.length} events in one publish; the limit is ${MAX_EVENTS_PER_PUBLISH}` });
  }
  events.forEach((e, index) => {
    const nonString = rawEvents ? typeof rawEvents[index] !== 'string' : e.error?.endsWith('not a JSON string') === true;
    if (nonString) {
      out.push({ code: 'event-not-string', severity: 'error', index, message: `event ${index}: ${e.error ?? 'not a string'}; send JSON.stringify(value)` });
    } else if (!e.ok) {
      out.push({ code: 'event-invalid-json', severity: 'error', index, message: `event ${index} is not valid JSON: ${e.error ?? ''}` });
    }
    const bytes = e.raw.length > MAX_EVENT_BYTES / 3 ? utf8Length(e.raw) : 0;
    if (bytes > MAX_EVENT_BYTES) {
      out.push({ code: 'event-too-large', severity: 'error', index, message: `event ${index} is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (240 KB)` });
    }
  });
  return out;
}

export function lintRequestSize(raw: string | undefined): LintFinding | undefined {
  if (raw === undefined || raw.length <= MAX_PUBLISH_REQUEST_BYTES / 3) return undefined;
  const bytes = utf8Length(raw);
  if (bytes <= MAX_PUBLISH_REQUEST_BYTES) return undefined;
  return { code: 'publish-too-large', severity: 'warning', message: `publish is ${bytes} bytes; the request limit is about 1.2 MB` };
}
