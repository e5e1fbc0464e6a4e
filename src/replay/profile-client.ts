// The endpoint target's publish client: an endpoint profile of the pub/sub engine
// (src/pubsub: every auth mode, SigV4 included) publishing over HTTP (`POST /event`) or over
// one WebSocket kept for the whole run. Replay has no HTTP or WebSocket client of its own,
// so what the console can reach, replay can reach, with the same auth.

import { isRecord, parseJson } from '../protocol/json.ts';
import { createEventsClient, httpPublish, type EventsClient, type FetchLike, type PublishOutcome, type ResolvedProfile, type WebSocketFactory, type WireEvent } from '../pubsub/index.ts';
import type { PublishAnswer, PublishClient } from './targets.ts';

export interface ProfileClientOptions {
  readonly profile: ResolvedProfile;
  readonly transport: 'http' | 'ws';
  /** Needed for HTTP. */
  readonly fetch?: FetchLike;
  /** Needed for the WebSocket. */
  readonly WebSocket?: WebSocketFactory;
  /** Per publish; the pub/sub engine's default (15 s) otherwise. */
  readonly timeoutMs?: number;
}

/** A publish frame as recorded in the result session: its `authorization` is left out, since it may hold a secret. */
function withoutAuthorization(frameText: string): string {
  const parsed = parseJson(frameText);
  if (!parsed.ok || !isRecord(parsed.value)) return frameText;
  const { authorization: _auth, ...rest } = parsed.value;
  return JSON.stringify(rest);
}

/** The pub/sub engine's verdict in the shape the endpoint target counts. */
export function answerOf(outcome: PublishOutcome, requestText: string | undefined, responseText: string | undefined): PublishAnswer {
  const texts = { ...(requestText !== undefined ? { requestText } : {}), ...(responseText !== undefined ? { responseText } : {}) };
  if (!outcome.ok) {
    return {
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      // A request that never got an answer has no status a reader could take for success.
      errors: outcome.errors.length > 0 ? outcome.errors : [{ errorType: 'Error', message: 'the publish was refused' }],
      ...texts,
    };
  }
  return {
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
    errors: [],
    successful: outcome.events.filter((e) => e.ok).map((e) => ({ index: e.index })),
    failed: outcome.events
      .filter((e) => !e.ok)
      .map((e) => {
        const code = e.errorType ?? e.code;
        return { index: e.index, ...(code !== undefined ? { code } : {}), ...(e.message !== undefined ? { message: e.message } : {}) };
      }),
    ...texts,
  };
}

export function profilePublishClient(o: ProfileClientOptions): PublishClient {
  if (o.transport === 'http') {
    const fetcher = o.fetch;
    if (!fetcher) throw new Error('HTTP publishing needs fetch');
    return {
      transport: 'http',
      url: o.profile.httpUrl,
      async publish(channel, events) {
        let wire: Extract<WireEvent, { kind: 'http' }> | undefined;
        const outcome = await httpPublish({
          profile: o.profile,
          channel,
          events,
          fetch: fetcher,
          ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
          onWire: (e) => {
            if (e.kind === 'http') wire = e;
          },
        });
        const response = wire?.responseBody;
        return answerOf(outcome, JSON.stringify({ channel, events }), typeof response === 'string' ? response : undefined);
      },
    };
  }
  const factory = o.WebSocket;
  if (!factory) throw new Error('WebSocket publishing needs a WebSocket');
  // Sends are one at a time (the runner awaits each), so the frames seen between a
  // publish's start and its verdict are that publish's.
  let current: { sent?: string; id?: string; received?: string } | null = null;
  let client: EventsClient | null = null;
  const onWire = (e: WireEvent) => {
    if (!current || !('data' in e) || typeof e.data !== 'string') return;
    if (e.kind === 'ws-send') {
      const f = parseJson(e.data);
      if (f.ok && isRecord(f.value) && f.value['type'] === 'publish') {
        current.sent = withoutAuthorization(e.data);
        if (typeof f.value['id'] === 'string') current.id = f.value['id'];
      }
    } else if (e.kind === 'ws-receive' && current.id !== undefined) {
      const f = parseJson(e.data);
      if (f.ok && isRecord(f.value) && f.value['id'] === current.id) current.received = e.data;
    }
  };
  return {
    transport: 'ws',
    url: o.profile.realtimeUrl,
    async publish(channel, events) {
      client ??= createEventsClient({
        profile: o.profile,
        WebSocket: factory,
        onWire,
        ...(o.timeoutMs !== undefined ? { operationTimeoutMs: o.timeoutMs, ackTimeoutMs: o.timeoutMs } : {}),
      });
      current = {};
      try {
        const outcome = await client.publish(channel, events);
        return answerOf(outcome, current.sent, current.received);
      } finally {
        current = null;
      }
    },
    close() {
      client?.close(1000, 'replay ended');
      client = null;
    },
  };
}
