// The inspector's views of the traffic model against a fresh store fed from fixture
// sessions: the connections sidebar and its filters, the channel tree, row highlighting of
// errors and findings, acks showing their channel, and the detail pane's chain and findings.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { createLiveStore } from '../../../extension/panel/store/live-store.ts';
import { createRecorder, createSession, saveExcerpt, type SessionRecord, type SessionsDb } from '../../../src/sessions/index.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { freshDb, seedConversation, seedMessages } from './helpers.ts';

const AUTH = { 'x-api-key': 'da2-abcdefghijklmnopqrstuvwxyz', host: 'example.appsync-api.us-east-1.amazonaws.com' };

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;

afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
  sessions = undefined;
  inspector = undefined;
});

const rows = () => [...document.querySelectorAll<HTMLElement>('.frow:not(.head):not(.loading)')];
const types = () => rows().map((r) => r.querySelector('.type')?.textContent);
const rowOf = (type: string) => rows().find((r) => r.querySelector('.type')?.textContent === type);
const filterText = () => (screen.getByRole('searchbox', { name: 'Filter frames' }) as HTMLInputElement).value;

async function show(seed: (db: SessionsDb) => Promise<SessionRecord>) {
  const db = await freshDb();
  const s = await seed(db);
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  inspector.show({ kind: 'stored', id: s.id });
  render(<InspectorView store={inspector} sessions={sessions} live={null} />);
  await waitFor(() => expect(rows().length).toBeGreaterThan(3));
  await waitFor(() => expect(inspector!.traffic?.nextPos).toBe(s.frameCount));
  return s;
}

const select = async (type: string) => {
  fireEvent.mouseDown(rowOf(type)!);
  return screen.findByTestId('detail-pane');
};

