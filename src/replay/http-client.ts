// A minimal HTTP publish client (`POST …/event`, reference 4) for an endpoint given by URL
// and API key, with an injected fetch. Profiles with every auth mode and the WebSocket
// transport come from the pub/sub console's client (see pubsub-client.ts); this one keeps
// replay usable against an API key endpoint (the local emulator) on its own.

import { isRecord, parseJson } from '../protocol/json.ts';
import type { PublishAnswer, PublishClient } from './targets.ts';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ readonly status: number; text(): Promise<string> }>;

export interface HttpClientOptions {
  /** The HTTP endpoint, `https://…/event`. */
  readonly url: string;
  readonly apiKey?: string;
  /** Other auth headers (e.g. `authorization` for Lambda or JWT modes). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch: FetchLike;
  readonly timeoutMs?: number;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The service's answer, read leniently (reference 3.3 and 11.2: `code` string or number). */
export function readHttpAnswer(status: number, text: string, requestText: string): PublishAnswer {
  const parsed = parseJson(text);
  const body = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
  const errors = list(body['errors'])
    .filter(isRecord)
    .map((e) => ({
      ...(typeof e['errorType'] === 'string' ? { errorType: e['errorType'] } : {}),
      ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
    }));
  const index = (e: Record<string, unknown>) => (typeof e['index'] === 'number' ? e['index'] : -1);
  return {
    status,
    errors,
    successful: list(body['successful']).filter(isRecord).map((e) => ({ index: index(e) })),
    failed: list(body['failed'])
      .filter(isRecord)
      .map((e) => {
        const code = e['code'] ?? e['errorCode'];
        const message = e['message'] ?? e['errorMessage'];
        return {
          index: index(e),
          ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
          ...(typeof message === 'string' ? { message } : {}),
        };
      }),
    requestText,
    responseText: text,
  };
}

export function httpPublishClient(options: HttpClientOptions): PublishClient {
  return {
    transport: 'http',
    url: options.url,
    async publish(channel, events, signal) {
      const body = JSON.stringify({ channel, events });
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.headers ?? {}) };
      if (options.apiKey) headers['x-api-key'] = options.apiKey;
      const timeout = new AbortController();
      const onAbort = () => timeout.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? 15_000);
      try {
        const res = await options.fetch(options.url, { method: 'POST', headers, body, signal: timeout.signal });
        return readHttpAnswer(res.status, await res.text(), body);
      } catch (e) {
        throw new Error(timeout.signal.aborted ? 'no response within the timeout' : e instanceof Error ? e.message : String(e));
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
