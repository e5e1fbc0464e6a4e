// Saved filters in the inspector: the ☆ beside the filter bar saves what the bar shows under
// a name (★ while a saved one is shown), applies and removes saved ones; what storage held
// is read leniently, and a storage that refuses a save is said so, losing nothing.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { createSyncedValue, type SyncedValue } from '../../../extension/panel/store/synced-value.ts';
import { NO_SAVED_FILTERS, parseSavedFilters, type SavedFilters } from '../../../extension/panel/views/inspector/saved-filters.ts';
import { freshDb, memoryStorage, seedConversation } from './helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;
let saved: SyncedValue<SavedFilters> | undefined;
afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
  saved?.dispose();
});

const types = () => [...document.querySelectorAll('.frow:not(.head):not(.loading) .type')].map((e) => e.textContent);

async function show(storage: ReturnType<typeof memoryStorage<SavedFilters>>) {
  const db = await freshDb();
  const s = await seedConversation(db);
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  saved = createSyncedValue(storage, parseSavedFilters, NO_SAVED_FILTERS, 'The saved filters');
  inspector.show({ kind: 'stored', id: s.id });
  render(<InspectorView store={inspector} sessions={sessions} live={null} savedFilters={saved} />);
  await waitFor(() => expect(types().length).toBeGreaterThan(5));
}

const filterBar = () => screen.getByRole('searchbox', { name: 'Filter frames' }) as HTMLInputElement;
function typeFilter(value: string) {
  fireEvent.input(filterBar(), { target: { value } });
  fireEvent.submit(filterBar().closest('form')!);
}

describe('saved filters', () => {
  test('saved under a name, shown as ★, applied and removed', async () => {
    const storage = memoryStorage<SavedFilters>();
    await show(storage);
    fireEvent.click(screen.getByTestId('saved-filters'));
    expect(screen.getByTestId('saved-filters-empty').textContent).toContain('No saved filters yet');
    expect(screen.getByTestId('saved-filters-hint').textContent).toContain('Type a filter in the bar');
    expect(screen.queryByRole('textbox', { name: 'Filter name' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));

    typeFilter('event.n:2');
    await waitFor(() => expect(types()).toEqual(['publish']));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Aa' }));
    fireEvent.click(screen.getByTestId('saved-filters'));
    fireEvent.input(screen.getByRole('textbox', { name: 'Filter name' }), { target: { value: 'second event' } });
    fireEvent.submit(screen.getByRole('textbox', { name: 'Filter name' }).closest('form')!);
    await waitFor(() => expect(storage.saved.at(-1)).toEqual({ filters: [{ name: 'second event', text: 'event.n:2', regex: false, caseSensitive: true, invert: false }] }));
    expect(screen.getByTestId('saved-filters').textContent).toBe('★');
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));

    // Another filter: the ☆ is empty again; applying the saved one brings back its text and options.
    fireEvent.click(screen.getByRole('checkbox', { name: 'Aa' }));
    typeFilter('type:data');
    await waitFor(() => expect(screen.getByTestId('saved-filters').textContent).toBe('☆'));
    fireEvent.click(screen.getByTestId('saved-filters'));
    fireEvent.click(screen.getByRole('button', { name: 'Apply second event' }));
    await waitFor(() => expect(filterBar().value).toBe('event.n:2'));
    expect((screen.getByRole('checkbox', { name: 'Aa' }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(types()).toEqual(['publish']));
    expect(screen.queryByRole('dialog', { name: 'Saved filters' })).toBeNull();

    fireEvent.click(screen.getByTestId('saved-filters'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove second event' }));
    await waitFor(() => expect(storage.saved.at(-1)).toEqual({ filters: [] }));
    expect(screen.getByTestId('saved-filters-empty')).toBeTruthy();
  });

  test('what storage held is read leniently; a refused save is said so and the list kept', async () => {
    let refuse = false;
    const storage = memoryStorage<SavedFilters>({ filters: [{ name: 'kept', text: '-type:ka', invert: 1 }, { name: '', text: 'x' }, 'junk', { name: 'no text' }] }, () => refuse);
    await show(storage);
    fireEvent.click(screen.getByTestId('saved-filters'));
    await waitFor(() => expect(screen.getByRole('list', { name: 'Saved' }).textContent).toContain('kept'));
    const items = () => within(screen.getByRole('list', { name: 'Saved' })).getAllByRole('listitem');
    expect(items()).toHaveLength(1);
    refuse = true;
    typeFilter('type:data');
    fireEvent.input(screen.getByRole('textbox', { name: 'Filter name' }), { target: { value: 'data only' } });
    fireEvent.submit(screen.getByRole('textbox', { name: 'Filter name' }).closest('form')!);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/The saved filters were not saved: QuotaExceededError/));
    expect(items().map((li) => li.textContent)).toEqual([expect.stringContaining('kept')]);
  });
});
