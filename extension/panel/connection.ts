// The panel's link to the background: one runtime port per inspected tab, rebuilt whenever
// the background goes away (a stopped service worker drops every port).
import browser from 'webextension-polyfill';
import type { Runtime } from 'webextension-polyfill';
import { PANEL_PORT, type BackgroundToPanel, type PanelToBackground } from '../../src/messaging/contracts.ts';
import { isBackgroundToPanel } from '../../src/messaging/guards.ts';

export interface BackgroundLink {
  send(message: PanelToBackground): void;
  close(): void;
}

export function connectToBackground(tabId: number, onMessage: (m: BackgroundToPanel) => void, onState: (connected: boolean) => void): BackgroundLink {
  let port: Runtime.Port | null = null;
  let closed = false;
  let retryMs = 100;
  const open = () => {
    if (closed) return;
    port = browser.runtime.connect({ name: `${PANEL_PORT}:${tabId}` });
    onState(true);
    port.onMessage.addListener((m: unknown) => {
      retryMs = 100;
      if (isBackgroundToPanel(m)) onMessage(m);
    });
    port.onDisconnect.addListener(() => {
      port = null;
      onState(false);
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 2000);
    });
  };
  open();
  return {
    send: (m) => port?.postMessage(m),
    close: () => {
      closed = true;
      port?.disconnect();
    },
  };
}

/** The inspected tab: from DevTools, or `?tabId=` when the panel is opened as a page. */
export function inspectedTabId(): number | null {
  const fromQuery = new URLSearchParams(location.search).get('tabId');
  if (fromQuery !== null && /^\d+$/.test(fromQuery)) return Number(fromQuery);
  const id = browser.devtools?.inspectedWindow?.tabId;
  return typeof id === 'number' ? id : null;
}
