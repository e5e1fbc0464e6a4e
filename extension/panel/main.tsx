// Panel entry (extension origin, inside DevTools or opened as a page with ?tabId=N).
import { render } from 'preact';
import { App } from './app.tsx';
import { createLiveStore } from './store/live-store.ts';
import { createSessionsStore } from './store/sessions-store.ts';
import { connectToBackground, inspectedTabId } from './connection.ts';
import { watchNetworkPublishes } from './network-publishes.ts';

const tabId = inspectedTabId();
const store = createLiveStore();
if (tabId !== null) {
  const link = connectToBackground(tabId, store.apply, store.setConnected);
  store.setCommands(link.send);
  watchNetworkPublishes((publish) => link.send({ type: 'httpPublishObserved', publish }));
}
const root = document.getElementById('app');
if (root) render(<App store={store} sessions={createSessionsStore()} tabId={tabId} />, root);
