// Export (with the secrets warning), import (round trip, gzip, HAR, and corrupt files that
// must leave everything as it was), and the storage bar.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { getStorageBudget, listSessions, type SessionsDb } from '../../../src/sessions/index.ts';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { SessionsView } from '../../../extension/panel/views/sessions/sessions-view.tsx';
import { captureDownloads, freshDb, seed } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 10, 12, 0, 0);
const MB = 1024 * 1024;
let store: SessionsStore | undefined;

afterEach(() => {
  cleanup();
  store?.dispose();
  store = undefined;
});

const rows = () => [...document.querySelectorAll<HTMLElement>('tr.session-row')];
const names = () => rows().map((r) => r.querySelector('.name')?.textContent);

async function mount(db: SessionsDb, estimate?: { usage: number; quota: number }) {
  const sink = captureDownloads();
  store = createSessionsStore(db, { download: sink.download, ...(estimate ? { storage: { estimate: async () => estimate } } : {}) });
  render(<SessionsView store={store} pollMs={0} />);
  await waitFor(() => expect(store!.loaded.value).toBe(true));
  return sink;
}

function exportVia(name: string, kind: 'session' | 'session-gzip' | 'har'): void {
  fireEvent.click(screen.getByRole('button', { name: `Export ${name}` }));
  const radio = document.querySelector<HTMLInputElement>(`input[name="export-kind"][value="${kind}"]`)!;
  fireEvent.click(radio);
  fireEvent.change(radio);
}

const exportButton = () => screen.getByRole('button', { name: 'Export' }) as HTMLButtonElement;

async function gunzipText(blob: Blob): Promise<string> {
  const stream = new Blob([await blob.arrayBuffer()]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

describe('export', () => {
  test('a session that kept secrets warns and needs confirmation before exporting', async () => {
    const db = await freshDb();
    await seed(db, { name: 'secret one', startedAt: T0, keepSecrets: true });
    const sink = await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));
    exportVia('secret one', 'session');
    expect(screen.getByRole('alert').textContent).toContain('This file will contain secrets.');
    expect(exportButton().disabled).toBe(true);
    fireEvent.click(exportButton());
    expect(sink.files).toHaveLength(0);

    fireEvent.click(screen.getByRole('checkbox', { name: /export with secrets/ }));
    await waitFor(() => expect(exportButton().disabled).toBe(false));
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(1));
    const header = JSON.parse((await sink.files[0]!.blob.text()).split('\n')[0]!) as { redacted: boolean };
    expect(header.redacted).toBe(false);
    expect(sink.files[0]!.fileName).toBe('secret one.aesession.jsonl');
  });

  test('a redacted session exports without a warning, as JSON Lines, gzip or HAR', async () => {
    const db = await freshDb();
    await seed(db, { name: 'a/b: plain', startedAt: T0, frames: 9 });
    const sink = await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));

    exportVia('a/b: plain', 'session');
    expect(screen.queryByText(/This file will contain secrets/)).toBeNull();
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(1));
    const lines = (await sink.files[0]!.blob.text()).trim().split('\n');
    expect(lines).toHaveLength(1 + 1 + 9 + 1);
    expect(sink.files[0]!.fileName).toBe('a_b_ plain.aesession.jsonl');

    exportVia('a/b: plain', 'session-gzip');
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(2));
    expect(sink.files[1]!.fileName).toMatch(/\.jsonl\.gz$/);
    // Only the header's export time differs between the two files.
    expect((await gunzipText(sink.files[1]!.blob)).trim().split('\n').slice(1)).toEqual(lines.slice(1));

    exportVia('a/b: plain', 'har');
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(3));
    const har = JSON.parse(await sink.files[2]!.blob.text()) as { log: { entries: unknown[] } };
    expect(har.log.entries.length).toBeGreaterThan(0);
  });
});

