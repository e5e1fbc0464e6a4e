// Worker sockets through Chromium's debugger, for a tab whose user opted in from the panel.
//
// The debugger is attached to the tab and auto-attaches, flat (one CDP session per child
// target, addressed by `sessionId`: chrome.debugger since Chrome 125), to every child target;
// each one starts paused (`waitForDebuggerOnStart`) so a worker's first socket is not missed.
// The Network domain is enabled in workers only: the page's documents are the hook's, and
// CDP's network capture costs the page far more (README, performance). Every child is
// resumed whatever fails on the way, or the page would hang. Chromium shows its "started
// debugging this browser" bar while attached; closing it detaches us (`onDetach`), and the
// panel then says the capture stopped.
//
// An attached debugger keeps the service worker alive (Chrome 118+), so the translator's
// per-socket state lives as long as the attachment. The opt-in holds for the tab until Stop,
// but the debugger is attached only while the tab records: closing DevTools (on an origin
// not always recorded) detaches it, and Chromium's "being debugged" bar goes with it;
// reopening attaches again without asking.

import { createDebuggerTraffic, type FinishedRequest } from '../../src/recording/debugger-traffic.ts';
import { HOOK_LIMITS } from '../../src/capture/limits.ts';
import type { SocketCreated } from '../../src/capture/records.ts';
import type { TabHub, TabState } from './tab-hub.ts';

/** What the router needs of chrome.debugger; null where the API or the permission is missing. */
export interface DebuggerApi {
  attach(tabId: number): Promise<void>;
  detach(tabId: number): Promise<void>;
  send(tabId: number, sessionId: string | undefined, method: string, params?: object): Promise<unknown>;
}

const AUTO_ATTACH = { autoAttach: true, waitForDebuggerOnStart: true, flatten: true };

/** The tab's worker capture, kept on its TabState while the debugger is attached. */
export interface WorkerCapture {
  readonly traffic: ReturnType<typeof createDebuggerTraffic>;
  attached: boolean;
}

function problemText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `Worker sockets could not be captured: ${text}`;
}

/** The panel's Capture / Stop for the tab's workers. */
export function setWorkerCapture(hub: TabHub, state: TabState, on: boolean): void {
  state.workerCaptureWanted = on;
  state.workerCaptureProblem = null;
  syncWorkerCapture(hub, state);
  hub.toPanels(state, hub.status(state));
}

/** Attached exactly while the user wants it and the tab records (called whenever either changes). */
export function syncWorkerCapture(hub: TabHub, state: TabState): void {
  const want = state.workerCaptureWanted && hub.capturing(state);
  if (want && !state.workerCapture) void startWorkerCapture(hub, state);
  else if (!want && state.workerCapture) void stopWorkerCapture(hub, state);
}

async function startWorkerCapture(hub: TabHub, state: TabState): Promise<void> {
  const api = hub.deps.debuggerApi?.();
  if (!api) {
    state.workerCaptureWanted = false;
    state.workerCaptureProblem = "Worker sockets could not be captured: the extension does not have Chromium's debugger permission";
    return hub.toPanels(state, hub.status(state));
  }
  const capture: WorkerCapture = {
    traffic: createDebuggerTraffic({
      prefix: `dbg${Math.random().toString(36).slice(2, 10)}`,
      now: hub.now,
      maxTextLength: HOOK_LIMITS.maxTextLength,
      previewBytes: HOOK_LIMITS.previewBytes,
      captureAll: () => hub.deps.settings().captureAll,
    }),
    attached: false,
  };
  state.workerCapture = capture;
  state.workerCaptureProblem = null;
  try {
    await api.attach(state.tabId);
    capture.attached = true;
    // Stopped (or the panel closed) while attaching: nothing else would detach it.
    if (state.workerCapture !== capture) return void (await api.detach(state.tabId).catch(() => undefined));
    await api.send(state.tabId, undefined, 'Target.setAutoAttach', AUTO_ATTACH);
  } catch (error) {
    if (capture.attached) await api.detach(state.tabId).catch(() => undefined);
    if (state.workerCapture === capture) state.workerCapture = null;
    state.workerCaptureWanted = false;
    state.workerCaptureProblem = problemText(error);
  }
  hub.toPanels(state, hub.status(state));
}

async function stopWorkerCapture(hub: TabHub, state: TabState): Promise<void> {
  const capture = state.workerCapture;
  state.workerCapture = null;
  hub.toPanels(state, hub.status(state));
  if (capture?.attached) await hub.deps.debuggerApi?.()?.detach(state.tabId).catch(() => undefined);
}

