// Record/Stop: while a tab is stopped its batches are acknowledged and not stored (counted
// instead), the hook keeps sending (so nothing held in the page is stored on resume),
// resuming continues the same session, and the choice survives a panel reopen and a
// restarted worker.
import { describe, expect, test } from 'vitest';
import { createRouter } from '../../../extension/background/router.ts';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import type { CaptureStatus } from '../../../src/messaging/contracts.ts';
import { DEFAULT_SETTINGS } from '../../../src/recording/policy.ts';
import type { TabRecorder } from '../../../src/recording/tab-recorder.ts';
import { isBackgroundToPanel, isPanelToBackground } from '../../../src/messaging/guards.ts';
import { MAX_STOPPED_SPANS } from '../../../src/messaging/contracts.ts';
import { createStopLog } from '../../../extension/background/recording-control.ts';
import { batch, fakePort, PANEL_URL, rec, typeOf, until } from './harness.ts';

const lastStatus = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus;
const acks = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'batchAcknowledged').map((m) => (m as { batchId: number }).batchId);
const recordingSaid = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'recordingChanged').map((m) => (m as { recording: boolean }).recording);

/** A router over a fake recorder and a paused-store shared between "workers". */
function world(pausedStore = new Map<number, boolean>(), clock = { t: 1_000 }) {
  const stored: CaptureRecord[][] = [];
  const passedOver: CaptureRecord[] = [];
  const recorder: TabRecorder = {
    async append(_tabId, all, keep) {
      // The sessions recorder stores what `keep` accepts and passes over the rest.
      const records = keep ? all.filter(keep) : [...all];
      if (records.length > 0) stored.push(records);
      passedOver.push(...all.filter((r) => !records.includes(r)));
      return { sessionId: 's1', stored: stored.flat().length, records, passed: all.length - records.length };
    },
    async rollSession() {},
  };
  const router = createRouter({
    recorder,
    panelUrl: PANEL_URL,
    settings: () => DEFAULT_SETTINGS,
    preserveLog: { get: async () => false, set: async () => {} },
    recordingPaused: { get: async (t) => pausedStore.get(t) ?? false, set: async (t, on) => void pausedStore.set(t, on) },
    setTimer: () => {},
    now: () => clock.t,
  });
  const content = (tabId: number, nonce: string) => {
    const p = fakePort('appsync-capture', { tab: { id: tabId } as never, frameId: 0, url: 'https://app/' });
    router.onConnect(p.port);
    p.deliver({ type: 'contentConnected', version: 1, nonce, frameUrl: 'https://app/', topFrame: true, timeOrigin: 1 });
    return p;
  };
  const panel = (tabId: number) => {
    const p = fakePort(`appsync-panel:${tabId}`, { url: PANEL_URL });
    router.onConnect(p.port);
    return p;
  };
  return { router, stored, passedOver, content, panel, pausedStore, clock };
}

describe('setRecording guard', () => {
  test('needs a tab id and a boolean', () => {
    expect(isPanelToBackground({ type: 'setRecording', tabId: 4, on: false })).toBe(true);
    expect(isPanelToBackground({ type: 'setRecording', tabId: 4, on: 'no' })).toBe(false);
    expect(isPanelToBackground({ type: 'setRecording', tabId: -1, on: true })).toBe(false);
    expect(isPanelToBackground({ type: 'setRecording', on: true })).toBe(false);
    expect(isPanelToBackground({ type: 'setRecording', tabId: 1.5, on: true })).toBe(false);
  });
});

