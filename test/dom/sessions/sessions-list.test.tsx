// The session list: order, what each row says, the empty state, rename, pin, and delete
// with undo, against a real (fake-indexeddb) database.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { getSession, listSessions, type SessionsDb } from '../../../src/sessions/index.ts';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { SessionsView } from '../../../extension/panel/views/sessions/sessions-view.tsx';
import { freshDb, seed } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 10, 12, 0, 0);
let store: SessionsStore | undefined;

afterEach(() => {
  cleanup();
  store?.dispose();
  store = undefined;
});

function rows(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('tr.session-row')];
}
const names = () => rows().map((r) => r.querySelector('.name')?.textContent);

async function mount(db: SessionsDb, undoMs?: number): Promise<SessionsStore> {
  store = createSessionsStore(db, { ...(undoMs !== undefined ? { undoMs } : {}) });
  render(<SessionsView store={store} pollMs={0} />);
  await waitFor(() => expect(store!.loaded.value).toBe(true));
  return store;
}

describe('session list', () => {
  test('shows the empty state with what to do next', async () => {
    await mount(await freshDb());
    expect(screen.getByTestId('sessions-empty').textContent).toBe(
      'No sessions yet. Open the Inspector tab on a page that uses AppSync Events, or import a session or HAR file.',
    );
  });

  test('lists pinned first, then newest first, with counts, source and a clear secrets mark', async () => {
    const db = await freshDb();
    await seed(db, { name: 'oldest', startedAt: T0, frames: 3 });
    await seed(db, { name: 'old pinned', startedAt: T0 + 1000, frames: 4, pinned: true });
    await seed(db, { name: 'newest', startedAt: T0 + 3000, frames: 7, keepSecrets: true });
    await seed(db, { name: 'imported', startedAt: T0 + 2000, frames: 2, source: 'imported' });
    await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(names()).toEqual(['old pinned', 'newest', 'imported', 'oldest']);

    const [pinned, newest, imported] = rows() as [HTMLElement, HTMLElement, HTMLElement];
    expect(pinned.querySelector('.frames > span')?.textContent).toBe('4');
    expect(pinned.querySelector('.pin')?.getAttribute('aria-pressed')).toBe('true');
    expect(newest.querySelector('.frames > span')?.textContent).toBe('7');
    expect(newest.querySelector('.secrets')?.textContent).toContain('Secrets kept');
    expect(pinned.querySelector('.secrets')).toBeNull();
    expect(imported.querySelector('.badge')?.textContent).toBe('Imported');
    expect(newest.querySelector('.page-url')?.textContent).toBe('https://app.example.com/chat');
    expect(newest.querySelector('.conns')?.textContent).toBe('1 WebSocket');
    expect(screen.queryByTestId('sessions-empty')).toBeNull();
  });

  test('renders names from pages as text, never as markup', async () => {
    const db = await freshDb();
    await seed(db, { name: '<img src=x onerror=alert(1)><b>bold</b>', startedAt: T0 });
    await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));
    const cell = rows()[0]!.querySelector('.name-cell')!;
    expect(cell.querySelector('img, b')).toBeNull();
    expect(cell.querySelector('.name')?.textContent).toBe('<img src=x onerror=alert(1)><b>bold</b>');
  });

  test('renames inline: Enter saves, Escape cancels', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'before', startedAt: T0 });
    await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));

    fireEvent.click(screen.getByRole('button', { name: 'Rename before' }));
    const input = screen.getByRole('textbox', { name: /Session name/ }) as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    fireEvent.input(input, { target: { value: 'ignored' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('textbox', { name: /Session name/ })).toBeNull());
    expect(names()).toEqual(['before']);

    fireEvent.click(screen.getByRole('button', { name: 'Rename before' }));
    const again = screen.getByRole('textbox', { name: /Session name/ }) as HTMLInputElement;
    fireEvent.input(again, { target: { value: '  after  ' } });
    fireEvent.keyDown(again, { key: 'Enter' });
    await waitFor(() => expect(names()).toEqual(['after']));
    expect((await getSession(db, s.id))?.name).toBe('after');
    // Focus goes back to the renamed session, not to the page.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('after'));
  });

  test('pin moves a session to the top and is stored', async () => {
    const db = await freshDb();
    const old = await seed(db, { name: 'old', startedAt: T0 });
    await seed(db, { name: 'new', startedAt: T0 + 1000 });
    await mount(db);
    await waitFor(() => expect(names()).toEqual(['new', 'old']));
    fireEvent.click(screen.getByRole('button', { name: 'Pin old' }));
    await waitFor(() => expect(names()).toEqual(['old', 'new']));
    expect((await getSession(db, old.id))?.pinned).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Unpin old' }));
    await waitFor(() => expect(names()).toEqual(['new', 'old']));
  });

  test('delete hides the session at once and Undo brings it back', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'keep me', startedAt: T0, frames: 6 });
    await mount(db, 60_000);
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Delete keep me' }));
    await waitFor(() => expect(rows()).toHaveLength(0));
    const toast = screen.getByTestId('undo-toast');
    expect(toast.textContent).toContain('Deleted “keep me”.');
    expect((await getSession(db, s.id))?.deletedAt).toBeTypeOf('number');

    fireEvent.click(within(toast).getByRole('button', { name: 'Undo delete of keep me' }));
    await waitFor(() => expect(names()).toEqual(['keep me']));
    expect(screen.queryByTestId('undo-toast')).toBeNull();
    const back = await getSession(db, s.id);
    expect(back?.deletedAt).toBeUndefined();
    expect(back?.frameCount).toBe(6);
  });

  test('without Undo, the session and its frames are purged when the toast ends', async () => {
    const db = await freshDb();
    const s = await seed(db, { name: 'gone', startedAt: T0 });
    await seed(db, { name: 'stays', startedAt: T0 - 1000 });
    await mount(db, 30);
    await waitFor(() => expect(rows()).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Delete gone' }));
    await waitFor(async () => expect(await db.get('sessions', s.id)).toBeUndefined());
    expect(await db.getAll('chunks', IDBKeyRange.bound([s.id], [s.id, []]))).toEqual([]);
    await waitFor(() => expect(screen.queryByTestId('undo-toast')).toBeNull());
    expect((await listSessions(db)).map((x) => x.name)).toEqual(['stays']);
    expect(names()).toEqual(['stays']);
  });
});
