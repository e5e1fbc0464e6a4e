// The panel's link state: after this panel's Clear, messages about batches written before
// the clear do not bring the old session back; the background's confirmation does clear it.
import { describe, expect, test } from 'vitest';
import { applyMessage, clearRequested, createLiveStore, EMPTY_LIVE } from '../../../extension/panel/store/live-store.ts';
import type { CaptureStatus } from '../../../src/messaging/contracts.ts';

const status = (sessionId: string | null): CaptureStatus => ({ type: 'captureStatus', tabId: 1, recording: true, preserveLog: false, sessionId, stored: 0, dropped: 0, rejected: 0, problem: null, notice: null });

describe('live state', () => {
  test('a status without a session keeps the known one (a restarted worker)', () => {
    const s = applyMessage(applyMessage(EMPTY_LIVE, status('a')), status(null));
    expect(s.sessionId).toBe('a');
  });

  test('Clear: stale messages keep it cleared, the confirmation ends it, new records name the new session', () => {
    let s = applyMessage(EMPTY_LIVE, status('a'));
    s = clearRequested(s);
    expect(s.sessionId).toBeNull();
    s = applyMessage(s, { type: 'recordsCaptured', sessionId: 'a', records: [], skipped: 0 });
    s = applyMessage(s, status('a'));
    expect(s.sessionId).toBeNull();
    s = applyMessage(s, status(null));
    expect(s.sessionId).toBeNull();
    expect(s.clearing).toBeUndefined();
    s = applyMessage(s, { type: 'recordsCaptured', sessionId: 'b', records: [], skipped: 0 });
    expect(s.sessionId).toBe('b');
  });
});

describe('worker capture from the live store', () => {
  test('asks for the permission first; a refusal is shown and nothing is sent', async () => {
    let grant = false;
    const sent: unknown[] = [];
    const store = createLiveStore({ requestDebugger: async () => grant });
    store.setCommands((m) => sent.push(m));
    expect(store.workerCaptureOffered).toBe(true);
    await store.setWorkerCapture(true);
    expect(sent).toEqual([]);
    expect(store.workerProblem.value).toMatch(/permission was not granted/);
    grant = true;
    await store.setWorkerCapture(true);
    expect(sent).toEqual([{ type: 'setWorkerCapture', on: true }]);
    expect(store.workerProblem.value).toBeNull();
    await store.setWorkerCapture(false);
    expect(sent.at(-1)).toEqual({ type: 'setWorkerCapture', on: false });
  });

  test('is not offered without a debugger (Firefox)', () => {
    expect(createLiveStore().workerCaptureOffered).toBe(false);
  });
});
