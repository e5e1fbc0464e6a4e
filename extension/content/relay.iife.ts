// Runs in the extension's isolated world of every frame at document_start. This is the trust
// boundary: the page (and a page that tampered with the hook) can reach us only through the
// private MessagePort we create here, and only with `hookReady` and `framesCaptured`, checked
// for shape and size. Commands flow the other way only, from the background. The tab a batch
// belongs to is decided by the browser (the port's sender), never by anything we forward.

import browser from 'webextension-polyfill';
import type { Runtime } from 'webextension-polyfill';
import {
  CAPTURE_PORT,
  HANDSHAKE_TAG,
  MAX_BATCH_CHARS,
  PROTOCOL_VERSION,
  type ContentToBackground,
  type ContentToPage,
} from '../../src/messaging/contracts.ts';
import { isBackgroundToContent, isPageToContent } from '../../src/messaging/guards.ts';
import { parseSettings, SETTINGS_KEY } from '../../src/recording/policy.ts';

(() => {
  const channel = new MessageChannel();
  const hook = channel.port1;
  let nonce: string | null = null;
  let background: Runtime.Port | null = null;
  let retryMs = 100;
  let dead = false;
  // Incremented on every (re)connection; see FramesCaptured.epoch.
  let epoch = 0;

  function toHook(message: ContentToPage): void {
    hook.postMessage(message);
  }

  function toBackground(message: ContentToBackground): void {
    background?.postMessage(message);
  }

  function connect(): void {
    if (dead || nonce === null) return;
    try {
      background = browser.runtime.connect({ name: CAPTURE_PORT });
    } catch {
      // The extension was reloaded or removed: this context can never reach it again.
      dead = true;
      return;
    }
    background.onMessage.addListener((message: unknown) => {
      retryMs = 100;
      if (!isBackgroundToContent(message)) return;
      if (message.type === 'resendRequested') requestResend();
      else toHook(message);
    });
    background.onDisconnect.addListener(() => {
      background = null;
      // A stopped service worker drops the port; batches it had not acknowledged are still
      // in the hook and are sent again once we are back (the background de-duplicates).
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 2000);
    });
    toBackground({
      type: 'contentConnected',
      version: PROTOCOL_VERSION,
      nonce,
      frameUrl: location.href,
      topFrame: window === window.top,
      timeOrigin: performance.timeOrigin,
    });
    requestResend();
  }

  function requestResend(): void {
    epoch++;
    toHook({ type: 'resendUnacknowledged', epoch });
  }

  hook.onmessage = (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isPageToContent(message)) {
      // Not something our hook sends: say so once per batch, drop the data.
      toBackground({ type: 'batchRejected', reason: 'malformed message from the page' });
      return;
    }
    if (message.type === 'hookReady') {
      if (nonce !== null) return;
      nonce = message.nonce;
      connect();
      return;
    }
    // Kept by the hook until acknowledged; an older epoch's batch will come again in order.
    if (background === null || message.epoch !== epoch) return;
    toBackground({ type: 'framesCaptured', batchId: message.batchId, dropped: message.dropped, payload: message.payload });
  };

  // Batches the hook sends while the page unloads come as a synchronous DOM event under a
  // name only the hook learns (in the hidden handshake), since port messages would be lost.
  const flushEvent = `appsync-devtools-flush-${crypto.randomUUID()}`;
  document.addEventListener(
    flushEvent,
    (event) => {
      const detail: unknown = (event as CustomEvent).detail;
      if (typeof detail !== 'string' || detail.length > MAX_BATCH_CHARS + 1024) return;
      let message: unknown;
      try {
        message = JSON.parse(detail);
      } catch {
        return;
      }
      if (isPageToContent(message) && message.type === 'framesCaptured' && background !== null && message.epoch === epoch) {
        toBackground({ type: 'framesCaptured', batchId: message.batchId, dropped: message.dropped, payload: message.payload });
      }
    },
    true,
  );

  window.postMessage({ [HANDSHAKE_TAG]: true, flushEvent }, '*', [channel.port2]);

  // "Capture every WebSocket" must reach the hook before the page opens its sockets, and
  // the relay only connects to the background once there is something to capture, so the
  // setting is read here directly. Sockets opened before it arrives are judged by the
  // AppSync detection alone.
  const applySettings = (raw: unknown) => {
    const captureAll = parseSettings(raw).captureAll;
    toHook({ type: 'settingsChanged', captureAll });
  };
  browser.storage.local.get(SETTINGS_KEY).then((items) => applySettings(items[SETTINGS_KEY]), () => {});
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && SETTINGS_KEY in changes) applySettings(changes[SETTINGS_KEY]?.newValue);
  });
})();