describe('Record/Stop', () => {
  test('stopped: batches are acknowledged, not stored, and counted; resumed: stored again in the same session', async () => {
    const w = world();
    const c = w.content(2, 'n');
    const p = w.panel(2);
    c.deliver(batch(1, [rec('n', 0)]));
    await until(() => acks(c.sent).includes(1), 'first ack');
    p.deliver({ type: 'setRecording', tabId: 2, on: false });
    expect(lastStatus(p.sent)).toMatchObject({ recording: false, paused: true, discarded: 0 });
    c.deliver(batch(2, [rec('n', 1), rec('n', 2)]));
    await until(() => acks(c.sent).includes(2), 'ack while stopped');
    expect(w.stored.flat().map((r) => r.seq)).toEqual([0]);
    expect(lastStatus(p.sent)).toMatchObject({ paused: true, discarded: 2 });
    // The hook is never told to stop: it would hold the records and send them on resume.
    expect(recordingSaid(c.sent).at(-1)).toBe(true);
    p.deliver({ type: 'setRecording', tabId: 2, on: true });
    c.deliver(batch(3, [rec('n', 3)]));
    await until(() => acks(c.sent).includes(3), 'ack after resume');
    expect(w.stored.flat().map((r) => r.seq)).toEqual([0, 3]);
    expect(lastStatus(p.sent)).toMatchObject({ recording: true, paused: false, discarded: 2, sessionId: 's1' });
  });

  test('a command naming another tab is ignored', async () => {
    const w = world();
    w.content(2, 'n');
    const p = w.panel(2);
    p.deliver({ type: 'setRecording', tabId: 3, on: false });
    expect(lastStatus(p.sent)).toMatchObject({ recording: true, paused: false });
    expect(w.pausedStore.size).toBe(0);
  });

  test('the choice survives a panel reopen and a restarted worker', async () => {
    const w = world();
    w.content(5, 'n');
    const p = w.panel(5);
    p.deliver({ type: 'setRecording', tabId: 5, on: false });
    p.close();
    const again = w.panel(5);
    expect(lastStatus(again.sent)).toMatchObject({ paused: true, recording: false });
    await until(() => w.pausedStore.get(5) === true, 'kept');

    // A new worker: same store, fresh router.
    const w2 = world(w.pausedStore);
    const c2 = w2.content(5, 'n');
    const p2 = w2.panel(5);
    await until(() => lastStatus(p2.sent)?.paused === true, 'restored');
    c2.deliver(batch(1, [rec('n', 0)]));
    await until(() => acks(c2.sent).includes(1), 'ack');
    expect(w2.stored).toHaveLength(0);
    expect(lastStatus(p2.sent)).toMatchObject({ discarded: 1 });
  });

  test('Clear resets the count of records not stored', async () => {
    const w = world();
    const c = w.content(6, 'n');
    const p = w.panel(6);
    p.deliver({ type: 'setRecording', tabId: 6, on: false });
    c.deliver(batch(1, [rec('n', 0)]));
    await until(() => lastStatus(p.sent).discarded === 1, 'counted');
    p.deliver({ type: 'clearSession' });
    await until(() => lastStatus(p.sent).discarded === 0, 'reset');
    expect(lastStatus(p.sent).paused).toBe(true);
  });
});

const sock = (nonce: string, n: number) => `${nonce}:${n}` as CaptureRecord['socketId'];
const created = (nonce: string, n: number, seq: number): CaptureRecord => ({
  kind: 'ws-create',
  socketId: sock(nonce, n),
  seq,
  t: seq,
  url: 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime',
  protocols: ['aws-appsync-event-ws', 'header-e30'],
  frameUrl: 'https://app/',
  appsync: true,
});
const opened = (nonce: string, n: number, seq: number): CaptureRecord => ({ kind: 'ws-open', socketId: sock(nonce, n), seq, t: seq, protocol: 'aws-appsync-event-ws', extensions: '' });
const sent = (nonce: string, n: number, seq: number): CaptureRecord => ({ kind: 'ws-send', socketId: sock(nonce, n), seq, t: seq, data: '{"type":"connection_init"}', size: 26 });
const closed = (nonce: string, n: number, seq: number): CaptureRecord => ({ kind: 'ws-close', socketId: sock(nonce, n), seq, t: seq, code: 1000, reason: '', wasClean: true });

