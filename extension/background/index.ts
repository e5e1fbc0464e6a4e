// Background context (Chrome: MV3 service worker; Firefox: event page). Thin entry: the
// listeners must be registered synchronously at start-up so a woken worker sees the event
// that woke it.
import browser from 'webextension-polyfill';
import { createRouter } from './router.ts';
import { createSessionRecorder } from './session-recorder.ts';

const router = createRouter(createSessionRecorder(), browser.runtime.getURL('extension/panel/panel.html'));
browser.runtime.onConnect.addListener((port) => router.onConnect(port));
browser.tabs.onRemoved.addListener((tabId) => router.onTabRemoved(tabId));
