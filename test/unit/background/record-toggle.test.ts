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
import { isPanelToBackground } from '../../../src/messaging/guards.ts';
import { batch, fakePort, PANEL_URL, rec, typeOf, until } from './harness.ts';

const lastStatus = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'captureStatus').at(-1) as CaptureStatus;
const acks = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'batchAcknowledged').map((m) => (m as { batchId: number }).batchId);
const recordingSaid = (sent: unknown[]) => sent.filter((m) => typeOf(m) === 'recordingChanged').map((m) => (m as { recording: boolean }).recording);

/** A router over a fake recorder and a paused-store shared between "workers". */
function world(pausedStore = new Map<number, boolean>()) {
  const stored: CaptureRecord[][] = [];
  const recorder: TabRecorder = {
    async append(_tabId, records) {
      stored.push([...records]);
      return { sessionId: 's1', stored: stored.flat().length, records };
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
  return { router, stored, content, panel, pausedStore };
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
