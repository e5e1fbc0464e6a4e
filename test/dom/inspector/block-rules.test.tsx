// Block rules in the inspector: the dialog adds, switches and removes rules (saved through
// the store at once), the toolbar and a notice say while blocking is on, "Block like this…"
// starts a rule from a frame, and a storage that refuses the save is said so, losing nothing.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { createBlockRulesStore, type BlockRulesStore } from '../../../extension/panel/views/inspector/block-rules-store.ts';
import type { BlockRules } from '../../../src/capture/block-rules.ts';
import { freshDb, memoryStorage, seedConversation } from './helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;
let rules: BlockRulesStore | undefined;
afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
  rules?.dispose();
});

async function show(storage: ReturnType<typeof memoryStorage<BlockRules>>) {
  const db = await freshDb();
  const s = await seedConversation(db);
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  rules = createBlockRulesStore(storage);
  inspector.show({ kind: 'stored', id: s.id });
  render(<InspectorView store={inspector} sessions={sessions} live={null} blockRules={rules} />);
  await waitFor(() => expect(document.querySelectorAll('.frow').length).toBeGreaterThan(3));
}

describe('block rules', () => {
  test('added, switched off and removed in the dialog; the toolbar and a notice say while one is on', async () => {
    const storage = memoryStorage<BlockRules>();
    await show(storage);
    expect(screen.queryByTestId('blocking-notice')).toBeNull();
    fireEvent.click(screen.getByTestId('block-rules'));
    expect(screen.getByTestId('block-empty').textContent).toContain('No rules yet');
    // Neither a type nor a text: refused, in words.
    fireEvent.click(screen.getByText('Add rule'));
    expect(screen.getByRole('alert').textContent).toContain('would block every message');
    fireEvent.input(screen.getByLabelText('Message type'), { target: { value: 'ka' } });
    fireEvent.click(screen.getByText('Add rule'));
    await waitFor(() => expect(storage.saved.at(-1)).toEqual({ rules: [{ dir: 'receive', type: 'ka', contains: '', replace: '', on: true }] }));
    expect(screen.getByLabelText('ka messages the server sends')).toBeTruthy();
    expect(screen.getByTestId('blocking-notice').textContent).toContain('Blocking is on: 1 rule keeps matching messages');
    expect(screen.getByTestId('block-rules').textContent).toBe('Blocking (1)');
    fireEvent.click(screen.getByLabelText('ka messages the server sends'));
    await waitFor(() => expect(storage.saved.at(-1)?.rules[0]?.on).toBe(false));
    expect(screen.queryByTestId('blocking-notice')).toBeNull();
    fireEvent.click(screen.getByLabelText('Remove the rule for ka messages the server sends'));
    await waitFor(() => expect(storage.saved.at(-1)).toEqual({ rules: [] }));
    // A rule with a replacement says so.
    fireEvent.input(screen.getByLabelText('Message type'), { target: { value: 'data' } });
    fireEvent.input(screen.getByLabelText('Replace with'), { target: { value: '{"type":"data","id":"s","event":"{}"}' } });
    fireEvent.click(screen.getByText('Add rule'));
    await waitFor(() => expect(storage.saved.at(-1)?.rules).toEqual([{ dir: 'receive', type: 'data', contains: '', replace: '{"type":"data","id":"s","event":"{}"}', on: true }]));
    expect(screen.getByLabelText(/^data messages the server sends, replaced with/)).toBeTruthy();
    fireEvent.click(screen.getByText('Close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test("stored rules show at once; the notice's Turn off switches every rule off", async () => {
    const storage = memoryStorage<BlockRules>({ rules: [{ dir: 'send', type: 'publish', contains: '', on: true }, { dir: 'any', type: '', contains: '<b>x</b>', on: true }] });
    await show(storage);
    const notice = await screen.findByTestId('blocking-notice');
    expect(notice.textContent).toContain('2 rules keep');
    fireEvent.click(screen.getByText('Turn off'));
    await waitFor(() => expect(storage.saved.at(-1)?.rules.map((r) => r.on)).toEqual([false, false]));
    fireEvent.click(screen.getByTestId('block-rules'));
    // Page-provided text in a rule is shown as text.
    expect(screen.getByLabelText('every message containing "<b>x</b>"')).toBeTruthy();
    expect(document.querySelector('.block-rules b')).toBeNull();
  });

  test('"Block like this…" starts a rule from the selected frame', async () => {
    await show(memoryStorage<BlockRules>());
    const row = [...document.querySelectorAll<HTMLElement>('.frow')].find((r) => r.textContent?.includes('subscribe_success'))!;
    fireEvent.mouseDown(row);
    fireEvent.dblClick(row);
    fireEvent.click(await screen.findByTestId('block-like'));
    expect((screen.getByLabelText('Message type') as HTMLInputElement).value).toBe('subscribe_success');
    expect((screen.getByLabelText('Messages from') as HTMLSelectElement).value).toBe('receive');
  });

  test('a save the storage refuses is said so, and the rules stay as they were', async () => {
    const storage = memoryStorage<BlockRules>({ rules: [{ dir: 'receive', type: 'ka', contains: '', replace: '', on: true }] }, () => true);
    await show(storage);
    fireEvent.click(await screen.findByTestId('block-rules'));
    await screen.findByLabelText('ka messages the server sends');
    fireEvent.input(screen.getByLabelText('Message type'), { target: { value: 'data' } });
    fireEvent.click(screen.getByText('Add rule'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('The block rules were not saved: QuotaExceededError'));
    expect(rules!.rules.value.rules).toEqual([{ dir: 'receive', type: 'ka', contains: '', replace: '', on: true }]);
  });
});
