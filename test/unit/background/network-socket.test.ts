// Sockets from DevTools' network log: one the hook captured is not flagged, one it did not
// (a worker's) is stored as a `ws-create` marked `via: 'network'`, once.
import { describe, expect, test } from 'vitest';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { ObservedSocket } from '../../../src/messaging/contracts.ts';
import { batch, setup, until } from './harness.ts';

const URL_PAGE = 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
const URL_WORKER = `${URL_PAGE}?from=worker`;
const now = Date.now();
const seen = (url: string, startedAt: number): ObservedSocket => ({ url, startedAt, protocols: ['aws-appsync-event-ws'], messages: 4 });

describe('network-log sockets', () => {
  test('only the socket the hook did not capture becomes a notice; a repeated sighting does nothing', async () => {
    const s = setup();
    const c = s.content(5, 'n');
    const p = s.panel(5);
    const create: CaptureRecord = { kind: 'ws-create', socketId: 'n:0' as SocketId, seq: 0, t: now, url: URL_PAGE, protocols: ['aws-appsync-event-ws'], frameUrl: 'https://app/', appsync: true };
    c.deliver(batch(1, [create]));
    await until(() => s.stored.length === 1, 'the page socket');
    p.deliver({ type: 'socketObserved', socket: seen(URL_PAGE, now + 200) });
    p.deliver({ type: 'socketObserved', socket: seen(URL_WORKER, now + 5_000) });
    p.deliver({ type: 'socketObserved', socket: seen(URL_WORKER, now + 5_000) });
    s.fireTimers();
    await until(() => s.stored.length >= 2, 'the notice');
    await s.flush();
    expect(s.stored).toHaveLength(2);
    const [notice] = s.stored[1]!.records;
    expect(notice).toMatchObject({ kind: 'ws-create', url: URL_WORKER, via: 'network', seq: 0, appsync: true, t: now + 5_000 });
    expect(notice!.socketId.startsWith('n:')).toBe(false);
  });

  test('after a restart, a socket or notice the session already holds is not noticed again', async () => {
    // The session holds the page's socket and an earlier notice; this background saw neither.
    const s = setup({ storedSockets: async () => [{ url: URL_PAGE, startedAt: now }, { url: URL_WORKER, startedAt: now + 5_000 }] });
    const p = s.panel(8);
    s.content(8, 'n');
    p.deliver({ type: 'socketObserved', socket: seen(URL_PAGE, now + 200) });
    p.deliver({ type: 'socketObserved', socket: seen(URL_WORKER, now + 5_000) });
    p.deliver({ type: 'socketObserved', socket: seen(URL_WORKER, now + 60_000) });
    s.fireTimers();
    await until(() => s.stored.length >= 1, 'the new notice');
    await s.flush();
    expect(s.stored.flatMap((b) => b.records)).toMatchObject([{ kind: 'ws-create', url: URL_WORKER, via: 'network', t: now + 60_000 }]);
  });

  test('a page record claiming to come from the network log is refused', async () => {
    const s = setup();
    const c = s.content(6, 'n');
    s.panel(6);
    const forged = { kind: 'ws-create', socketId: 'n:0', seq: 0, t: now, url: URL_WORKER, protocols: [], frameUrl: '', appsync: true, via: 'network' };
    c.deliver(batch(1, [forged]));
    await s.flush();
    expect(s.stored.flatMap((b) => b.records)).toHaveLength(0);
  });

  test('a malformed sighting is ignored', () => {
    const s = setup();
    const p = s.panel(7);
    const before = s.timers.length;
    p.deliver({ type: 'socketObserved', socket: { url: URL_WORKER, startedAt: 'now', protocols: [], messages: 0 } });
    expect(s.timers).toHaveLength(before);
    p.deliver({ type: 'socketObserved', socket: seen(URL_WORKER, now) });
    expect(s.timers).toHaveLength(before + 1);
  });
});
