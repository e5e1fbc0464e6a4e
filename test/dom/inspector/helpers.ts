// A fixture session with every kind of frame, recorded through the real recorder into a
// fresh fake IndexedDB, so the inspector reads what the background would write.
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { createRecorder, createSession, type SessionRecord, type SessionsDb } from '../../../src/sessions/index.ts';

export { freshDb } from '../sessions/helpers.ts';

export const T0 = Date.UTC(2025, 0, 10, 12, 0, 0);

/** A conversation: connect, subscribe, data, ka, publish + ack, an error, an HTTP publish. */
export async function seedConversation(db: SessionsDb, opts: { name?: string; extraData?: number; keepSecrets?: boolean } = {}): Promise<SessionRecord> {
  const session = await createSession(db, { name: opts.name ?? 'chat', startedAt: T0, pageUrl: 'https://app.example.com/chat', pageTitle: 'Chat', source: 'live', keepSecrets: opts.keepSecrets ?? false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  const socketId = 'p1:1' as SocketId;
  let seq = 0;
  let t = T0;
  const base = () => ({ socketId, seq: seq++, t: (t += 10) });
  const send = (m: unknown): CaptureRecord => {
    const data = JSON.stringify(m);
    return { ...base(), kind: 'ws-send', data, size: data.length };
  };
  const recv = (m: unknown): CaptureRecord => {
    const data = JSON.stringify(m);
    return { ...base(), kind: 'ws-receive', data, size: data.length };
  };
  const records: CaptureRecord[] = [
    { ...base(), kind: 'ws-create', url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app.example.com/chat', appsync: true },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
    send({ type: 'connection_init' }),
    recv({ type: 'connection_ack', connectionTimeoutMs: 300000 }),
    send({ type: 'subscribe', id: 'sub-1', channel: '/default/room', authorization: { 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz', host: 'example.appsync-api.us-east-1.amazonaws.com' } }),
    recv({ type: 'subscribe_success', id: 'sub-1' }),
    recv({ type: 'ka' }),
    recv({ type: 'data', id: 'sub-1', event: JSON.stringify({ text: 'hello', nested: { deep: [1, 2, 3] } }) }),
    send({ type: 'publish', id: 'pub-1', channel: '/default/room', events: [JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })], authorization: { 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' } }),
    recv({ type: 'publish_success', id: 'pub-1', successful: [{ identifier: 'a', index: 0 }, { identifier: 'b', index: 1 }], failed: [] }),
    recv({ type: 'publish_error', id: 'pub-2', errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized' }] }),
    recv({ type: 'data', id: 'sub-1', event: '<img src=x onerror=alert(1)>' }),
  ];
  for (let i = 0; i < (opts.extraData ?? 0); i++) records.push(recv({ type: 'data', id: 'sub-1', event: JSON.stringify({ i, word: i % 2 ? 'odd' : 'even' }) }));
  records.push({
    ...base(),
    kind: 'http',
    method: 'POST',
    url: 'https://example.appsync-api.us-east-1.amazonaws.com/event',
    frameUrl: 'https://app.example.com/chat',
    requestHeaders: { 'content-type': 'application/json', 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz' },
    requestBody: JSON.stringify({ channel: '/default/room', events: [JSON.stringify({ via: 'http' })] }),
    status: 200,
    responseBody: JSON.stringify({ successful: [{ identifier: 'h1', index: 0 }], failed: [] }),
    startedAt: t + 5,
    duration: 12,
    via: 'fetch',
  } as CaptureRecord);
  await writer.append(records);
  return writer.finish(T0 + 60_000);
}

/** A session from WebSocket messages on one socket (`>` sent, `<` received), after connect and open. */
export async function seedMessages(db: SessionsDb, messages: ReadonlyArray<readonly ['>' | '<', unknown]>, name = 'messages', close?: { code: number; reason: string; wasClean: boolean }): Promise<SessionRecord> {
  const session = await createSession(db, { name, startedAt: T0, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  const socketId = 'p1:1' as SocketId;
  let seq = 0;
  const base = () => ({ socketId, seq, t: T0 + 10 * seq++ });
  const records: CaptureRecord[] = [
    { ...base(), kind: 'ws-create', url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app.example.com/', appsync: true },
    { ...base(), kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
  ];
  for (const [dir, m] of messages) {
    const data = JSON.stringify(m);
    records.push({ ...base(), kind: dir === '>' ? 'ws-send' : 'ws-receive', data, size: data.length });
  }
  if (close) records.push({ ...base(), kind: 'ws-close', ...close });
  await writer.append(records);
  return writer.finish(T0 + 60_000);
}

/**
 * A storage for a panel value kept in storage.local (block rules, saved filters): `initial`
 * is what "storage" holds, every save is kept in `saved`, and a save fails while `fail()`.
 */
export function memoryStorage<T>(initial?: unknown, fail?: () => boolean) {
  const saved: T[] = [];
  return {
    saved,
    load: () => Promise.resolve(initial),
    save: (v: T) => (fail?.() ? Promise.reject(new Error('QuotaExceededError')) : (saved.push(v), Promise.resolve())),
    watch: () => () => {},
  };
}
