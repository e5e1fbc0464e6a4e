// Worker sockets through Chromium's debugger, where the user opted in from the panel: the
// background attaches, resumes every child it paused, enables the network domain in workers
// only, and stores their sockets like the hook's, without a not-captured notice.
import { describe, expect, test } from 'vitest';
import type { CaptureRecord } from '../../../src/capture/records.ts';
import type { DebuggerApi } from '../../../extension/background/worker-debugger.ts';
import { setup, until } from './harness.ts';

const WS = 'wss://x.appsync-realtime-api.us-east-1.amazonaws.com/event/realtime';
const WORKER = 'https://app/worker.js';

function fakeDebugger(fail: Partial<Record<string, string>> = {}, answers: Partial<Record<string, unknown>> = {}) {
  const calls: string[] = [];
  const api: DebuggerApi = {
    async attach(tabId) {
      calls.push(`attach ${tabId}`);
      if (fail.attach) throw new Error(fail.attach);
    },
    async detach(tabId) {
      calls.push(`detach ${tabId}`);
    },
    async send(tabId, sessionId, method) {
      calls.push(`${sessionId ?? 'tab'} ${method}`);
      if (fail[method]) throw new Error(fail[method]);
      return answers[method] ?? {};
    },
  };
  return { api, calls };
}

type Status = { type: string; workerCapture?: boolean; workerCaptureProblem?: string | null };
const lastStatus = (sent: unknown[]) => sent.filter((m): m is Status => (m as Status).type === 'captureStatus').at(-1);
const stored = (s: ReturnType<typeof setup>) => s.stored.flatMap((b) => b.records);

async function started(fail: Partial<Record<string, string>> = {}, answers: Partial<Record<string, unknown>> = {}) {
  const d = fakeDebugger(fail, answers);
  const s = setup({}, { debuggerApi: () => d.api });
  s.content(7, 'n');
  const panel = s.panel(7);
  panel.deliver({ type: 'setWorkerCapture', on: true });
  await s.flush();
  return { s, d, panel };
}

const worker = (sessionId: string, type = 'worker') => ({ sessionId, targetInfo: { type, url: WORKER }, waitingForDebugger: true });

