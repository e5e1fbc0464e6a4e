// Pairs the relays' ports and the panels' ports by the tab id the browser reports, decides
// per tab whether it records, and hands batches to the recorder. The handlers live one
// per port kind (content-port.ts, panel-port.ts) over the shared per-tab state (tab-hub.ts).

import type { Runtime } from 'webextension-polyfill';
import { CAPTURE_PORT, PANEL_PORT } from '../../src/messaging/contracts.ts';
import { onContentPort } from './content-port.ts';
import { onPanelPort } from './panel-port.ts';
import { onNetworkSocket } from './network-socket.ts';
import { requestOrigin, socketOfRequest } from '../../src/recording/socket-sightings.ts';
import { originMatches } from '../../src/recording/policy.ts';
import { createTabHub, type RouterDeps } from './tab-hub.ts';
import { onDebuggerDetached, onDebuggerEvent } from './worker-debugger.ts';

export type { RouterDeps } from './tab-hub.ts';

export function createRouter(deps: RouterDeps) {
  const hub = createTabHub(deps);
  return {
    onConnect(port: Runtime.Port): void {
      if (port.name === CAPTURE_PORT) return onContentPort(hub, port);
      const tabId = Number(port.name.slice(PANEL_PORT.length + 1));
      // Content scripts can name a port anything; the sender's URL is set by the browser.
      const fromPanel = port.sender?.url?.startsWith(deps.panelUrl) === true;
      if (fromPanel && port.name.startsWith(PANEL_PORT + ':') && Number.isSafeInteger(tabId) && tabId >= 0) return onPanelPort(hub, port, tabId);
      port.disconnect();
    },
    /** Settings changed: tell every tab whether it records now. */
    onSettingsChanged(): void {
      for (const state of hub.tabs.values()) hub.announceRecording(state);
    },
    /** A WebSocket handshake the browser reports (`webRequest`, type `websocket`). */
    onSocketRequest(tabId: number, details: unknown): void {
      if (!Number.isSafeInteger(tabId)) return;
      const observed = socketOfRequest(details);
      if (!observed) return;
      if (tabId >= 0) return onNetworkSocket(hub, hub.tab(tabId), observed);
      // No tab: a shared (or service) worker's socket. It may serve any tab of its origin,
      // so each of them that records says such a socket exists and is not captured.
      const origin = requestOrigin(details);
      if (origin === null) return;
      for (const state of hub.tabs.values()) if (state.topUrl !== null && originMatches(origin, state.topUrl)) onNetworkSocket(hub, state, observed);
    },
    /** An event of Chromium's debugger attached to a tab (worker-debugger.ts). */
    onDebuggerEvent(tabId: number, sessionId: string | undefined, method: string, params: unknown): void {
      onDebuggerEvent(hub, tabId, sessionId, method, params);
    },
    onDebuggerDetached(tabId: number, reason: string): void {
      onDebuggerDetached(hub, tabId, reason);
    },
    onTabRemoved(tabId: number): void {
      const state = hub.tabs.get(tabId);
      hub.tabs.delete(tabId);
      hub.credentials.forgetTab(tabId);
      if (state) hub.enqueue(state, () => deps.recorder.rollSession(tabId, 'navigation'));
    },
  };
}
