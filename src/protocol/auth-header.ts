// The connection auth object and how it travels in the `header-` subprotocol (reference 2.1,
// 2.2). Kept apart from auth.ts so the redactor can use it without an import cycle.

import { base64UrlDecodeText, base64UrlEncodeText } from './base64.ts';
import { isRecord, parseJson } from './json.ts';

export const APPSYNC_EVENTS_SUBPROTOCOL = 'aws-appsync-event-ws';
export const AUTH_SUBPROTOCOL_PREFIX = 'header-';

/** The subprotocols a `Sec-WebSocket-Protocol` request header offers, in order. */
export function offeredSubprotocols(header: string): string[] {
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** `header-<base64url(JSON)>` with no padding: `=` is not an HTTP token character. */
export function encodeAuthSubprotocol(header: Record<string, unknown>): string {
  return AUTH_SUBPROTOCOL_PREFIX + base64UrlEncodeText(JSON.stringify(header));
}

/** Undefined for anything that is not a `header-` value holding a JSON object. Never throws. */
export function decodeAuthSubprotocol(protocol: string): Record<string, unknown> | undefined {
  if (typeof protocol !== 'string' || !protocol.startsWith(AUTH_SUBPROTOCOL_PREFIX)) return undefined;
  const text = base64UrlDecodeText(protocol.slice(AUTH_SUBPROTOCOL_PREFIX.length).trim());
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
}

/** The decoded auth object from a list of offered subprotocols, if one is there. */
export function findAuthSubprotocol(protocols: readonly string[] | undefined): Record<string, unknown> | undefined {
  if (!Array.isArray(protocols)) return undefined;
  for (const p of protocols) {
    const decoded = decodeAuthSubprotocol(p);
    if (decoded) return decoded;
  }
  return undefined;
}

/**
 * Case-insensitive header lookup: docs write `Authorization` / `X-Amz-Security-Token`,
 * clients send lower case (reference 2.2). Strings come back as-is, numbers stringified,
 * arrays (multi-valued headers) joined; anything else is undefined.
 */
export function getHeader(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  try {
    if (!isRecord(headers)) return undefined;
    const wanted = name.toLowerCase();
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() !== wanted) continue;
      const value = headers[key];
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return String(value);
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
      return undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/** The key as it is spelled in `headers`, for case-insensitive presence checks. */
export function findHeaderKey(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  try {
    if (!isRecord(headers)) return undefined;
    const wanted = name.toLowerCase();
    return Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  } catch {
    return undefined;
  }
}
