// Contract tests of the background router over in-memory ports: pairing by the browser's
// tab id, acknowledgement only after the commit, refusal of forged input, and the retry
// after a failed write.
import { describe, expect, test } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { batch, fakePort, rec, setup } from './harness.ts';
import { encodeBatch } from '../../../src/capture/batch-encoding.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';

describe('router', () => {
  test('a tab records while its panel is connected, and batches are acknowledged after the commit', async () => {
    const s = setup();
    const c = s.content(7, 'n1');
    expect(c.sent.at(-1)).toMatchObject({ type: 'recordingChanged', recording: false });
    const p = s.panel(7);
    expect(c.sent.at(-1)).toMatchObject({ type: 'recordingChanged', recording: true });
    c.deliver(batch(1, [rec('n1', 0), rec('n1', 1)]));
    await s.flush();
    expect(s.stored).toEqual([{ tabId: 7, records: [rec('n1', 0), rec('n1', 1)] }]);
    expect(c.sent.at(-1)).toEqual({ type: 'batchAcknowledged', batchId: 1 });
    s.fireTimers();
    expect(p.sent.some((m) => (m as { type: string }).type === 'recordsCaptured')).toBe(true);
    p.close();
    expect(c.sent.at(-1)).toMatchObject({ type: 'recordingChanged', recording: false });
  });

  test('batches that arrive while a write runs share the next one, each acknowledged only after its commit', async () => {
    const commits: Array<() => void> = [];
    const appended: number[][] = [];
    const s = setup({
      append: (_tab, records) => {
        appended.push(records.map((r) => r.seq));
        return new Promise((resolve) => commits.push(() => resolve({ sessionId: 's7', stored: 0, records })));
      },
    });
    const c = s.content(7, 'n1');
    s.panel(7);
    const acks = () => c.sent.filter((m) => (m as { type: string }).type === 'batchAcknowledged').map((m) => (m as { batchId: number }).batchId);
    c.deliver(batch(1, [rec('n1', 0)]));
    await s.flush();
    c.deliver(batch(2, [rec('n1', 1)]));
    c.deliver(batch(3, [rec('n1', 2), rec('n1', 3)]));
    await s.flush();
    expect(appended).toEqual([[0]]);
    commits.shift()!();
    await s.flush();
    expect(acks()).toEqual([1]);
    expect(appended).toEqual([[0], [1, 2, 3]]);
    commits.shift()!();
    await s.flush();
    expect(acks()).toEqual([1, 2, 3]);
  });

  test('records with another frame\'s nonce and malformed messages are refused and counted', async () => {
    const s = setup();
    const c = s.content(7, 'n1');
    const p = s.panel(7);
    c.deliver(batch(1, [rec('other', 0), { kind: 'nope' }, rec('n1', 0)]));
    c.deliver({ type: 'injectIncoming', socketId: 'n1:1', data: 'x' });
    c.deliver('garbage');
    await s.flush();
    expect(s.stored.flatMap((b) => b.records.map((r) => r.socketId))).toEqual(['n1:1']);
    s.fireTimers();
    const status = p.sent.filter((m) => (m as { type: string }).type === 'captureStatus').at(-1) as { rejected: number };
    expect(status.rejected).toBe(4);
  });

  test('only the panel page may open a panel port, and commands reach only that tab\'s frames', () => {
    const s = setup();
    const a = s.content(1, 'na');
    const b = s.content(2, 'nb');
    const fake = s.panel(1, 'https://evil.example/');
    expect(fake.sent).toHaveLength(0);
    const p = s.panel(1);
    p.deliver({ type: 'injectIncoming', socketId: 'na:1', data: '{"type":"ka"}' });
    p.deliver({ type: 'injectIncoming', socketId: 'nb:1', data: '{"type":"ka"}' });
    expect(a.sent.filter((m) => (m as { type: string }).type === 'injectIncoming')).toHaveLength(1);
    expect(b.sent.filter((m) => (m as { type: string }).type === 'injectIncoming')).toHaveLength(0);
  });

  test('socket commands carry their commandId; the answer reaches the panels, or the background answers', () => {
    const s = setup();
    const c = s.content(1, 'na');
    const p = s.panel(1);
    p.deliver({ type: 'sendOnSocket', socketId: 'na:1', data: 'x', commandId: 3 });
    expect(c.sent.at(-1)).toEqual({ type: 'sendOnSocket', socketId: 'na:1', data: 'x', commandId: 3 });
    c.deliver({ type: 'commandCompleted', commandId: 3, ok: true });
    expect(p.sent.at(-1)).toEqual({ type: 'commandCompleted', commandId: 3, ok: true });
    // No frame owns the socket: the panel still hears back.
    p.deliver({ type: 'injectIncoming', socketId: 'gone:1', data: 'x', commandId: 4 });
    expect(p.sent.at(-1)).toMatchObject({ type: 'commandCompleted', commandId: 4, ok: false });
    // A malformed id is refused outright.
    const before = c.sent.length;
    p.deliver({ type: 'injectIncoming', socketId: 'na:1', data: 'x', commandId: 'x' });
    expect(c.sent).toHaveLength(before);
  });

  test('provenance comes from the browser; a forged huge seq is refused and counted', async () => {
    const s = setup();
    const c = s.content(7, 'n1');
    const p = s.panel(7);
    const create = { kind: 'ws-create', socketId: 'n1:1', seq: 0, t: 0, url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: [], frameUrl: 'https://victim.example/', appsync: true };
    c.deliver(batch(1, [create, rec('n1', 1), { ...rec('n1', 1), seq: 1e9 }, rec('n1', 2)]));
    await s.flush();
    const stored = s.stored.flatMap((b) => b.records);
    expect(stored.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(stored[0]).toMatchObject({ kind: 'ws-create', frameUrl: 'https://app/' });
    s.fireTimers();
    const status = p.sent.filter((m) => (m as { type: string }).type === 'captureStatus').at(-1) as { rejected: number };
    expect(status.rejected).toBe(1);
  });

  test('the hook\'s compact batch text: stored as decoded, provenance from the browser, a broken tail refused and counted, the batch acknowledged', async () => {
    const s = setup();
    const c = s.content(7, 'n1');
    const p = s.panel(7);
    const create = { kind: 'ws-create', socketId: 'n1:1', seq: 0, t: 0, url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: [], frameUrl: 'https://victim.example/', appsync: true } as unknown as CaptureRecord;
    const text = encodeBatch([create, rec('n1', 1), rec('n1', 2)]);
    c.deliver({ type: 'framesCaptured', batchId: 1, dropped: 0, payload: text + 'r05:n1:1' });
    c.deliver({ type: 'framesCaptured', batchId: 2, dropped: 0, payload: encodeBatch([rec('other', 3)]) });
    await s.flush();
    const stored = s.stored.flatMap((b) => b.records);
    expect(stored.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(stored[0]).toMatchObject({ kind: 'ws-create', frameUrl: 'https://app/' });
    expect(stored[1]).toEqual(rec('n1', 1));
    expect(c.sent.filter((m) => (m as { type: string }).type === 'batchAcknowledged')).toEqual([
      { type: 'batchAcknowledged', batchId: 1 },
      { type: 'batchAcknowledged', batchId: 2 },
    ]);
    s.fireTimers();
    const status = p.sent.filter((m) => (m as { type: string }).type === 'captureStatus').at(-1) as { rejected: number };
    expect(status.rejected).toBe(2);
  });

  test('a failed write is not acknowledged, is reported, and the batches are asked for again', async () => {
    let fail = true;
    const s = setup({
      async append(_tabId, records) {
        if (fail) throw new Error('Recording paused: browser storage is full.');
        return { sessionId: 's', stored: records.length, records };
      },
    });
    const c = s.content(3, 'n3');
    const p = s.panel(3);
    c.deliver(batch(1, [rec('n3', 0)]));
    await s.flush();
    expect(c.sent.some((m) => (m as { type: string }).type === 'batchAcknowledged')).toBe(false);
    const status = p.sent.filter((m) => (m as { type: string }).type === 'captureStatus').at(-1) as { problem: string };
    expect(status.problem).toMatch(/storage is full/);
    fail = false;
    s.fireTimers();
    expect(c.sent.at(-1)).toEqual({ type: 'resendRequested' });
    c.deliver(batch(1, [rec('n3', 0)]));
    await s.flush();
    expect(c.sent.at(-1)).toEqual({ type: 'batchAcknowledged', batchId: 1 });
  });

  test('a reload starts a new session unless Preserve log is on', async () => {
    const rolled: string[] = [];
    const s = setup({ rollSession: async (_t, reason) => void rolled.push(reason) });
    const c = s.content(5, 'a');
    s.panel(5);
    const again = (nonce: string, timeOrigin: number) => {
      const p = fakePort('appsync-capture', { tab: { id: 5 } as Runtime.MessageSender['tab'], frameId: 0, url: 'https://app/' });
      s.router.onConnect(p.port);
      p.deliver({ type: 'contentConnected', version: 1, nonce, frameUrl: 'https://app/', topFrame: true, timeOrigin });
      return p;
    };
    c.close();
    again('b', 2);
    await s.flush();
    expect(rolled).toEqual(['navigation']);
    const p = s.panel(5);
    p.deliver({ type: 'setPreserveLog', preserve: true });
    again('c', 3);
    await s.flush();
    expect(rolled).toEqual(['navigation']);
  });
});
