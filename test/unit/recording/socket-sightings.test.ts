import { describe, expect, test } from 'vitest';
import { createSocketSightings, explainsSighting, requestOrigin, socketOfRequest, socketUrlKey } from '../../../src/recording/socket-sightings.ts';

const URL_A = 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime';

describe('socket sightings', () => {
  test('a sighting the hook captured (same URL, close in time) is not a notice, once', () => {
    const s = createSocketSightings();
    s.sawCreate(URL_A, 10_000);
    expect(s.sighted({ url: URL_A, startedAt: 10_400 })).toBe(false);
    // The capture explained one sighting; a second socket at the same moment is another one.
    const second = { url: URL_A, startedAt: 10_400 };
    expect(s.sighted(second)).toBe(true);
    expect(s.takeIfUncaptured(second)).toBe(true);
    expect(s.takeIfUncaptured(second)).toBe(false);
  });

  test('a capture that arrives after the handshake (a relay still connecting) explains it', () => {
    const s = createSocketSightings();
    const early = { url: URL_A, startedAt: 10_000 };
    expect(s.sighted(early)).toBe(true);
    s.sawCreate(URL_A, 9_990);
    expect(s.takeIfUncaptured(early)).toBe(false);
    // The capture was used up by the sighting it explained.
    expect(s.sighted({ url: URL_A, startedAt: 10_000 })).toBe(true);
  });

  test('a different URL or a start far from every capture is uncaptured', () => {
    const s = createSocketSightings();
    s.sawCreate(URL_A, 10_000);
    const other = { url: 'ws://127.0.0.1:9/event/realtime', startedAt: 10_000 };
    const later = { url: URL_A, startedAt: 20_000 };
    expect(s.sighted(other)).toBe(true);
    expect(s.sighted(later)).toBe(true);
    expect(s.sighted({ url: URL_A, startedAt: 9_000 })).toBe(false);
    s.sawCreate(URL_A, 30_000);
    expect(s.takeIfUncaptured(other)).toBe(true);
    expect(s.takeIfUncaptured(later)).toBe(true);
  });

  test('URL spellings of one socket match (default port, fragment)', () => {
    expect(socketUrlKey('wss://Host.example:443/event/realtime#x')).toBe(socketUrlKey('wss://host.example/event/realtime'));
    const s = createSocketSightings();
    s.sawCreate('wss://host.example:443/event/realtime', 5);
    expect(s.sighted({ url: 'wss://host.example/event/realtime', startedAt: 5 })).toBe(false);
  });

  test("the session's sockets explain a sighting by URL spelling and time", () => {
    const stored = [{ url: 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com:443/event/realtime', startedAt: 10_000 }];
    expect(explainsSighting(stored, { url: URL_A, startedAt: 12_500 })).toBe(true);
    expect(explainsSighting(stored, { url: URL_A, startedAt: 13_500 })).toBe(false);
    expect(explainsSighting(stored, { url: `${URL_A}?from=worker`, startedAt: 10_000 })).toBe(false);
    expect(explainsSighting([], { url: URL_A, startedAt: 10_000 })).toBe(false);
  });
});

describe('socketOfRequest', () => {
  // The shape of webRequest's onSendHeaders details for a `websocket` request.
  const details = (over: Record<string, unknown> = {}) => ({
    url: URL_A,
    timeStamp: 1_764_777_382_683.5,
    type: 'websocket',
    tabId: 3,
    requestHeaders: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws, header-abc' }],
    ...over,
  });

  test('the handshake of an AppSync socket', () => {
    expect(socketOfRequest(details())).toEqual({ url: URL_A, startedAt: 1_764_777_382_683.5, protocols: ['aws-appsync-event-ws', 'header-abc'] });
  });

  test('an AppSync socket is known by its path when the subprotocol header is absent, or by the subprotocol on any path', () => {
    expect(socketOfRequest(details({ url: 'ws://127.0.0.1:8080/event/realtime', requestHeaders: undefined }))?.protocols).toEqual([]);
    expect(socketOfRequest(details({ url: 'wss://api.example.com/socket' }))?.url).toBe('wss://api.example.com/socket');
  });

  test('not a socket, not AppSync, or unreadable: null', () => {
    expect(socketOfRequest(details({ url: 'https://x.example/event/realtime' }))).toBeNull();
    expect(socketOfRequest(details({ url: 'wss://chat.example/socket', requestHeaders: [] }))).toBeNull();
    expect(socketOfRequest(details({ timeStamp: 'now' }))).toBeNull();
    expect(socketOfRequest(details({ url: `wss://x.example/${'a'.repeat(9000)}/event/realtime` }))).toBeNull();
    expect(socketOfRequest(null)).toBeNull();
    expect(socketOfRequest({ url: 42 })).toBeNull();
  });
});

describe('requestOrigin', () => {
  test("the http(s) origin that opened a tabless handshake, in either browser's terms", () => {
    expect(requestOrigin({ initiator: 'https://app.example:8443' })).toBe('https://app.example:8443');
    expect(requestOrigin({ originUrl: 'http://127.0.0.1:5000/w.js?x#y' })).toBe('http://127.0.0.1:5000');
    for (const bad of [null, 'x', {}, { initiator: 'null' }, { initiator: 'chrome-extension://abc' }, { originUrl: 'moz-extension://abc/p.html' }, { initiator: 42 }, { originUrl: 'not a url' }]) {
      expect(requestOrigin(bad)).toBeNull();
    }
    expect(requestOrigin({ originUrl: 'https://a.example/p' })).toBe('https://a.example');
    expect(requestOrigin({ originUrl: 'about:blank' })).toBeNull();
  });
});