describe('connections sidebar', () => {
  test('lists each connection with state, auth and keep-alive health, and its subscriptions', async () => {
    await show((db) => seedConversation(db, { extraData: 3 }));
    const sidebar = screen.getByTestId('connections-sidebar');
    const items = await within(sidebar).findAllByTestId('connection-item');
    const ws = items.find((i) => i.dataset.conn === '0')!;
    expect(ws.dataset.state).toBe('open');
    expect(ws.dataset.health).toBe('ok');
    expect(ws.textContent).toContain('API_KEY');
    expect(ws.textContent).toContain('keep-alive');
    expect(ws.textContent).not.toContain('abcdefghijklmnopqrstuvwxyz');
    // The HTTP publish endpoint is a connection of its own.
    expect(items.some((i) => i.dataset.conn === 'http')).toBe(true);
    const sub = within(ws).getByTestId('subscription-item');
    expect(sub.dataset.channel).toBe('/default/room');
    expect(sub.dataset.state).toBe('active');
    expect(sub.textContent).toContain('5 ev');
    expect(sub.textContent).toContain('sub-1');
    // Collapsible: hidden to a thin strip and shown again.
    fireEvent.click(within(sidebar).getByRole('button', { name: 'Hide the sidebar' }));
    await waitFor(() => expect(screen.getByTestId('connections-sidebar').classList.contains('collapsed')).toBe(true));
    expect(screen.queryAllByTestId('connection-item')).toHaveLength(0);
    fireEvent.click(within(screen.getByTestId('connections-sidebar')).getByRole('button', { name: /Show connections/ }));
    expect(await screen.findAllByTestId('connection-item')).toHaveLength(2);
  });

  test('clicking a connection filters to it, clicking a subscription to its frames, again clears', async () => {
    await show((db) => seedConversation(db));
    const ws = (await screen.findAllByTestId('connection-item')).find((i) => i.dataset.conn === '0')!;
    fireEvent.click(within(ws).getByRole('button', { pressed: false, name: /#0/ }));
    await waitFor(() => expect(filterText()).toBe('conn:0'));
    await waitFor(() => expect(types()).toContain('publish'));
    expect(types()).not.toContain('POST /event');
    fireEvent.click(within(ws).getByRole('button', { name: /#0/ }));
    await waitFor(() => expect(filterText()).toBe(''));
    await waitFor(() => expect(types()).toContain('POST /event'));

    fireEvent.click(within(screen.getByTestId('subscription-item')).getByRole('button'));
    await waitFor(() => expect(filterText()).toBe('conn:0 id:sub-1'));
    await waitFor(() => expect(types()).toEqual(['subscribe', 'subscribe_success', 'data', 'data']));
    fireEvent.click(within(screen.getByTestId('subscription-item')).getByRole('button'));
    await waitFor(() => expect(filterText()).toBe(''));
  });

  test('sockets of the page and of its iframe, each numbered 1 by its own frame, are #0 and #1', async () => {
    await show(async (db) => {
      const session = await createSession(db, { name: 'frames', startedAt: 1000, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
      const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
      const socket = (socketId: string, t: number, frameUrl: string): CaptureRecord[] => [
        { socketId: socketId as SocketId, seq: 0, t, kind: 'ws-create', url: 'wss://h.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: ['aws-appsync-event-ws'], frameUrl, appsync: true },
        { socketId: socketId as SocketId, seq: 1, t: t + 1, kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
        { socketId: socketId as SocketId, seq: 2, t: t + 2, kind: 'ws-send', data: '{"type":"connection_init"}', size: 26 },
      ];
      // The iframe's batch is stored first, though its socket was created later.
      await writer.append(socket('frame:1', 1100, 'https://app.example.com/frame'));
      await writer.append(socket('top:1', 1000, 'https://app.example.com/'));
      return writer.finish(2000);
    });
    const items = await screen.findAllByTestId('connection-item');
    // Listed by name, though the model met the iframe's socket first.
    expect(items.map((i) => i.dataset.conn)).toEqual(['0', '1']);
    // The iframe's connection says which document opened it; the page's own does not.
    const byConn = (n: string) => items.find((i) => i.dataset.conn === n)!;
    expect(within(byConn('1')).getByTestId('connection-frame').textContent).toBe('from /frame');
    expect(within(byConn('0')).queryByTestId('connection-frame')).toBeNull();
    const connCells = rows().map((r) => [r.querySelector('.conn')?.getAttribute('title'), r.querySelector('.conn')?.textContent]);
    expect(new Set(connCells.map(([id, label]) => `${id}=${label}`))).toEqual(new Set(['top:1=0', 'frame:1=1']));
    // conn:1 is the iframe's socket alone.
    fireEvent.click(within(items.find((i) => i.dataset.conn === '1')!).getByRole('button', { name: /#1/ }));
    await waitFor(() => expect(filterText()).toBe('conn:1'));
    await waitFor(() => expect(rows().map((r) => r.querySelector('.conn')?.getAttribute('title'))).toEqual(['frame:1', 'frame:1', 'frame:1']));
    // Its frames' details name it as the table does, and the document that opened it.
    fireEvent.mouseDown(rows()[0]!);
    const detail = await screen.findByTestId('detail-pane');
    await waitFor(() => expect(detail.textContent).toContain('#1 · socket frame:1'));
    expect(detail.textContent).toMatch(/Opened by\s*https:\/\/app\.example\.com\/frame/);
  });

  test('a subscription whose id has a space filters by its channel', async () => {
    await show((db) => seedMessages(db, [
      ['>', { type: 'subscribe', id: 'a b', channel: '/default/spaced', authorization: AUTH }],
      ['<', { type: 'subscribe_success', id: 'a b' }],
      ['<', { type: 'data', id: 'a b', event: '"x"' }],
    ]));
    const sub = await screen.findByTestId('subscription-item');
    fireEvent.click(within(sub).getByRole('button'));
    await waitFor(() => expect(filterText()).toBe('channel:/default/spaced'));
    fireEvent.click(within(screen.getByTestId('subscription-item')).getByRole('button'));
    await waitFor(() => expect(filterText()).toBe(''));
  });

  test('a closed connection shows its code, and a console connection is marked', async () => {
    const db = await freshDb();
    const s = await seedMessages(db, [['>', { type: 'connection_init' }], ['<', { type: 'connection_ack', connectionTimeoutMs: 300000 }]], 'closed', { code: 4400, reason: 'bad request', wasClean: false });
    await db.put('sessions', { ...s, source: 'console' });
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(sessions.db);
    inspector.show({ kind: 'stored', id: s.id });
    render(<InspectorView store={inspector} sessions={sessions} live={null} />);
    await waitFor(() => expect(screen.getByTestId('connection-item').dataset.state).toBe('closed'));
    const item = screen.getByTestId('connection-item');
    expect(within(item).getByTestId('connection-origin').textContent).toBe('console');
    expect(item.querySelector('.state-detail')?.textContent).toBe('4400 · bad request · not clean');
    expect(item.querySelector('.state-detail')?.classList.contains('error')).toBe(true);
    expect(item.textContent).toMatch(/lasted/);
  });

  test('empty states say what to do next', async () => {
    const db = await freshDb();
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(sessions.db);
    render(<InspectorView store={inspector} sessions={sessions} live={createLiveStore()} />);
    expect((await screen.findByTestId('sidebar-empty')).textContent).toContain('No connections yet — open a page that uses AppSync Events, or reload to capture from the start');
    fireEvent.click(screen.getByRole('tab', { name: 'Channels' }));
    expect(screen.getByTestId('channel-tree').textContent).toContain('No channels yet');
  });
});

describe('channel tree', () => {
  test('namespaces and segments with counts; a click filters, a second clears', async () => {
    await show((db) => seedMessages(db, [
      ['>', { type: 'subscribe', id: 's1', channel: '/default/chat/a' }],
      ['<', { type: 'subscribe_success', id: 's1' }],
      ['>', { type: 'subscribe', id: 's2', channel: '/default/news' }],
      ['<', { type: 'subscribe_success', id: 's2' }],
      ['<', { type: 'data', id: 's1', event: '"x"' }],
      ['<', { type: 'data', id: 's2', event: '"y"' }],
      ['<', { type: 'data', id: 's2', event: '"z"' }],
    ]));
    fireEvent.click(screen.getByRole('tab', { name: 'Channels' }));
    const tree = screen.getByTestId('channel-tree');
    const node = (path: string) => within(tree).getAllByTestId('channel-node').find((n) => n.dataset.path === path);
    const count = (path: string) => node(path)?.querySelector('.node-count')?.textContent;
    // Counts are frames naming the channel, acks resolved through their subscription.
    expect([count('/default'), count('/default/news'), count('/default/chat')]).toEqual(['7', '4', '3']);
    // Deeper levels open on demand.
    expect(node('/default/chat/a')).toBeUndefined();
    fireEvent.click(within(node('/default/chat')!).getByRole('button', { name: 'Expand /default/chat' }));
    expect(count('/default/chat/a')).toBe('3');

    fireEvent.click(within(node('/default/news')!).getByRole('button', { name: 'news' }));
    await waitFor(() => expect(filterText()).toBe('channel:/default/news'));
    await waitFor(() => expect(types()).toEqual(['subscribe', 'subscribe_success', 'data', 'data']));
    fireEvent.click(within(node('/default')!).getByRole('button', { name: '/default' }));
    await waitFor(() => expect(filterText()).toBe('channel:/default/*'));
    await waitFor(() => expect(types()).toEqual(['subscribe', 'subscribe_success', 'subscribe', 'subscribe_success', 'data', 'data', 'data']));
    fireEvent.click(within(node('/default')!).getByRole('button', { name: '/default' }));
    await waitFor(() => expect(filterText()).toBe(''));
  });
});

describe('frame table from the model', () => {
  test('acks show their channel; error frames and findings are highlighted with an icon', async () => {
    await show((db) => seedMessages(db, [
      ['>', { type: 'connection_init' }],
      ['<', { type: 'connection_ack', connectionTimeoutMs: 300000 }],
      ['>', { type: 'subscribe', id: 's1', channel: '/default/room', authorization: AUTH }],
      ['<', { type: 'subscribe_success', id: 's1' }],
      ['>', { type: 'publish', id: 'p1', channel: '/default/room', events: ['"a"'], authorization: AUTH }],
      ['<', { type: 'publish_success', id: 'p1', successful: [{ identifier: 'i1', index: 0 }], failed: [] }],
      ['<', { type: 'data', id: 'nobody', event: '"lost"' }],
      ['<', { type: 'publish_error', id: 'p9', errors: [{ errorType: 'BadRequestException', message: 'no' }] }],
    ]));
    await waitFor(() => expect(rowOf('publish_success')?.querySelector('.chan')?.textContent).toBe('/default/room'));
    expect(rowOf('subscribe_success')?.querySelector('.chan')?.textContent).toBe('/default/room');
    const err = rowOf('publish_error')!;
    expect(err.dataset.mark).toBe('error');
    expect(err.querySelector('.mark')?.textContent).toBe('✕');
    const warn = rowOf('data')!;
    expect(warn.dataset.mark).toBe('warning');
    expect(warn.classList.contains('mark-warning')).toBe(true);
    expect(warn.querySelector('.mark')?.getAttribute('aria-label')).toMatch(/Warning/);
    expect(rowOf('publish')?.dataset.mark).toBeUndefined();
    // The warning is explained in words in the detail pane.
    const pane = await select('data');
    const finding = within(pane).getAllByTestId('finding').find((f) => f.dataset.code === 'data-unknown-subscription');
    expect(finding?.dataset.severity).toBe('warning');
    expect(finding?.textContent).toMatch(/subscription/i);
  });
});

describe('detail pane chain', () => {
  test('an excerpt of data frames only: their subscription began before it, said once, not a warning per row', async () => {
    await show(async (db) => {
      const original = await seedMessages(db, [
        ['>', { type: 'subscribe', id: 's1', channel: '/default/room', authorization: AUTH }],
        ['<', { type: 'subscribe_success', id: 's1' }],
        ...[0, 1, 2, 3].map((i) => ['<', { type: 'data', id: 's1', event: JSON.stringify({ i }) }] as const),
      ]);
      // Keep as session with the filter type:data: positions 4-7 (after connecting, open, subscribe, ack).
      return saveExcerpt(db, original, [4, 5, 6, 7], { name: 'type:data' });
    });
    const data = rows().filter((r) => r.querySelector('.type')?.textContent === 'data');
    expect(data).toHaveLength(4);
    expect(data.map((r) => r.dataset.mark)).toEqual(['info', undefined, undefined, undefined]);
    fireEvent.mouseDown(data[2]!);
    const chain = await screen.findByTestId('correlation-chain');
    expect(within(chain).getByTestId('subscribed-before-capture').textContent).toMatch(/before the capture began/);
    expect(chain.textContent).toContain('4 data frames');
  });

  test('a publish links to its ack with per-event results; the link selects the ack', async () => {
    await show((db) => seedConversation(db));
    const pane = await select('publish');
    const chain = within(pane).getByTestId('correlation-chain');
    const links = within(chain).getAllByTestId('chain-link');
    expect(links.map((l) => l.textContent?.replace(/\s+#\d+$/, ''))).toEqual(['publish', 'publish_success']);
    expect(links[0]!.getAttribute('aria-current')).toBe('true');
    expect(within(chain).getAllByTestId('publish-result').map((r) => r.textContent)).toEqual(['✓ event 0 · a', '✓ event 1 · b']);
    const ackPos = Number(links[1]!.dataset.pos);
    fireEvent.click(links[1]!);
    await waitFor(() => expect(document.querySelector('.frow.selected')?.getAttribute('data-pos')).toBe(String(ackPos)));
    expect(document.querySelector('.frow.selected .type')?.textContent).toBe('publish_success');
  });

  test('a subscribe links to its ack and data frames; "show all" filters to them', async () => {
    await show((db) => seedConversation(db, { extraData: 10 }));
    const pane = await select('subscribe');
    const chain = within(pane).getByTestId('correlation-chain');
    const labels = within(chain).getAllByTestId('chain-link').map((l) => l.textContent?.replace(/\s+#\d+$/, ''));
    expect(labels.slice(0, 2)).toEqual(['subscribe', 'subscribe_success']);
    expect(labels.filter((l) => l === 'data')).toHaveLength(5);
    expect(labels).toContain('last');
    expect(chain.textContent).toContain('12 data frames');
    // A data frame past the first few is marked as the current one in its subscription's chain.
    const later = rows().filter((r) => r.querySelector('.type')?.textContent === 'data')[7]!;
    fireEvent.mouseDown(later);
    await waitFor(() => expect(document.querySelector('[data-testid="correlation-chain"] .chain-link.current')?.textContent).toBe(`this data #${later.dataset.pos}`));
    fireEvent.click(within(screen.getByTestId('correlation-chain')).getByRole('button', { name: 'show all' }));
    await waitFor(() => expect(filterText()).toBe('conn:0 id:sub-1'));
  });

  test('an HTTP publish links request and response; an unknown ack explains its finding', async () => {
    await show((db) => seedConversation(db));
    let pane = await select('POST /event');
    let links = within(within(pane).getByTestId('correlation-chain')).getAllByTestId('chain-link');
    expect(links.map((l) => l.textContent?.replace(/\s+#\d+$/, ''))).toEqual(['HTTP request', 'HTTP 200']);
    pane = await select('publish_error');
    await waitFor(() => expect(within(pane).getAllByTestId('finding').map((f) => f.dataset.code)).toContain('publish-ack-unknown-id'));
    links = within(pane).queryAllByTestId('chain-link');
    expect(links).toHaveLength(0);
  });
});
