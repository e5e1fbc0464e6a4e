import { describe, expect, test } from 'vitest';
import { createDebuggerTraffic, isDebuggerSocketId } from '../../../src/recording/debugger-traffic.ts';
import { isCaptureRecord } from '../../../src/messaging/guards.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';

const WS = 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime';
const WORKER = 'https://app.example/worker.js';

function setup(captureAll = false, maxTextLength = 1000) {
  const d = createDebuggerTraffic({ prefix: 'dbg1', now: () => 42, maxTextLength, previewBytes: 3, captureAll: () => captureAll });
  d.attached({ sessionId: 'S1', type: 'worker', url: WORKER });
  const out: CaptureRecord[] = [];
  const ev = (method: string, params: object, session = 'S1') => out.push(...d.event(session, method, params));
  return { d, out, ev };
}

/** The events Chromium 156 sends for a worker's AppSync socket (shapes from a real run). */
function handshake(ev: (m: string, p: object) => unknown, requestId = '1.7', protocols = 'aws-appsync-event-ws, header-eyJ4In0') {
  ev('Network.webSocketCreated', { requestId, url: WS, initiator: { type: 'script' } });
  ev('Network.webSocketWillSendHandshakeRequest', { requestId, timestamp: 100, wallTime: 1_700_000_000, request: { headers: { 'Sec-WebSocket-Protocol': protocols } } });
  ev('Network.webSocketHandshakeResponseReceived', {
    requestId,
    timestamp: 100.25,
    response: { status: 101, headers: { 'Sec-WebSocket-Protocol': 'aws-appsync-event-ws', 'Sec-WebSocket-Extensions': 'permessage-deflate' } },
  });
}

