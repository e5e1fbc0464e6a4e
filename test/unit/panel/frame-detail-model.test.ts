import { describe, expect, test } from 'vitest';
import { frameDetail } from '../../../extension/panel/frame-detail-model.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';

const base = { socketId: 'n:1' as SocketId, seq: 3, t: Date.UTC(2026, 10, 27) };
const value = (d: ReturnType<typeof frameDetail>, key: string) => d.summary.find(([k]) => k === key)?.[1];

describe('frame detail', () => {
  test('a data frame: type, id, and the event JSON decoded a second time', () => {
    const text = JSON.stringify({ id: 'sub-1', type: 'data', event: JSON.stringify({ order: 7 }) });
    const d = frameDetail({ ...base, kind: 'ws-receive', data: text, size: text.length });
    expect(value(d, 'Type')).toBe('data');
    expect(value(d, 'Id')).toBe('sub-1');
    expect(d.sections.find((s) => s.title === 'Event')?.body).toBe('{\n  "order": 7\n}');
    expect(d.findings).toEqual([]);
    const known = frameDetail({ ...base, kind: 'ws-receive', data: text, size: text.length }, (s, id) => (s === 'n:1' && id === 'sub-1' ? '/default/*' : undefined));
    expect(value(known, 'Subscription channel')).toBe('/default/*');
  });

  test('a publish breaking the rules gets findings, one section per event', () => {
    const events = ['1', '2', '3', '4', '5', 'not json'];
    const text = JSON.stringify({ type: 'publish', id: 'p1', channel: '/default/*', events, authorization: { 'x-api-key': 'k' } });
    const d = frameDetail({ ...base, kind: 'ws-send', data: text, size: text.length });
    expect(d.findings.length).toBeGreaterThanOrEqual(2);
    expect(d.sections.filter((s) => s.title.startsWith('Event'))).toHaveLength(6);
    expect(d.sections.at(-1)?.body).toMatch(/not json/);
  });

  test('binary, truncated, HTTP and lifecycle records', () => {
    expect(frameDetail({ ...base, kind: 'ws-receive', data: { binary: true, size: 4, preview: 'AAECAw==' }, size: 4 }).sections[0]?.body).toBe('AAECAw==');
    const cut = frameDetail({ ...base, kind: 'ws-receive', data: { truncated: true, text: '{"type":"da', length: 5_000_000 }, size: 5_000_000 });
    expect(value(cut, 'Truncated')).toMatch(/5000000/);
    const http = frameDetail({
      ...base,
      kind: 'http',
      url: 'https://h/event',
      method: 'POST',
      frameUrl: 'https://app/',
      requestHeaders: { 'content-type': 'application/json' },
      requestBody: JSON.stringify({ channel: 'default/a', events: ['{"a":1}'] }),
      status: 200,
      responseBody: '{"successful":[],"failed":[]}',
      startedAt: 0,
      duration: 12.4,
      via: 'fetch',
    });
    expect(value(http, 'Channel')).toBe('/default/a');
    expect(value(http, 'Status')).toBe('200');
    expect(value(frameDetail({ ...base, kind: 'ws-close', code: 1006, reason: '', wasClean: false }), 'Clean')).toBe('no');
  });
});
