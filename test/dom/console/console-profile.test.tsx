// The Console's empty state and profile editor: derivation of the other endpoint, auth
// modes and their credential fields, JWT claims and expiry, problems, saving with or
// without secrets, the page's endpoint and the host permission prompt.
import type { PageCredential } from '../../../src/messaging/contracts.ts';
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { ConsoleView } from '../../../extension/panel/views/console/console-view.tsx';
import { EMULATOR_API_KEY } from '../../../extension/panel/views/console/console-model.ts';
import { COGNITO_ISSUER, COGNITO_SECRET, jwt, makeStore } from './helpers.ts';

afterEach(cleanup);
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.input(input(id), { target: { value } });

describe('Console profile editor', () => {
  test('without a profile it explains what to do and offers the local emulator', async () => {
    const { store } = makeStore();
    render(<ConsoleView store={store} />);
    const empty = await screen.findByTestId('console-empty');
    expect(empty.textContent).toMatch(/npm run emulator/);
    expect(empty.textContent).toMatch(/127\.0\.0\.1:4000/);
    expect(screen.queryByTestId('use-page-endpoint')).toBeNull();
    // One set of buttons: the profile row's (the empty state only explains them).
    expect(screen.queryByText('Local emulator profile')).toBeNull();
    fireEvent.click(screen.getByText('Local emulator'));
    await waitFor(() => expect(input('profile-http').value).toBe('http://127.0.0.1:4000/event'));
    expect(input('cred-apiKey').value).toBe(EMULATOR_API_KEY);
    expect(screen.getByText(/derived: ws:\/\/127\.0\.0\.1:4000\/event\/realtime/)).toBeTruthy();
  });

  test('either domain derives the other; problems are shown until the form is complete', async () => {
    const { store } = makeStore();
    render(<ConsoleView store={store} />);
    await screen.findByTestId('console-empty');
    expect(screen.getByTestId('profile-problems').textContent).toMatch(/Enter the HTTP or the real-time endpoint/);
    expect(screen.getByTestId('profile-problems').className).toMatch(/\binfo\b/);
    type('profile-realtime', 'abc.appsync-realtime-api.eu-west-1.amazonaws.com');
    await waitFor(() => expect(screen.getByText(/derived: https:\/\/abc\.appsync-api\.eu-west-1\.amazonaws\.com\/event/)).toBeTruthy());
    expect(screen.getByTestId('profile-problems').textContent).toMatch(/API key/);
    expect(screen.getByTestId('profile-problems').className).toMatch(/\berror\b/);
    type('cred-apiKey', 'da2-x');
    await waitFor(() => expect(screen.queryByTestId('profile-problems')).toBeNull());
    fireEvent.change(screen.getByTestId('profile-auth'), { target: { value: 'AWS_IAM' } });
    await waitFor(() => screen.getByTestId('cred-secretAccessKey'));
    expect(screen.queryByTestId('cred-apiKey')).toBeNull();
    for (const id of ['cred-accessKeyId', 'cred-sessionToken', 'cred-region']) expect(screen.getByTestId(id)).toBeTruthy();
    expect(screen.getByTestId('profile-problems').textContent).toMatch(/access key id and a secret/);
    fireEvent.change(screen.getByTestId('profile-auth'), { target: { value: 'AWS_LAMBDA' } });
    await waitFor(() => screen.getByTestId('cred-token'));
  });

  test('a JWT shows its claims and warns when it has expired', async () => {
    const { store } = makeStore();
    render(<ConsoleView store={store} />);
    await screen.findByTestId('console-empty');
    fireEvent.change(screen.getByTestId('profile-auth'), { target: { value: 'AMAZON_COGNITO_USER_POOLS' } });
    type('cred-jwt', await jwt(COGNITO_SECRET, COGNITO_ISSUER, '5m'));
    await waitFor(() => expect(screen.getByTestId('jwt-claims').textContent).toMatch(/"sub": "user-1"/));
    expect(screen.queryByTestId('jwt-expired')).toBeNull();
    type('cred-jwt', await jwt(COGNITO_SECRET, COGNITO_ISSUER, Math.floor(Date.now() / 1000) - 60));
    await waitFor(() => expect(screen.getByTestId('jwt-expired').textContent).toMatch(/expired/));
  });

  test('saving keeps secrets out of storage unless "remember" is ticked, and the picker lists the profile', async () => {
    const { store, saved } = makeStore();
    render(<ConsoleView store={store} />);
    await screen.findByTestId('console-empty');
    type('profile-name', 'Prod');
    type('profile-http', 'https://abc.appsync-api.us-east-1.amazonaws.com/event');
    type('cred-apiKey', 'da2-secret');
    fireEvent.click(screen.getByTestId('profile-save'));
    await waitFor(() => expect(saved.profiles).toHaveLength(1));
    expect(saved.profiles[0]!.name).toBe('Prod');
    expect(saved.profiles[0]!.auth).toEqual({ mode: 'API_KEY', apiKey: 'da2-secret' });
    // The store passes the whole profile; the storage adapter splits secrets when remember is off.
    expect(saved.profiles[0]!.remember).toBe(false);
    await waitFor(() => expect(screen.queryByTestId('console-empty')).toBeNull());
    const picker = screen.getByTestId('profile-picker') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.textContent)).toEqual(['New profile…', 'Prod']);
    // Saved and unchanged, the form folds to one line; Edit unfolds it.
    await waitFor(() => expect(screen.getByTestId('profile-summary').textContent).toMatch(/Prod · abc\.appsync-api\.us-east-1\.amazonaws\.com · API key/));
    expect(screen.queryByTestId('profile-name')).toBeNull();
    fireEvent.click(screen.getByTestId('profile-edit'));
    fireEvent.click(screen.getByTestId('profile-remember'));
    fireEvent.click(screen.getByTestId('profile-save'));
    await waitFor(() => expect(saved.profiles[0]!.remember).toBe(true));
    fireEvent.change(picker, { target: { value: '' } });
    await waitFor(() => expect(input('profile-name').value).toBe(''));
  });

  test("fills the form from the page's captured connections, with a picker when there are several", async () => {
    const page: PageCredential[] = [
      { connection: 'p:1', kind: 'websocket', url: 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', frameUrl: '', headers: { host: 'abc.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-page' }, seenAt: 2, open: true },
      { connection: 'http x', kind: 'http', url: 'https://api.example.com/event', frameUrl: '', headers: { authorization: 'tok-1' }, seenAt: 1, open: false },
    ];
    const { store } = makeStore({ page });
    render(<ConsoleView store={store} />);
    fireEvent.click(await screen.findByTestId('use-page-endpoint'));
    await waitFor(() => expect(input('cred-apiKey').value).toBe('da2-page'));
    expect(input('profile-http').value).toBe('https://abc.appsync-api.us-east-1.amazonaws.com/event');
    fireEvent.change(screen.getByTestId('page-endpoint-picker'), { target: { value: 'http x' } });
    await waitFor(() => expect(input('profile-http').value).toBe('https://api.example.com/event'));
    expect((screen.getByTestId('profile-auth') as HTMLSelectElement).value).toBe('AWS_LAMBDA');
    expect(input('cred-token').value).toBe('tok-1');
  });

  test('loopback is not called a custom domain; the endpoint hint shows only what the input does not', async () => {
    const { store } = makeStore();
    render(<ConsoleView store={store} />);
    await screen.findByTestId('console-empty');
    type('profile-http', 'http://127.0.0.1:4000/event');
    type('cred-apiKey', 'da2-x');
    await waitFor(() => expect(screen.getByText('derived: ws://127.0.0.1:4000/event/realtime')).toBeTruthy());
    expect(screen.queryByText('http://127.0.0.1:4000/event')).toBeNull();
    expect(screen.queryByText(/Custom domain/)).toBeNull();
    type('profile-http', 'events.example.com');
    await waitFor(() => expect(screen.getByText(/Custom domain/)).toBeTruthy());
    expect(screen.getByText('→ https://events.example.com/event')).toBeTruthy();
  });

  test('a custom domain without access shows the prompt; granting asks for that origin only', async () => {
    const { store, requested } = makeStore({ granted: false });
    render(<ConsoleView store={store} />);
    await screen.findByTestId('console-empty');
    type('profile-http', 'https://events.example.com/event');
    type('cred-apiKey', 'da2-x');
    await waitFor(() => expect(screen.getByTestId('host-access').textContent).toMatch(/events\.example\.com/));
    fireEvent.click(screen.getByTestId('host-access-grant'));
    await waitFor(() => expect(screen.queryByTestId('host-access')).toBeNull());
    expect(requested).toEqual([['https://events.example.com/*']]);
    type('profile-http', 'http://127.0.0.1:4000/event');
    await waitFor(() => expect(screen.queryByTestId('host-access')).toBeNull());
  });
});

