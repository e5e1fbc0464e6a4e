// HTTP publish (`POST /event`, reference 4) with an injected fetch, so it runs in the
// panel and under node. Never throws: network failures and timeouts are outcomes too.

import { parseJson, isRecord } from '../protocol/index.ts';
import { httpHeaders } from './auth.ts';
import { eventResults, serviceErrors } from './results.ts';
import type { PublishOutcome, ResolvedProfile } from './types.ts';
import type { WireListener } from './wire.ts';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface HttpPublishOptions {
  readonly profile: ResolvedProfile;
  readonly channel: string;
  /** Each event as JSON text. */
  readonly events: readonly string[];
  readonly fetch: FetchLike;
  readonly now?: () => number;
  readonly timeoutMs?: number;
  readonly onWire?: WireListener;
}

export async function httpPublish(o: HttpPublishOptions): Promise<PublishOutcome> {
  const now = o.now ?? Date.now;
  const started = now();
  const body = JSON.stringify({ channel: o.channel, events: o.events });
  const headers = await httpHeaders(o.profile, body, new Date(started));
  const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
  const timer = controller ? setTimeout(() => controller.abort(), o.timeoutMs ?? 15_000) : undefined;
  let status = 0;
  let text = '';
  let error: string | undefined;
  let errorType: string | null = null;
  try {
    const res = await o.fetch(o.profile.httpUrl, { method: 'POST', headers, body, ...(controller ? { signal: controller.signal } : {}) });
    status = res.status;
    errorType = res.headers.get('x-amzn-errortype');
    text = await res.text();
  } catch (e) {
    error = controller?.signal.aborted ? 'Timeout' : e instanceof Error ? e.message : String(e);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  const durationMs = now() - started;
  o.onWire?.({
    kind: 'http',
    stream: 'http',
    t: started,
    url: o.profile.httpUrl,
    method: 'POST',
    frameUrl: '',
    requestHeaders: headers,
    requestBody: body,
    status,
    responseBody: text,
    startedAt: started,
    duration: durationMs,
    ...(error !== undefined ? { error } : {}),
    via: 'fetch',
  });
  if (error !== undefined) {
    const timeout = error === 'Timeout';
    return {
      ok: false,
      transport: 'http',
      status: 0,
      errors: [{ errorType: timeout ? 'Timeout' : 'NetworkError', message: timeout ? 'No response in time.' : error }],
      durationMs,
    };
  }
  const parsed = parseJson(text);
  const json = parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
  if (status >= 200 && status < 300 && json) {
    return { ok: true, transport: 'http', status, events: eventResults(o.events.length, json), durationMs };
  }
  const errors = serviceErrors(json);
  if (errors.length === 0) errors.push({ ...(errorType ? { errorType: errorType.split(':')[0] } : {}), message: `HTTP ${status}` });
  return { ok: false, transport: 'http', status, errors, ...(json ? {} : { body: text.slice(0, 4096) }), durationMs };
}
