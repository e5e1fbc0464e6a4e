// HTTP publishes recorded as the page tap emits them: the request at its start (before the
// data frames it causes), the response as its own record naming the request's seq.
import { describe, expect, it } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { exportHar } from '../../../src/sessions/export-har.ts';
import { importSession } from '../../../src/sessions/import-session.ts';
import { readFramePage } from '../../../src/sessions/queries.ts';
import { createRecorder } from '../../../src/sessions/recorder.ts';
import { createSession } from '../../../src/sessions/session-ops.ts';
import { textOf } from './export-import-helpers.ts';
import { classify, conversation, freshDb, HTTP_URL, redact, SocketScript } from './helpers.ts';

const http = 'p:http' as SocketId;

function publish(seq: number, t: number, channel: string): CaptureRecord {
  return {
    socketId: http,
    seq,
    t,
    kind: 'http-request',
    url: HTTP_URL,
    method: 'POST',
    frameUrl: 'https://app.test/',
    requestHeaders: { 'content-type': 'application/json', 'x-amz-user-agent': 'aws-amplify/6.22.1', 'x-amz-date': '20261203T000000Z', 'content-length': '40' },
    requestBody: JSON.stringify({ channel, events: ['"x"'] }),
    via: 'fetch',
  };
}

function answer(seq: number, request: number, t: number, status = 200): CaptureRecord {
  return {
    socketId: http,
    seq,
    t,
    kind: 'http-response',
    request,
    url: HTTP_URL,
    status,
    responseHeaders: status === 200 ? { 'content-type': 'application/json' } : { 'x-amzn-errortype': 'UnauthorizedException', 'x-amzn-requestid': 'abc-123' },
    responseBody: status === 200 ? '{"failed":[],"successful":[{"identifier":"i","index":0}]}' : '{"errors":[{"errorType":"UnauthorizedException"}]}',
    duration: 10,
  };
}

async function recorded() {
  const db = await freshDb();
  const s = await createSession(db, { name: 'publishes' });
  const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
  const sock = new SocketScript('p:1');
  const recs = conversation(sock, '/default/*', 's1', 0);
  const t0 = sock.t;
  recs.push(publish(0, t0 + 1, '/default/a'));
  recs.push(publish(1, t0 + 2, '/default/b'));
  sock.t = t0 + 3;
  recs.push(sock.receive({ type: 'data', id: 's1', event: '"x"' }), sock.receive({ type: 'data', id: 's1', event: '"y"' }));
  // Answered out of order: the second request first.
  recs.push(answer(2, 1, t0 + 12, 401), answer(3, 0, t0 + 13));
  await rec.append(recs);
  await rec.finish();
  return { db, s, t0 };
}

describe('HTTP publish records', () => {
  it('stores the request before the data frames it caused, and the response with its request', async () => {
    const { db, s } = await recorded();
    const frames = await readFramePage(db, s.id, { offset: 0, limit: 100 });
    const http = frames.filter((f) => f.conn.startsWith('http '));
    expect(frames.map((f) => f.dir)).toEqual(['connecting', 'open', 'send', 'receive', 'http-request', 'http-request', 'receive', 'receive', 'http-response', 'http-response']);
    // Position order is time order.
    expect(frames.map((f) => f.t)).toEqual([...frames.map((f) => f.t)].sort((a, b) => a - b));
    expect(http.map((f) => [f.dir, f.seq, f.extra?.request, f.channel])).toEqual([
      ['http-request', 0, undefined, '/default/a'],
      ['http-request', 1, undefined, '/default/b'],
      ['http-response', 2, 1, '/default/b'],
      ['http-response', 3, 0, '/default/a'],
    ]);
    expect(http[0]?.extra?.headers).toEqual({ 'content-type': 'application/json', 'x-amz-user-agent': 'aws-amplify/6.22.1', 'x-amz-date': '20261203T000000Z', 'content-length': '40' });
    expect(http[2]?.extra?.headers).toEqual({ 'x-amzn-errortype': 'UnauthorizedException', 'x-amzn-requestid': 'abc-123' });
  });

  it('HAR export pairs each request with its response and merges entries by time', async () => {
    const { db, s, t0 } = await recorded();
    type Entry = { startedDateTime: string; request: { url: string; headers: { name: string; value: string }[]; postData?: { text: string } }; response: { status: number; headers: { name: string; value: string }[] } };
    const har = JSON.parse(await textOf(await exportHar(db, s.id, { redact }))) as { log: { entries: Entry[] } };
    const entries = har.log.entries;
    expect(entries.map((e) => [e.request.url.startsWith('wss:') ? 'ws' : 'http', e.response.status])).toEqual([
      ['ws', 101],
      ['http', 200],
      ['http', 401],
    ]);
    expect(entries.map((e) => Date.parse(e.startedDateTime))).toEqual([expect.any(Number), t0 + 1, t0 + 2]);
    expect(entries[2]?.response.headers).toEqual([
      { name: 'x-amzn-errortype', value: 'UnauthorizedException' },
      { name: 'x-amzn-requestid', value: 'abc-123' },
    ]);
    expect(entries[1]?.request.headers).toContainEqual({ name: 'x-amz-user-agent', value: 'aws-amplify/6.22.1' });

    // A HAR import keeps the same request and response headers.
    const copy = await importSession(db, JSON.stringify(har), { classify, redact });
    const frames = await readFramePage(db, copy.session.id, { offset: 0, limit: 100 });
    const res = frames.find((f) => f.dir === 'http-response' && f.extra?.status === 401);
    expect(res?.extra?.headers).toEqual({ 'x-amzn-errortype': 'UnauthorizedException', 'x-amzn-requestid': 'abc-123' });
    expect(frames.find((f) => f.dir === 'http-request')?.extra?.headers?.['x-amz-user-agent']).toBe('aws-amplify/6.22.1');
  });

  it('HAR export sorts sockets and publishes by start time', async () => {
    const db = await freshDb();
    const s = await createSession(db, { name: 'order' });
    const rec = await createRecorder(db, { sessionId: s.id, classify, redact });
    const early = new SocketScript('p:1', 1_700_000_000_000);
    const late = new SocketScript('p:2', 1_700_000_000_100);
    await rec.append([publish(0, 1_700_000_000_050, '/default/a'), answer(1, 0, 1_700_000_000_060), ...conversation(late, '/default/*', 's', 1), ...conversation(early, '/default/*', 's', 1)]);
    const har = JSON.parse(await textOf(await exportHar(db, s.id, { redact }))) as { log: { entries: { startedDateTime: string }[] } };
    const times = har.log.entries.map((e) => Date.parse(e.startedDateTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times).toHaveLength(3);
  });
});
