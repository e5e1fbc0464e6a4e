// The Replay view against a fake database and a fake endpoint: empty state, form problems,
// a run to its summary and result session, and the compare pane with its export.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import { createRecorder, createSession, listSessions, type SessionsDb } from '../../../src/sessions/index.ts';
import type { FetchLike, Profile } from '../../../src/pubsub/index.ts';
import { createReplayStore } from '../../../extension/panel/views/replay/replay-store.ts';
import { createPageCommands } from '../../../extension/panel/views/replay/page-commands.ts';
import { ReplayView } from '../../../extension/panel/views/replay/replay-view.tsx';
import { freshDb, SocketScript } from '../../unit/sessions/helpers.ts';

afterEach(cleanup);

async function seedCapture(db: SessionsDb, n: number) {
  const s = await createSession(db, { name: 'capture', pageUrl: 'https://app.test/' });
  const rec = await createRecorder(db, { sessionId: s.id, classify: classifyFrame, redact: redactRecord });
  const a = new SocketScript('p:a', 1000);
  const records = [a.create(), a.open(), a.send({ type: 'subscribe', id: 's1', channel: '/default/orders' })];
  for (let i = 0; i < n; i++) records.push(a.receive({ type: 'data', id: 's1', event: JSON.stringify({ n: i }) }));
  await rec.append(records);
  return rec.finish();
}

function fakeEndpoint() {
  const bodies: string[] = [];
  const headers: Record<string, string>[] = [];
  const fetch: FetchLike = async (_url, init) => {
    bodies.push(init.body);
    headers.push(init.headers);
    const events = (JSON.parse(init.body) as { events: string[] }).events;
    return { status: 200, headers: { get: () => null }, text: async () => JSON.stringify({ successful: events.map((_, index) => ({ index, identifier: String(index) })), failed: [] }) };
  };
  return { fetch, bodies, headers };
}

