// Pure parts of the inspector's traffic views: filter toggles from the sidebar and the tree,
// the sidebar's words for state and keep-alive health, the tree's flattening (iterative,
// bounded) and the row marks.
import { describe, expect, test } from 'vitest';
import { channelTokens, hasTokens, toggleSubscription, toggleTokens, withTokens } from '../../../extension/panel/views/inspector/filter-tokens.ts';
import { connectionText, formatDuration, formatRate, framesOf } from '../../../extension/panel/views/inspector/sidebar-format.ts';
import type { ConnectionRecord } from '../../../src/sessions/index.ts';
import { redactUrl } from '../../../src/protocol/redact.ts';
import { flattenTree } from '../../../extension/panel/views/inspector/channel-tree.tsx';
import { rowMark } from '../../../extension/panel/views/inspector/frame-table.tsx';
import { Mark, type ChannelNode, type ConnectionView } from '../../../src/traffic/index.ts';

describe('the document a connection came from', () => {
  test("named only when it is not the session's page: path on the page's host, host and path elsewhere", () => {
    const c = (connId: string, frameUrl?: string) => ({ connId, ...(frameUrl !== undefined ? { frameUrl } : {}) }) as ConnectionRecord;
    const frames = framesOf([c('a', 'https://app.example.com/#top'), c('b', 'https://app.example.com/frame?x=1'), c('c', 'https://ads.example.net/slot'), c('d', 'about:blank'), c('e'), c('f', 'not a url')], 'https://app.example.com/');
    expect(Object.fromEntries([...frames].map(([id, f]) => [id, f.text]))).toEqual({ b: '/frame?x=1', c: 'ads.example.net/slot', d: 'about:blank', f: 'not a url' });
    expect(frames.get('b')!.url).toBe('https://app.example.com/frame?x=1');
  });

  test("the page's own connections are not named when the URL holds a key the session redacted", () => {
    const page = 'https://app.example.com/chat?api_key=da2-abcdefghijklmnopqrstuvwxyz&room=1';
    const stored = redactUrl(page);
    expect(stored).not.toContain('abcdefghijklmnop');
    const c = { connId: 'a', frameUrl: stored } as ConnectionRecord;
    // Recorded before page URLs were redacted (page in clear), and since (both redacted).
    expect(framesOf([c], page).size).toBe(0);
    expect(framesOf([c], stored).size).toBe(0);
    expect(framesOf([{ connId: 'b', frameUrl: redactUrl(page.replace('room=1', 'room=2')) } as ConnectionRecord], page).size).toBe(1);
  });
});

describe('filter toggles', () => {
  test('a click sets its tokens in place of the same key, a second click removes them', () => {
    expect(toggleTokens('hello conn:2', 'conn', ['conn:1'])).toBe('hello conn:1');
    expect(toggleTokens('hello conn:1', 'conn', ['conn:1'])).toBe('hello');
    expect(toggleTokens('conn:1 id:s1 type:data', 'conn', ['conn:2'], ['id'])).toBe('type:data conn:2');
    expect(hasTokens('channel:/a channel:/a/*', 'channel', ['channel:/a/*', 'channel:/a'])).toBe(true);
    expect(hasTokens('channel:/a', 'channel', ['channel:/a', 'channel:/a/*'])).toBe(false);
    expect(withTokens('x ID:old', 'id', ['id:new'])).toBe('x id:new');
  });

  test('a subscription filters to its connection and id, and clears both', () => {
    const on = toggleSubscription('text conn:3', 'conn:1', 'id:s1');
    expect(on).toBe('text conn:1 id:s1');
    expect(toggleSubscription(on, 'conn:1', 'id:s1')).toBe('text');
  });

  test('a tree node selects itself, and what is below it when it has children', () => {
    expect(channelTokens('/default/room', 4, false)).toEqual(['channel:/default/room']);
    expect(channelTokens('/default', 0, true)).toEqual(['channel:/default/*']);
    expect(channelTokens('/default', 2, true)).toEqual(['channel:/default', 'channel:/default/*']);
  });
});

