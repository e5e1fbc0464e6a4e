// The toolbar's sentence about Record/Stop names the stopped span and what it left out.
import { describe, expect, test } from 'vitest';
import type { CaptureStatus } from '../../../src/messaging/contracts.ts';
import { stoppedLine } from '../../../extension/panel/views/inspector/stopped-spans.ts';

const at = (h: number, m: number, s: number) => new Date(2026, 0, 1, h, m, s).getTime();
const status = (over: Partial<CaptureStatus>): CaptureStatus => ({ type: 'captureStatus', tabId: 1, recording: true, preserveLog: false, sessionId: 's', stored: 1, dropped: 0, rejected: 0, problem: null, notice: null, ...over });

describe('stoppedLine', () => {
  test('nothing to say while recording with no stop', () => {
    expect(stoppedLine(null)).toBeNull();
    expect(stoppedLine(status({}))).toBeNull();
  });
  test('stopped: since when, and how many records', () => {
    expect(stoppedLine(status({ paused: true, recording: false, discarded: 0, stoppedSpans: [{ from: at(9, 5, 7), to: null, discarded: 0 }] }))).toBe('Recording stopped since 09:05:07');
    expect(stoppedLine(status({ paused: true, discarded: 3, stoppedSpans: [{ from: at(9, 5, 7), to: null, discarded: 3 }] }))).toBe('Recording stopped since 09:05:07: 3 records not stored');
    expect(stoppedLine(status({ paused: true, discarded: 1 }))).toBe('Recording stopped: 1 record not stored');
  });
  test('resumed: the span and its count, and the total over several stops', () => {
    expect(stoppedLine(status({ discarded: 4, stoppedSpans: [{ from: at(9, 0, 0), to: at(9, 0, 12), discarded: 4 }] }))).toBe('Recording was stopped 09:00:00–09:00:12: 4 records not stored');
    expect(
      stoppedLine(status({ discarded: 6, stoppedSpans: [{ from: at(9, 0, 0), to: at(9, 0, 12), discarded: 4 }, { from: at(10, 0, 0), to: at(10, 1, 0), discarded: 2 }] })),
    ).toBe('Recording was stopped 10:00:00–10:01:00: 2 records not stored (2 stops, 6 records in all)');
  });
  test('a background without spans still gets the count', () => {
    expect(stoppedLine(status({ discarded: 5 }))).toBe('5 records not stored while recording was stopped');
  });
});
