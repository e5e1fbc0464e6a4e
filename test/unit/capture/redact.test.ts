import { describe, expect, test } from 'vitest';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { encodeAuthSubprotocol, decodeAuthSubprotocol } from '../../../src/protocol/auth.ts';

const KEY = 'da2-abcdefghijklmnopqrstuvwxyz1234';
const base = { socketId: 'n:1' as SocketId, seq: 0, t: 0 };

describe('redactRecord', () => {
  test('the header- subprotocol keeps host and mode but not the key', () => {
    const rec: CaptureRecord = { ...base, kind: 'ws-create', url: 'wss://h/event/realtime', protocols: ['aws-appsync-event-ws', encodeAuthSubprotocol({ host: 'h', 'x-api-key': KEY })], frameUrl: 'https://app', appsync: true };
    const out = redactRecord(rec) as Extract<CaptureRecord, { kind: 'ws-create' }>;
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(out.protocols[0]).toBe('aws-appsync-event-ws');
    const header = decodeAuthSubprotocol(out.protocols[1]!);
    expect(header?.host).toBe('h');
    expect(String(header?.['x-api-key'])).toMatch(/#[0-9a-f]{4}$/);
  });

  test('authorization objects inside frames are fingerprinted; other frames are untouched', () => {
    const frame = JSON.stringify({ type: 'subscribe', id: 's', channel: '/default/a', authorization: { 'x-api-key': KEY } });
    const out = redactRecord({ ...base, kind: 'ws-send', data: frame, size: frame.length });
    expect(JSON.stringify(out)).not.toContain(KEY);
    const data = { ...base, kind: 'ws-receive' as const, data: '{"type":"data","id":"s","event":"{}"}', size: 10 };
    expect(redactRecord(data)).toEqual(data);
  });

  test('HTTP publish headers and truncated texts', () => {
    const out = redactRecord({
      ...base,
      kind: 'http',
      url: 'https://h/event',
      method: 'POST',
      frameUrl: 'https://app',
      requestHeaders: { 'x-api-key': KEY, 'content-type': 'application/json' },
      requestBody: { truncated: true, text: `{"authorization":{"x-api-key":"${KEY}`, length: 99 },
      status: 200,
      responseBody: '{}',
      startedAt: 0,
      duration: 1,
      via: 'fetch',
    });
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect((out as Extract<CaptureRecord, { kind: 'http' }>).requestHeaders['content-type']).toBe('application/json');
  });

  test('a GraphQL-style header query parameter is redacted', () => {
    const header = encodeAuthSubprotocol({ host: 'h', 'x-api-key': KEY }).slice('header-'.length);
    const out = redactRecord({ ...base, kind: 'ws-create', url: `wss://h/event/realtime?header=${header}&payload=e30=`, protocols: [], frameUrl: '', appsync: true });
    expect(JSON.stringify(out)).not.toContain(KEY);
  });
});

describe('redactRecord: URLs and idempotence', () => {
  const KEY2 = 'da2-zyxwvutsrqponmlkjihgfedcba9876';
  test('credentials in socket and publish URLs are redacted', () => {
    const ws = redactRecord({ ...base, kind: 'ws-create', url: `wss://u:p4ss@h.test/event/realtime?x-api-key=${KEY2}`, protocols: [], frameUrl: `https://app.test/?token=${KEY2}`, appsync: true });
    expect(JSON.stringify(ws)).not.toContain(KEY2);
    expect(JSON.stringify(ws)).not.toContain('p4ss');
    const http = redactRecord({ ...base, kind: 'http', url: `https://h.test/event?api_key=${KEY2}`, method: 'POST', frameUrl: '', requestHeaders: {}, requestBody: '', status: 200, responseBody: '', startedAt: 0, duration: 1, via: 'fetch' });
    expect(JSON.stringify(http)).not.toContain(KEY2);
  });

  test('redacting a redacted record changes nothing', () => {
    const records: CaptureRecord[] = [
      { ...base, kind: 'ws-create', url: `wss://u:p@h.test/event/realtime?header=${encodeURIComponent(Buffer.from(JSON.stringify({ 'x-api-key': KEY2 })).toString('base64'))}`, protocols: [encodeAuthSubprotocol({ host: 'h', 'x-api-key': KEY2 }), 'header-!!'], frameUrl: '', appsync: true },
      { ...base, kind: 'ws-send', data: JSON.stringify({ type: 'subscribe', id: 's', channel: '/a', authorization: { Authorization: `Bearer ${KEY2}` } }), size: 1 },
      { ...base, kind: 'ws-send', data: { truncated: true, text: `{"type":"publish","authorization":{"x-api-key":"${KEY2}`, length: 900 }, size: 900 },
      { ...base, kind: 'http', url: 'https://h.test/event', method: 'POST', frameUrl: '', requestHeaders: { 'x-api-key': KEY2, authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20200401/us-east-1/appsync/aws4_request, SignedHeaders=host, Signature=abcdef0123456789' }, requestBody: '{}', status: 200, responseBody: '', startedAt: 0, duration: 1, via: 'fetch' },
    ];
    for (const r of records) {
      const once = redactRecord(r);
      expect(JSON.stringify(once)).not.toContain(KEY2);
      expect(redactRecord(once)).toEqual(once);
    }
  });
});
