import { describe, expect, test } from 'vitest';
import { createSocketSightings, socketOfHarEntry, socketUrlKey } from '../../../src/recording/socket-sightings.ts';

const URL_A = 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime';

describe('socket sightings', () => {
  test('a sighting the hook captured (same URL, close in time) is not a notice, once', () => {
    const s = createSocketSightings();
    s.sawCreate(URL_A, 10_000);
    expect(s.takeIfUncaptured({ url: URL_A, startedAt: 10_400 })).toBe(false);
    // The capture explained one sighting; a second socket at the same moment is another one.
    expect(s.takeIfUncaptured({ url: URL_A, startedAt: 10_400 })).toBe(true);
  });

  test('a different URL or a start far from every capture is uncaptured', () => {
    const s = createSocketSightings();
    s.sawCreate(URL_A, 10_000);
    expect(s.takeIfUncaptured({ url: 'ws://127.0.0.1:9/event/realtime', startedAt: 10_000 })).toBe(true);
    expect(s.takeIfUncaptured({ url: URL_A, startedAt: 20_000 })).toBe(true);
    expect(s.takeIfUncaptured({ url: URL_A, startedAt: 9_000 })).toBe(false);
  });

  test('URL spellings of one socket match (default port, fragment)', () => {
    expect(socketUrlKey('wss://Host.example:443/event/realtime#x')).toBe(socketUrlKey('wss://host.example/event/realtime'));
    const s = createSocketSightings();
    s.sawCreate('wss://host.example:443/event/realtime', 5);
    expect(s.takeIfUncaptured({ url: 'wss://host.example/event/realtime', startedAt: 5 })).toBe(false);
  });

  test('a sighting reported again (a reopened panel) is recognised', () => {
    const s = createSocketSightings();
    expect(s.isNew({ url: URL_A, startedAt: 1.2 })).toBe(true);
    expect(s.isNew({ url: URL_A, startedAt: 1.2 })).toBe(false);
    expect(s.isNew({ url: URL_A, startedAt: 2 })).toBe(true);
  });
});

describe('socketOfHarEntry', () => {
  const entry = (over: Record<string, unknown> = {}) => ({
    request: { url: URL_A, headers: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws, header-abc' }] },
    response: { status: 101 },
    startedDateTime: '2026-12-03T15:56:22.683Z',
    _resourceType: 'websocket',
    _webSocketMessages: [{}, {}, {}],
    ...over,
  });

  test("Chromium's websocket entry of an AppSync socket", () => {
    expect(socketOfHarEntry(entry())).toEqual({
      url: URL_A,
      startedAt: Date.parse('2026-12-03T15:56:22.683Z'),
      protocols: ['aws-appsync-event-ws', 'header-abc'],
      messages: 3,
    });
  });

  test('an AppSync socket is known by its path when the subprotocol header is absent', () => {
    expect(socketOfHarEntry(entry({ request: { url: 'ws://127.0.0.1:8080/event/realtime' } }))?.protocols).toEqual([]);
  });

  test('not a socket, not upgraded, not AppSync, or unreadable: null', () => {
    expect(socketOfHarEntry(entry({ request: { url: 'https://x.example/event' }, _resourceType: 'fetch', response: { status: 200 } }))).toBeNull();
    expect(socketOfHarEntry(entry({ response: { status: 403 }, _webSocketMessages: [] }))).toBeNull();
    expect(socketOfHarEntry(entry({ request: { url: 'wss://chat.example/socket' } }))).toBeNull();
    expect(socketOfHarEntry(entry({ startedDateTime: 'yesterday' }))).toBeNull();
    expect(socketOfHarEntry(null)).toBeNull();
    expect(socketOfHarEntry({ request: { url: 42 } })).toBeNull();
  });
});
