// Checks before anything is sent, against the service's documented limits: at most five
// events, 240 KB each, a valid channel and no wildcard in a publish. Each problem is a
// sentence; the console lets the user send anyway to see the service's own error.

import { MAX_EVENT_BYTES, MAX_EVENTS_PER_PUBLISH, parseChannel, parseJson, utf8Length } from '../protocol/index.ts';

export interface Problem {
  readonly field: 'channel' | 'events';
  readonly message: string;
  /** Index of the event concerned, when one is. */
  readonly index?: number;
}

export type EventsParse =
  | { readonly ok: true; /** Each event as the JSON text that goes on the wire. */ readonly events: readonly string[] }
  | { readonly ok: false; readonly problem: Problem };

/**
 * The editor's text as events: a JSON array is a batch (each element one event), anything
 * else is one event. Elements are re-serialised compactly, as clients send them.
 */
export function parseEventsText(text: string): EventsParse {
  if (!text.trim()) return { ok: false, problem: { field: 'events', message: 'Write an event: any JSON value, or an array of up to five.' } };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, problem: { field: 'events', message: `Not valid JSON: ${parsed.error}` } };
  const values = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  return { ok: true, events: values.map((v) => JSON.stringify(v)) };
}

export function validateChannel(channel: string, use: 'publish' | 'subscribe'): Problem[] {
  const wildcard = use === 'subscribe';
  const c = parseChannel(channel.trim(), { allowWildcard: true });
  if (!c.ok) return [{ field: 'channel', message: `Channel: ${c.reason}.` }];
  if (c.wildcard && !wildcard) {
    return [{ field: 'channel', message: 'A publish cannot go to a wildcard channel: publish to a concrete channel such as /default/test.' }];
  }
  return [];
}

/** Every problem of a publish; empty means it is within the documented limits. */
export function validatePublish(channel: string, events: readonly string[]): Problem[] {
  const problems = validateChannel(channel, 'publish');
  if (events.length === 0) problems.push({ field: 'events', message: 'A publish needs at least one event.' });
  if (events.length > MAX_EVENTS_PER_PUBLISH) {
    problems.push({ field: 'events', message: `${events.length} events: a publish carries at most ${MAX_EVENTS_PER_PUBLISH}; split the array.` });
  }
  events.forEach((e, index) => {
    const bytes = utf8Length(e);
    if (bytes > MAX_EVENT_BYTES) {
      problems.push({ field: 'events', index, message: `Event ${index} is ${Math.ceil(bytes / 1024)} KB; each event may be at most 240 KB.` });
    }
  });
  return problems;
}
