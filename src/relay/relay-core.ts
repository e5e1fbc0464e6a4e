// The relay's logic (extension/content/relay.iife.ts wires it to the browser): the trust
// boundary between the page and the extension. It runs in the isolated world, so its own
// built-ins are safe; what it receives from the hook is not, and is checked here.
//
//  - From the hook it passes on only `hookReady` (once), `framesCaptured` and
//    `commandCompleted`, each checked for shape and size (guards.ts).
//  - It connects to the background only once the page has something to capture (the
//    first `hookReady`), through a reconnecting port.
//  - Order after a reconnect: each (re)connection starts a new epoch and asks the hook to
//    resend what is unacknowledged; batches tagged with an older epoch are dropped (the hook
//    still holds them and sends them again, in order), so resent batches reach the
//    background before anything newer, as its per-socket de-duplication needs.
//  - Batches sent while the page unloads come as a synchronous DOM event (see flushText).

import type { ContentHello, ContentToBackground, ContentToPage } from '../messaging/contracts.ts';
import { MAX_BATCH_CHARS, PROTOCOL_VERSION } from '../messaging/contracts.ts';
import { isBackgroundToContent, isPageToContent } from '../messaging/guards.ts';
import type { ReconnectingPort } from '../messaging/reconnecting-port.ts';

export interface RelayDeps {
  toHook(message: ContentToPage): void;
  /** Builds the background link; `onOpen` and `onMessage` are the relay's. */
  link(handlers: { onOpen(send: (m: ContentToBackground) => void): void; onMessage(m: unknown): void }): ReconnectingPort<ContentToBackground>;
  /** What the browser says about this frame, for the hello. */
  frame(): Omit<ContentHello, 'type' | 'version' | 'nonce'>;
  /**
   * The nonce the hook left on the meeting element (src/capture/meeting.ts), once the two
   * met: only a `hookReady` carrying it is taken, so a page that got hold of the port could
   * not choose the frame's nonce (and with it which records the background accepts).
   */
  readonly hookNonce?: string | null | (() => string | null);
}

export interface RelayCore {
  /** A message on the private port from the hook. */
  fromHook(message: unknown): void;
  /** The detail of the unload flush event. */
  fromFlush(detail: unknown): void;
  /** "Capture every WebSocket" changed (read by the relay itself; see the entry). */
  settingsChanged(captureAll: boolean): void;
  /** The block rules changed (read by the relay itself, like the settings). */
  blockRulesChanged(rules: Extract<ContentToPage, { type: 'blockRulesChanged' }>['rules']): void;
  inspect(): { epoch: number; nonce: string | null; connected: boolean };
}

export function createRelayCore(deps: RelayDeps): RelayCore {
  let nonce: string | null = null;
  // Incremented on every (re)connection; see FramesCaptured.epoch.
  let epoch = 0;
  let rejectedWhileOffline = false;

  const background = deps.link({
    onOpen(send) {
      if (nonce === null) return;
      send({ type: 'contentConnected', version: PROTOCOL_VERSION, nonce, ...deps.frame() });
      if (rejectedWhileOffline) {
        rejectedWhileOffline = false;
        send({ type: 'batchRejected', reason: 'malformed message from the page' });
      }
      requestResend();
    },
    onMessage(message) {
      if (!isBackgroundToContent(message)) return;
      if (message.type === 'resendRequested') requestResend();
      else deps.toHook(message);
    },
  });

  function requestResend(): void {
    epoch++;
    deps.toHook({ type: 'resendUnacknowledged', epoch });
  }

  function forwardBatch(message: { batchId: number; epoch: number; dropped: number; payload: string }): void {
    // Kept by the hook until acknowledged; an older epoch's batch will come again in order.
    if (!background.connected() || message.epoch !== epoch) return;
    background.send({ type: 'framesCaptured', batchId: message.batchId, dropped: message.dropped, payload: message.payload });
  }

  return {
    fromHook(message) {
      if (!isPageToContent(message)) {
        // Not something our hook sends: say so (once per message), drop the data.
        if (!background.send({ type: 'batchRejected', reason: 'malformed message from the page' })) rejectedWhileOffline = true;
        return;
      }
      switch (message.type) {
        case 'hookReady':
          if (nonce !== null) return;
          const expected = typeof deps.hookNonce === 'function' ? deps.hookNonce() : deps.hookNonce;
          if (expected != null && message.nonce !== expected) {
            // Someone else holds the hook's port (see MEETING_NONCE_ATTR): say so, take nothing.
            if (!background.send({ type: 'batchRejected', reason: 'malformed message from the page' })) rejectedWhileOffline = true;
            return;
          }
          nonce = message.nonce;
          background.start();
          return;
        case 'framesCaptured':
          forwardBatch(message);
          return;
        case 'commandCompleted':
          background.send({ type: 'commandCompleted', commandId: message.commandId, ok: message.ok, ...(message.error === undefined ? {} : { error: message.error }) });
          return;
      }
    },
    fromFlush(detail) {
      if (typeof detail !== 'string' || detail.length > MAX_BATCH_CHARS + 1024) return;
      let message: unknown;
      try {
        message = JSON.parse(detail);
      } catch {
        return;
      }
      if (isPageToContent(message) && message.type === 'framesCaptured') forwardBatch(message);
    },
    settingsChanged(captureAll) {
      deps.toHook({ type: 'settingsChanged', captureAll });
    },
    blockRulesChanged(rules) {
      deps.toHook({ type: 'blockRulesChanged', rules });
    },
    inspect: () => ({ epoch, nonce, connected: background.connected() }),
  };
}