describe('debugger sockets', () => {
  test("a worker's socket becomes the records the hook would make, in order, on one socket id", () => {
    const { out, ev } = setup();
    handshake(ev);
    ev('Network.webSocketFrameSent', { requestId: '1.7', timestamp: 100.5, response: { opcode: 1, mask: true, payloadData: '{"type":"connection_init"}' } });
    ev('Network.webSocketFrameReceived', { requestId: '1.7', timestamp: 100.75, response: { opcode: 1, mask: false, payloadData: '{"type":"ka"}' } });
    ev('Network.webSocketClosed', { requestId: '1.7', timestamp: 101 });
    expect(out.map((r) => r.kind)).toEqual(['ws-create', 'ws-open', 'ws-send', 'ws-receive', 'ws-close']);
    expect(out.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(out.map((r) => r.socketId))).toEqual(new Set(['dbg1:d0']));
    // Times: the handshake's wall time, then the monotonic timestamps on that clock.
    expect(out.map((r) => r.t)).toEqual([1_700_000_000_000, 1_700_000_000_250, 1_700_000_000_500, 1_700_000_000_750, 1_700_000_001_000]);
    const create = out[0]!;
    expect(create).toMatchObject({ url: WS, protocols: ['aws-appsync-event-ws', 'header-eyJ4In0'], frameUrl: WORKER, appsync: true, via: 'debugger' });
    expect(out[1]).toMatchObject({ protocol: 'aws-appsync-event-ws', extensions: 'permessage-deflate' });
    expect(out[2]).toMatchObject({ data: '{"type":"connection_init"}', size: 26 });
    expect(out[4]).toMatchObject({ kind: 'ws-close', unreported: true });
  });

  test('the page cannot send what only the background makes: the guard refuses both marks', () => {
    const { out, ev } = setup();
    handshake(ev);
    ev('Network.webSocketClosed', { requestId: '1.7', timestamp: 101 });
    expect(isCaptureRecord(out[0])).toBe(false); // via: 'debugger'
    expect(isCaptureRecord(out.at(-1))).toBe(false); // unreported
    expect(isCaptureRecord(out[1])).toBe(true);
  });

  test('long texts are cut at the limit, binary frames keep their size and a preview', () => {
    const { out, ev } = setup(false, 10);
    handshake(ev);
    ev('Network.webSocketFrameReceived', { requestId: '1.7', timestamp: 101, response: { opcode: 1, payloadData: 'x'.repeat(25) } });
    ev('Network.webSocketFrameReceived', { requestId: '1.7', timestamp: 101, response: { opcode: 2, payloadData: btoa('\u0001\u0002\u0003\u0004\u0005') } });
    ev('Network.webSocketFrameReceived', { requestId: '1.7', timestamp: 101, response: { opcode: 9, payloadData: '' } });
    const [text, bin] = out.slice(2);
    expect(text).toMatchObject({ kind: 'ws-receive', data: { truncated: true, text: 'x'.repeat(10), length: 25 }, size: 25 });
    expect(bin).toMatchObject({ data: { binary: true, size: 5, preview: btoa('\u0001\u0002\u0003') }, size: 5 });
    expect(out).toHaveLength(4);
  });

  test('only AppSync sockets are recorded unless every socket is', () => {
    const other = 'wss://chat.example/socket';
    for (const all of [false, true]) {
      const { out, ev } = setup(all);
      ev('Network.webSocketCreated', { requestId: '2', url: other });
      ev('Network.webSocketWillSendHandshakeRequest', { requestId: '2', timestamp: 1, wallTime: 2, request: { headers: {} } });
      ev('Network.webSocketFrameSent', { requestId: '2', timestamp: 1.5, response: { opcode: 1, payloadData: 'hi' } });
      expect(out.map((r) => r.kind)).toEqual(all ? ['ws-create', 'ws-send'] : []);
      if (all) expect(out[0]).toMatchObject({ appsync: false });
    }
  });

  test("the page's own documents and unknown sockets give nothing; a failed handshake no open", () => {
    const { d, out, ev } = setup();
    d.attached({ sessionId: 'F1', type: 'iframe', url: 'https://app.example/frame.html' });
    handshake((m, p) => ev(m, p, 'F1'));
    ev('Network.webSocketFrameSent', { requestId: 'never-created', timestamp: 1, response: { opcode: 1, payloadData: 'x' } });
    expect(d.event(undefined, 'Network.webSocketCreated', { requestId: '9', url: WS })).toEqual([]);
    expect(out).toEqual([]);
    ev('Network.webSocketCreated', { requestId: '3', url: WS });
    ev('Network.webSocketWillSendHandshakeRequest', { requestId: '3', timestamp: 1, wallTime: 2, request: { headers: {} } });
    ev('Network.webSocketHandshakeResponseReceived', { requestId: '3', timestamp: 1.1, response: { status: 403, headers: {} } });
    ev('Network.webSocketFrameError', { requestId: '3', timestamp: 1.2, errorMessage: 'Unexpected response code: 403' });
    ev('Network.webSocketClosed', { requestId: '3', timestamp: 1.3 });
    expect(out.map((r) => r.kind)).toEqual(['ws-create', 'ws-error', 'ws-close']);
    expect(d.isWorker('S1')).toBe(true);
    expect(d.isWorker('F1')).toBe(false);
  });

  test('request ids of two workers do not collide, and a detached worker forgets its sockets', () => {
    const { d, out, ev } = setup();
    d.attached({ sessionId: 'S2', type: 'worker', url: 'https://app.example/other.js' });
    handshake(ev, 'same');
    handshake((m, p) => ev(m, p, 'S2'), 'same');
    expect(out.filter((r) => r.kind === 'ws-create').map((r) => [r.socketId, (r as { frameUrl: string }).frameUrl])).toEqual([
      ['dbg1:d0', WORKER],
      ['dbg1:d1', 'https://app.example/other.js'],
    ]);
    d.detached('S2');
    const before = out.length;
    ev('Network.webSocketFrameSent', { requestId: 'same', timestamp: 1, response: { opcode: 1, payloadData: 'x' } }, 'S2');
    expect(out.length).toBe(before);
  });
});

