// The panel's link to the background: one runtime port per inspected tab, rebuilt whenever
// the background goes away (a stopped service worker drops every port).
import browser from 'webextension-polyfill';
import { PANEL_PORT, type BackgroundToPanel, type PanelToBackground } from '../../src/messaging/contracts.ts';
import { isBackgroundToPanel } from '../../src/messaging/guards.ts';
import { createReconnectingPort } from '../../src/messaging/reconnecting-port.ts';

export interface BackgroundLink {
  send(message: PanelToBackground): void;
  close(): void;
}

export function connectToBackground(tabId: number, onMessage: (m: BackgroundToPanel) => void, onState: (connected: boolean) => void): BackgroundLink {
  const port = createReconnectingPort<PanelToBackground>({
    connect: () => browser.runtime.connect({ name: `${PANEL_PORT}:${tabId}` }),
    // The inspector reads the session from IndexedDB; of the records themselves the panel
    // needs only the answers to publishes (replay's socket target), so the background need
    // not serialise the rest for us.
    onOpen: (send) => send({ type: 'setLiveRecords', records: 'answers' }),
    onMessage: (m) => {
      if (isBackgroundToPanel(m)) onMessage(m);
    },
    onState,
    setTimer: (fn, ms) => void setTimeout(fn, ms),
  });
  port.start();
  return {
    send: (m) => void port.send(m),
    close: () => port.close(),
  };
}

/** The inspected tab: from DevTools, or `?tabId=` when the panel is opened as a page. */
export function inspectedTabId(): number | null {
  const fromQuery = new URLSearchParams(location.search).get('tabId');
  if (fromQuery !== null && /^\d+$/.test(fromQuery)) return Number(fromQuery);
  const id = browser.devtools?.inspectedWindow?.tabId;
  return typeof id === 'number' ? id : null;
}
