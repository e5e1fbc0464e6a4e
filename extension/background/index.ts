// Background context (Chrome: MV3 service worker; Firefox: event page). Thin entry: the
// listeners must be registered synchronously at start-up so a woken worker sees the event
// that woke it.
import browser from 'webextension-polyfill';
import { createRouter } from './router.ts';
import { createSessionRecorder } from './session-recorder.ts';
import { preserveLogStore, recordingPausedStore, watchSettings } from './settings.ts';

let router: ReturnType<typeof createRouter> | null = null;
const settings = watchSettings(() => router?.onSettingsChanged());
router = createRouter({
  recorder: createSessionRecorder(),
  panelUrl: browser.runtime.getURL('extension/panel/panel.html'),
  settings: settings.current,
  preserveLog: preserveLogStore,
  recordingPaused: recordingPausedStore,
  setTimer: (fn, ms) => void setTimeout(fn, ms),
});
browser.runtime.onConnect.addListener((port) => router?.onConnect(port));
browser.tabs.onRemoved.addListener((tabId) => router?.onTabRemoved(tabId));
// Every WebSocket handshake of a tab, from the page or from a worker (where no content script
// runs, so the hook cannot capture it): the router keeps a notice for those the hook did
// not capture, whether DevTools is open or not.
browser.webRequest?.onSendHeaders.addListener((details) => router?.onSocketRequest(details.tabId, details), { urls: ['<all_urls>'], types: ['websocket'] }, ['requestHeaders']);
