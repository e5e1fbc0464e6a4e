import { describe, expect, test } from 'vitest';
import { isCaptureRecord, isCommandCompleted, isContentToPage, isPageToContent, isPanelToBackground, parseCaptureBatch } from '../../../src/messaging/guards.ts';

const good = { kind: 'ws-receive', socketId: 'abc:1', seq: 0, t: 1.5, data: '{"type":"ka"}', size: 13 };

describe('guards', () => {
  test('accepts the hook messages and nothing else', () => {
    expect(isPageToContent({ type: 'framesCaptured', batchId: 1, epoch: 0, dropped: 0, payload: '[]' })).toBe(true);
    expect(isPageToContent({ type: 'hookReady', version: 1, nonce: 'x' })).toBe(true);
    expect(isPageToContent({ type: 'injectIncoming', socketId: 'a:1', data: 'x' })).toBe(false);
    expect(isPageToContent({ type: 'framesCaptured', batchId: -1, epoch: 0, dropped: 0, payload: '[]' })).toBe(false);
    expect(isPageToContent({ type: 'framesCaptured', batchId: 1, dropped: 0, payload: '[]' })).toBe(false);
    expect(isPageToContent({ type: 'framesCaptured', batchId: 1, epoch: 0, dropped: 0, payload: {} })).toBe(false);
    expect(isPageToContent(null)).toBe(false);
    expect(isPageToContent('framesCaptured')).toBe(false);
  });

  test('commands to the page are checked too', () => {
    expect(isContentToPage({ type: 'injectIncoming', socketId: 'a:1', data: '{}' })).toBe(true);
    expect(isContentToPage({ type: 'injectIncoming', socketId: 'a:1', data: 5 })).toBe(false);
    expect(isContentToPage({ type: 'blockRulesChanged', rules: [{ dir: 'receive', type: 'ka', contains: '', replace: '' }] })).toBe(true);
    expect(isContentToPage({ type: 'blockRulesChanged', rules: [{ dir: 'receive', type: 'ka', contains: '' }] })).toBe(false);
    expect(isContentToPage({ type: 'blockRulesChanged', rules: [{ dir: 'up', type: '', contains: 'x', replace: '' }] })).toBe(false);
    expect(isPanelToBackground({ type: 'clearSession' })).toBe(true);
    expect(isPanelToBackground({ type: 'setPreserveLog' })).toBe(false);
    expect(isPanelToBackground({ type: 'setLiveRecords', records: 'answers' })).toBe(true);
    expect(isPanelToBackground({ type: 'setLiveRecords', records: 'none' })).toBe(false);
    expect(isPanelToBackground({ type: 'httpPublishObserved', publish: { url: 'https://h/event' } })).toBe(false);
  });

  test('command ids and command results', () => {
    expect(isPanelToBackground({ type: 'sendOnSocket', socketId: 'a:1', data: 'x', commandId: 9 })).toBe(true);
    expect(isPanelToBackground({ type: 'sendOnSocket', socketId: 'a:1', data: 'x', commandId: 1.5 })).toBe(false);
    expect(isContentToPage({ type: 'injectIncoming', socketId: 'a:1', data: 'x', commandId: -2 })).toBe(false);
    expect(isPageToContent({ type: 'commandCompleted', commandId: 9, ok: false, error: 'no' })).toBe(true);
    expect(isPageToContent({ type: 'commandCompleted', commandId: 9, ok: 'yes' })).toBe(false);
    expect(isCommandCompleted({ type: 'commandCompleted', commandId: 9, ok: true })).toBe(true);
    expect(isCommandCompleted({ type: 'commandCompleted', commandId: 9, ok: true, error: 'x'.repeat(5000) })).toBe(false);
  });

  test('capture records: each kind, wrong types and bounds', () => {
    expect(isCaptureRecord(good)).toBe(true);
    expect(isCaptureRecord({ ...good, data: { binary: true, size: 4, preview: 'AAAA' } })).toBe(true);
    expect(isCaptureRecord({ ...good, data: { truncated: true, text: 'ab', length: 9 } })).toBe(true);
    expect(isCaptureRecord({ ...good, seq: 1.5 })).toBe(false);
    expect(isCaptureRecord({ ...good, t: Number.NaN })).toBe(false);
    expect(isCaptureRecord({ ...good, kind: 'ws-explode' })).toBe(false);
    expect(isCaptureRecord({ ...good, data: { html: '<b>' } })).toBe(false);
    expect(isCaptureRecord({ kind: 'ws-create', socketId: 'a:1', seq: 0, t: 0, url: 'wss://x', protocols: ['a'], frameUrl: 'https://p', appsync: true })).toBe(true);
    expect(isCaptureRecord({ kind: 'ws-create', socketId: 'a:1', seq: 0, t: 0, url: 'x'.repeat(9000), protocols: [], frameUrl: '', appsync: true })).toBe(false);
    expect(isCaptureRecord({ kind: 'ws-close', socketId: 'a:1', seq: 3, t: 0, code: 1000, reason: '', wasClean: true })).toBe(true);
  });

  test('a batch keeps its valid records, counts the rest, and refuses other pages\' socket ids', () => {
    const payload = JSON.stringify([good, { ...good, seq: 1, socketId: 'other:1' }, { nope: true }, { ...good, seq: 2 }]);
    const parsed = parseCaptureBatch(payload, 'abc');
    expect(parsed.records.map((r) => r.seq)).toEqual([0, 2]);
    expect(parsed.rejected).toBe(2);
    expect(parseCaptureBatch('{"x":', 'abc').error).toMatch(/JSON/);
    expect(parseCaptureBatch('{}', 'abc').error).toMatch(/array/);
  });

  test('a batch cannot pollute prototypes', () => {
    const parsed = parseCaptureBatch('[{"__proto__":{"polluted":1},"kind":"ws-error","socketId":"abc:1","seq":0,"t":0}]', 'abc');
    expect(parsed.records).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
