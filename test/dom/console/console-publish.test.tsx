// Publishing from the Console against the real emulator: checks before sending and the
// override, per-event results over HTTP and WebSocket, the service's errors with a hint,
// subscriptions with wildcards, history re-run and templates with variables.
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import type { Emulator } from '../../../src/emulator/index.ts';
import type { Profile } from '../../../src/pubsub/index.ts';
import { ConsoleView } from '../../../extension/panel/views/console/console-view.tsx';
import { API_KEY, emulator, makeStore, stopAll } from './helpers.ts';

afterEach(cleanup);
afterAll(stopAll);

let emu: Emulator | undefined;
async function profile(apiKey = API_KEY): Promise<Profile> {
  emu ??= await emulator();
  return { id: 'p1', name: 'Emulator', httpUrl: emu.plainHttpUrl ?? emu.httpUrl, realtimeUrl: '', auth: { mode: 'API_KEY', apiKey }, remember: false };
}

async function setup(apiKey = API_KEY) {
  const made = makeStore({ saved: { profiles: [await profile(apiKey)] } });
  render(<ConsoleView store={made.store} />);
  await waitFor(() => expect(screen.getByTestId('profile-summary').textContent).toMatch(/Emulator · 127\.0\.0\.1:\d+ · API key/));
  return made;
}
const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
const results = () => screen.queryAllByTestId('publish-result');

