// "Replay this": from the inspector's detail pane, the selected frame or the filter's
// matches open in the Replay view, preselected, and a replay takes only those frames.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { App } from '../../../extension/panel/app.tsx';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { createReplayStore } from '../../../extension/panel/views/replay/replay-store.ts';
import { freshDb, seedConversation } from '../inspector/helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;

afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
});

const rows = () => [...document.querySelectorAll<HTMLElement>('.frow:not(.head):not(.loading)')];

async function setUp() {
  const db = await freshDb();
  const s = await seedConversation(db, { name: 'chat', extraData: 4 });
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  inspector.show({ kind: 'stored', id: s.id });
  const replay = createReplayStore({ db: async () => db });
  render(<App live={null} sessions={sessions} inspector={inspector} replay={replay} />);
  await waitFor(() => expect(rows().length).toBeGreaterThan(5));
  return { s, replay };
}

describe('Replay this', () => {
  test('the selected frame opens in the Replay view, preselected', async () => {
    const { s, replay } = await setUp();
    const data = rows().find((r) => r.querySelector('.type')?.textContent === 'data')!;
    fireEvent.mouseDown(data);
    await screen.findByTestId('detail-pane');
    // Keep-alives are hidden by default, so even without a text filter the table shows matches.
    expect(screen.getByTestId('replay-matches').textContent).toBe(`Replay ${rows().length} matches`);
    fireEvent.click(screen.getByTestId('replay-this'));
    await waitFor(() => expect(document.getElementById('tab-replay')?.getAttribute('aria-selected')).toBe('true'));
    await screen.findByTestId('replay-view');
    expect(replay.form.value.sessionId).toBe(s.id);
    expect(replay.form.value.positions).toHaveLength(1);
    await waitFor(() => expect((screen.getByTestId('replay-session') as HTMLSelectElement).value).toBe(s.id));
    expect((await screen.findByTestId('replay-positions')).textContent).toMatch(/^Only the 1 frame picked in the inspector/);
  });

  test("the filter's matches are handed over as positions", async () => {
    const { replay } = await setUp();
    const bar = screen.getByRole('searchbox', { name: 'Filter frames' });
    fireEvent.input(bar, { target: { value: 'type:data' } });
    fireEvent.keyDown(bar, { key: 'Enter' });
    await waitFor(() => expect(rows().every((r) => r.querySelector('.type')?.textContent === 'data')).toBe(true));
    await waitFor(() => expect(rows()).toHaveLength(6));
    const positions = rows().map((r) => Number(r.dataset['pos'] ?? NaN));
    fireEvent.mouseDown(rows()[1]!);
    await screen.findByTestId('detail-pane');
    const button = await screen.findByTestId('replay-matches');
    expect(button.textContent).toBe('Replay 6 matches');
    fireEvent.click(button);
    await screen.findByTestId('replay-view');
    expect(replay.form.value.positions).toHaveLength(6);
    expect(positions.every((p) => Number.isInteger(p))).toBe(true);
    expect([...replay.form.value.positions]).toEqual(positions);
    expect((await screen.findByTestId('replay-positions')).textContent).toMatch(/^Only the 6 frames picked/);
  });
});
