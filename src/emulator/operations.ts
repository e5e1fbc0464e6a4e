// The three client operations of the realtime protocol (reference 3.2): subscribe,
// unsubscribe and publish, each authorized on its own against the namespace's modes.

import { isRecord } from '../protocol/json.ts';
import { virtualSignedRequest } from './auth/index.ts';
import { UNAUTHORIZED, checkChannel, checkEventsShape, judgeEvents } from './publish.ts';
import type { ProtocolError } from './publish.ts';
import type { RealtimeConnection, RealtimeContext } from './realtime.ts';

function operationAuth(msg: Record<string, unknown>): Record<string, unknown> {
  // A missing authorization is checked as empty, i.e. denied: the docs require one per
  // operation, and falling back to the connection auth would hide client bugs.
  const auth = msg['authorization'];
  return isRecord(auth) ? auth : {};
}

export async function subscribe(ctx: RealtimeContext, conn: RealtimeConnection, id: string, msg: Record<string, unknown>): Promise<void> {
  const fail = (e: ProtocolError): void => conn.send({ type: 'subscribe_error', id, errors: [e] });
  const ch = checkChannel(ctx.config, msg['channel'], true);
  if (!ch.ok) return fail(ch.error);
  const headers = operationAuth(msg);
  const decision = await ctx.authorizer.authorize({
    operation: 'subscribe',
    modes: ch.namespace.subscribeAuthModes,
    headers,
    channel: ch.channel,
    namespace: ch.namespace.name,
    signedRequest: () => virtualSignedRequest(headers, JSON.stringify({ channel: msg['channel'] })),
  });
  ctx.log.add({ kind: 'auth', connId: conn.id, operation: 'subscribe', ...decision });
  if (!decision.ok) return fail(UNAUTHORIZED);
  if (ctx.broker.get(conn.id, id)) {
    // The docs only say the subscription is reported as duplicated; the errorType is
    // UNKNOWN, so we use the AppSync GraphQL realtime analogue (reference 3.1).
    return fail({ errorType: 'DuplicatedOperationError', message: `Duplicated subscription id ${id}` });
  }
  const max = ctx.config.limits.maxSubscriptionsPerConnection;
  if (ctx.broker.count(conn.id) >= max) {
    return fail({ errorType: 'MaxSubscriptionsReachedError', message: `Maximum number of subscriptions (${max}) reached` });
  }
  ctx.broker.add({
    connId: conn.id,
    subId: id,
    channel: ch.channel,
    namespace: ch.namespace.name,
    send: (text) => conn.sendRaw(text),
  });
  conn.sendAck('subscribe_success', { id, type: 'subscribe_success' });
}

export function unsubscribe(ctx: RealtimeContext, conn: RealtimeConnection, id: string): void {
  if (!ctx.broker.remove(conn.id, id)) {
    conn.send({
      type: 'unsubscribe_error',
      id,
      errors: [{ errorType: 'UnknownOperationError', message: `Unknown operation id ${id}` }],
    });
    return;
  }
  conn.sendAck('unsubscribe_success', { type: 'unsubscribe_success', id });
}

export async function publish(ctx: RealtimeContext, conn: RealtimeConnection, id: string, msg: Record<string, unknown>): Promise<void> {
  const fail = (e: ProtocolError): void => conn.send({ id, type: 'publish_error', errors: [e] });
  if (conn.rateLimited()) return fail({ errorType: 'LimitExceededError', message: 'Rate limit exceeded' });
  const ch = checkChannel(ctx.config, msg['channel'], false);
  if (!ch.ok) return fail(ch.error);
  // Over the socket, malformed or oversized batches are InvalidInputError (Android's
  // description, reference 6); the exact frame is UNKNOWN.
  const shape = checkEventsShape(ctx.config, msg['events']);
  if (!shape.ok) return fail({ errorType: 'InvalidInputError', message: shape.message });
  const headers = operationAuth(msg);
  const decision = await ctx.authorizer.authorize({
    operation: 'publish',
    modes: ch.namespace.publishAuthModes,
    headers,
    channel: ch.channel,
    namespace: ch.namespace.name,
    // The signed body is rebuilt from the parsed frame with JSON.stringify; the service
    // re-serialises too (reference 2.2, issue #400), but our escaping keeps `<`/`>` intact.
    signedRequest: () =>
      virtualSignedRequest(headers, JSON.stringify({ channel: msg['channel'], events: msg['events'] })),
  });
  ctx.log.add({ kind: 'auth', connId: conn.id, operation: 'publish', ...decision });
  if (!decision.ok) return fail(UNAUTHORIZED);
  const rejection = ctx.faults.takePublishRejection();
  if (rejection) return fail(rejection);
  const verdict = judgeEvents(ctx.config, shape.events);
  // publish_success goes out before the data frames, the order Amplify observed (reference 9.5).
  conn.sendAck('publish_success', {
    id,
    type: 'publish_success',
    successful: verdict.successful,
    failed: verdict.failed,
  });
  ctx.broker.deliver(ch.channel, ch.namespace.name, verdict.accepted);
}