describe('Record/Stop keeps the connections known', () => {
  test('stopped: a socket\'s create/open/close are stored, its frames are not; after resume its frames follow a known connection', async () => {
    const w = world();
    const c = w.content(2, 'n');
    const p = w.panel(2);
    p.deliver({ type: 'setRecording', tabId: 2, on: false });
    c.deliver(batch(1, [created('n', 7, 0), opened('n', 7, 1), sent('n', 7, 2), rec('n', 3), closed('n', 8, 4)]));
    await until(() => acks(c.sent).includes(1), 'ack while stopped');
    expect(w.stored.flat().map((r) => r.kind)).toEqual(['ws-create', 'ws-open', 'ws-close']);
    expect(lastStatus(p.sent)).toMatchObject({ paused: true, discarded: 2 });

    p.deliver({ type: 'setRecording', tabId: 2, on: true });
    c.deliver(batch(2, [{ ...sent('n', 7, 3), data: '{"type":"subscribe"}' }]));
    await until(() => acks(c.sent).includes(2), 'ack after resume');
    const all = w.stored.flat();
    expect(all.map((r) => `${r.kind}@${r.socketId}:${r.seq}`)).toEqual(['ws-create@n:7:0', 'ws-open@n:7:1', 'ws-close@n:8:4', 'ws-send@n:7:3']);
  });

  test('a batch of frames only, while stopped, stores nothing', async () => {
    const w = world();
    const c = w.content(2, 'n');
    const p = w.panel(2);
    p.deliver({ type: 'setRecording', tabId: 2, on: false });
    c.deliver(batch(1, [rec('n', 0), sent('n', 1, 0)]));
    await until(() => acks(c.sent).includes(1), 'ack');
    expect(w.stored).toHaveLength(0);
    expect(lastStatus(p.sent).discarded).toBe(2);
  });

  test('the status lists each stopped span with its times and count; Clear forgets them', async () => {
    const w = world();
    const c = w.content(3, 'n');
    const p = w.panel(3);
    w.clock.t = 10_000;
    p.deliver({ type: 'setRecording', tabId: 3, on: false });
    expect(lastStatus(p.sent).stoppedSpans).toEqual([{ from: 10_000, to: null, discarded: 0 }]);
    c.deliver(batch(1, [rec('n', 0), rec('n', 1), created('n', 2, 0)]));
    await until(() => lastStatus(p.sent).discarded === 2, 'counted');
    w.clock.t = 12_500;
    p.deliver({ type: 'setRecording', tabId: 3, on: true });
    w.clock.t = 20_000;
    p.deliver({ type: 'setRecording', tabId: 3, on: false });
    w.clock.t = 21_000;
    p.deliver({ type: 'setRecording', tabId: 3, on: true });
    const spans = lastStatus(p.sent).stoppedSpans;
    expect(spans).toEqual([
      { from: 10_000, to: 12_500, discarded: 2 },
      { from: 20_000, to: 21_000, discarded: 0 },
    ]);
    expect(isBackgroundToPanel(lastStatus(p.sent))).toBe(true);
    p.deliver({ type: 'clearSession' });
    await until(() => lastStatus(p.sent).stoppedSpans?.length === 0, 'forgotten');
  });

  test('a restarted worker that finds the tab stopped opens a span', async () => {
    const w = world(new Map([[4, true]]));
    w.content(4, 'n');
    const p = w.panel(4);
    await until(() => lastStatus(p.sent)?.paused === true, 'restored');
    expect(lastStatus(p.sent).stoppedSpans).toEqual([{ from: 1_000, to: null, discarded: 0 }]);
  });
});

describe('stop log', () => {
  test('keeps at most MAX_STOPPED_SPANS spans, merging the oldest so the counts add up', () => {
    let t = 0;
    const log = createStopLog(() => t);
    for (let i = 0; i < MAX_STOPPED_SPANS + 5; i++) {
      t = i * 10;
      log.stop();
      log.discard(1);
      t = i * 10 + 5;
      log.resume();
    }
    const spans = log.spans();
    expect(spans).toHaveLength(MAX_STOPPED_SPANS);
    expect(spans.reduce((n, s) => n + s.discarded, 0)).toBe(MAX_STOPPED_SPANS + 5);
    expect(spans[0]).toMatchObject({ from: 0, to: 55 });
  });

  test('a second stop while stopped does not open a new span; discarding while running opens one', () => {
    let t = 5;
    const log = createStopLog(() => t);
    log.discard(3);
    log.stop();
    t = 9;
    log.resume();
    expect(log.spans()).toEqual([{ from: 5, to: 9, discarded: 3 }]);
  });
});

describe('stoppedSpans guard', () => {
  const status = { type: 'captureStatus', tabId: 1, recording: false, preserveLog: false, sessionId: null, stored: 0, dropped: 0, rejected: 0, problem: null, notice: null };
  test('accepts absent or well-formed spans and refuses others', () => {
    expect(isBackgroundToPanel(status)).toBe(true);
    expect(isBackgroundToPanel({ ...status, stoppedSpans: [{ from: 1, to: null, discarded: 0 }] })).toBe(true);
    expect(isBackgroundToPanel({ ...status, stoppedSpans: [{ from: 1, to: 'x', discarded: 0 }] })).toBe(false);
    expect(isBackgroundToPanel({ ...status, stoppedSpans: [{ from: 1, to: 2, discarded: -1 }] })).toBe(false);
    expect(isBackgroundToPanel({ ...status, stoppedSpans: Array.from({ length: MAX_STOPPED_SPANS + 1 }, () => ({ from: 1, to: 2, discarded: 0 })) })).toBe(false);
  });
});
