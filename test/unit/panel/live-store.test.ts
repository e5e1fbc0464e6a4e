// The panel's link state: after this panel's Clear, messages about batches written before
// the clear do not bring the old session back; the background's confirmation does clear it.
import { describe, expect, test } from 'vitest';
import { applyMessage, clearRequested, EMPTY_LIVE } from '../../../extension/panel/store/live-store.ts';
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
