// Pure parts of the inspector: the filter bar's parser, the table's window arithmetic, the
// JSON tree (iterative, bounded), the row formatter and the Copy-as texts.
import { describe, expect, test } from 'vitest';
import { connectionLabel, connectionLabels, DEFAULT_HIDDEN, EMPTY_FILTER, hiddenTypes, parseFilter, resolveConnection, tokenize } from '../../../extension/panel/views/inspector/filter-query.ts';
import { MAX_HEIGHT, scrollToReveal, scrollTopFor, tableWindow } from '../../../extension/panel/views/inspector/table-window.ts';
import { CHILDREN_PAGE, flattenJson, MAX_ROWS, showMore, toggle, EMPTY_TREE_STATE } from '../../../extension/panel/views/inspector/json-tree-model.ts';
import { describeRow, formatRelative, summarize } from '../../../extension/panel/views/inspector/row-format.ts';
import { copyChoices, copyText } from '../../../extension/panel/views/inspector/copy-as.ts';
import { frameDetail } from '../../../extension/panel/views/inspector/detail-model.ts';
import { FrameFlag, type ConnectionRecord, type StoredFrame } from '../../../src/sessions/index.ts';
import { compileFields } from '../../../src/protocol/event-fields.ts';

const frame = (over: Partial<StoredFrame>): StoredFrame => ({ pos: 0, sock: 'p1:1', seq: 0, t: 1000, conn: 'p1:1', dir: 'receive', size: 10, flags: 0, ...over });