describe('worker sockets through the debugger', () => {
  test('opting in attaches to the tab and auto-attaches paused children; the status says so', async () => {
    const { d, panel } = await started();
    expect(d.calls).toEqual(['attach 7', 'tab Target.setAutoAttach']);
    expect(lastStatus(panel.sent)).toMatchObject({ workerCapture: true, workerCaptureProblem: null });
  });

  test('a worker gets the network domain and is resumed; a frame is only resumed', async () => {
    const { s, d } = await started();
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('F1', 'iframe'));
    await s.flush();
    expect(d.calls.slice(2)).toEqual(['W1 Network.enable', 'F1 Target.setAutoAttach', 'W1 Target.setAutoAttach', 'F1 Runtime.runIfWaitingForDebugger', 'W1 Runtime.runIfWaitingForDebugger']);
  });

  test('a child is resumed even when preparing it fails', async () => {
    const { s, d } = await started({ 'Network.enable': 'target closed' });
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    await s.flush();
    expect(d.calls.at(-1)).toBe('W1 Runtime.runIfWaitingForDebugger');
  });

  test("a worker's socket is stored as the debugger's, and its handshake is no notice", async () => {
    const { s } = await started();
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    const t = s.clock.t / 1000;
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketCreated', { requestId: 'r', url: WS });
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketWillSendHandshakeRequest', { requestId: 'r', timestamp: 5, wallTime: t, request: { headers: { 'Sec-WebSocket-Protocol': 'aws-appsync-event-ws' } } });
    s.router.onSocketRequest(7, { url: WS, timeStamp: s.clock.t, type: 'websocket', requestHeaders: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws' }] });
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketFrameReceived', { requestId: 'r', timestamp: 5.5, response: { opcode: 1, payloadData: '{"type":"ka"}' } });
    await until(() => stored(s).length === 2, 'the worker socket');
    s.fireTimers();
    await s.flush();
    const records: CaptureRecord[] = stored(s);
    expect(records.map((r) => r.kind)).toEqual(['ws-create', 'ws-receive']);
    expect(records[0]).toMatchObject({ via: 'debugger', frameUrl: WORKER, url: WS });
    expect(records.some((r) => r.kind === 'ws-create' && r.via === 'network')).toBe(false);
  });

  test('stopping detaches; events after it are not stored', async () => {
    const { s, d, panel } = await started();
    panel.deliver({ type: 'setWorkerCapture', on: false });
    await s.flush();
    expect(d.calls.at(-1)).toBe('detach 7');
    expect(lastStatus(panel.sent)).toMatchObject({ workerCapture: false });
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketCreated', { requestId: 'r', url: WS });
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketWillSendHandshakeRequest', { requestId: 'r', timestamp: 5, wallTime: 1, request: { headers: {} } });
    await s.flush();
    expect(stored(s)).toEqual([]);
  });

  test('a refused attach, a missing permission and a closed debugger bar are told to the panel', async () => {
    const refused = await started({ attach: 'Another debugger is already attached to the tab with id: 7.' });
    expect(lastStatus(refused.panel.sent)).toMatchObject({ workerCapture: false, workerCaptureProblem: 'Worker sockets could not be captured: Another debugger is already attached to the tab with id: 7.' });

    const s = setup({}, { debuggerApi: () => null });
    s.content(7, 'n');
    const panel = s.panel(7);
    panel.deliver({ type: 'setWorkerCapture', on: true });
    await s.flush();
    expect(lastStatus(panel.sent)?.workerCaptureProblem).toMatch(/debugger permission/);

    const closed = await started();
    closed.s.router.onDebuggerDetached(7, 'canceled_by_user');
    expect(lastStatus(closed.panel.sent)).toMatchObject({ workerCapture: false, workerCaptureProblem: "Worker capture stopped: Chromium's debugger bar was closed" });
  });

  test('the setting is not accepted without its boolean', () => {
    // The guard refuses it, so the panel port ignores it.
    return started().then(async ({ s, d, panel }) => {
      panel.deliver({ type: 'setWorkerCapture', on: 'yes' });
      await s.flush();
      expect(d.calls).toEqual(['attach 7', 'tab Target.setAutoAttach']);
    });
  });

  test("a worker's HTTP publish is stored once, with its response, also when DevTools' network log reports it", async () => {
    const HTTP = 'https://x.appsync-api.us-east-1.amazonaws.com/event';
    const BODY = '{"channel":"/default/w","events":["1"]}';
    const { s, d, panel } = await started({}, { 'Network.getResponseBody': { body: btoa('{"successful":[{"index":0}]}'), base64Encoded: true } });
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    const wall = s.clock.t / 1000;
    s.router.onDebuggerEvent(7, 'W1', 'Network.requestWillBeSent', { requestId: 'h', timestamp: 3, wallTime: wall, request: { url: HTTP, method: 'POST', headers: {}, postData: BODY } });
    s.router.onDebuggerEvent(7, 'W1', 'Network.responseReceived', { requestId: 'h', timestamp: 3.1, response: { status: 200, headers: {} } });
    s.router.onDebuggerEvent(7, 'W1', 'Network.loadingFinished', { requestId: 'h', timestamp: 3.2 });
    panel.deliver({
      type: 'httpPublishObserved',
      publish: { url: HTTP, method: 'POST', frameUrl: '', requestHeaders: {}, requestBody: BODY, status: 200, responseBody: '', startedAt: s.clock.t + 5, duration: 200 },
    });
    await until(() => stored(s).length === 1, 'the publish');
    s.fireTimers();
    await s.flush();
    expect(d.calls).toContain('W1 Network.getResponseBody');
    const records = stored(s);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'http', url: HTTP, frameUrl: WORKER, requestBody: BODY, responseBody: '{"successful":[{"index":0}]}', status: 200 });
  });

  test('attached only while the tab records: closing the panel detaches, reopening attaches again; Stop holds', async () => {
    const { s, d, panel } = await started();
    panel.close();
    await s.flush();
    expect(d.calls.at(-1)).toBe('detach 7');
    const again = s.panel(7);
    await s.flush();
    expect(d.calls.slice(-2)).toEqual(['attach 7', 'tab Target.setAutoAttach']);
    expect(lastStatus(again.sent)).toMatchObject({ workerCapture: true });
    again.deliver({ type: 'setWorkerCapture', on: false });
    await s.flush();
    again.close();
    s.panel(7);
    await s.flush();
    expect(d.calls.filter((c) => c === 'attach 7')).toHaveLength(2);
  });

  test('a panel closed while the debugger attaches leaves it detached', async () => {
    const d = fakeDebugger();
    let release = () => {};
    const attach = d.api.attach;
    d.api = { ...d.api, attach: (tabId) => new Promise<void>((r) => (release = () => void attach(tabId).then(r))) };
    const s = setup({}, { debuggerApi: () => d.api });
    s.content(7, 'n');
    const panel = s.panel(7);
    panel.deliver({ type: 'setWorkerCapture', on: true });
    await s.flush();
    panel.close();
    release();
    await s.flush();
    expect(d.calls).toEqual(['attach 7', 'detach 7']);
  });

  test("a worker's socket offers its auth to the console, and cannot be written to", async () => {
    const { s, panel } = await started();
    s.router.onDebuggerEvent(7, undefined, 'Target.attachedToTarget', worker('W1'));
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketCreated', { requestId: 'r', url: WS });
    const auth = btoa(JSON.stringify({ host: 'x', 'x-api-key': 'da2-k' })).replace(/=+$/, '');
    s.router.onDebuggerEvent(7, 'W1', 'Network.webSocketWillSendHandshakeRequest', { requestId: 'r', timestamp: 5, wallTime: 1, request: { headers: { 'Sec-WebSocket-Protocol': `aws-appsync-event-ws, header-${auth}` } } });
    await until(() => stored(s).length === 1, 'the worker socket');
    panel.deliver({ type: 'listPageCredentials' });
    const listed = panel.sent.find((m) => (m as { type: string }).type === 'pageCredentialsListed') as { credentials: Array<{ url: string; frameUrl: string; headers: Record<string, string> }> };
    expect(listed.credentials).toEqual([expect.objectContaining({ url: WS, frameUrl: WORKER, headers: expect.objectContaining({ 'x-api-key': 'da2-k' }) })]);
    const socketId = stored(s)[0]!.socketId;
    panel.deliver({ type: 'sendOnSocket', socketId, data: '{}', commandId: 3 });
    expect(panel.sent.at(-1)).toMatchObject({ type: 'commandCompleted', commandId: 3, ok: false, error: expect.stringMatching(/debugger, which can only read it/) });
  });
});
