// Panel entry (extension origin, inside DevTools or opened as a page with ?tabId=N).
import { PANEL_VISIBILITY_EVENT } from '../../src/messaging/contracts.ts';
import { render } from 'preact';
import browser, { type Manifest } from 'webextension-polyfill';
import { App } from './app.tsx';
import { createLiveStore, type LiveStore } from './store/live-store.ts';
import { createSessionsStore } from './store/sessions-store.ts';
import { createInspectorStore } from './views/inspector/inspector-store.ts';
import { connectToBackground, inspectedTabId } from './connection.ts';
import { watchNetworkPublishes } from './network-publishes.ts';
import { applyTheme } from './theme.ts';
import { SettingsDialog } from './components/settings-dialog.tsx';
import { createBlockRulesStore } from './views/inspector/block-rules-store.ts';
import { createSyncedValue, type SyncedStorage } from './store/synced-value.ts';
import { NO_SAVED_FILTERS, parseSavedFilters, SAVED_FILTERS_KEY, type SavedFilters } from './views/inspector/saved-filters.ts';
import { BLOCK_RULES_KEY } from '../../src/capture/block-rules.ts';
import { createPageCommands } from './views/replay/page-commands.ts';
import { createReplayStore } from './views/replay/replay-store.ts';
import { loadConsoleData } from './views/console/console-storage.ts';
import { hasAccess, originPatterns, requestAccess } from './views/console/host-access.ts';
import { listPageCredentials } from './views/console/page-endpoint.ts';
import { createConsoleStore } from './views/console/console-store.ts';
import { browserConsoleDeps } from './views/console/browser-deps.ts';

applyTheme();
const tabId = inspectedTabId();
let live: LiveStore | null = null;
let commands: ReturnType<typeof createPageCommands> | null = null;
// Set below; the live feed's records carry the answers to replay's publishes on the page's socket.
let onLiveRecords: ((m: unknown) => void) | null = null;
if (tabId !== null) {
  // Chromium only: the debugger, for worker sockets, is an optional permission asked for on
  // use (the polyfill's permission types do not list it).
  const store = createLiveStore(import.meta.env.TARGET === 'firefox' ? {} : { requestDebugger: () => browser.permissions.request({ permissions: ['debugger' as Manifest.OptionalPermission] }) });
  const link = connectToBackground(tabId, (m) => (commands?.onMessage(m), onLiveRecords?.(m), store.apply(m)), store.setConnected);
  store.setCommands(link.send);
  commands = createPageCommands(link.send);
  watchNetworkPublishes((publish) => link.send({ type: 'httpPublishObserved', publish }));
  live = store;
}
const sessions = createSessionsStore();
const inspector = createInspectorStore(sessions.db);
addEventListener(PANEL_VISIBILITY_EVENT, (e) => inspector.setVisible((e as CustomEvent<unknown>).detail !== false));
// Without a tab there is no live session to follow: start on the newest stored one.
if (tabId === null) void inspector.showNewest();
const root = document.getElementById('app');
const replay = createReplayStore({
  commands: commands?.commands ?? null,
  liveSessionId: () => live?.state.value.status?.sessionId ?? null,
  loadProfiles: () => loadConsoleData().then((d) => d.profiles),
  ...(tabId !== null ? { pageCredentials: () => listPageCredentials(tabId) } : {}),
  hostAccess: { patterns: (p) => originPatterns(p.httpUrl, p.realtimeUrl), has: hasAccess, request: requestAccess },
  browser: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium',
});
onLiveRecords = (m) => {
  const msg = m as { type?: unknown; records?: unknown };
  if (msg.type === 'recordsCaptured' && Array.isArray(msg.records)) replay.observe(msg.records);
};
const consoleStore = createConsoleStore(browserConsoleDeps(tabId));
/** One key of storage.local, followed across panels. */
function localValue<T>(key: string): SyncedStorage<T> {
  return {
    load: () => browser.storage.local.get(key).then((items) => items[key]),
    save: (value) => browser.storage.local.set({ [key]: value }),
    watch: (onChange) => {
      const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
        if (area === 'local' && key in changes) onChange(changes[key]?.newValue);
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}
const blockRules = createBlockRulesStore(localValue(BLOCK_RULES_KEY));
const savedFilters = createSyncedValue(localValue<SavedFilters>(SAVED_FILTERS_KEY), parseSavedFilters, NO_SAVED_FILTERS, 'The saved filters');
addEventListener('pagehide', () => blockRules.dispose());
addEventListener('pagehide', () => savedFilters.dispose());
addEventListener('pagehide', () => consoleStore.dispose());
if (root) render(<App live={live} sessions={sessions} inspector={inspector} Settings={SettingsDialog} blockRules={blockRules} savedFilters={savedFilters} replay={replay} consoleStore={consoleStore} />, root);