/** Chromium detached the debugger (the user closed its bar, the tab closed, DevTools took over). */
export function onDebuggerDetached(hub: TabHub, tabId: number, reason: string): void {
  const state = hub.tabs.get(tabId);
  if (!state?.workerCapture) return;
  state.workerCapture = null;
  state.workerCaptureWanted = false;
  state.workerCaptureProblem = reason === 'canceled_by_user' ? "Worker capture stopped: Chromium's debugger bar was closed" : `Worker capture stopped: the debugger was detached (${reason})`;
  hub.toPanels(state, hub.status(state));
}

/** One event of the tab's debugger session or of one of its children. */
export function onDebuggerEvent(hub: TabHub, tabId: number, sessionId: string | undefined, method: string, params: unknown): void {
  const state = hub.tabs.get(tabId);
  const capture = state?.workerCapture;
  if (!state || !capture) return;
  if (method === 'Target.attachedToTarget') return void prepareChild(hub, state, capture, params);
  if (method === 'Target.detachedFromTarget') {
    const id = (params as { sessionId?: unknown } | null)?.sessionId;
    if (typeof id === 'string') capture.traffic.detached(id);
    return;
  }
  const finished = capture.traffic.httpEvent(sessionId, method, params);
  if (finished) return void finishPublish(hub, state, capture, finished);
  const records = capture.traffic.event(sessionId, method, params);
  if (records.length === 0) return;
  // The handshake webRequest reports for the same socket is then explained, not a notice.
  for (const r of records) if (r.kind === 'ws-create') state.sockets.sawCreate((r as SocketCreated).url, r.t);
  // The console's "Use this page's endpoint" offers a worker's auth like the page's.
  hub.credentials.observe(state.tabId, records);
  if (hub.capturing(state)) hub.store(state, records);
}

/** A worker's finished HTTP publish: its bodies read from the debugger, then one `http` record. */
async function finishPublish(hub: TabHub, state: TabState, capture: WorkerCapture, done: FinishedRequest): Promise<void> {
  const api = hub.deps.debuggerApi?.();
  const bodies: { requestBody?: string; responseBody?: string } = {};
  if (api && done.needsRequestBody) {
    const r = (await api.send(state.tabId, done.sessionId, 'Network.getRequestPostData', { requestId: done.requestId }).catch(() => null)) as { postData?: unknown } | null;
    if (typeof r?.postData === 'string') bodies.requestBody = r.postData;
  }
  if (api && done.hasResponse) {
    const r = (await api.send(state.tabId, done.sessionId, 'Network.getResponseBody', { requestId: done.requestId }).catch(() => null)) as { body?: unknown; base64Encoded?: unknown } | null;
    if (typeof r?.body === 'string') bodies.responseBody = r.base64Encoded === true ? utf8OfBase64(r.body) : r.body;
  }
  if (state.workerCapture !== capture) return;
  const record = capture.traffic.httpPublish(done, bodies, hub.networkKey);
  if (!record) return;
  // DevTools' network log reports the same request when it is open: that sighting is explained.
  state.dedupe.sawRecord(record);
  hub.credentials.observe(state.tabId, [record]);
  if (hub.capturing(state)) hub.store(state, [record]);
}

function utf8OfBase64(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}

async function prepareChild(hub: TabHub, state: TabState, capture: WorkerCapture, params: unknown): Promise<void> {
  const p = (params ?? {}) as { sessionId?: unknown; targetInfo?: { type?: unknown; url?: unknown }; waitingForDebugger?: unknown };
  if (typeof p.sessionId !== 'string') return;
  const sessionId = p.sessionId;
  const type = typeof p.targetInfo?.type === 'string' ? p.targetInfo.type : '';
  const url = typeof p.targetInfo?.url === 'string' ? p.targetInfo.url : '';
  capture.traffic.attached({ sessionId, type, url });
  const api = hub.deps.debuggerApi?.();
  if (!api) return;
  try {
    if (capture.traffic.isWorker(sessionId)) await api.send(state.tabId, sessionId, 'Network.enable', {});
    // Workers of a worker, and of an out-of-process frame, are children of that child.
    await api.send(state.tabId, sessionId, 'Target.setAutoAttach', AUTO_ATTACH);
  } catch {
    // A target that went away meanwhile; nothing to capture there.
  } finally {
    if (p.waitingForDebugger === true) await api.send(state.tabId, sessionId, 'Runtime.runIfWaitingForDebugger', {}).catch(() => undefined);
  }
}