describe('Console publish', () => {
  test('the editor is CodeMirror and shows text loaded from the store', async () => {
    const { store } = await setup();
    store.setText('{"loaded": true}');
    await waitFor(() => expect(screen.getByTestId('publish-editor').querySelector('.cm-content')?.textContent).toContain('"loaded": true'));
  });

  test('HTTP publish of a batch shows one verdict per event, with identifiers', async () => {
    const { store } = await setup();
    type('publish-channel', '/default/orders');
    store.setText('[{"a":1},{"b":2}]');
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    const r = results()[0]!;
    expect(r.getAttribute('data-state')).toBe('success');
    const events = within(r).getAllByTestId('event-result');
    expect(events.map((e) => e.getAttribute('data-ok'))).toEqual(['true', 'true']);
    expect(events[0]!.textContent).toMatch(/successful/);
    // All through: no code or message columns, the identifier whole (and on hover).
    expect(within(r).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['index', 'result', 'identifier']);
    const id = events[0]!.querySelector('td.identifier')!;
    expect(id.textContent).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.getAttribute('title')).toBe(id.textContent);
    expect(screen.getAllByTestId('history-item')).toHaveLength(1);
  });

  test('a batch with one event too large shows that event failed, with its code and message', async () => {
    const { store } = await setup();
    type('publish-channel', '/default/orders');
    store.setText(JSON.stringify([{ a: 1 }, { big: 'x'.repeat(250_000) }]));
    fireEvent.click(screen.getByTestId('publish-override'));
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    const r = results()[0]!;
    expect(within(r).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['index', 'result', 'identifier', 'code', 'message']);
    const events = within(r).getAllByTestId('event-result');
    expect(events.map((e) => e.getAttribute('data-ok'))).toEqual(['true', 'false']);
    expect(events[1]!.textContent).toMatch(/413 EventTooLargeException/);
    expect(events[1]!.textContent).toMatch(/larger than 240KB/);
  });

  test('checks stop a bad publish until overridden; the service then answers with its own error', async () => {
    const { store } = await setup();
    type('publish-channel', '/default/*');
    store.setText('[1,2,3,4,5,6]');
    await waitFor(() => expect(screen.getByTestId('publish-problems').textContent).toMatch(/wildcard/));
    expect(screen.getByTestId('publish-problems').textContent).toMatch(/6 events/);
    fireEvent.click(screen.getByTestId('publish-http'));
    // Refused before sending: the problems turn into errors and nothing went out.
    await waitFor(() => expect(screen.getByTestId('publish-problems').className).toMatch(/error/));
    expect(results()).toHaveLength(0);
    expect(screen.queryAllByTestId('history-item')).toHaveLength(0);
    fireEvent.click(screen.getByTestId('publish-override'));
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    expect(results()[0]!.getAttribute('data-state')).toBe('error');
    const err = screen.getByTestId('publish-error');
    expect(err.textContent).toMatch(/HTTP 400/);
    expect(err.textContent).toMatch(/BadRequestException/);
  });

  test('a wrong key is refused over HTTP with status and hint, and over WebSocket the connection closes with the service error', async () => {
    await setup('da2-wrong');
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(screen.getByTestId('publish-error').textContent).toMatch(/HTTP 401/));
    expect(screen.getByTestId('publish-error').textContent).toMatch(/API key mode expects/);
    fireEvent.click(screen.getByTestId('conn-connect'));
    await waitFor(() => expect(screen.getByTestId('conn-state').textContent).toMatch(/^closed .*Unauthorized/));
  });

  test('subscriptions receive HTTP and WebSocket publishes on a wildcard; unsubscribe stops them', async () => {
    const { store } = await setup();
    type('subscribe-channel', '/default/*');
    fireEvent.click(screen.getByTestId('subscribe-add'));
    type('subscribe-channel', '/default/other');
    fireEvent.click(screen.getByTestId('subscribe-add'));
    await waitFor(() => expect(screen.getAllByTestId('subscription').map((s) => s.getAttribute('data-state'))).toEqual(['active', 'active']));
    expect(screen.getByTestId('conn-state').textContent).toMatch(/^connected/);
    type('publish-channel', '/default/room');
    store.setText('{"via":"http"}');
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    store.setText('{"via":"ws"}');
    fireEvent.click(screen.getByTestId('publish-ws'));
    const wildcard = () => screen.getAllByTestId('subscription').find((s) => s.getAttribute('data-channel') === '/default/*')!;
    await waitFor(() => expect(within(wildcard()).getByTestId('sub-count').textContent).toBe('2'));
    const texts = within(wildcard()).getAllByTestId('sub-event').map((e) => e.textContent ?? '');
    expect(texts.some((t) => t.includes('"via":"http"'))).toBe(true);
    expect(texts.some((t) => t.includes('"via":"ws"'))).toBe(true);
    const other = screen.getAllByTestId('subscription').find((s) => s.getAttribute('data-channel') === '/default/other')!;
    expect(within(other).getByTestId('sub-count').textContent).toBe('0');
    expect(results()[0]!.textContent).toMatch(/WebSocket/);
    fireEvent.click(within(wildcard()).getByTestId('sub-unsubscribe'));
    await waitFor(() => expect(wildcard().getAttribute('data-state')).toBe('unsubscribed'));
    fireEvent.click(screen.getByTestId('conn-disconnect'));
    await waitFor(() => expect(screen.getByTestId('conn-state').textContent).toMatch(/^closed/));
  });

  test('a subscription to an invalid channel fails with the service error', async () => {
    await setup();
    type('subscribe-channel', '/default/bad channel!');
    fireEvent.click(screen.getByTestId('subscribe-add'));
    await waitFor(() => expect(screen.getByTestId('subscription').getAttribute('data-state')).toBe('failed'));
    expect(screen.getByTestId('sub-error').textContent).not.toBe('');
  });

  test('history re-runs a publish with one click', async () => {
    const { saved } = await setup();
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    fireEvent.click(screen.getByTestId('history-rerun'));
    await waitFor(() => expect(results()).toHaveLength(2));
    expect(screen.getAllByTestId('history-item')).toHaveLength(2);
    expect(results()[0]!.getAttribute('data-state')).toBe('success');
    await waitFor(() => expect(saved.history).toHaveLength(2));
  });

  test('templates save channel and events; variables are expanded at send time with a counter', async () => {
    const { store, saved } = await setup();
    type('publish-channel', '/default/tpl');
    store.setText('{"id":"{{uuid}}","n":{{counter}},"at":{{now}},"iso":"{{iso}}"}');
    await waitFor(() => expect(screen.queryByTestId('publish-problems')).toBeNull());
    type('template-name', 'counter');
    fireEvent.click(screen.getByTestId('template-save'));
    await waitFor(() => expect(screen.getAllByTestId('template-item')).toHaveLength(1));
    type('publish-channel', '/default/else');
    store.setText('{}');
    fireEvent.click(screen.getByTestId('template-use'));
    await waitFor(() => expect((screen.getByTestId('publish-channel') as HTMLInputElement).value).toBe('/default/tpl'));
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(1));
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(results()).toHaveLength(2));
    const bodies = store.history.value.map((h) => JSON.parse(h.body) as { id: string; n: number; at: number; iso: string });
    expect(bodies.map((b) => b.n)).toEqual([2, 1]);
    expect(bodies[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(bodies[0]!.id).not.toBe(bodies[1]!.id);
    expect(typeof bodies[0]!.at).toBe('number');
    expect(new Date(bodies[0]!.iso).getTime()).toBe(bodies[0]!.at);
    await waitFor(() => expect(saved.templates[0]!.counter).toBe(2));
  });
});
