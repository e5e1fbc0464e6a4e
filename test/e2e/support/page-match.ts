// Sessions store their page URL redacted (a fixture page's URL carries the test API key in
// its query), so a test names a session's page by its URL redacted the same way.
import { redactUrl } from '../../../src/protocol/redact.ts';

/** The session's stored page URL begins with `url`, both compared as stored. */
export function isPageOf(storedPageUrl: string, url: string): boolean {
  return redactUrl(storedPageUrl).startsWith(redactUrl(url));
}

/** `url` as a session stores it (and the Sessions tab lists it). */
export const storedPageUrl = redactUrl;