describe('filter bar', () => {
  test('tokens, quoted text and negation', () => {
    expect(tokenize(' type:data  "id":1 c')).toEqual(['type:data', '"id":1', 'c']);
    const { query, problems } = parseFilter({ ...EMPTY_FILTER, text: 'channel:default/* type:data type:ka dir:in conn:1 id:s1 -channel:/x hello' }, new Map([['p1:1', '0'], ['p1:2', '1']]));
    expect(problems).toEqual([]);
    expect(query.include).toEqual({ channels: ['/default/*'], types: ['data', 'ka'], directions: ['receive', 'http-response'], connections: ['p1:2'], ids: ['s1'], text: 'hello', caseSensitive: false });
    expect(query.exclude).toEqual([{ types: ['ka'] }, { channels: ['/x'] }]);
  });

  test('regex, case, invert and the problems in words', () => {
    const r = parseFilter({ ...EMPTY_FILTER, text: 'a+b', regex: true, hidden: new Set() });
    expect(r.query.include?.regex).toEqual(/a+b/i);
    expect(parseFilter({ ...EMPTY_FILTER, text: 'a+b', regex: true, caseSensitive: true }).query.include?.regex).toEqual(/a+b/);
    expect(parseFilter({ ...EMPTY_FILTER, text: '(', regex: true }).problems[0]).toMatch(/Invalid regular expression/);
    expect(parseFilter({ ...EMPTY_FILTER, text: 'dir:sideways' }).problems[0]).toMatch(/Unknown direction/);
    const inv = parseFilter({ ...EMPTY_FILTER, text: 'type:data x', invert: true, hidden: new Set() });
    expect(inv.query.include).toEqual({});
    expect(inv.query.exclude).toEqual([{ types: ['data'], text: 'x', caseSensitive: false }]);
  });

  test('event fields and marks: the same path or key twice means either value, - excludes', () => {
    const { query, problems } = parseFilter({ ...EMPTY_FILTER, text: 'event.room.id:7 event.room.id:8 event.User:ann is:blocked is:Injected -is:synthetic -event.kind:test hi', hidden: new Set() });
    expect(problems).toEqual([]);
    expect(query.include).toEqual({
      fields: [
        { path: ['room', 'id'], values: ['7', '8'] },
        { path: ['User'], values: ['ann'] },
      ],
      marks: FrameFlag.blocked | FrameFlag.injected,
      text: 'hi',
      caseSensitive: false,
    });
    expect(query.exclude).toEqual([{ marks: FrameFlag.synthetic }, { fields: [{ path: ['kind'], values: ['test'] }] }]);
    expect(parseFilter({ ...EMPTY_FILTER, text: 'event.url:https://x/y' }).query.include).toEqual({ fields: [{ path: ['url'], values: ['https://x/y'] }] });
    expect(parseFilter({ ...EMPTY_FILTER, text: 'is:lost' }).problems[0]).toMatch(/Unknown mark “lost” \(use blocked, injected/);
    expect(parseFilter({ ...EMPTY_FILTER, text: 'event.a..b:1' }).problems[0]).toMatch(/not a field path/);
    // Not a token: searched as text.
    expect(parseFilter({ ...EMPTY_FILTER, text: 'event:1' }).query.include).toEqual({ text: 'event:1', caseSensitive: false });
  });

  test('chips hide their types unless a shown chip names them too; ka hidden by default', () => {
    expect([...DEFAULT_HIDDEN]).toEqual(['ka']);
    expect(hiddenTypes(new Set(['errors']))).toEqual(['error', 'connection_error', 'broadcast_error']);
    expect(hiddenTypes(new Set(['errors', 'publish']))).toEqual(expect.arrayContaining(['publish', 'publish_success', 'publish_error', 'error']));
    const conn = parseFilter({ ...EMPTY_FILTER, hidden: new Set(['connection']) });
    expect(conn.query.exclude).toEqual([{ types: ['connection_init', 'connection_ack'] }, { directions: ['connecting', 'open', 'close'] }]);
    expect(resolveConnection('http', new Map([['p1:1', '0'], ['http https://x/event', 'http']]))).toEqual(['http https://x/event']);
    expect(resolveConnection('9', new Map([['p1:1', '0']]))).toEqual(['9']);
    expect(resolveConnection('p1:1', new Map([['p1:1', '0']]))).toEqual(['p1:1']);
    expect(resolveConnection('#0', new Map([['p1:1', '0']]))).toEqual(['p1:1']);
    expect(resolveConnection('HTTP', new Map([['http https://x/event', 'http']]))).toEqual(['http https://x/event']);
  });
});

describe('connection names', () => {
  const conn = (connId: string, over: Partial<ConnectionRecord> = {}): ConnectionRecord =>
    ({ sessionId: 's', connId, kind: 'websocket', url: 'wss://h', appsync: true, protocolsOffered: [], errors: 0, sent: 0, received: 0, bytesSent: 0, bytesReceived: 0, lost: 0, subscriptions: {}, ...over }) as ConnectionRecord;

  test("sockets of two frames (each numbering its own from 0) get names of their own, in creation order", () => {
    // The record order is the store's (by id), not creation order.
    const labels = connectionLabels([
      conn('bbb:0', { createdAt: 100 }),
      conn('aaa:0', { createdAt: 200 }),
      conn('aaa:r1:0', { createdAt: 150 }),
      conn('ccc:0'),
      conn('http https://h/event', { kind: 'http' }),
      conn('worker aaa:worker/0', { createdAt: 50 }),
    ]);
    expect([...labels].sort()).toEqual([
      ['aaa:0', '2'],
      ['aaa:r1:0', '1'],
      ['bbb:0', '0'],
      ['ccc:0', '3'],
      ['http https://h/event', 'http'],
      ['worker aaa:worker/0', 'w0'],
    ]);
    // conn:N names one connection, where the socket's own number named three.
    expect(parseFilter({ ...EMPTY_FILTER, text: 'conn:0' }, labels).query.include?.connections).toEqual(['bbb:0']);
    expect(connectionLabel('aaa:0', labels)).toBe('2');
    // A connection not recorded yet keeps the socket's own number until it is.
    expect(connectionLabel('ddd:7', labels)).toBe('7');
    expect(describeRow(frame({ conn: 'aaa:0' }), 'relative', 0, undefined, labels).conn).toBe('2');
  });
});

describe('table window', () => {
  test('renders the rows in view plus a margin', () => {
    const w = tableWindow(2000, 400, 20, 1000);
    expect(w.start).toBe(92);
    expect(w.end).toBe(100 + 21 + 8);
    expect(w.offset).toBe(92 * 20);
    expect(w.height).toBe(20_000);
  });

  test('a million rows scale into the height browsers allow, and every row stays reachable', () => {
    const n = 1_000_000;
    const top = tableWindow(0, 400, 20, n);
    expect(top.start).toBe(0);
    expect(top.height).toBe(MAX_HEIGHT);
    const bottom = tableWindow(MAX_HEIGHT - 400, 400, 20, n);
    expect(bottom.end).toBe(n);
    expect(bottom.end - bottom.start).toBeLessThanOrEqual(40);
    const s = scrollTopFor(654_321, 400, 20, n);
    expect(Math.floor(tableWindow(s, 400, 20, n).top)).toBe(654_321);
    expect(scrollToReveal(5, 0, 400, 20, 100)).toBeNull();
    expect(scrollToReveal(50, 0, 400, 20, 100)).toBe((50 - 20 + 1) * 20);
  });
});

describe('JSON tree', () => {
  test('offers a filter token for each value of a decoded event, and only there', () => {
    const rows = flattenJson({
      type: 'publish',
      id: 'p1',
      events: [JSON.stringify({ room: { id: 7 }, user: 'Ann  Lee', tags: ['a'], 'odd.key': 1, ok: true }), 'not json'],
    });
    // (room and tags start collapsed at this depth: expanded here.)
    const open = rows.filter((r) => r.key === 'room' || r.key === 'tags').reduce((st, r) => toggle(st, r), EMPTY_TREE_STATE);
    const tokens = flattenJson({ type: 'publish', id: 'p1', events: [JSON.stringify({ room: { id: 7 }, user: 'Ann  Lee', tags: ['a'], 'odd.key': 1, ok: true }), 'not json'] }, open)
      .filter((r) => r.filter)
      .map((r) => r.filter);
    expect(tokens).toEqual(['event.room.id:7', 'event.user:Ann*Lee', 'event.tags:a', 'event.ok:true']);
    // Outside the events (the frame's own fields), and for a value that is not JSON, none.
    expect(rows.find((r) => r.key === 'id')?.filter).toBeUndefined();
    expect(rows.find((r) => r.text === '"not json"')?.filter).toBeUndefined();
    const data = flattenJson({ type: 'data', id: 's1', event: JSON.stringify({ n: 0, none: null }) });
    expect(data.filter((r) => r.filter).map((r) => r.filter)).toEqual(['event.n:0', 'event.none:null']);
    // Every offered token selects the frame it came from.
    for (const token of tokens) {
      const { query } = parseFilter({ ...EMPTY_FILTER, text: token as string });
      const field = query.include!.fields![0]!;
      const text = JSON.stringify({ type: 'publish', events: [JSON.stringify({ room: { id: 7 }, user: 'Ann  Lee', tags: ['a'], ok: true })] });
      expect(compileFields([field], false).matchesText(text), token).toBe(true);
    }
  });

  test('decodes the JSON strings of event and events, collapses deep and large nodes', () => {
    const rows = flattenJson({ type: 'publish', events: ['{"a":1}', 'not json'], event: '[1,2]' });
    const byKey = (k: string) => rows.find((r) => r.key === k);
    expect(byKey('a')?.text).toBe('1');
    expect(rows.find((r) => r.key === '0')?.decoded).toBe(true);
    expect(rows.find((r) => r.key === '1')?.text).toBe('"not json"');
    expect(byKey('event')).toMatchObject({ kind: 'array', decoded: true, expanded: true });
    const big = flattenJson({ list: Array.from({ length: 500 }, (_, i) => i) });
    expect(big.find((r) => r.key === 'list')).toMatchObject({ expanded: false, text: 'Array(500)' });
    const opened = flattenJson({ list: Array.from({ length: 500 }, (_, i) => i) }, toggle(EMPTY_TREE_STATE, big.find((r) => r.key === 'list')!));
    const more = opened.find((r) => r.kind === 'more')!;
    expect(opened.filter((r) => r.depth === 2 && r.kind !== 'more')).toHaveLength(CHILDREN_PAGE);
    expect(more.text).toBe('300 more…');
    const all = flattenJson({ list: Array.from({ length: 500 }, (_, i) => i) }, showMore(toggle(EMPTY_TREE_STATE, big.find((r) => r.key === 'list')!), more));
    expect(all.filter((r) => r.depth === 2)).toHaveLength(500);
  });

  test('10,000 nested arrays render without recursion, and expanding all of it stays bounded', () => {
    const text = '['.repeat(10_000) + ']'.repeat(10_000);
    const value: unknown = JSON.parse(text);
    const rows = flattenJson(value);
    expect(rows.length).toBe(4);
    expect(rows[3]).toMatchObject({ depth: 3, expandable: true, expanded: false });
    // Every node opened by the user: the tree stops at MAX_ROWS with a note.
    const toggled = new Map<string, boolean>();
    let id = '$';
    for (let d = 0; d < 10_000; d++) {
      toggled.set(id, true);
      id += '/0';
    }
    const deep = flattenJson(value, { toggled, shown: new Map() });
    expect(deep.length).toBe(MAX_ROWS + 1);
    expect(deep.at(-1)?.kind).toBe('more');
  });
});

describe('row formatter', () => {
  test('summaries, relative times and error marks', () => {
    expect(formatRelative(12_345, 0)).toBe('+12.345 s');
    expect(formatRelative(125_000, 0)).toBe('+2:05.0');
    expect(summarize(frame({ type: 'data', text: JSON.stringify({ type: 'data', id: 's', event: '{"x":1}' }) }))).toBe('{"x":1}');
    expect(summarize(frame({ type: 'publish_success', text: JSON.stringify({ type: 'publish_success', successful: [{}, {}], failed: [{}] }) }))).toBe('2 succeeded, 1 failed');
    expect(summarize(frame({ type: 'connection_ack', text: '{"type":"connection_ack","connectionTimeoutMs":300000}' }))).toBe('timeout 300000 ms');
    expect(summarize(frame({ dir: 'close', extra: { code: 1006, reason: '', wasClean: false } }))).toBe('1006 (not clean)');
    expect(summarize(frame({ type: 'publish_error', text: '{"type":"publish_error","errors":[{"errorType":"Unauthorized","message":"no"}]}' }))).toBe('Unauthorized: no');
    const row = describeRow(frame({ type: 'publish_error', id: 'p1', text: '{}' }), 'absolute', 0, () => '/from/model');
    expect(row).toMatchObject({ error: true, channel: '/from/model', id: 'p1', conn: '1' });
    expect(describeRow(frame({ dir: 'http-response', flags: FrameFlag.failed, extra: { status: 500 } }), 'relative', 0).type).toBe('HTTP 500');
    expect(describeRow(frame({ dir: 'http-response', flags: FrameFlag.failed }), 'relative', 0).error).toBe(true);
  });

  test('a received message the server did not send says who sent it, in the row and the detail', () => {
    const plain = describeRow(frame({ dir: 'receive', type: 'data' }), 'relative', 0);
    const injected = describeRow(frame({ dir: 'receive', type: 'data', flags: FrameFlag.injected }), 'relative', 0);
    const synthetic = describeRow(frame({ dir: 'receive', type: 'data', flags: FrameFlag.synthetic }), 'relative', 0);
    expect([plain.dir, plain.dirTitle]).toEqual(['↓', 'received']);
    expect([injected.dir, injected.dirTitle]).toEqual(['⇣', 'received: injected by DevTools, not sent by the server']);
    expect([synthetic.dir, synthetic.dirTitle]).toEqual(['⇣', 'received: dispatched by a page script, not sent by the server']);
    const replacement = describeRow(frame({ dir: 'send', type: 'publish', flags: FrameFlag.injected }), 'relative', 0);
    expect([replacement.dir, replacement.dirTitle]).toEqual(['⇡', "sent: a block rule's replacement, in place of the app's message"]);
    const blockedSend = describeRow(frame({ dir: 'send', type: 'publish', flags: FrameFlag.blocked }), 'relative', 0);
    expect([blockedSend.dir, blockedSend.dirTitle]).toEqual(['⊘', 'sent by the app, blocked by a rule: the server never got it']);
    expect(frameDetail(frame({ dir: 'receive', flags: FrameFlag.blocked })).facts.find(([k]) => k === 'Blocked')?.[1]).toMatch(/none of the app's listeners saw it/);
    const origin = (flags: number) => frameDetail(frame({ dir: 'receive', flags })).facts.find(([k]) => k === 'Origin')?.[1];
    expect(origin(0)).toBeUndefined();
    expect(origin(FrameFlag.injected)).toMatch(/^injected by DevTools/);
    expect(origin(FrameFlag.synthetic)).toMatch(/^dispatched on the socket by a page script/);
  });
});

describe('copy as and detail', () => {
  const request = frame({
    dir: 'http-request',
    text: '{"channel":"/a/b","events":["{\\"n\\":1}"]}',
    extra: { method: 'POST', url: "https://x.appsync-api.us-east-1.amazonaws.com/event?q='1'", headers: { 'x-api-key': 'da2-…k3f9 #a1b2', host: 'x' } },
  });

  test('cURL and fetch for an HTTP publish, marked redacted when the session keeps no secrets', () => {
    expect(copyChoices(request, false).map((c) => c.label)).toEqual(['JSON', 'Decoded event', 'cURL (redacted)', 'fetch (redacted)']);
    expect(copyChoices(request, true).map((c) => c.label)).toContain('cURL');
    const curl = copyText(request, 'curl');
    expect(curl).toContain(`curl -X POST 'https://x.appsync-api.us-east-1.amazonaws.com/event?q='\\''1'\\'''`);
    expect(curl).toContain(`-H 'x-api-key: da2-…k3f9 #a1b2'`);
    expect(curl).not.toContain('host:');
    expect(copyText(request, 'fetch')).toMatch(/^await fetch\("https:/);
    expect(JSON.parse(copyText(request, 'event'))).toEqual({ n: 1 });
    expect(copyChoices(frame({ text: '{"type":"ka"}' }), false).map((c) => c.kind)).toEqual(['json']);
  });

  test('detail: bytes, auth mode and stateless findings', () => {
    const d = frameDetail(frame({ dir: 'send', type: 'publish', text: JSON.stringify({ type: 'publish', id: 'p', channel: '/a/*', events: ['{'], authorization: { 'x-api-key': 'da2-…k3f9 #a1b2' } }) }));
    expect(d.auth[0]?.mode).toBe('API_KEY');
    expect(d.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['publish-wildcard']));
    expect(d.bytes?.hex.startsWith('00000000  7b 22')).toBe(true);
    const bin = frameDetail(frame({ binary: { size: 3, preview: 'AQID' }, flags: FrameFlag.binary }));
    expect(bin.bytes).toMatchObject({ size: 3, shown: 3, base64: 'AQID' });
    expect(bin.bytes?.hex).toContain('01 02 03');
  });

  test('detail: the connection as the table names it, with its stored id', () => {
    const fact = (f: StoredFrame, label?: string) => frameDetail(f, label).facts.find(([k]) => k === 'Connection')?.[1];
    expect(fact(frame({}), '2')).toBe('#2 · socket p1:1');
    expect(fact(frame({}))).toBe('p1:1');
    expect(fact(frame({ conn: 'worker p1:worker/0' }), 'w0')).toBe('w0 · worker p1:worker/0');
    expect(fact(frame({ conn: 'http https://h/event', dir: 'http-request' }), 'http')).toBe('HTTP https://h/event');
    // With the document that opened it, when that is not the session's page, right after.
    const facts = frameDetail(frame({}), '1', 'https://app.example.com/frame').facts.map(([k]) => k);
    expect(facts.slice(facts.indexOf('Connection'), facts.indexOf('Connection') + 2)).toEqual(['Connection', 'Opened by']);
    expect(frameDetail(frame({}), '1').facts.some(([k]) => k === 'Opened by')).toBe(false);
  });
});
