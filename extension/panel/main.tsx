// Panel entry (extension origin, inside DevTools or opened as a page with ?tabId=N).
import { render } from 'preact';
import { App } from './app.tsx';
import { createLiveStore, type LiveStore } from './store/live-store.ts';
import { createSessionsStore } from './store/sessions-store.ts';
import { createInspectorStore } from './views/inspector/inspector-store.ts';
import { connectToBackground, inspectedTabId } from './connection.ts';
import { watchNetworkPublishes } from './network-publishes.ts';
import { applyTheme } from './theme.ts';
import { SettingsDialog } from './components/settings-dialog.tsx';

applyTheme();
const tabId = inspectedTabId();
let live: LiveStore | null = null;
if (tabId !== null) {
  const store = createLiveStore();
  const link = connectToBackground(tabId, store.apply, store.setConnected);
  store.setCommands(link.send);
  watchNetworkPublishes((publish) => link.send({ type: 'httpPublishObserved', publish }));
  live = store;
}
const sessions = createSessionsStore();
const inspector = createInspectorStore(sessions.db);
// Without a tab there is no live session to follow: start on the newest stored one.
if (tabId === null) void inspector.showNewest();
const root = document.getElementById('app');
if (root) render(<App live={live} sessions={sessions} inspector={inspector} Settings={SettingsDialog} />, root);
