// Which sockets and requests the hook records: src/protocol/endpoints.ts's rules, run on the
// page's thread after page scripts may have run, so written with no method of a
// page-reachable prototype (endpoints.ts uses `includes`, `indexOf`, `endsWith` and
// `toUpperCase`). A page that replaced those built-ins could otherwise watch every URL the
// hook checks, or make its own AppSync traffic look like something else and leave it out of
// the recording. The answers are the same as endpoints.ts's (a property test holds them to it).

import { APPSYNC_EVENTS_SUBPROTOCOL } from '../protocol/auth-header.ts';
import { ArrayIsArray, StringSlice, StringToUpperCase } from './native.ts';

/** Index of `ch` (one UTF-16 unit) in `s` at or after `from`, or -1. String indexing reads own elements only. */
function find(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) if (s[i] === ch) return i;
  return -1;
}

/** Whether the URL's path (no query, fragment or trailing slashes) ends with `suffix`. */
function pathEndsWith(url: string, suffix: string): boolean {
  let start = 0;
  // `scheme://` within the first 12 units, as endpoints.ts's pathOf reads it.
  let scheme = -1;
  for (let i = 0; i + 2 < url.length && i < 12; i++) {
    if (url[i] === ':' && url[i + 1] === '/' && url[i + 2] === '/') {
      scheme = i;
      break;
    }
  }
  if (scheme !== -1 && scheme < 12) {
    start = find(url, '/', scheme + 3);
    if (start === -1) return suffix === '';
  }
  let end = url.length;
  const q = find(url, '?', start);
  if (q !== -1) end = q;
  const h = find(url, '#', start);
  if (h !== -1 && h < end) end = h;
  while (end > start && url[end - 1] === '/') end--;
  return end - start >= suffix.length && StringSlice(url, end - suffix.length, end) === suffix;
}

/** endpoints.ts's isAppSyncEventsSocket. */
export function isAppSyncSocket(url: string, protocols: readonly string[]): boolean {
  try {
    if (ArrayIsArray(protocols)) {
      for (let i = 0; i < protocols.length; i++) if (protocols[i] === APPSYNC_EVENTS_SUBPROTOCOL) return true;
    }
    if (typeof protocols === 'string' && protocols === APPSYNC_EVENTS_SUBPROTOCOL) return true;
    return typeof url === 'string' && pathEndsWith(url, '/event/realtime');
  } catch {
    return false;
  }
}

/** endpoints.ts's isHttpPublish without a body: a POST to a path ending in `/event`. */
export function isPublishRequest(method: string, url: string): boolean {
  try {
    if (typeof method !== 'string' || (method !== 'POST' && StringToUpperCase(method) !== 'POST')) return false;
    return typeof url === 'string' && pathEndsWith(url, '/event');
  } catch {
    return false;
  }
}
