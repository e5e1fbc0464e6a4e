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
import { createPageCommands } from './views/replay/page-commands.ts';
import { createReplayStore } from './views/replay/replay-store.ts';
import { createConsoleStore } from './views/console/console-store.ts';
import { browserConsoleDeps } from './views/console/browser-deps.ts';

applyTheme();
const tabId = inspectedTabId();
let live: LiveStore | null = null;
let commands: ReturnType<typeof createPageCommands> | null = null;
if (tabId !== null) {
  const store = createLiveStore();
  const link = connectToBackground(tabId, (m) => (commands?.onMessage(m), store.apply(m)), store.setConnected);
  store.setCommands(link.send);
  commands = createPageCommands(link.send);
  watchNetworkPublishes((publish) => link.send({ type: 'httpPublishObserved', publish }));
  live = store;
}
const sessions = createSessionsStore();
const inspector = createInspectorStore(sessions.db);
// Without a tab there is no live session to follow: start on the newest stored one.
if (tabId === null) void inspector.showNewest();
const root = document.getElementById('app');
const replay = createReplayStore({ commands: commands?.commands ?? null, liveSessionId: () => live?.state.value.status?.sessionId ?? null, browser: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium' });
const consoleStore = createConsoleStore(browserConsoleDeps(tabId));
addEventListener('pagehide', () => consoleStore.dispose());
if (root) render(<App live={live} sessions={sessions} inspector={inspector} Settings={SettingsDialog} replay={replay} consoleStore={consoleStore} />, root);
