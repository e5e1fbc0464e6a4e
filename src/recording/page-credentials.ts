// The page's live credentials, for the console's "Use this page's endpoint": the last
// un-redacted auth seen per connection of each tab, in memory only. The database holds
// redacted values, so this is the only place a real key or token can come from; it is
// never written anywhere and dies with the background (and the tab).
//
// Fed with the records of each accepted batch before redaction: the `header-` subprotocol
// of a WebSocket, the `authorization` object of its subscribe/publish frames, the headers
// of an HTTP publish.

import type { CaptureRecord } from '../capture/records.ts';
import { payloadText } from '../capture/records.ts';
import type { PageCredential } from '../messaging/contracts.ts';
import { findAuthSubprotocol, isRecord, parseJson } from '../protocol/index.ts';

const AUTH_KEYS = ['host', 'x-api-key', 'authorization', 'x-amz-date', 'x-amz-security-token'];
/** Connections remembered per tab; the oldest are forgotten first. */
export const MAX_PER_TAB = 20;
/** Frames longer than this are not parsed for an authorization object. */
const MAX_PARSE = 64 * 1024;

/** Only the auth keys, lower-cased, string values. Empty when there is no credential. */
export function authKeys(obj: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    const key = k.toLowerCase();
    if (AUTH_KEYS.includes(key) && typeof v === 'string' && v.length <= 16 * 1024) out[key] = v;
  }
  return out['x-api-key'] || out['authorization'] ? out : {};
}

export interface PageCredentials {
  observe(tabId: number, records: readonly CaptureRecord[]): void;
  /** Newest first, open connections before closed ones. */
  list(tabId: number): PageCredential[];
  forgetTab(tabId: number): void;
}

export function createPageCredentials(limit = MAX_PER_TAB): PageCredentials {
  const tabs = new Map<number, Map<string, PageCredential>>();

  function put(tabId: number, c: PageCredential): void {
    let m = tabs.get(tabId);
    if (!m) tabs.set(tabId, (m = new Map()));
    m.delete(c.connection);
    m.set(c.connection, c);
    while (m.size > limit) m.delete(m.keys().next().value as string);
  }

  return {
    observe(tabId, records) {
      const m = tabs.get(tabId);
      for (const r of records) {
        switch (r.kind) {
          case 'ws-create': {
            if (!r.appsync) break;
            const headers = authKeys(findAuthSubprotocol(r.protocols));
            put(tabId, { connection: r.socketId, kind: 'websocket', url: r.url, frameUrl: r.frameUrl, headers, seenAt: r.t, open: true });
            break;
          }
          case 'ws-send': {
            const prev = (tabs.get(tabId) ?? m)?.get(r.socketId);
            const text = payloadText(r.data);
            if (!prev || !text || text.length > MAX_PARSE || !text.includes('uthorization')) break;
            const parsed = parseJson(text);
            const headers = parsed.ok && isRecord(parsed.value) ? authKeys(parsed.value['authorization']) : {};
            if (Object.keys(headers).length > 0) put(tabId, { ...prev, headers, seenAt: r.t });
            break;
          }
          case 'ws-close': {
            const prev = tabs.get(tabId)?.get(r.socketId);
            if (prev) tabs.get(tabId)?.set(r.socketId, { ...prev, open: false });
            break;
          }
          case 'http': {
            const headers = authKeys(r.requestHeaders);
            if (Object.keys(headers).length === 0) break;
            put(tabId, { connection: `http ${r.url}`, kind: 'http', url: r.url, frameUrl: r.frameUrl, headers, seenAt: r.startedAt, open: true });
            break;
          }
        }
      }
    },
    list(tabId) {
      const all = [...(tabs.get(tabId)?.values() ?? [])];
      return all.sort((a, b) => Number(b.open) - Number(a.open) || b.seenAt - a.seenAt);
    },
    forgetTab(tabId) {
      tabs.delete(tabId);
    },
  };
}