describe('debugger HTTP publishes', () => {
  const URL_HTTP = 'https://abc.appsync-api.eu-west-1.amazonaws.com/event';
  const BODY = '{"channel":"/default/w","events":["{\\"a\\":1}"]}';
  const key = () => ({ socketId: 'net:http' as never, seq: 7 });
  const sent = (requestId: string, extra: object = {}) => ({
    requestId,
    timestamp: 10,
    wallTime: 1_700_000_000,
    request: { url: URL_HTTP, method: 'POST', headers: { 'x-api-key': 'da2-secret', 'Content-Type': 'application/json', Cookie: 'c=1' }, postData: BODY, ...extra },
  });

  test('a finished publish asks for its response body, then is one http record of the worker', () => {
    const { d } = setup();
    expect(d.httpEvent('S1', 'Network.requestWillBeSent', sent('h1'))).toBeNull();
    expect(d.httpEvent('S1', 'Network.responseReceived', { requestId: 'h1', timestamp: 10.1, response: { status: 200, headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'x' } } })).toBeNull();
    const done = d.httpEvent('S1', 'Network.loadingFinished', { requestId: 'h1', timestamp: 10.25 });
    expect(done).toEqual({ sessionId: 'S1', requestId: 'h1', needsRequestBody: false, hasResponse: true });
    const r = d.httpPublish(done!, { responseBody: '{"successful":[]}' }, key);
    expect(r).toMatchObject({
      kind: 'http',
      seq: 7,
      t: 1_700_000_000_000,
      startedAt: 1_700_000_000_000,
      url: URL_HTTP,
      method: 'POST',
      frameUrl: WORKER,
      requestBody: BODY,
      status: 200,
      responseBody: '{"successful":[]}',
      duration: 250,
      via: 'network',
    });
    expect(Object.keys(r!.requestHeaders).sort()).toEqual(['content-type', 'x-api-key']);
    expect(r!.responseHeaders).toEqual({ 'content-type': 'application/json' });
    expect(isCaptureRecord(r)).toBe(true);
    // Once only.
    expect(d.httpPublish(done!, {}, key)).toBeNull();
  });

  test('a large body is asked for; one that is not a publish after all makes no record and takes no seq', () => {
    const { d } = setup();
    d.httpEvent('S1', 'Network.requestWillBeSent', sent('h2', { postData: undefined, hasPostData: true }));
    const done = d.httpEvent('S1', 'Network.loadingFailed', { requestId: 'h2', timestamp: 11, errorText: 'net::ERR_CONNECTION_REFUSED' });
    expect(done).toMatchObject({ needsRequestBody: true, hasResponse: false });
    let taken = 0;
    expect(d.httpPublish(done!, { requestBody: 'not json' }, () => (taken++, key()))).toBeNull();
    expect(taken).toBe(0);
    d.httpEvent('S1', 'Network.requestWillBeSent', sent('h3', { postData: undefined, hasPostData: true }));
    const failed = d.httpEvent('S1', 'Network.loadingFailed', { requestId: 'h3', timestamp: 11, errorText: 'net::ERR_CONNECTION_REFUSED' });
    expect(d.httpPublish(failed!, { requestBody: BODY }, key)).toMatchObject({ status: 0, error: 'net::ERR_CONNECTION_REFUSED', requestBody: BODY, responseBody: '' });
  });

  test("other requests, and the page's own documents, are not followed", () => {
    const { d } = setup();
    d.attached({ sessionId: 'F1', type: 'iframe', url: 'https://app.example/f.html' });
    d.httpEvent('S1', 'Network.requestWillBeSent', { requestId: 'g', timestamp: 1, request: { url: 'https://app.example/api', method: 'GET', headers: {} } });
    expect(d.httpEvent('S1', 'Network.loadingFinished', { requestId: 'g', timestamp: 2 })).toBeNull();
    d.httpEvent('F1', 'Network.requestWillBeSent', sent('p'));
    expect(d.httpEvent('F1', 'Network.loadingFinished', { requestId: 'p', timestamp: 2 })).toBeNull();
  });
});

test("the debugger's socket ids are told from the hook's", () => {
  expect(isDebuggerSocketId('dbg1a2b:d0')).toBe(true);
  expect(isDebuggerSocketId('dbg1a2b:d12')).toBe(true);
  expect(isDebuggerSocketId('dbgnonce:3')).toBe(false);
  expect(isDebuggerSocketId('k2j4h5:0')).toBe(false);
});
