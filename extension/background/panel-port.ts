// A DevTools panel's port, opened for one tab (`${PANEL_PORT}:${tabId}`) by the panel page
// only (router.ts checks the sender). Its commands act on that tab and nothing else.

import type { Runtime } from 'webextension-polyfill';
import type { BackgroundToPanel, PanelToBackground, SocketCommand } from '../../src/messaging/contracts.ts';
import { isPanelToBackground } from '../../src/messaging/guards.ts';
import { onNetworkPublish } from './network-publish.ts';
import type { TabHub, TabState } from './tab-hub.ts';
import { setWorkerCapture } from './worker-debugger.ts';
import { isDebuggerSocketId } from '../../src/recording/debugger-traffic.ts';

export function onPanelPort(hub: TabHub, port: Runtime.Port, tabId: number): void {
  const state = hub.tab(tabId);
  state.panels.add(port);
  hub.announceRecording(state);
  port.onDisconnect.addListener(() => {
    state.panels.delete(port);
    hub.announceRecording(state);
  });
  port.onMessage.addListener((message: unknown) => {
    if (isPanelToBackground(message)) onPanelMessage(hub, state, message, port);
  });
}

function onPanelMessage(hub: TabHub, state: TabState, message: PanelToBackground, port: Runtime.Port): void {
  switch (message.type) {
    case 'setLiveRecords':
      state.liveWanted.set(port, message.records);
      return;
    case 'setPreserveLog':
      state.preserveLog = message.preserve;
      state.preserveLogSet = true;
      void hub.deps.preserveLog.set(state.tabId, message.preserve);
      hub.toPanels(state, hub.status(state));
      return;
    case 'setRecording':
      // The port's tab is the one the browser reports; a command naming another is refused.
      if (message.tabId !== state.tabId) return;
      state.paused = !message.on;
      state.pausedSet = true;
      if (state.paused) state.stops.stop();
      else state.stops.resume();
      void hub.deps.recordingPaused?.set(state.tabId, state.paused);
      hub.toPanels(state, hub.status(state));
      return;
    case 'clearSession':
      state.discarded = 0;
      state.stops.reset(state.paused);
      state.stored = 0;
      state.dropped = 0;
      state.rejected = 0;
      hub.enqueue(state, async () => {
        await hub.deps.recorder.rollSession(state.tabId, 'clear');
        state.sessionId = null;
        hub.toPanels(state, hub.status(state));
      });
      return;
    case 'httpPublishObserved':
      return onNetworkPublish(hub, state, message.publish);
    case 'listPageCredentials':
      port.postMessage({ type: 'pageCredentialsListed', credentials: hub.credentials.list(state.tabId) } satisfies BackgroundToPanel);
      return;
    case 'injectIncoming':
    case 'sendOnSocket':
      return routeSocketCommand(hub, state, port, message);
    case 'setWorkerCapture':
      return setWorkerCapture(hub, state, message.on);
  }
}

/**
 * A panel's command goes to the frame whose hook owns the socket (its nonce prefixes the
 * socket id). The hook answers a command that has a commandId; when no frame owns the
 * socket, the background answers for it, so the panel always hears back.
 */
function routeSocketCommand(hub: TabHub, state: TabState, panel: Runtime.Port, message: SocketCommand): void {
  let delivered = false;
  hub.toFrames(state, message, (link) => {
    const owns = link.nonce !== null && message.socketId.startsWith(link.nonce + ':');
    if (owns) delivered = true;
    return owns;
  });
  if (!delivered && message.commandId !== undefined) {
    panel.postMessage({
      type: 'commandCompleted',
      commandId: message.commandId,
      ok: false,
      error: isDebuggerSocketId(message.socketId)
        ? "that socket is a worker's, recorded through Chromium's debugger, which can only read it"
        : 'no page in this tab owns that socket (reloaded or closed)',
    } satisfies BackgroundToPanel);
  }
}
