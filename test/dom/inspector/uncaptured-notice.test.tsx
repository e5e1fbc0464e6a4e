// A session holding a socket that only DevTools' network log saw (a worker's): the
// inspector says plainly that it is not captured, the row is marked, and the link selects it.
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { createSessionsStore, type SessionsStore } from '../../../extension/panel/store/sessions-store.ts';
import { createInspectorStore, type InspectorStore } from '../../../extension/panel/views/inspector/inspector-store.ts';
import { InspectorView } from '../../../extension/panel/views/inspector/inspector-view.tsx';
import { UncapturedNotice, type WorkerCaptureControl } from '../../../extension/panel/views/inspector/uncaptured-notice.tsx';
import { createRecorder, createSession, readFramePage, type SessionRecord, type SessionsDb } from '../../../src/sessions/index.ts';
import { createTrafficModel } from '../../../src/traffic/index.ts';
import { classifyFrame } from '../../../src/protocol/decode.ts';
import { redactRecord } from '../../../src/capture/redact.ts';
import type { CaptureRecord, SocketId } from '../../../src/capture/records.ts';
import { freshDb, seedConversation } from './helpers.ts';

let sessions: SessionsStore | undefined;
let inspector: InspectorStore | undefined;
afterEach(() => {
  cleanup();
  sessions?.dispose();
  inspector?.dispose();
});

const WORKER_URL = 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime?x=<b>bold</b>';

async function seedWithWorkerSocket(db: SessionsDb): Promise<SessionRecord> {
  const session = await createSession(db, { name: 'worker', startedAt: 1_000, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
  const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
  const records: CaptureRecord[] = [
    { socketId: 'p:1' as SocketId, seq: 0, t: 1_010, kind: 'ws-create', url: 'wss://example.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime', protocols: [], frameUrl: 'https://app.example.com/', appsync: true },
    { socketId: 'p:1' as SocketId, seq: 1, t: 1_020, kind: 'ws-open', protocol: 'aws-appsync-event-ws', extensions: '' },
    { socketId: 'net1:http:ws0' as SocketId, seq: 0, t: 1_030, kind: 'ws-create', url: WORKER_URL, protocols: [], frameUrl: '', appsync: true, via: 'network' },
  ];
  await writer.append(records);
  return writer.finish(2_000);
}

async function show(seed: (db: SessionsDb) => Promise<SessionRecord>) {
  const db = await freshDb();
  const s = await seed(db);
  sessions = createSessionsStore(db);
  inspector = createInspectorStore(sessions.db, { refreshMs: 5 });
  inspector.show({ kind: 'stored', id: s.id });
  render(<InspectorView store={inspector} sessions={sessions} live={null} />);
  await waitFor(() => expect(inspector!.traffic?.nextPos).toBe(s.frameCount));
  return s;
}

describe('not-captured notice', () => {
  test("a worker's socket is named as not captured, as text; the link selects its frame", async () => {
    await show(seedWithWorkerSocket);
    const banner = await screen.findByTestId('uncaptured-notice');
    expect(banner.textContent).toContain(`a WebSocket to ${WORKER_URL} opened by a worker (or another context) is not captured; its frames are not recorded`);
    expect(banner.querySelector('b')).toBeNull();
    fireEvent.click(screen.getByText('Not captured'));
    await waitFor(() => expect(inspector!.selectedPos.value).toBe(2));
  });

  test('a shared worker the page started is named, with where to see its sockets', async () => {
    await show(async (db) => {
      const session = await createSession(db, { name: 'shared', startedAt: 1_000, pageUrl: 'https://app.example.com/', pageTitle: 'App', source: 'live', keepSecrets: false });
      const writer = await createRecorder(db, { sessionId: session.id, classify: classifyFrame, redact: redactRecord });
      await writer.append([{ socketId: 'p:worker' as SocketId, seq: 0, t: 1_010, kind: 'worker-start', url: 'https://app.example.com/<i>w</i>.js', frameUrl: 'https://app.example.com/' }]);
      return writer.finish(2_000);
    });
    const banner = await screen.findByTestId('uncaptured-notice');
    expect(banner.textContent).toContain('the page started a shared worker (https://app.example.com/<i>w</i>.js); WebSockets it opens are not captured.');
    expect(banner.textContent).toContain('chrome://inspect/#workers');
    expect(banner.textContent).not.toContain("use DevTools' Network panel");
    expect(banner.querySelector('i')).toBeNull();
    await waitFor(() => expect([...document.querySelectorAll('.frow')].map((r) => r.textContent).join('\n')).toContain('https://app.example.com/<i>w</i>.js: its sockets are not captured'));
  });

  test('a session whose sockets were all captured has no such notice', async () => {
    await show((db) => seedConversation(db));
    await waitFor(() => expect(document.querySelectorAll('.frow').length).toBeGreaterThan(3));
    expect(screen.queryByTestId('uncaptured-notice')).toBeNull();
  });
});

describe("worker capture through Chromium's debugger", () => {
  async function modelOf(seed: (db: SessionsDb) => Promise<SessionRecord>) {
    const db = await freshDb();
    const s = await seed(db);
    const m = createTrafficModel();
    m.apply(await readFramePage(db, s.id, { offset: 0, limit: 100 }));
    return m;
  }
  const control = (on: boolean, problem: string | null = null) => {
    const asked: boolean[] = [];
    const c: WorkerCaptureControl = { on, problem, set: (v) => asked.push(v) };
    return { c, asked };
  };

  test("is offered next to a worker's uncaptured socket, and asked for on click", async () => {
    const m = await modelOf(seedWithWorkerSocket);
    const { c, asked } = control(false);
    render(<UncapturedNotice model={m} version={1} onSelect={() => {}} workerCapture={c} />);
    fireEvent.click(screen.getByTestId('worker-capture-start'));
    expect(asked).toEqual([true]);
    expect(screen.queryByTestId('worker-capture')).toBeNull();
  });

  test('is not offered where the browser has no debugger, or for a stored session', async () => {
    const m = await modelOf(seedWithWorkerSocket);
    render(<UncapturedNotice model={m} version={1} onSelect={() => {}} workerCapture={null} />);
    expect(screen.getByTestId('uncaptured-notice')).toBeTruthy();
    expect(screen.queryByTestId('worker-capture-start')).toBeNull();
  });

  test('while on, says so with a way to stop, even in a session with nothing uncaptured', async () => {
    const m = await modelOf((db) => seedConversation(db));
    const { c, asked } = control(true);
    render(<UncapturedNotice model={m} version={1} onSelect={() => {}} workerCapture={c} />);
    expect(screen.getByTestId('worker-capture').textContent).toContain("captured through Chromium's debugger");
    expect(screen.queryByTestId('uncaptured-notice')).toBeNull();
    fireEvent.click(screen.getByTestId('worker-capture-stop'));
    expect(asked).toEqual([false]);
  });

  test('a refusal is shown, and the offer stays', async () => {
    const m = await modelOf(seedWithWorkerSocket);
    const { c } = control(false, "Worker sockets are not captured: Chromium's debugger permission was not granted");
    render(<UncapturedNotice model={m} version={1} onSelect={() => {}} workerCapture={c} />);
    expect(screen.getByTestId('worker-capture').textContent).toContain('permission was not granted');
    expect(screen.getByTestId('worker-capture-start')).toBeTruthy();
  });
});
