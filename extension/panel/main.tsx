// Panel entry (extension origin, inside DevTools or opened as a page with ?tabId=N).
import { render } from 'preact';
import { App } from './app.tsx';
import { createLiveStore } from './store/live-store.ts';
import { createSessionsStore } from './store/sessions-store.ts';
import { connectToBackground, inspectedTabId } from './connection.ts';
import { watchNetworkPublishes } from './network-publishes.ts';
import { createPageCommands } from './views/replay/page-commands.ts';
import { createReplayStore } from './views/replay/replay-store.ts';

const tabId = inspectedTabId();
const store = createLiveStore();
let commands: ReturnType<typeof createPageCommands> | null = null;
if (tabId !== null) {
  const link = connectToBackground(tabId, (m) => (commands?.onMessage(m), store.apply(m)), store.setConnected);
  store.setCommands(link.send);
  commands = createPageCommands(link.send);
  watchNetworkPublishes((publish) => link.send({ type: 'httpPublishObserved', publish }));
}
const root = document.getElementById('app');
const replay = createReplayStore({ commands: commands?.commands ?? null, liveSessionId: () => store.state.value.status?.sessionId ?? null, browser: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium' });
if (root) render(<App store={store} sessions={createSessionsStore()} tabId={tabId} replay={replay} />, root);
