// The inspector against a fresh store fed from a fixture session: rows with headers, the
// type chips (ka hidden by default), the filter bar's tokens, selection and the detail
// pane's tabs, opening from the Sessions tab, the live tail, and page data kept as text.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { App } from '../../../extension/panel/app.tsx';
import { createLiveStore } from '../../../extension/panel/store/live-store.ts';
import { freshDb, seedConversation } from './helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;

afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
  sessions = undefined;
  inspector = undefined;
});

const types = () => [...document.querySelectorAll('.frow:not(.head):not(.loading) .type')].map((e) => e.textContent);
const count = () => screen.getByTestId('record-count').textContent;

async function openStored(extraData = 0) {
  const db = await freshDb();
  const s = await seedConversation(db, { extraData });
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  inspector.show({ kind: 'stored', id: s.id });
  render(<InspectorView store={inspector} sessions={sessions} live={null} />);
  await waitFor(() => expect(types().length).toBeGreaterThan(5));
  return { db, s };
}

describe('inspector view', () => {
  test('shows a stored session with column headers, ka hidden by default, errors highlighted', async () => {
    const { s } = await openStored();
    expect([...document.querySelectorAll('.frow.head [role="columnheader"]')].map((e) => e.textContent)).toEqual(['', 'Time (rel.)', '', 'Conn', 'Type', 'Channel', 'Id', 'Size', 'Summary']);
    expect(count()).toBe(String(s.frameCount));
    expect(types()).not.toContain('ka');
    expect(types().slice(0, 4)).toEqual(['connecting', 'open', 'connection_init', 'connection_ack']);
    const error = document.querySelector('.frow.error .type');
    expect(error?.textContent).toBe('publish_error');
    // Data frames show their subscription's channel, and the HTTP pair reads as request and response.
    const dataRow = [...document.querySelectorAll('.frow')].find((r) => r.querySelector('.type')?.textContent === 'data');
    expect(dataRow?.querySelector('.chan')?.textContent).toBe('/default/room');
    expect(dataRow?.querySelector('.summary')?.textContent).toContain('hello');
    expect(types()).toContain('POST /event');

    fireEvent.click(screen.getByRole('button', { name: 'ka' }));
    await waitFor(() => expect(types()).toContain('ka'));
  });

  test('filters with tokens, regex, invert and reports a bad regex', async () => {
    await openStored();
    const bar = screen.getByRole('searchbox', { name: 'Filter frames' });
    fireEvent.input(bar, { target: { value: 'type:publish_success' } });
    fireEvent.submit(bar.closest('form')!);
    await waitFor(() => expect(types()).toEqual(['publish_success']));
    expect(document.querySelector('.count')?.textContent).toMatch(/^1 of \d+ frames$/);

    fireEvent.input(bar, { target: { value: 'dir:send channel:/default/* -type:publish' } });
    fireEvent.submit(bar.closest('form')!);
    // `dir:send` covers WebSocket sends and HTTP publish requests.
    await waitFor(() => expect(types()).toEqual(['subscribe', 'POST /event']));

    fireEvent.input(bar, { target: { value: 'HEL+O' } });
    fireEvent.submit(bar.closest('form')!);
    fireEvent.click(screen.getByRole('checkbox', { name: '.*' }));
    await waitFor(() => expect(types()).toEqual(['data']));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Aa' }));
    await waitFor(() => expect(screen.getByTestId('inspector-empty').textContent).toContain('No frame matches'));

    fireEvent.input(bar, { target: { value: '(' } });
    fireEvent.submit(bar.closest('form')!);
    await waitFor(() => expect(document.querySelector('.chips-bar .error')?.textContent).toMatch(/Invalid regular expression/));

    fireEvent.click(screen.getByRole('checkbox', { name: '.*' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Aa' }));
    fireEvent.input(bar, { target: { value: 'default' } });
    fireEvent.submit(bar.closest('form')!);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Invert' }));
    await waitFor(() => expect(types()).toEqual(['connecting', 'open', 'connection_init', 'connection_ack', 'subscribe_success', 'data', 'publish_success', 'publish_error', 'data', 'HTTP 200']));
  });

  test('Ctrl+F (or ⌘F) goes to the filter bar with its text selected', async () => {
    await openStored();
    const bar = screen.getByRole('searchbox', { name: 'Filter frames' }) as HTMLInputElement;
    fireEvent.input(bar, { target: { value: 'type:data' } });
    (document.querySelector('.fbody') as HTMLElement | null)?.focus();
    expect(document.activeElement).not.toBe(bar);
    const ctrlF = new KeyboardEvent('keydown', { key: 'f', ctrlKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(ctrlF);
    expect(ctrlF.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(bar);
    expect([bar.selectionStart, bar.selectionEnd]).toEqual([0, 'type:data'.length]);
    (document.querySelector('.fbody') as HTMLElement | null)?.focus();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'F', metaKey: true, bubbles: true }));
    expect(document.activeElement).toBe(bar);
    // Not with Shift or Alt (other tools' shortcuts).
    const shifted = new KeyboardEvent('keydown', { key: 'F', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(shifted);
    expect(shifted.defaultPrevented).toBe(false);
  });

  test('filters by a field of the events, over WebSocket and HTTP publishes and data alike', async () => {
    await openStored();
    const bar = screen.getByRole('searchbox', { name: 'Filter frames' });
    const filter = (value: string) => {
      fireEvent.input(bar, { target: { value } });
      fireEvent.submit(bar.closest('form')!);
    };
    filter('event.nested.deep:2');
    await waitFor(() => expect(types()).toEqual(['data']));
    filter('event.n:2');
    await waitFor(() => expect(types()).toEqual(['publish']));
    filter('event.via:HTTP');
    await waitFor(() => expect(types()).toEqual(['POST /event']));
    filter('event.text:* -type:publish');
    await waitFor(() => expect(types()).toEqual(['data']));
    filter('is:sideways');
    await waitFor(() => expect(document.querySelector('.chips-bar .error')?.textContent).toMatch(/Unknown mark “sideways”/));

    // From a value of the decoded event in the detail pane.
    filter('type:data');
    await waitFor(() => expect(types()).toEqual(['data', 'data']));
    fireEvent.mouseDown([...document.querySelectorAll<HTMLElement>('.frow:not(.head)')].find((r) => r.querySelector('.type')?.textContent === 'data')!);
    fireEvent.click(await screen.findByRole('button', { name: 'Filter by event.text:hello' }));
    await waitFor(() => expect((bar as HTMLInputElement).value).toBe('type:data event.text:hello'));
    await waitFor(() => expect(types()).toEqual(['data']));
  });

  test('keeps the frames a filter matches as a session of their own, and opens it', async () => {
    const { s } = await openStored();
    expect(screen.queryByTestId('keep-matches')).toBeNull();
    const bar = screen.getByRole('searchbox', { name: 'Filter frames' });
    fireEvent.input(bar, { target: { value: 'type:data' } });
    fireEvent.submit(bar.closest('form')!);
    await waitFor(() => expect(types()).toEqual(['data', 'data']));
    fireEvent.click(screen.getByTestId('keep-matches'));
    await waitFor(() => expect(screen.getByTestId('excerpt-notice').textContent).toMatch(/^Kept 2 frames as “.+ — type:data” \(Sessions tab\)/));
    fireEvent.click(screen.getByRole('button', { name: 'Open it' }));
    fireEvent.input(bar, { target: { value: '' } });
    fireEvent.submit(bar.closest('form')!);
    await waitFor(() => expect(count()).toBe('2'));
    await waitFor(() => expect(types()).toEqual(['data', 'data']));
    expect(inspector!.session.value).toMatchObject({ derivedFrom: s.id, tags: expect.arrayContaining(['excerpt']) });
  });

  test('selects with the mouse and the keyboard, and shows decoded, raw, binary and auth views', async () => {
    await openStored();
    const rows = () => [...document.querySelectorAll<HTMLElement>('.frow:not(.head)')];
    const subscribe = rows().find((r) => r.querySelector('.type')?.textContent === 'subscribe')!;
    fireEvent.mouseDown(subscribe);
    const pane = await screen.findByTestId('detail-pane');
    expect(pane.textContent).toContain('/default/room');
    // The auth tab: the API key as stored (a fingerprint), never the key itself.
    fireEvent.click(screen.getByRole('tab', { name: /Auth/ }));
    expect(pane.textContent).toContain('API_KEY');
    expect(pane.textContent).not.toContain('abcdefghijklmnopqrstuvwxyz');

    const table = screen.getByTestId('frame-table');
    fireEvent.keyDown(table, { key: 'ArrowDown' });
    await waitFor(() => expect(document.querySelector('.frow.selected .type')?.textContent).toBe('subscribe_success'));
    fireEvent.keyDown(table, { key: 'ArrowDown' });
    await waitFor(() => expect(document.querySelector('.frow.selected .type')?.textContent).toBe('data'));
    fireEvent.click(screen.getByRole('tab', { name: 'Decoded' }));
    // The event's JSON string is shown decoded, as a tree.
    await waitFor(() => expect(screen.getByTestId('detail-pane').querySelector('.jnote')?.textContent).toBe('JSON string'));
    expect([...document.querySelectorAll('.jkey')].map((k) => k.textContent)).toEqual(expect.arrayContaining(['event', 'text', 'nested', 'deep']));
    fireEvent.click(screen.getByRole('tab', { name: 'Raw' }));
    expect(document.querySelector('.raw')?.textContent).toContain('"type":"data"');
    fireEvent.click(screen.getByRole('tab', { name: 'Binary' }));
    expect(document.querySelector('.bytes pre')?.textContent).toMatch(/^00000000 {2}7b 22/);

    fireEvent.keyDown(table, { key: 'End' });
    await waitFor(() => expect(document.querySelector('.frow.selected .type')?.textContent).toBe('HTTP 200'));
    fireEvent.keyDown(table, { key: 'Home' });
    await waitFor(() => expect(document.querySelector('.frow.selected .type')?.textContent).toBe('connecting'));
    fireEvent.keyDown(table, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('detail-pane')).toBeNull());
    fireEvent.keyDown(table, { key: 'Enter' });
    await screen.findByTestId('detail-pane');
  });

  test('page data is rendered as text, never as markup', async () => {
    await openStored();
    await waitFor(() => expect([...document.querySelectorAll('.frow .summary')].some((e) => e.textContent === '<img src=x onerror=alert(1)>')).toBe(true));
    expect(document.querySelector('.inspector img')).toBeNull();
  });

  test('a large session keeps at most a window of rows in the DOM', async () => {
    await openStored(3000);
    expect(document.querySelectorAll('.frow:not(.head)').length).toBeLessThanOrEqual(200);
  });
});

describe('panel shell', () => {
  test('Open in the Sessions tab shows the session in the inspector', async () => {
    const db = await freshDb();
    await seedConversation(db, { name: 'stored chat' });
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(sessions.db);
    render(<App live={null} sessions={sessions} inspector={inspector} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Sessions' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Open stored chat' }));
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Inspector' }).getAttribute('aria-selected')).toBe('true'));
    await waitFor(() => expect(types().length).toBeGreaterThan(5));
    expect((screen.getByRole('combobox', { name: 'Session' }) as HTMLSelectElement).selectedOptions[0]?.textContent).toContain('stored chat');
  });

  test('the live session is read from the store and follows new records', async () => {
    const db = await freshDb();
    const s = await seedConversation(db, { name: 'live chat' });
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
    const live = createLiveStore();
    render(<InspectorView store={inspector} sessions={sessions} live={live} />);
    expect((await screen.findByTestId('inspector-empty')).textContent).toContain('Open a page that uses AppSync Events');
    live.apply({ type: 'captureStatus', tabId: 1, recording: true, preserveLog: false, sessionId: s.id, stored: 1, dropped: 0, rejected: 0, problem: null, notice: null });
    await waitFor(() => expect(count()).toBe(String(s.frameCount)));
    expect(document.querySelector('.rec.on')).not.toBeNull();
  });

  test('records arriving for the same session do not re-render the view until the session grows', async () => {
    const db = await freshDb();
    const s = await seedConversation(db, { name: 'live chat' });
    sessions = createSessionsStore(db);
    inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
    const live = createLiveStore();
    // The view asks the store for `now` once per render.
    let renders = 0;
    const store = inspector;
    const trafficNow = store.trafficNow.bind(store);
    store.trafficNow = () => {
      renders++;
      return trafficNow();
    };
    render(<InspectorView store={store} sessions={sessions} live={live} />);
    live.apply({ type: 'captureStatus', tabId: 1, recording: true, preserveLog: false, sessionId: s.id, stored: 1, dropped: 0, rejected: 0, problem: null, notice: null });
    await waitFor(() => expect(count()).toBe(String(s.frameCount)));
    await store.trafficIdle();
    await new Promise((r) => setTimeout(r, 50));
    const before = renders;
    // Apart, as the background sends them: each would be its own render.
    for (let i = 0; i < 10; i++) {
      live.apply({ type: 'recordsCaptured', sessionId: s.id, records: [], skipped: 0 });
      await new Promise((r) => setTimeout(r, 5));
    }
    // Let the store's coalesced re-read run: the session did not grow, so nothing changed.
    await new Promise((r) => setTimeout(r, 50));
    expect(renders - before).toBeLessThanOrEqual(1);
  });
});
