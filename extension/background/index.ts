// Background context (Chrome: MV3 service worker; Firefox: event page). Thin entry: the
// listeners must be registered synchronously at start-up so a woken worker sees the event
// that woke it.
import browser from 'webextension-polyfill';
import { createRouter } from './router.ts';
import { createSessionRecorder } from './session-recorder.ts';
import { preserveLogStore, recordingPausedStore, watchSettings } from './settings.ts';
import type { DebuggerApi } from './worker-debugger.ts';

let router: ReturnType<typeof createRouter> | null = null;
const settings = watchSettings(() => router?.onSettingsChanged());
router = createRouter({
  recorder: createSessionRecorder(),
  panelUrl: browser.runtime.getURL('extension/panel/panel.html'),
  settings: settings.current,
  preserveLog: preserveLogStore,
  recordingPaused: recordingPausedStore,
  setTimer: (fn, ms) => void setTimeout(fn, ms),
  debuggerApi,
});
browser.runtime.onConnect.addListener((port) => router?.onConnect(port));
browser.tabs.onRemoved.addListener((tabId) => router?.onTabRemoved(tabId));
// Every WebSocket handshake of a tab, from the page or from a worker (where no content script
// runs, so the hook cannot capture it): the router keeps a notice for those the hook did
// not capture, whether DevTools is open or not.
browser.webRequest?.onSendHeaders.addListener((details) => router?.onSocketRequest(details.tabId, details), { urls: ['<all_urls>'], types: ['websocket'] }, ['requestHeaders']);

// Chromium's debugger, for worker sockets where the user opted in: an optional permission,
// so `chrome.debugger` exists only once it is granted (Firefox has none). Its listeners are
// added at start-up when it exists, or as soon as it does.
interface DebuggerSource {
  tabId?: number;
  sessionId?: string;
}
interface ChromeDebugger {
  attach(target: DebuggerSource, version: string): Promise<void>;
  detach(target: DebuggerSource): Promise<void>;
  sendCommand(target: DebuggerSource, method: string, params?: object): Promise<unknown>;
  onEvent: { addListener(f: (source: DebuggerSource, method: string, params?: unknown) => void): void };
  onDetach: { addListener(f: (source: DebuggerSource, reason: string) => void): void };
}
function chromeDebugger(): ChromeDebugger | null {
  if (import.meta.env.TARGET === 'firefox') return null;
  return (globalThis as { chrome?: { debugger?: ChromeDebugger } }).chrome?.debugger ?? null;
}
let debuggerListening = false;
function listenToDebugger(): ChromeDebugger | null {
  const d = chromeDebugger();
  if (!d || debuggerListening) return d;
  debuggerListening = true;
  d.onEvent.addListener((source, method, params) => {
    if (typeof source.tabId === 'number') router?.onDebuggerEvent(source.tabId, source.sessionId, method, params);
  });
  d.onDetach.addListener((source, reason) => {
    if (typeof source.tabId === 'number') router?.onDebuggerDetached(source.tabId, reason);
  });
  return d;
}
function debuggerApi(): DebuggerApi | null {
  const d = listenToDebugger();
  if (!d) return null;
  return {
    attach: (tabId) => d.attach({ tabId }, '1.3'),
    detach: (tabId) => d.detach({ tabId }),
    send: (tabId, sessionId, method, params) => d.sendCommand(sessionId === undefined ? { tabId } : { tabId, sessionId }, method, params),
  };
}
listenToDebugger();
