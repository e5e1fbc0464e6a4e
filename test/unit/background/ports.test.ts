// The port handlers one by one, over fake ports: the panel's commands, the network log's
// publishes, and what a frame's hello may and may not change.
import { describe, expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import type { CaptureStatus, ObservedHttpPublish } from '../../../src/messaging/contracts.ts';
import { batch, fakePort, rec, setup, typeOf, until } from './harness.ts';

const lastStatus = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus;

const observed: ObservedHttpPublish = {
  url: 'https://x.appsync-api.us-east-1.amazonaws.com/event',
  method: 'POST',
  frameUrl: 'https://app/',
  requestHeaders: { 'content-type': 'application/json' },
  requestBody: '{"channel":"/default/a","events":["1"]}',
  status: 200,
  responseBody: '{"successful":[]}',
  // Recent: the de-duplicator forgets sightings older than a minute.
  startedAt: Date.now(),
  duration: 3,
};

describe('panel port', () => {
  test('Preserve log is kept for the tab and reported; Clear rolls the session and resets the counts', async () => {
    const rolled: string[] = [];
    const s = setup({ rollSession: async (_t, reason) => void rolled.push(reason) });
    const c = s.content(2, 'n');
    const p = s.panel(2);
    p.deliver({ type: 'setPreserveLog', preserve: true });
    expect(lastStatus(p.sent)).toMatchObject({ preserveLog: true, tabId: 2 });
    c.deliver(batch(1, [rec('n', 0)]));
    await until(() => lastStatus(p.sent).stored === 1 || s.timers.length > 0);
    p.deliver({ type: 'clearSession' });
    await until(() => rolled.length === 1, 'the roll');
    await s.flush();
    expect(rolled).toEqual(['clear']);
    expect(lastStatus(p.sent)).toMatchObject({ stored: 0, sessionId: null });
  });

  test('a network-log publish is recorded only when the hook did not report it', async () => {
    const s = setup();
    const c = s.content(3, 'n');
    s.panel(3);
    const fromHook: CaptureRecord = { kind: 'http', socketId: 'n:h' as SocketId, seq: 0, t: observed.startedAt, ...observed, startedAt: observed.startedAt + 100, via: 'fetch' };
    c.deliver(batch(1, [fromHook]));
    await until(() => s.stored.length === 1, 'the hook record');
    const p = s.panel(3);
    p.deliver({ type: 'httpPublishObserved', publish: observed });
    p.deliver({ type: 'httpPublishObserved', publish: { ...observed, requestBody: '{"channel":"/default/b","events":["2"]}' } });
    s.fireTimers();
    await until(() => s.stored.length >= 2, 'the worker publish');
    await s.flush();
    const kept = s.stored[1]!.records;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ kind: 'http', via: 'network', requestBody: '{"channel":"/default/b","events":["2"]}' });
    expect(s.stored).toHaveLength(2);
  });

  test('a malformed panel message changes nothing', () => {
    const s = setup();
    const p = s.panel(4);
    const before = p.sent.length;
    p.deliver({ type: 'setPreserveLog', preserve: 'yes' });
    p.deliver({ type: 'nope' });
    expect(p.sent).toHaveLength(before);
  });
});

describe('content port', () => {
  test('a port without a tab is refused; a frame keeps its first nonce; only the top frame sets the page', async () => {
    const s = setup();
    const orphan = fakePort('appsync-capture', { url: 'https://app/' });
    let closed = false;
    (orphan.port as unknown as { disconnect: () => void }).disconnect = () => void (closed = true);
    s.router.onConnect(orphan.port);
    expect(closed).toBe(true);

    const sub = fakePort('appsync-capture', { tab: { id: 6 } as Runtime.MessageSender['tab'], frameId: 3, url: 'https://ads/' });
    s.router.onConnect(sub.port);
    // A subframe claiming to be the top frame does not change the tab's page.
    sub.deliver({ type: 'contentConnected', version: 1, nonce: 'sub', frameUrl: 'https://ads/', topFrame: true, timeOrigin: 5 });
    sub.deliver({ type: 'contentConnected', version: 1, nonce: 'other', frameUrl: 'https://ads/', topFrame: false, timeOrigin: 5 });
    s.panel(6);
    sub.deliver(batch(1, [rec('other', 0), rec('sub', 0)]));
    await until(() => s.stored.length === 1, 'the subframe batch');
    expect(s.stored[0]!.records.map((r) => r.socketId)).toEqual(['sub:1']);
  });

  test('a changed setting is announced to every frame', () => {
    const s = setup();
    const c = s.content(8, 'n');
    const before = c.sent.length;
    s.router.onSettingsChanged();
    expect(c.sent.slice(before)).toEqual([{ type: 'recordingChanged', recording: false, captureAll: false }]);
  });

  test('a closed tab ends its session', async () => {
    const rolled: number[] = [];
    const s = setup({ rollSession: async (tabId) => void rolled.push(tabId) });
    s.content(9, 'n');
    s.router.onTabRemoved(9);
    await until(() => rolled.length === 1, 'the roll');
    expect(rolled).toEqual([9]);
  });
});

describe('write order', () => {
  test('a Clear between two batches rolls the session between their appends', async () => {
    const order: string[] = [];
    const s = setup({
      async append(_tabId, records) {
        order.push(`append ${records[0]!.seq}`);
        return { sessionId: 's', stored: 1, records };
      },
      async rollSession(_t, reason) {
        order.push(`roll ${reason}`);
      },
    });
    const c = s.content(1, 'n');
    const p = s.panel(1);
    c.deliver(batch(1, [rec('n', 0)]));
    p.deliver({ type: 'clearSession' });
    c.deliver(batch(2, [rec('n', 1)]));
    await until(() => order.length === 3, 'both appends and the roll');
    expect(order).toEqual(['append 0', 'roll clear', 'append 1']);
  });
});
