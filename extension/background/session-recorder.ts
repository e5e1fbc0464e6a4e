// The recorder's browser side: the tab → session mapping in storage.session (kept across a
// stopped service worker, emptied when the browser exits) and the tab's URL and title.
import browser from 'webextension-polyfill';
import { createTabRecorder, type SessionMapping } from '../../src/recording/tab-recorder.ts';
import { openSessionsDb, type SessionId } from '../../src/sessions/index.ts';
import { requestPersistentStorage } from '../../src/sessions/retention.ts';

const key = (tabId: number) => `recording:${tabId}`;

const mapping: SessionMapping = {
  async get(tabId) {
    const value: unknown = (await browser.storage.session.get(key(tabId)))[key(tabId)];
    return typeof value === 'string' ? (value as SessionId) : undefined;
  },
  set: (tabId, sessionId) => browser.storage.session.set({ [key(tabId)]: sessionId }),
  remove: (tabId) => browser.storage.session.remove(key(tabId)),
  async mapped() {
    const items = await browser.storage.session.get(null);
    return new Set(Object.entries(items).flatMap(([k, v]) => (k.startsWith('recording:') && typeof v === 'string' ? [v] : [])));
  },
};

export function createSessionRecorder() {
  return createTabRecorder({
    openDb: async () => {
      const db = await openSessionsDb();
      // Ask once that the browser does not evict our storage under pressure; sessions are
      // the user's recordings. Not every context exposes it (service workers may not).
      void requestPersistentStorage(typeof navigator !== 'undefined' ? navigator.storage : undefined).catch(() => undefined);
      return db;
    },
    mapping,
    tabInfo: async (tabId) => {
      const tab = await browser.tabs.get(tabId);
      return { url: tab.url ?? '', title: tab.title ?? '' };
    },
    browserName: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium',
  });
}