describe('import', () => {
  test('an exported file imports back as a new session with the same frames', async () => {
    const db = await freshDb();
    await seed(db, { name: 'original', startedAt: T0, frames: 12 });
    const sink = await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));
    exportVia('original', 'session-gzip');
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(1));

    const file = new File([await sink.files[0]!.blob.arrayBuffer()], 'original.aesession.jsonl.gz');
    const input = screen.getByTestId('import-input') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByTestId('sessions-notice').textContent).toContain('Imported “original” (12 frames)');
    const imported = rows().find((r) => r.querySelector('.badge')?.textContent === 'Imported')!;
    expect(imported.querySelector('.frames > span')?.textContent).toBe('12');
  });

  test('a dropped HAR file imports', async () => {
    const db = await freshDb();
    await seed(db, { name: 'for har', startedAt: T0, frames: 6 });
    const sink = await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(1));
    exportVia('for har', 'har');
    fireEvent.click(exportButton());
    await waitFor(() => expect(sink.files).toHaveLength(1));
    const file = new File([await sink.files[0]!.blob.text()], 'capture.har', { type: 'application/json' });
    const view = screen.getByTestId('sessions-view');
    // happy-dom does not dispatch testing-library's DragEvent; a plain event carries the same data.
    const dragEvent = (type: string): Event => {
      const e = new Event(type, { bubbles: true, cancelable: true });
      Object.defineProperty(e, 'dataTransfer', { value: { files: [file], types: ['Files'], dropEffect: 'none' } });
      return e;
    };
    view.dispatchEvent(dragEvent('dragenter'));
    await waitFor(() => expect(view.querySelector('.drop-overlay')).not.toBeNull());
    view.dispatchEvent(dragEvent('drop'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(view.querySelector('.drop-overlay')).toBeNull();
    expect(names()).toContain('for har');
  });

  test('a corrupt file names the problem and changes nothing', async () => {
    const db = await freshDb();
    await seed(db, { name: 'one', startedAt: T0 });
    await seed(db, { name: 'two', startedAt: T0 + 1 });
    await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(2));
    const before = await db.getAll('sessions');
    const chunksBefore = await db.count('chunks');

    const header = JSON.stringify({ format: 'appsync-events-devtools-session', version: 1, exportedAt: 'x', redacted: true, session: {}, counts: { connections: 0, frames: 1 } });
    const file = new File([header + '\n{"frame": {oops\n'], 'broken.aesession.jsonl');
    const input = screen.getByTestId('import-input') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);

    const error = await screen.findByTestId('sessions-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toMatch(/^Could not import “broken\.aesession\.jsonl” \([a-z-]+\): .+ Nothing was stored\./);
    expect(names()).toEqual(['two', 'one']);
    expect(await db.getAll('sessions')).toEqual(before);
    expect(await db.count('chunks')).toBe(chunksBefore);
    expect(screen.queryByTestId('import-progress')).toBeNull();
  });

  test('a file that is not a session names the format problem', async () => {
    const db = await freshDb();
    await mount(db);
    const input = screen.getByTestId('import-input') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File(['{"format":"something-else","version":1}\n'], 'other.jsonl')], configurable: true });
    fireEvent.change(input);
    const error = await screen.findByTestId('sessions-error');
    expect(error.textContent).toContain('(unknown-format)');
    expect(error.textContent).toContain('this is not a session file');
    expect(await listSessions(db)).toEqual([]);
    expect(screen.getByTestId('sessions-empty')).toBeTruthy();
  });
});

describe('storage bar', () => {
  test('shows what sessions use of the budget and what the browser reports', async () => {
    const db = await freshDb();
    await seed(db, { name: 'a', startedAt: T0, frames: 20 });
    await seed(db, { name: 'b', startedAt: T0 + 1, frames: 20 });
    await mount(db, { usage: 5 * MB, quota: 100 * MB });
    await waitFor(() => expect(rows()).toHaveLength(2));
    const used = (await db.getAll('sessions')).reduce((n, s) => n + s.storedBytes, 0);
    expect(used).toBeGreaterThan(0);
    const meter = screen.getByRole('meter', { name: 'Storage used by sessions' });
    expect(meter.getAttribute('aria-valuenow')).toBe(String(used));
    expect(meter.getAttribute('aria-valuemax')).toBe(String(1024 * MB));
    expect(screen.getByTestId('storage-text').textContent).toMatch(/ of 1 GiB budget$/);
    expect(screen.getByTestId('storage').textContent).toContain('browser: 5 MiB used of 100 MiB');
  });

  test('changes the budget', async () => {
    const db = await freshDb();
    await mount(db);
    fireEvent.click(screen.getByRole('button', { name: 'Change budget' }));
    const input = screen.getByRole('spinbutton', { name: /Budget/ }) as HTMLInputElement;
    fireEvent.input(input, { target: { value: '256' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(async () => expect(await getStorageBudget(db)).toBe(256 * MB));
    await waitFor(() => expect(screen.getByTestId('storage-text').textContent).toMatch(/of 256 MiB budget$/));
  });

  test('a budget below what is stored asks, then removes the oldest unpinned sessions', async () => {
    const db = await freshDb();
    await seed(db, { name: 'old', startedAt: T0, frames: 22, padding: 60_000 });
    await seed(db, { name: 'pinned', startedAt: T0 - 1, frames: 7, padding: 60_000, pinned: true });
    await seed(db, { name: 'new', startedAt: T0 + 1, frames: 3 });
    await mount(db);
    await waitFor(() => expect(rows()).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: 'Change budget' }));
    fireEvent.input(screen.getByRole('spinbutton', { name: /Budget/ }), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // Nothing is removed and nothing saved until the second, explicit click.
    const warning = await screen.findByText(/the oldest unpinned ones will be removed to fit/);
    expect(warning.getAttribute('role')).toBe('alert');
    expect(await getStorageBudget(db)).toBe(1024 * MB);
    expect(names()).toEqual(['pinned', 'new', 'old']);

    fireEvent.click(screen.getByRole('button', { name: 'Apply and remove' }));
    await waitFor(() => expect(names()).toEqual(['pinned', 'new']));
    expect(await getStorageBudget(db)).toBe(MB);
    expect(screen.getByTestId('sessions-notice').textContent).toContain('Removed 1 old session');
  });
});
