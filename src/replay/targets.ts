// The three destinations of a replay: an endpoint (through a publish client), the inspected
// page's socket as incoming data (injection), and the page's socket as outgoing publishes.
// The page targets go through the panel's commands to the background (see PageCommands);
// none of this touches the network or extension APIs itself.

import { channelMatches, normalizeChannel, parseChannel } from '../protocol/channel.ts';
import { MAX_EVENT_BYTES, MAX_EVENTS_PER_PUBLISH, MAX_PUBLISH_REQUEST_BYTES, MAX_PUBLISHES_PER_SECOND_PER_CONNECTION } from '../protocol/limits.ts';
import type { PageAck } from './ack-watch.ts';
import type { LiveSubscription } from './live-subscriptions.ts';
import type { EventFailure, InjectedFrame, ReplaySend, ReplayTarget, SendOutcome } from './types.ts';

// ---- page commands ----

/** The answer to a command sent to the page (see the `commandCompleted` message). */
export type CommandAnswer = { readonly ok: true } | { readonly ok: false; readonly error: string } | { readonly unconfirmed: true; readonly error?: string };

export interface PageCommands {
  injectIncoming(socketId: string, data: string): Promise<CommandAnswer>;
  sendOnSocket(socketId: string, data: string): Promise<CommandAnswer>;
}

function outcomeOf(answers: readonly CommandAnswer[]): { status: SendOutcome['status']; error?: string } {
  for (const a of answers) if ('ok' in a && !a.ok) return { status: 'failed', error: a.error };
  for (const a of answers) if ('unconfirmed' in a) return { status: 'unconfirmed', error: a.error ?? 'the page did not confirm in time' };
  return { status: 'delivered' };
}

/** Subscriptions that receive an event on `channel` (a concrete channel or a pattern). */
export function subscriptionsFor(subs: readonly LiveSubscription[], channel: string): LiveSubscription[] {
  const c = normalizeChannel(channel);
  return subs.filter((s) => s.channel === c || channelMatches(s.channel, c));
}

/**
 * Injection: each event becomes one `data` frame per live subscription that covers its
 * channel, delivered to the page's listeners as if the service had sent it. No network.
 */
export function injectTarget(commands: PageCommands, subs: readonly LiveSubscription[], now: () => number = Date.now): ReplayTarget {
  return {
    kind: 'inject',
    // Each event is its own data frame; grouping only saves round trips to the page.
    maxEventsPerSend: MAX_EVENTS_PER_PUBLISH,
    channelProblem(channel) {
      return subscriptionsFor(subs, channel).length === 0 ? `no live subscription of the page covers ${channel}` : undefined;
    },
    async send(send: ReplaySend): Promise<SendOutcome> {
      const startedAt = now();
      const targets = subscriptionsFor(subs, send.channel);
      const injected: InjectedFrame[] = [];
      for (const event of send.events) {
        for (const s of targets) {
          injected.push({
            socketId: s.socketId,
            ...(s.socketUrl !== undefined ? { socketUrl: s.socketUrl } : {}),
            subscriptionId: s.id,
            channel: s.channel,
            frame: JSON.stringify({ id: s.id, type: 'data', event }),
          });
        }
      }
      const answers = await Promise.all(injected.map((f) => commands.injectIncoming(f.socketId, f.frame)));
      const { status, error } = outcomeOf(answers);
      return {
        status,
        ...(error !== undefined ? { error } : {}),
        wire: { kind: 'inject', sent: injected.map((f) => f.frame), received: [], injected, startedAt, duration: now() - startedAt },
      };
    },
  };
}

const publishLimits = {
  maxEventsPerSend: MAX_EVENTS_PER_PUBLISH,
  maxEventBytes: MAX_EVENT_BYTES,
  maxSendBytes: MAX_PUBLISH_REQUEST_BYTES,
  maxSendsPerSecond: MAX_PUBLISHES_PER_SECOND_PER_CONNECTION,
};

function publishChannelProblem(channel: string): string | undefined {
  const parsed = parseChannel(channel);
  if (parsed.ok) return undefined;
  return parsed.reason.includes('wildcard')
    ? `${channel} is a subscription pattern; map it to a concrete channel to publish`
    : `channel ${channel}: ${parsed.reason}`;
}

let publishIds = 0;
/** Operation ids must match [a-zA-Z0-9-_+]{1,128} (reference 3.1). */
function publishId(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  return `replay-${publishIds++}-${random}`;
}

/**
 * The `authorization` of a publish on the page's socket, from the page's own credential for
 * that socket (its last auth headers, held by the background in memory only). API keys and
 * tokens are reusable as they are; an IAM signature covers one body and one time, so it is
 * not (undefined: the caller says so).
 */
export function reusableAuthorization(headers: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const host: Record<string, string> = headers['host'] !== undefined ? { host: headers['host'] } : {};
  const auth = headers['authorization'];
  if (auth?.startsWith('AWS4-')) return undefined;
  if (headers['x-api-key']) return { ...host, 'x-api-key': headers['x-api-key'] };
  if (auth) return { ...host, authorization: auth };
  return undefined;
}

/** How the socket target learns the service's answer to a publish it made the page send. */
export interface SocketAcks {
  wait(socketId: string, id: string, timeoutMs: number): Promise<PageAck | undefined>;
}

/** How long the socket target waits for the page's socket to receive the answer. */
export const SOCKET_ACK_TIMEOUT_MS = 10_000;

