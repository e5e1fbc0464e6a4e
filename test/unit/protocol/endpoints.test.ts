import { describe, expect, it } from 'vitest';
import {
  httpUrlFromRealtime,
  isAppSyncEventsSocket,
  isHttpPublish,
  parseEndpoint,
  realtimeUrlFromHttp,
} from '../../../src/protocol/endpoints.ts';

const ID = 'abcdefghijklmnopqrstuvwxyz';

describe('realtimeUrlFromHttp / httpUrlFromRealtime', () => {
  it.each([
    [`https://${ID}.appsync-api.us-east-1.amazonaws.com/event`, `wss://${ID}.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime`],
    [`https://${ID}.appsync-api.cn-north-1.amazonaws.com.cn/event`, `wss://${ID}.appsync-realtime-api.cn-north-1.amazonaws.com.cn/event/realtime`],
    ['https://api.example.com/event', 'wss://api.example.com/event/realtime'],
    ['https://api.example.com', 'wss://api.example.com/event/realtime'],
    ['http://localhost:4000/event', 'ws://localhost:4000/event/realtime'],
    ['http://127.0.0.1:4000/event/', 'ws://127.0.0.1:4000/event/realtime'],
    ['https://localhost:4000/event?x=1', 'wss://localhost:4000/event/realtime'],
    ['ws://127.0.0.1:4000/event', 'ws://127.0.0.1:4000/event/realtime'],
    ['wss://api.example.com/event/realtime', 'wss://api.example.com/event/realtime'],
  ])('%s → %s', (http, ws) => {
    expect(realtimeUrlFromHttp(http)).toBe(ws);
  });

  it.each([
    [`wss://${ID}.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime`, `https://${ID}.appsync-api.us-east-1.amazonaws.com/event`],
    [`wss://${ID}.appsync-realtime-api.cn-north-1.amazonaws.com.cn/event/realtime`, `https://${ID}.appsync-api.cn-north-1.amazonaws.com.cn/event`],
    ['wss://api.example.com/event/realtime', 'https://api.example.com/event'],
    ['ws://127.0.0.1:4000/event/realtime/', 'http://127.0.0.1:4000/event'],
    ['wss://api.example.com', 'https://api.example.com/event'],
    ['https://api.example.com/event', 'https://api.example.com/event'],
  ])('%s → %s', (ws, http) => {
    expect(httpUrlFromRealtime(ws)).toBe(http);
  });

  it('round-trips', () => {
    const http = `https://${ID}.appsync-api.eu-west-2.amazonaws.com/event`;
    expect(httpUrlFromRealtime(realtimeUrlFromHttp(http) ?? '')).toBe(http);
  });

  it('returns undefined for unusable input', () => {
    for (const u of ['', 'not a url', 'ftp://x/event', 'mailto:a@b']) {
      expect(realtimeUrlFromHttp(u)).toBeUndefined();
      expect(httpUrlFromRealtime(u)).toBeUndefined();
    }
  });
});

describe('parseEndpoint', () => {
  it('reads default domains', () => {
    expect(parseEndpoint(`https://${ID}.appsync-api.us-east-1.amazonaws.com/event`)).toEqual({
      ok: true,
      kind: 'http',
      custom: false,
      host: `${ID}.appsync-api.us-east-1.amazonaws.com`,
      region: 'us-east-1',
      dnsId: ID,
      china: false,
      httpUrl: `https://${ID}.appsync-api.us-east-1.amazonaws.com/event`,
      realtimeUrl: `wss://${ID}.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime`,
    });
    const cn = parseEndpoint(`wss://${ID}.appsync-realtime-api.cn-north-1.amazonaws.com.cn/event/realtime`);
    expect(cn).toMatchObject({ ok: true, kind: 'realtime', custom: false, region: 'cn-north-1', china: true });
  });

  it('reads custom domains', () => {
    expect(parseEndpoint('https://api.example.com/event')).toMatchObject({ ok: true, kind: 'http', custom: true, host: 'api.example.com' });
    expect(parseEndpoint('wss://api.example.com/event/realtime')).toMatchObject({ ok: true, kind: 'realtime', custom: true });
    expect(parseEndpoint('http://127.0.0.1:4000/event')).toMatchObject({ ok: true, host: '127.0.0.1:4000', custom: true });
  });

  it('rejects non-URLs', () => {
    expect(parseEndpoint('nope').ok).toBe(false);
    expect(parseEndpoint('file:///event').ok).toBe(false);
  });
});

describe('isAppSyncEventsSocket', () => {
  it('detects by subprotocol or path', () => {
    expect(isAppSyncEventsSocket('wss://x.example/whatever', ['aws-appsync-event-ws', 'header-eyJ9'])).toBe(true);
    expect(isAppSyncEventsSocket(`wss://${ID}.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime`, [])).toBe(true);
    expect(isAppSyncEventsSocket('ws://127.0.0.1:4000/event/realtime/?x=1#y', [])).toBe(true);
    expect(isAppSyncEventsSocket('/event/realtime', [])).toBe(true);
  });

  it('ignores GraphQL real-time and other sockets', () => {
    expect(isAppSyncEventsSocket(`wss://${ID}.appsync-realtime-api.us-east-1.amazonaws.com/graphql`, ['graphql-ws'])).toBe(false);
    expect(isAppSyncEventsSocket('wss://example.com/socket', [])).toBe(false);
    expect(isAppSyncEventsSocket('wss://example.com/event/realtimex', [])).toBe(false);
    expect(isAppSyncEventsSocket(undefined as unknown as string, undefined as unknown as string[])).toBe(false);
  });
});

describe('isHttpPublish', () => {
  const body = '{"channel":"default/channel","events":["{\\"event_1\\":\\"data_1\\"}","{\\"event_2\\":\\"data_2\\"}"]}';

  it('matches POST /event with a publish body', () => {
    expect(isHttpPublish('POST', `https://${ID}.appsync-api.us-east-1.amazonaws.com/event`, body)).toBe(true);
    expect(isHttpPublish('post', '/event', body)).toBe(true);
    expect(isHttpPublish('POST', 'http://127.0.0.1:4000/event')).toBe(true);
    expect(isHttpPublish('POST', 'http://127.0.0.1:4000/event?x=1', body)).toBe(true);
  });

  it('rejects other methods, paths and bodies', () => {
    expect(isHttpPublish('GET', '/event', body)).toBe(false);
    expect(isHttpPublish('POST', '/graphql', body)).toBe(false);
    expect(isHttpPublish('POST', '/events', body)).toBe(false);
    expect(isHttpPublish('POST', '/event', '{"query":"{ x }"}')).toBe(false);
    expect(isHttpPublish('POST', '/event', 'channel events')).toBe(false);
  });

  it('finds keys on either side of a huge events array without parsing it', () => {
    const huge = '"' + 'x'.repeat(5_000_000) + '"';
    expect(isHttpPublish('POST', '/event', `{"events":[${huge}],"channel":"/a/b"}`)).toBe(true);
    expect(isHttpPublish('POST', '/event', `{"channel":"/a/b","events":[${huge}]}`)).toBe(true);
    expect(isHttpPublish('POST', '/event', `{"other":[${huge}]}`)).toBe(false);
  });
});
