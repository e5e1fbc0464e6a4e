// WebSocket handshakes the browser reports (webRequest): one the hook captured is not
// flagged, one it did not (a worker's) is stored as a `ws-create` marked `via: 'network'`.
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { batch, setup, until } from './harness.ts';

const URL_PAGE = 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
const URL_WORKER = `${URL_PAGE}?from=worker`;
const now = Date.now();
/** webRequest's onSendHeaders details of a socket's handshake. */
const seen = (url: string, timeStamp: number) => ({ url, timeStamp, type: 'websocket', requestHeaders: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws' }] });
/** The hook's record of the page's own socket. */
const pageCreate: CaptureRecord = { kind: 'ws-create', socketId: 'n:0' as SocketId, seq: 0, t: now, url: URL_PAGE, protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app/', appsync: true };
const notices = (stored: ReadonlyArray<{ records: readonly CaptureRecord[] }>) => stored.flatMap((b) => b.records).filter((r) => r.kind === 'ws-create' && r.via === 'network');

describe('handshakes the browser reports', () => {
  test('only the sockets the hook did not capture become notices, one per handshake', async () => {
    const s = setup();
    const c = s.content(5, 'n');
    s.panel(5);
    c.deliver(batch(1, [pageCreate]));
    await until(() => s.stored.length === 1, 'the page socket');
    s.router.onSocketRequest(5, seen(URL_PAGE, now + 200));
    s.router.onSocketRequest(5, seen(URL_WORKER, now + 5_000));
    s.router.onSocketRequest(5, seen(URL_WORKER, now + 5_100));
    s.fireTimers();
    await until(() => notices(s.stored).length >= 2, 'the notices');
    await s.flush();
    const found = notices(s.stored);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ kind: 'ws-create', url: URL_WORKER, via: 'network', seq: 0, appsync: true, t: now + 5_000, protocols: ['aws-appsync-event-ws'] });
    expect(found[0]!.socketId.startsWith('n:')).toBe(false);
    expect(found[1]!.socketId).not.toBe(found[0]!.socketId);
  });

  test("a hook record that arrives after the handshake (its relay was still connecting) cancels the notice", async () => {
    const s = setup();
    const c = s.content(4, 'n');
    s.panel(4);
    s.router.onSocketRequest(4, seen(URL_PAGE, now + 200));
    c.deliver(batch(1, [pageCreate]));
    await until(() => s.stored.length === 1, 'the page socket');
    s.fireTimers();
    await s.flush();
    expect(notices(s.stored)).toHaveLength(0);
  });

  test('a hook told to record after the handshake (DevTools opened later) has the grace from then', async () => {
    const s = setup();
    const c = s.content(3, 'n');
    s.router.onSocketRequest(3, seen(URL_PAGE, now + 200));
    // The panel opens just before the handshake's grace ends; only then does the hook send
    // the socket it held.
    s.clock.t += 4_900;
    s.panel(3);
    s.fireTimers();
    await s.flush();
    expect(notices(s.stored)).toHaveLength(0);
    expect(s.timers, 'the grace is extended, not ended').toHaveLength(1);
    c.deliver(batch(1, [pageCreate]));
    await until(() => s.stored.length === 1, 'the page socket');
    s.fireTimers();
    await s.flush();
    expect(notices(s.stored)).toHaveLength(0);
  });

  test('a socket the hook never reports is noticed once the grace after recording began has passed', async () => {
    const s = setup();
    s.content(3, 'n');
    s.router.onSocketRequest(3, seen(URL_WORKER, now + 200));
    s.clock.t += 4_900;
    s.panel(3);
    s.fireTimers();
    await s.flush();
    expect(notices(s.stored), 'not before the grace from the panel opening').toHaveLength(0);
    s.fireTimers();
    await until(() => notices(s.stored).length === 1, 'the notice');
  });

  test('a socket or notice the session already holds (the handshake woke a restarted worker) is not noticed again', async () => {
    const s = setup({ storedSockets: async () => [{ url: URL_PAGE, startedAt: now }, { url: URL_WORKER, startedAt: now + 5_000 }] });
    s.panel(8);
    s.content(8, 'n');
    s.router.onSocketRequest(8, seen(URL_PAGE, now + 200));
    s.router.onSocketRequest(8, seen(URL_WORKER, now + 5_000));
    s.router.onSocketRequest(8, seen(URL_WORKER, now + 60_000));
    s.fireTimers();
    await until(() => s.stored.length >= 1, 'the new notice');
    await s.flush();
    expect(s.stored.flatMap((b) => b.records)).toMatchObject([{ kind: 'ws-create', url: URL_WORKER, via: 'network', t: now + 60_000 }]);
  });

  test('nothing is kept for a tab that is not recording', async () => {
    const s = setup();
    s.content(9, 'n');
    s.router.onSocketRequest(9, seen(URL_WORKER, now));
    s.fireTimers();
    await s.flush();
    expect(s.stored).toHaveLength(0);
  });

  test('a page record claiming to come from the network is refused', async () => {
    const s = setup();
    const c = s.content(6, 'n');
    s.panel(6);
    const forged = { kind: 'ws-create', socketId: 'n:0', seq: 0, t: now, url: URL_WORKER, protocols: [], frameUrl: '', appsync: true, via: 'network' };
    c.deliver(batch(1, [forged]));
    await s.flush();
    expect(s.stored.flatMap((b) => b.records)).toHaveLength(0);
  });

  test("a shared worker's handshake (no tab) is noticed in each recording tab of its origin", async () => {
    const s = setup();
    for (const [tab, url] of [[11, 'https://app/a'], [12, 'https://app/b'], [13, 'https://other/']] as const) {
      s.content(tab, `n${tab}`, url);
      s.panel(tab);
    }
    s.content(14, 'n14', 'https://app/c'); // not recording
    // Chromium names the origin that opened it; Firefox the script's URL.
    s.router.onSocketRequest(-1, { ...seen(URL_WORKER, now), initiator: 'https://app' });
    s.router.onSocketRequest(-1, { ...seen(`${URL_WORKER}2`, now), originUrl: 'https://app/shared-worker.js' });
    // An extension page's socket (the panel's own console) or one of no known origin is no tab's.
    s.router.onSocketRequest(-1, { ...seen(`${URL_WORKER}3`, now), initiator: 'chrome-extension://id' });
    s.router.onSocketRequest(-1, seen(`${URL_WORKER}4`, now));
    s.fireTimers();
    await until(() => notices(s.stored).length >= 4, 'the notices');
    await s.flush();
    // One tab's notices may share a write.
    const byTab = s.stored.flatMap((b) => notices([b]).map((r) => [b.tabId, (r as { url: string }).url]));
    expect(byTab.sort()).toEqual([
      [11, URL_WORKER],
      [11, `${URL_WORKER}2`],
      [12, URL_WORKER],
      [12, `${URL_WORKER}2`],
    ]);
  });

  test('a handshake with no tab and no origin, a malformed one, or one of another kind of socket is ignored', () => {
    const s = setup();
    s.panel(7);
    const before = s.timers.length;
    s.router.onSocketRequest(-1, seen(URL_WORKER, now));
    s.router.onSocketRequest(7, { url: URL_WORKER, timeStamp: 'now' });
    s.router.onSocketRequest(7, { ...seen('wss://chat.example/socket', now), requestHeaders: [] });
    expect(s.timers).toHaveLength(before);
    s.router.onSocketRequest(7, seen(URL_WORKER, now));
    expect(s.timers).toHaveLength(before + 1);
  });
});
