// The panel's guard: the two message shapes the background sends, and nothing else.
import { describe, expect, test } from 'vitest';
import { isBackgroundToPanel } from '../../../src/messaging/guards.ts';
import type { CaptureStatus, LiveRecords } from '../../../src/messaging/contracts.ts';
import type { SocketId } from '../../../src/capture/records.ts';

const status: CaptureStatus = { type: 'captureStatus', tabId: 3, recording: true, preserveLog: false, sessionId: null, stored: 0, dropped: 0, rejected: 0, problem: null, notice: 'evicted 2 sessions' };
const live: LiveRecords = {
  type: 'recordsCaptured',
  sessionId: 's1',
  skipped: 4,
  records: [{ kind: 'ws-receive', socketId: 'n:1' as SocketId, seq: 0, t: 1, data: '{"type":"ka"}', size: 13 }],
};

describe('isBackgroundToPanel', () => {
  test('accepts what the background sends', () => {
    expect(isBackgroundToPanel(status)).toBe(true);
    expect(isBackgroundToPanel({ ...status, sessionId: 's1', problem: 'storage full', notice: null })).toBe(true);
    expect(isBackgroundToPanel(live)).toBe(true);
    expect(isBackgroundToPanel({ ...live, records: [] })).toBe(true);
  });

  test('refuses other types, missing or mistyped fields and malformed records', () => {
    for (const bad of [
      null,
      'captureStatus',
      [],
      { type: 'toString' },
      { type: 'batchAcknowledged', batchId: 1 },
      { ...status, tabId: -1 },
      { ...status, recording: 'yes' },
      { ...status, sessionId: 7 },
      { ...status, stored: 1.5 },
      { ...status, problem: undefined },
      { ...live, skipped: -1 },
      { ...live, records: 'x' },
      { ...live, records: [{ kind: 'ws-receive', socketId: 'n:1', seq: 0 }] },
      { ...live, sessionId: undefined },
    ]) {
      expect([bad, isBackgroundToPanel(bad)]).toEqual([bad, false]);
    }
  });
});
