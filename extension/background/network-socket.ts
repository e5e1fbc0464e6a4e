// WebSocket handshakes the browser reports for a tab (background/index.ts, webRequest). A
// socket the hook captured is already in the session; one it did not (a worker's: no
// content script runs in a worker) is kept as a notice: a `ws-create` marked
// `via: 'network'`, which the inspector shows as a socket that is not captured. Its frames
// are not recorded.

import type { SocketCreated, SocketId } from '../../src/capture/records.ts';
import { explainsSighting, type ObservedSocket } from '../../src/recording/socket-sightings.ts';
import type { TabHub, TabState } from './tab-hub.ts';

/**
 * How long the hook's record of the same socket has to arrive, from the handshake or from
 * when the tab's frames were last told to record, whichever is later. A hook batches every
 * 50 ms, but one that was not recording holds its sockets until it is told to (DevTools
 * opened after the page), and a frame whose relay is still connecting to a cold service
 * worker sends later still; a capture arriving within this time cancels the notice, so only
 * real notices wait this long.
 */
const HOOK_GRACE_MS = 5_000;

export function onNetworkSocket(hub: TabHub, state: TabState, observed: ObservedSocket): void {
  if (!state.sockets.sighted(observed)) return;
  const settle = (): void => {
    const left = state.recordingToldAt + HOOK_GRACE_MS - hub.now();
    if (left > 0) return hub.deps.setTimer(settle, left);
    if (!state.sockets.takeIfUncaptured(observed)) return;
    // While stopped, store() counts it as not stored.
    if (!hub.capturing(state)) return;
    // A service worker the handshake woke remembers no socket captured before it stopped:
    // the session does. Asked in the write chain, after the batches before it.
    hub.enqueue(state, async () => {
      const stored = (await hub.deps.recorder.storedSockets?.(state.tabId).catch(() => undefined)) ?? [];
      if (explainsSighting(stored, observed) || !hub.capturing(state)) return;
      // One socket id per notice, so each is its own connection in the session.
      const key = hub.networkKey();
      const record: SocketCreated = {
        kind: 'ws-create',
        socketId: `${key.socketId}:ws${key.seq}` as SocketId,
        seq: 0,
        t: observed.startedAt,
        url: observed.url,
        protocols: observed.protocols,
        frameUrl: '',
        appsync: true,
        via: 'network',
      };
      hub.store(state, [record]);
    });
  };
  hub.deps.setTimer(settle, HOOK_GRACE_MS);
}