const conn = (over: Partial<ConnectionView> = {}): ConnectionView =>
  ({
    index: 0, connId: 'p1:3', kind: 'websocket', url: 'wss://h.example.com/event/realtime', origin: 'page', appsync: true, state: 'open', acked: true,
    createdAt: 1000, openedAt: 1010, firstPos: 0, lastPos: 10, lastAt: 5000, frames: 10, sent: 5, received: 5, bytesOut: 1, bytesIn: 1, errors: 0,
    keepAlive: { currentGapMs: 1000, health: 'ok', largestGapMs: 1000, worst: 'ok', timeoutMs: 300000 }, subscriptions: [], publishes: 0, ...over,
  }) as ConnectionView;

describe('sidebar words', () => {
  test('durations and rates', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_380_000)).toBe('2 h 03 min');
    expect(formatRate(0)).toBe('');
    expect(formatRate(3.46)).toBe('3.5/s');
    expect(formatRate(42.4)).toBe('42/s');
  });

  test('state, age, auth and keep-alive health, with an icon besides the colour', () => {
    const t = connectionText(conn(), 61_000, ['API_KEY']);
    expect([t.label, t.token, t.state, t.age, t.host]).toEqual(['#3', '3', 'open', 'age 1 min 00 s', 'h.example.com']);
    expect(t.auth).toBe('API_KEY (per operation)');
    expect(t.healthText).toMatch(/^✓ keep-alive 1 s ago$/);
    const late = connectionText(conn({ keepAlive: { currentGapMs: 240_000, health: 'warning', largestGapMs: 240_000, worst: 'warning', timeoutMs: 300_000 } }), 0);
    expect(late.healthText).toBe('⚠ keep-alive late: 4 min 00 s of 5 min 00 s');
    const dead = connectionText(conn({ state: 'closed', closedAt: 4000, closeCode: 1006, wasClean: false, keepAlive: { currentGapMs: 310_000, health: 'timed-out', largestGapMs: 310_000, worst: 'timed-out', timeoutMs: 300_000 } }), 0);
    expect([dead.state, dead.stateDetail, dead.age]).toEqual(['closed', '1006 · not clean', 'lasted 3 s']);
    expect(dead.healthText).toMatch(/^✕ keep-alive timed out/);
    expect(connectionText(conn({ kind: 'http', connId: 'http https://h/event', publishes: 2 }), 0)).toMatchObject({ label: 'HTTP', token: 'http', state: '2 publishes', healthText: '' });
  });
});

describe('channel tree flattening', () => {
  const node = (path: string, children: ChannelNode[] = []): ChannelNode => ({ name: path.split('/').pop()!, path, own: 1, total: 1, children });
  test('namespaces open by default, deeper nodes on demand', () => {
    const tree = [node('/a', [node('/a/b', [node('/a/b/c')])]), node('/z')];
    expect(flattenTree(tree, new Set(), new Set()).rows.map((r) => r.node.path)).toEqual(['/a', '/a/b', '/z']);
    expect(flattenTree(tree, new Set(), new Set(['/a/b'])).rows.map((r) => [r.node.path, r.depth])).toEqual([['/a', 0], ['/a/b', 1], ['/a/b/c', 2], ['/z', 0]]);
    expect(flattenTree(tree, new Set(['/a']), new Set()).rows.map((r) => r.node.path)).toEqual(['/a', '/z']);
  });

  test('a 100,000-deep channel neither recurses nor renders past the bound', () => {
    let deep = node('/x');
    const opened = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      deep = { ...node(`/p${i}`), children: [deep] };
      opened.add(`/p${i}`);
    }
    const { rows, hidden } = flattenTree([deep], new Set(), opened, 500);
    expect(rows).toHaveLength(500);
    expect(hidden).toBe(1);
  });
});

describe('row marks', () => {
  test('the worst mark wins and always comes with an icon and words', () => {
    expect(rowMark(0, false)).toEqual({ cls: '', icon: '', label: '' });
    expect(rowMark(Mark.errorFrame, false)).toMatchObject({ kind: 'error', icon: '✕' });
    expect(rowMark(0, true).cls).toContain('error');
    expect(rowMark(Mark.warning | Mark.info, false)).toMatchObject({ kind: 'warning', icon: '⚠', cls: ' mark-warning' });
    expect(rowMark(Mark.info, false)).toMatchObject({ kind: 'info', icon: 'ℹ' });
    expect(rowMark(Mark.error | Mark.warning, false)).toMatchObject({ kind: 'error', cls: ' mark-error' });
  });
});
