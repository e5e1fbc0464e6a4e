// Endpoint URLs (reference 1, 9.3) and the cheap checks the page hook uses to decide what to
// capture. The checks run on every WebSocket and fetch in the page, so they do string work
// only: no URL parsing, no JSON parsing.

import { APPSYNC_EVENTS_SUBPROTOCOL } from './auth-header.ts';

export type EndpointInfo =
  | {
      readonly ok: true;
      /** Which of the two endpoints the URL points at. */
      readonly kind: 'http' | 'realtime';
      /** True for any host that is not an AppSync default domain. */
      readonly custom: boolean;
      /** host[:port] as in the URL. */
      readonly host: string;
      readonly region?: string;
      /** The DNS prefix of a default domain; not the API id (reference 1). */
      readonly dnsId?: string;
      /** `.amazonaws.com.cn` default domain. */
      readonly china: boolean;
      readonly httpUrl: string;
      readonly realtimeUrl: string;
    }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_HOST = /^([a-z0-9]+)\.appsync-(api|realtime-api)\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}

function swapHost(host: string, to: 'api' | 'realtime-api'): string {
  const hostname = host.replace(/:\d+$/, '');
  const port = host.slice(hostname.length);
  const m = DEFAULT_HOST.exec(hostname);
  if (!m) return host;
  return `${m[1]}.appsync-${to}.${m[3]}.amazonaws.com${m[4] ?? ''}${port}`;
}

/**
 * The WebSocket URL for an HTTP endpoint. https→wss and http→ws (unlike Amplify, which
 * forces wss: a plain local emulator needs ws). The path becomes `…/event/realtime` whether or
 * not `/event` was given; query and fragment are dropped because AppSync uses neither.
 * A real-time URL passes through normalised. Undefined for unusable input.
 */
export function realtimeUrlFromHttp(url: string): string | undefined {
  const u = parseUrl(url);
  if (!u) return undefined;
  const scheme = { 'https:': 'wss', 'http:': 'ws', 'wss:': 'wss', 'ws:': 'ws' }[u.protocol];
  if (!scheme || !u.host) return undefined;
  let path = trimSlashes(u.pathname);
  if (!path.endsWith('/event/realtime')) path += path.endsWith('/event') ? '/realtime' : '/event/realtime';
  return `${scheme}://${swapHost(u.host, 'realtime-api')}${path}`;
}

/** The HTTP publish URL for a real-time URL: the inverse of realtimeUrlFromHttp. */
export function httpUrlFromRealtime(url: string): string | undefined {
  const u = parseUrl(url);
  if (!u) return undefined;
  const scheme = { 'wss:': 'https', 'ws:': 'http', 'https:': 'https', 'http:': 'http' }[u.protocol];
  if (!scheme || !u.host) return undefined;
  let path = trimSlashes(u.pathname);
  if (path.endsWith('/realtime')) path = path.slice(0, -'/realtime'.length);
  if (!path.endsWith('/event')) path += '/event';
  return `${scheme}://${swapHost(u.host, 'api')}${path}`;
}

/** Region, DNS prefix and kind of an endpoint URL; custom domains have no region. */
export function parseEndpoint(url: string): EndpointInfo {
  const u = parseUrl(url);
  if (!u) return { ok: false, reason: 'not a URL' };
  if (!['https:', 'http:', 'wss:', 'ws:'].includes(u.protocol)) {
    return { ok: false, reason: `unsupported scheme ${u.protocol}` };
  }
  const httpUrl = httpUrlFromRealtime(url);
  const realtimeUrl = realtimeUrlFromHttp(url);
  if (!httpUrl || !realtimeUrl) return { ok: false, reason: 'no host' };
  const m = DEFAULT_HOST.exec(u.hostname);
  const path = trimSlashes(u.pathname);
  const kind = m
    ? m[2] === 'realtime-api'
      ? 'realtime'
      : 'http'
    : path.endsWith('/realtime') || u.protocol === 'wss:' || u.protocol === 'ws:'
      ? 'realtime'
      : 'http';
  if (!m) return { ok: true, kind, custom: true, host: u.host, china: false, httpUrl, realtimeUrl };
  return {
    ok: true,
    kind,
    custom: false,
    host: u.host,
    region: m[3] ?? '',
    dnsId: m[1] ?? '',
    china: m[4] !== undefined,
    httpUrl,
    realtimeUrl,
  };
}

/** The path of an absolute or relative URL, without query, fragment or trailing slashes. */
function pathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme !== -1 && scheme < 12) {
    start = url.indexOf('/', scheme + 3);
    if (start === -1) return '';
  }
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q !== -1) end = q;
  const h = url.indexOf('#', start);
  if (h !== -1 && h < end) end = h;
  while (end > start && url.charCodeAt(end - 1) === 47) end--;
  return url.slice(start, end);
}

/**
 * Is this `new WebSocket(url, protocols)` AppSync Events? The subprotocol is the reliable
 * signal (GraphQL real-time uses `graphql-ws`); the path covers clients that send auth in
 * upgrade headers only. Never throws.
 */
export function isAppSyncEventsSocket(url: string, protocols: readonly string[]): boolean {
  try {
    if (Array.isArray(protocols) && protocols.includes(APPSYNC_EVENTS_SUBPROTOCOL)) return true;
    if (typeof protocols === 'string' && protocols === APPSYNC_EVENTS_SUBPROTOCOL) return true;
    return typeof url === 'string' && pathOf(url).endsWith('/event/realtime');
  } catch {
    return false;
  }
}

const SNIFF = 4096;

/**
 * Is this request an HTTP publish? POST to a path ending in `/event`; when the body is a
 * string it must look like `{"channel":…,"events":…}`. Only the first and last 4 KB are
 * looked at: whichever key comes second follows a small value or precedes the end, so both
 * keys fall in those windows for any real publish body, however large the events are.
 */
export function isHttpPublish(method: string, url: string, body?: string): boolean {
  try {
    if (typeof method !== 'string' || method.toUpperCase() !== 'POST') return false;
    if (typeof url !== 'string' || !pathOf(url).endsWith('/event')) return false;
    if (typeof body !== 'string') return true;
    const head = body.length <= 2 * SNIFF ? body : body.slice(0, SNIFF);
    const tail = body.length <= 2 * SNIFF ? '' : body.slice(-SNIFF);
    if (!/^\s*\{/.test(head)) return false;
    const has = (key: string) => head.includes(`"${key}"`) || tail.includes(`"${key}"`);
    return has('channel') && has('events');
  } catch {
    return false;
  }
}
