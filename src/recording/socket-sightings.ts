// WebSocket handshakes the browser reports for a tab (webRequest), told apart from the
// sockets the page hook captured.
//
// No content script runs in a dedicated or shared worker, so a socket a worker opens never
// passes through the hook; the browser's webRequest events report its handshake like any
// other (Chromium and Firefox give a dedicated worker's the tab's id; a shared or service
// worker belongs to no tab, and its handshake counts for every tab of its origin). A
// sighting that no captured `ws-create` explains (same URL, start within SAME_SOCKET_MS) is
// one the recording is missing, and the session says so.
//
// Pure: the background feeds it the page's `ws-create` records and the sightings.

import { isAppSyncEventsSocket } from '../protocol/endpoints.ts';
import { offeredSubprotocols } from '../protocol/auth-header.ts';

/** How far apart the hook's `new WebSocket()` time and the handshake's may be. */
export const SAME_SOCKET_MS = 3_000;
/** At most this many captured sockets are remembered per tab. */
const MAX_REMEMBERED = 4_096;

export interface SocketSighting {
  readonly url: string;
  readonly startedAt: number;
}

/** A WebSocket handshake the browser reported, with the subprotocols it offered. */
export interface ObservedSocket extends SocketSighting {
  readonly protocols: readonly string[];
}

/** One URL spelling for both sides: `new WebSocket()` and the handshake may differ (default port, case). */
export function socketUrlKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

/** Whether two start times can be one socket's. */
const near = (a: number, b: number) => Math.abs(a - b) <= SAME_SOCKET_MS;

/** Whether one of `sockets` (e.g. those a session holds) is the sighted socket. */
export function explainsSighting(sockets: readonly SocketSighting[], s: SocketSighting): boolean {
  const k = socketUrlKey(s.url);
  return sockets.some((c) => near(c.startedAt, s.startedAt) && socketUrlKey(c.url) === k);
}

export function createSocketSightings() {
  // URL → creation times of captured sockets no sighting has matched yet.
  const created = new Map<string, number[]>();
  let createdCount = 0;
  // Sightings no capture has explained yet. The hook's record usually arrives first, but a
  // frame whose relay is still connecting (a cold service worker, a busy machine) reports
  // its socket later than the browser reports the handshake.
  const pending: Array<{ key: string; s: SocketSighting }> = [];

  return {
    /** A captured `new WebSocket(url)` at `t`: it explains a waiting sighting, or a later one. */
    sawCreate(url: string, t: number): void {
      const k = socketUrlKey(url);
      const waiting = pending.findIndex((p) => p.key === k && near(p.s.startedAt, t));
      if (waiting >= 0) {
        pending.splice(waiting, 1);
        return;
      }
      if (createdCount >= MAX_REMEMBERED) {
        created.clear();
        createdCount = 0;
      }
      const times = created.get(k) ?? [];
      times.push(t);
      created.set(k, times);
      createdCount++;
    },
    /**
     * A handshake the browser reported. False when a capture already explains it (and that
     * capture is consumed); true when none does yet: then it waits for `takeIfUncaptured`.
     */
    sighted(s: SocketSighting): boolean {
      const k = socketUrlKey(s.url);
      const times = created.get(k);
      const i = times?.findIndex((t) => near(t, s.startedAt)) ?? -1;
      if (times && i >= 0) {
        times.splice(i, 1);
        createdCount--;
        if (times.length === 0) created.delete(k);
        return false;
      }
      if (pending.length >= MAX_REMEMBERED) pending.shift();
      pending.push({ key: k, s });
      return true;
    },
    /** True when no capture explained the sighting since `sighted`: it is uncaptured. */
    takeIfUncaptured(s: SocketSighting): boolean {
      const i = pending.findIndex((p) => p.s === s);
      if (i < 0) return false;
      pending.splice(i, 1);
      return true;
    },
  };
}

export type SocketSightings = ReturnType<typeof createSocketSightings>;

const isSocketUrl = (url: string) => /^wss?:\/\//i.test(url);

interface SocketRequestLike {
  url?: unknown;
  timeStamp?: unknown;
  requestHeaders?: unknown;
  /** Chromium: the origin of the context that opened it. */
  initiator?: unknown;
  /** Firefox: the URL of the script or document that opened it. */
  originUrl?: unknown;
}

/** The header that offers subprotocols, from webRequest's `{ name, value }` list. */
function offeredProtocols(headers: unknown): string[] {
  const list = Array.isArray(headers) ? (headers as Array<{ name?: unknown; value?: unknown }>) : [];
  const offered = list.find((h) => typeof h?.name === 'string' && h.name.toLowerCase() === 'sec-websocket-protocol')?.value;
  return typeof offered === 'string' ? offeredSubprotocols(offered).slice(0, 64) : [];
}

/**
 * The AppSync Events WebSocket a `webRequest` event of type `websocket` describes (the
 * handshake's request, from any context of the tab, workers included), or null.
 */
export function socketOfRequest(raw: unknown): ObservedSocket | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const d = raw as SocketRequestLike;
  if (typeof d.url !== 'string' || d.url.length > 8192 || !isSocketUrl(d.url)) return null;
  if (typeof d.timeStamp !== 'number' || !Number.isFinite(d.timeStamp)) return null;
  const protocols = offeredProtocols(d.requestHeaders);
  if (!isAppSyncEventsSocket(d.url, protocols)) return null;
  return { url: d.url, startedAt: d.timeStamp, protocols };
}

/**
 * The origin that opened a handshake the browser reports for no tab (tabId -1: a shared or
 * service worker), or null. Chromium gives it as `initiator`, Firefox as `originUrl`.
 */
export function requestOrigin(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const d = raw as SocketRequestLike;
  const from = typeof d.initiator === 'string' ? d.initiator : typeof d.originUrl === 'string' ? d.originUrl : null;
  return from === null ? null : pageOrigin(from);
}

/** The http(s) origin of a URL, or null (opaque origins, extension pages, bad input). */
function pageOrigin(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}