describe('Console recording', () => {
  test('says which session records the console traffic, and shows a storing problem', async () => {
    let cb: { onProblem(p: string | null): void; onSession(s: { id: string; name: string }): void } | undefined;
    const recorded: unknown[] = [];
    const { store } = makeStore({
      recording: (c) => ((cb = c), { record: (e) => recorded.push(e), finish: () => undefined }),
      saved: { profiles: [{ id: 'p', name: 'Down', httpUrl: 'http://127.0.0.1:9/event', realtimeUrl: '', auth: { mode: 'API_KEY', apiKey: 'da2-x' }, remember: false }] },
    });
    render(<ConsoleView store={store} />);
    await waitFor(() => expect(screen.getByTestId('profile-summary').textContent).toMatch(/Down/));
    expect(screen.getByText(/recorded as a session of its own once you connect or publish/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('publish-http'));
    await waitFor(() => expect(screen.getByTestId('publish-error').textContent).toMatch(/did not reach the API/));
    expect(recorded.length).toBeGreaterThan(0);
    cb!.onSession({ id: 's1', name: 'Console · Dec 3' });
    await waitFor(() => expect(screen.getByText(/recorded as session “Console · Dec 3”/)).toBeTruthy());
    cb!.onProblem('Console traffic was not recorded: QuotaExceededError');
    await waitFor(() => expect(screen.getByText(/QuotaExceededError/)).toBeTruthy());
  });
});