/**
 * Publishing on the page's own socket: the page's hook sends a `publish` frame on it, and
 * the service's `publish_success` / `publish_error` for that id, received by the page's
 * socket and recorded in its live session, is the send's verdict. Without an answer in
 * time the send is "unconfirmed" (it went out; nobody saw it land), never success.
 */
export function socketTarget(
  commands: PageCommands,
  socket: { readonly socketId: string; readonly url?: string },
  authorization?: Readonly<Record<string, string>>,
  now: () => number = Date.now,
  acks?: SocketAcks,
  ackTimeoutMs = SOCKET_ACK_TIMEOUT_MS,
): ReplayTarget {
  return {
    kind: 'socket',
    ...publishLimits,
    channelProblem: publishChannelProblem,
    async send(send: ReplaySend): Promise<SendOutcome> {
      const startedAt = now();
      const id = publishId();
      const frame = JSON.stringify({
        type: 'publish',
        id,
        channel: send.channel,
        events: send.events,
        ...(authorization ? { authorization } : {}),
      });
      // The result session keeps the frame without its authorization (it may be a secret).
      const recorded = JSON.stringify({ type: 'publish', id, channel: send.channel, events: send.events });
      const handed = outcomeOf([await commands.sendOnSocket(socket.socketId, frame)]);
      const wire = (received: string[]) => ({ kind: 'ws' as const, ...(socket.url !== undefined ? { url: socket.url } : {}), sent: [recorded], received, startedAt, duration: now() - startedAt });
      if (handed.status !== 'delivered' || !acks) {
        return { status: handed.status, ...(handed.error !== undefined ? { error: handed.error } : {}), wire: wire([]) };
      }
      const ack = await acks.wait(socket.socketId, id, ackTimeoutMs);
      if (!ack) return { status: 'unconfirmed', error: `the page's socket sent it; no publish_success within ${ackTimeoutMs / 1000} s`, wire: wire([]) };
      if (ack.type !== 'publish_success') {
        const first = ack.errors[0];
        const error = first ? [first.errorType, first.message].filter(Boolean).join(': ') : ack.type;
        const throttled = ack.errors.some((e) => THROTTLE.test(e.errorType ?? '') || THROTTLE.test(e.message ?? ''));
        return { status: 'failed', error, wire: wire([ack.frame]), ...(throttled ? { throttled: true } : {}) };
      }
      const failedEvents = failuresOf(ack.failed);
      return { status: 'acknowledged', ...(failedEvents.length > 0 ? { failedEvents } : {}), wire: wire([ack.frame]) };
    },
  };
}

function failuresOf(failed: readonly { readonly index: number; readonly code?: string | number; readonly message?: string }[]): EventFailure[] {
  return failed.map((f) => ({
    index: f.index,
    reason: [f.code, f.message].filter((x) => x !== undefined && x !== '').join(': ') || 'rejected by the service',
  }));
}

// ---- endpoint ----

/** What a publish client answers (HTTP response or WebSocket publish_success/publish_error). */
export interface PublishAnswer {
  /** Request-level errors (HTTP error body or publish_error); empty on success. */
  readonly errors?: readonly { readonly errorType?: string; readonly message?: string }[];
  readonly status?: number;
  readonly successful?: readonly { readonly index: number }[];
  readonly failed?: readonly { readonly index: number; readonly code?: string | number; readonly message?: string }[];
  /** The texts exchanged, for the result session (auth headers are never part of them). */
  readonly requestText?: string;
  readonly responseText?: string;
}

/** A client that publishes to a configured endpoint (profile, auth and transport are its business). */
export interface PublishClient {
  readonly transport: 'http' | 'ws';
  readonly url: string;
  publish(channel: string, events: readonly string[], signal: AbortSignal): Promise<PublishAnswer>;
  close?(): void | Promise<void>;
}

const THROTTLE = /LimitExceeded|Throttl|TooManyRequests|RateExceeded/i;

export function isThrottle(answer: PublishAnswer): boolean {
  return answer.status === 429 || (answer.errors ?? []).some((e) => THROTTLE.test(e.errorType ?? '') || THROTTLE.test(e.message ?? ''));
}

export function endpointTarget(client: PublishClient, now: () => number = Date.now): ReplayTarget {
  return {
    kind: 'endpoint',
    ...publishLimits,
    channelProblem: publishChannelProblem,
    async send(send: ReplaySend, signal: AbortSignal): Promise<SendOutcome> {
      const startedAt = now();
      let answer: PublishAnswer;
      try {
        answer = await client.publish(send.channel, send.events, signal);
      } catch (e) {
        return { status: 'failed', error: e instanceof Error ? e.message : String(e) };
      }
      const wire = {
        kind: client.transport,
        url: client.url,
        sent: answer.requestText !== undefined ? [answer.requestText] : [],
        received: answer.responseText !== undefined ? [answer.responseText] : [],
        ...(answer.status !== undefined ? { status: answer.status } : {}),
        startedAt,
        duration: now() - startedAt,
      };
      const errors = answer.errors ?? [];
      if (errors.length > 0 || (answer.status !== undefined && answer.status >= 400)) {
        const first = errors[0];
        const error = first ? [first.errorType, first.message].filter(Boolean).join(': ') : `HTTP ${answer.status}`;
        return { status: 'failed', error, wire, ...(isThrottle(answer) ? { throttled: true } : {}) };
      }
      const failedEvents = failuresOf(answer.failed ?? []);
      return { status: 'acknowledged', ...(failedEvents.length > 0 ? { failedEvents } : {}), wire };
    },
    close: () => client.close?.(),
  };
}
