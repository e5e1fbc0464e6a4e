// WebSockets seen in DevTools' network log, told apart from those the page hook captured.
//
// No content script runs in a dedicated or shared worker, so a socket a worker opens never
// passes through the hook. DevTools' network log lists it (Chromium: a `websocket` HAR entry,
// status 101). A sighting that no captured `ws-create` explains (same URL, start within
// SAME_SOCKET_MS) is one the recording is missing, and the session says so.
//
// Pure: the background feeds it the page's `ws-create` records and the panel's sightings.

import { isAppSyncEventsSocket } from '../protocol/endpoints.ts';

/** How far apart the hook's `new WebSocket()` time and the network log's start may be. */
export const SAME_SOCKET_MS = 3_000;
/** At most this many captured sockets and sightings are remembered per tab. */
const MAX_REMEMBERED = 4_096;

export interface SocketSighting {
  readonly url: string;
  readonly startedAt: number;
}

/** One URL spelling for both sides: `new WebSocket()` and the network log may differ (default port, case). */
export function socketUrlKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

/** Whether one of `sockets` (e.g. those a session holds) is the sighted socket. */
export function explainsSighting(sockets: readonly SocketSighting[], s: SocketSighting): boolean {
  const k = socketUrlKey(s.url);
  return sockets.some((c) => Math.abs(c.startedAt - s.startedAt) <= SAME_SOCKET_MS && socketUrlKey(c.url) === k);
}

export function createSocketSightings() {
  // URL → creation times of captured sockets not yet matched by a sighting.
  const created = new Map<string, number[]>();
  let createdCount = 0;
  // Sightings already reported (a reopened panel lists the same network log again).
  const reported = new Set<string>();

  const sightingKey = (s: SocketSighting) => `${socketUrlKey(s.url)}\n${Math.round(s.startedAt)}`;

  return {
    /** A captured `new WebSocket(url)` at `t`. */
    sawCreate(url: string, t: number): void {
      if (createdCount >= MAX_REMEMBERED) {
        created.clear();
        createdCount = 0;
      }
      const k = socketUrlKey(url);
      const times = created.get(k) ?? [];
      times.push(t);
      created.set(k, times);
      createdCount++;
    },
    /** False when this sighting was reported before (it is then ignored). */
    isNew(s: SocketSighting): boolean {
      const k = sightingKey(s);
      if (reported.has(k)) return false;
      if (reported.size >= MAX_REMEMBERED) reported.clear();
      reported.add(k);
      return true;
    },
    /** True when no captured socket explains the sighting; a matching capture is consumed. */
    takeIfUncaptured(s: SocketSighting): boolean {
      const k = socketUrlKey(s.url);
      const times = created.get(k);
      const i = times?.findIndex((t) => Math.abs(t - s.startedAt) <= SAME_SOCKET_MS) ?? -1;
      if (times && i >= 0) {
        times.splice(i, 1);
        createdCount--;
        if (times.length === 0) created.delete(k);
        return false;
      }
      return true;
    },
  };
}

export type SocketSightings = ReturnType<typeof createSocketSightings>;


interface HarSocketLike {
  request?: { url?: unknown; headers?: unknown };
  response?: { status?: unknown };
  startedDateTime?: unknown;
  _resourceType?: unknown;
  _webSocketMessages?: unknown;
}

const isSocketUrl = (url: string) => /^wss?:\/\//i.test(url);

/**
 * The AppSync Events WebSocket a HAR entry of DevTools' network log describes, or null.
 * Read leniently: browsers differ in what they list (Chromium: `_resourceType: websocket`,
 * status 101, `_webSocketMessages`), and anything that is not a socket upgrade is ignored.
 */
export function socketOfHarEntry(raw: unknown): { url: string; startedAt: number; protocols: string[]; messages: number } | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const e = raw as HarSocketLike;
  const url = e.request?.url;
  if (typeof url !== 'string' || url.length > 8192) return null;
  const messages = Array.isArray(e._webSocketMessages) ? e._webSocketMessages.length : 0;
  const upgraded = e.response?.status === 101;
  if (!(e._resourceType === 'websocket' || isSocketUrl(url)) || !(upgraded || messages > 0)) return null;
  const startedAt = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : Number.NaN;
  if (!Number.isFinite(startedAt)) return null;
  const headers = Array.isArray(e.request?.headers) ? (e.request.headers as Array<{ name?: unknown; value?: unknown }>) : [];
  const offered = headers.find((h) => typeof h?.name === 'string' && h.name.toLowerCase() === 'sec-websocket-protocol')?.value;
  const protocols = typeof offered === 'string' ? offered.split(',').map((p) => p.trim()).filter(Boolean).slice(0, 64) : [];
  if (!isAppSyncEventsSocket(url, protocols)) return null;
  return { url, startedAt, protocols, messages };
}