const PROFILE: Profile = { id: 'p1', name: 'local', httpUrl: 'http://127.0.0.1:9/event', realtimeUrl: '', auth: { mode: 'API_KEY', apiKey: 'da2-key' }, remember: false };

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe('Replay view', () => {
  test('says what to do when there is nothing to replay', async () => {
    const db = await freshDb();
    render(<ReplayView store={createReplayStore({ db: async () => db })} />);
    await waitFor(() => expect(screen.getByTestId('replay-empty').textContent).toMatch(/Record one in the Inspector tab/));
    expect(screen.getByRole('button', { name: 'Refresh' }).getAttribute('title')).toMatch(/stored sessions/);
  });

  test('the session picker is short (name, size, source) with the start time as its title; no transport choice without a profile', async () => {
    const db = await freshDb();
    const s = await seedCapture(db, 2);
    render(<ReplayView store={createReplayStore({ db: async () => db, loadProfiles: async () => [] })} />);
    const picker = (await waitFor(() => screen.getByTestId('replay-session'))) as HTMLSelectElement;
    await waitFor(() => expect(picker.value).toBe(s.id));
    const option = [...picker.options].find((o) => o.value === s.id)!;
    expect(option.textContent).toBe('capture · 5 frames');
    expect(option.title).toMatch(/^capture · 5 frames, started /);
    expect(picker.title).toBe(option.title);
    expect(screen.queryByRole('radiogroup', { name: 'Publish over' })).toBeNull();
    expect(screen.getByTestId('replay-no-profiles')).toBeTruthy();
  });

  test('shows why a replay cannot start', async () => {
    const db = await freshDb();
    await seedCapture(db, 2);
    render(<ReplayView store={createReplayStore({ db: async () => db })} />);
    await waitFor(() => screen.getByTestId('replay-start'));
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-problems').textContent).toMatch(/no endpoint profile yet/));
    expect(screen.getByTestId('replay-no-profiles').textContent).toMatch(/Add one in the Console/);
    fireEvent.click(screen.getByLabelText(/Inject into the page/));
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-problems').textContent).toMatch(/no live session/));
    fireEvent.input(input('replay-remap'), { target: { value: '/default/* /x' } });
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-problems').textContent).toMatch(/both sides or on neither/));
  });

  test("a profile's problems and withheld host access stop the start, in words", async () => {
    const db = await freshDb();
    await seedCapture(db, 1);
    const noKey: Profile = { ...PROFILE, id: 'p0', name: 'no key', auth: { mode: 'API_KEY', apiKey: '' } };
    const asked: string[] = [];
    const store = createReplayStore({
      db: async () => db,
      loadProfiles: async () => [noKey, PROFILE],
      hostAccess: { patterns: (p) => (asked.push(p.httpUrl), ['http://127.0.0.1/*']), has: async () => false, request: async () => false },
    });
    render(<ReplayView store={store} />);
    await waitFor(() => expect((screen.getByTestId('replay-profile') as HTMLSelectElement).value).toBe('p0'));
    // Before any run, the run area says what to do.
    expect(screen.getByTestId('replay-idle').textContent).toMatch(/then Start replay/);
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-problems').textContent).toMatch(/Endpoint profile: API key mode needs the API key/));
    expect(asked).toEqual([]);
    fireEvent.change(screen.getByTestId('replay-profile'), { target: { value: 'p1' } });
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-problems').textContent).toMatch(/may not reach http:\/\/127\.0\.0\.1 yet/));
    expect(asked.every((u) => u === 'http://127.0.0.1:9/event')).toBe(true);
    expect(store.run.value).toBeNull();
  });

  test('withheld host access is granted in place: from its button, or from the click that starts the replay', async () => {
    const db = await freshDb();
    await seedCapture(db, 2);
    const endpoint = fakeEndpoint();
    let granted = false;
    let answer = false;
    const requests: string[][] = [];
    const store = createReplayStore({
      db: async () => db,
      fetch: endpoint.fetch,
      loadProfiles: async () => [PROFILE],
      hostAccess: {
        patterns: () => ['http://127.0.0.1/*'],
        has: async () => granted,
        // Recorded synchronously: the browsers grant only inside the click's own task.
        request: (origins) => {
          requests.push([...origins]);
          granted = answer;
          return Promise.resolve(answer);
        },
      },
    });
    render(<ReplayView store={store} />);
    const grant = await waitFor(() => screen.getByTestId('replay-grant'));
    expect(grant.textContent).toBe('Grant access to http://127.0.0.1');
    expect(screen.getByTestId('replay-host-access').textContent).toMatch(/may not reach http:\/\/127\.0\.0\.1 yet/);

    // Refused: said so, the button stays.
    fireEvent.click(grant);
    expect(requests).toEqual([['http://127.0.0.1/*']]);
    await waitFor(() => expect(screen.getByTestId('replay-host-access').textContent).toMatch(/was not granted/));

    // Start asks in the same click, then runs once granted; the line goes away.
    answer = true;
    fireEvent.click(screen.getByTestId('replay-start'));
    expect(requests).toHaveLength(2);
    await waitFor(() => expect(screen.queryByTestId('replay-host-access')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('replay-run').textContent).toContain('Completed'), { timeout: 4000 });
    expect(endpoint.bodies.length).toBeGreaterThan(0);
  });

  test('no access line for AppSync or loopback hosts, nor for other targets', async () => {
    const db = await freshDb();
    await seedCapture(db, 1);
    let withheld = true;
    const store = createReplayStore({
      db: async () => db,
      loadProfiles: async () => [PROFILE],
      hostAccess: { patterns: () => (withheld ? ['https://api.example.com/*'] : []), has: async () => false, request: async () => false },
    });
    render(<ReplayView store={store} />);
    await waitFor(() => screen.getByTestId('replay-grant'));
    fireEvent.click(screen.getByLabelText(/Inject into the page/));
    await waitFor(() => expect(screen.queryByTestId('replay-host-access')).toBeNull());
    withheld = false;
    fireEvent.click(screen.getByLabelText(/Publish to an endpoint/));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('replay-host-access')).toBeNull();
  });

  test('replays to an endpoint, stores the result session, and compares it with the original', async () => {
    const db = await freshDb();
    const original = await seedCapture(db, 7);
    const endpoint = fakeEndpoint();
    const downloads: { blob: Blob; name: string }[] = [];
    const store = createReplayStore({ db: async () => db, fetch: endpoint.fetch, loadProfiles: async () => [PROFILE], download: (blob, name) => downloads.push({ blob, name }) });
    render(<ReplayView store={store} />);
    await waitFor(() => expect((screen.getByTestId('replay-session') as HTMLSelectElement).value).toBe(original.id));
    await waitFor(() => expect((screen.getByTestId('replay-profile') as HTMLSelectElement).value).toBe('p1'));
    fireEvent.click(screen.getByLabelText('As fast as allowed'));
    fireEvent.input(input('replay-remap'), { target: { value: '/default/orders → /default/replayed' } });
    fireEvent.click(screen.getByTestId('replay-start'));
    await waitFor(() => expect(screen.getByTestId('replay-run').textContent).toContain('Completed'), { timeout: 4000 });
    const count = (name: string) => document.querySelector(`[data-testid="replay-counts"] [data-count="${name}"]`)?.textContent;
    expect(count('sent')).toBe('7');
    expect(count('acknowledged')).toBe('7');
    expect(count('failed')).toBe('0');
    expect(endpoint.headers.every((h) => h['x-api-key'] === 'da2-key')).toBe(true);
    // Batched: five, then two, on the remapped channel.
    expect(endpoint.bodies.map((b) => JSON.parse(b) as { channel: string; events: string[] }).map((b) => [b.channel, b.events.length])).toEqual([
      ['/default/replayed', 5],
      ['/default/replayed', 2],
    ]);
    const result = (await listSessions(db)).find((s) => s.source === 'replay');
    expect(result).toMatchObject({ derivedFrom: original.id, tags: ['replay:completed'] });
    expect(screen.getByTestId('replay-result-name').dataset['sessionId']).toBe(result!.id);
    // The result session keeps no API key.
    expect(JSON.stringify(await db.getAll('chunks'))).not.toContain('da2-key');

    fireEvent.click(screen.getByRole('button', { name: 'Compare with the original' }));
    await waitFor(() => expect((screen.getByTestId('compare-right') as HTMLSelectElement).value).toBe(result!.id));
    fireEvent.click(screen.getByTestId('compare-run'));
    await waitFor(() => expect(screen.getByTestId('compare-counts').dataset['identical']).toBe('true'));
    expect(document.querySelectorAll('tr.cmp-row.matched')).toHaveLength(7);
    await waitFor(() => expect(document.querySelector('tr.cmp-row .cmp-event')?.textContent).toBe('{"n":0}'));
    // The replay batched the events into two publishes: each event is told by its index there.
    const positions = (cell: number) => [...document.querySelectorAll('tr.cmp-row')].map((row) => row.querySelectorAll('td')[cell]!.querySelector('.cmp-pos')!.textContent);
    expect(positions(0).every((p) => /^#\d+$/.test(p ?? ''))).toBe(true);
    const right = positions(2);
    expect(right.map((p) => p?.replace(/^#\d+/, ''))).toEqual(['[0]', '[1]', '[2]', '[3]', '[4]', '[0]', '[1]']);
    expect(new Set(right.map((p) => p?.replace(/\[\d+\]$/, ''))).size).toBe(2);
    fireEvent.click(screen.getByTestId('compare-export'));
    await waitFor(() => expect(downloads).toHaveLength(1));
    const report = JSON.parse(await downloads[0]!.blob.text()) as { format: string; identical: boolean; counts: { matched: number } };
    expect(report).toMatchObject({ format: 'appsync-events-devtools-compare', identical: true, counts: { matched: 7 } });
  });

  test('the compare pane highlights missing and extra events', async () => {
    const db = await freshDb();
    const a = await seedCapture(db, 3);
    const b = await seedCapture(db, 5);
    const store = createReplayStore({ db: async () => db });
    render(<ReplayView store={store} />);
    await waitFor(() => screen.getByTestId('replay-start'));
    fireEvent.click(screen.getByTestId('compare-tab'));
    store.compare.update({ left: b.id, leftWhat: 'received', right: a.id, rightWhat: 'received' });
    await waitFor(() => expect((screen.getByTestId('compare-left') as HTMLSelectElement).value).toBe(b.id));
    fireEvent.click(screen.getByTestId('compare-run'));
    await waitFor(() => expect(screen.getByTestId('compare-counts').dataset['identical']).toBe('false'));
    expect(document.querySelectorAll('tr.cmp-row.missing')).toHaveLength(2);
    fireEvent.click(screen.getByLabelText('Differences only'));
    await waitFor(() => expect(document.querySelectorAll('tr.cmp-row')).toHaveLength(2));
  });
});

describe('page commands', () => {
  test('answers by commandId; no answer in time is unconfirmed', async () => {
    const sent: Record<string, unknown>[] = [];
    const link = createPageCommands((m) => sent.push(m as unknown as Record<string, unknown>), 30);
    const first = link.commands.injectIncoming('p:1', 'x');
    const second = link.commands.sendOnSocket('p:1', 'y');
    const third = link.commands.injectIncoming('p:1', 'z');
    expect(sent.map((m) => [m['type'], m['commandId']])).toEqual([['injectIncoming', 1], ['sendOnSocket', 2], ['injectIncoming', 3]]);
    link.onMessage({ type: 'commandCompleted', commandId: 1, ok: true });
    link.onMessage({ type: 'commandCompleted', commandId: 2, ok: false, error: 'socket is closed' });
    link.onMessage({ type: 'recordsCaptured' });
    expect(await first).toEqual({ ok: true });
    expect(await second).toEqual({ ok: false, error: 'socket is closed' });
    expect(await third).toMatchObject({ unconfirmed: true });
    expect(link.pending).toBe(0);
  });
});
