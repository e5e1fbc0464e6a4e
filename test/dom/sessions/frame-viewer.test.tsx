// Opening a session: its frames read page by page from IndexedDB, a streaming text filter
// with progress and Cancel, and the way back to the list.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { SessionsView } from '../../../extension/panel/views/sessions/sessions-view.tsx';
import { createFrameSource, PAGE_SIZE } from '../../../extension/panel/views/sessions/frame-source.ts';
import { freshDb, seed } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 10, 12, 0, 0);
let store: SessionsStore | undefined;

afterEach(() => {
  cleanup();
  store?.dispose();
  store = undefined;
});

describe('frame viewer', () => {
  test('opens a session read-only, filters by text, and goes back', async () => {
    const db = await freshDb();
    await seed(db, { name: 'chat', startedAt: T0, frames: 600 });
    store = createSessionsStore(db);
    render(<SessionsView store={store} pollMs={0} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open chat' }));

    await waitFor(() => expect(screen.getByTestId('frame-count').textContent).toBe('600 frames'));
    const types = async () => {
      await waitFor(() => expect(document.querySelector('.frame-row')).not.toBeNull());
      return [...document.querySelectorAll('.frame-row .type')].map((e) => e.textContent);
    };
    expect((await types()).slice(0, 3)).toEqual(['connecting', 'open', 'data']);
    expect(document.activeElement?.textContent).toContain('All sessions');

    const search = screen.getByRole('searchbox', { name: 'Filter frames by payload text' });
    fireEvent.input(search, { target: { value: 'odd' } });
    fireEvent.submit(search.closest('form')!);
    // Frames 2…599 alternate even/odd: 299 odd ones, found across several chunks.
    await waitFor(() => expect(screen.getByTestId('frame-count').textContent).toBe('299 matches'));
    expect(new Set(await types())).toEqual(new Set(['data']));
    expect(document.querySelector('.frame-row .preview')?.textContent).toContain('odd');

    fireEvent.input(search, { target: { value: '' } });
    await waitFor(() => expect(screen.getByTestId('frame-count').textContent).toBe('600 frames'));

    fireEvent.click(screen.getByRole('button', { name: '← All sessions' }));
    await waitFor(() => expect(document.querySelector('tr.session-row')).not.toBeNull());
    await waitFor(() => expect(document.activeElement?.textContent).toBe('chat'));
  });

  test('payload text is shown as text, never as markup', async () => {
    const db = await freshDb();
    await seed(db, { name: 'x', startedAt: T0, frames: 2, texts: ['<img src=x onerror=alert(1)>'] });
    store = createSessionsStore(db);
    render(<SessionsView store={store} pollMs={0} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open x' }));
    await waitFor(() => expect(document.querySelectorAll('.frame-row')).toHaveLength(3));
    expect(document.querySelector('.frame-viewer img')).toBeNull();
    expect(document.querySelectorAll('.frame-row .preview')[2]?.textContent).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('frame source', () => {
  test('reads only the page asked for and re-renders when it arrives', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'big', startedAt: T0, frames: 1000 });
    const source = createFrameSource(async () => db, s.id);
    const seen = source.version.value;
    expect(source.frameAt(2 * PAGE_SIZE + 5)).toBeUndefined();
    await waitFor(() => expect(source.version.value).toBeGreaterThan(seen));
    expect(source.frameAt(2 * PAGE_SIZE + 5)?.pos).toBe(2 * PAGE_SIZE + 5);
    expect(source.count(s.frameCount)).toBe(1000);
    source.dispose();
  });

  test('Cancel stops a running search and keeps what was found', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'big', startedAt: T0, frames: 3000 });
    const source = createFrameSource(async () => db, s.id);
    // Cancel as soon as the first batch of matches is shown, as a user would mid-search.
    const stop = source.version.subscribe(() => {
      if (source.count(0) > 0) source.cancel();
    });
    source.search('odd');
    expect(source.filter.value?.running).toBe(true);
    await waitFor(() => expect(source.filter.value).toMatchObject({ running: false, cancelled: true }));
    stop();
    const found = source.count(0);
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThan(1499);
    // A later search starts afresh and runs to the end.
    source.search('odd');
    await waitFor(() => expect(source.filter.value).toMatchObject({ running: false, cancelled: false, error: null }));
    expect(source.count(0)).toBe(1499);
    source.dispose();
  });
});
