// Runs in the extension's isolated world of every frame at document_start. This is the trust
// boundary: the page (and a page that tampered with the hook) can reach us only through the
// private MessagePort we create here. The logic (what passes, epochs, reconnection) is
// src/relay/relay-core.ts; this file wires it to the browser. The tab a batch belongs to is
// decided by the browser (the port's sender), never by anything we forward.

import browser from 'webextension-polyfill';
import { CAPTURE_PORT, type ContentToPage } from '../../src/messaging/contracts.ts';
import { MEETING_ATTR, MEETING_FLUSH_ATTR, MEETING_HELLO, MEETING_NONCE_ATTR, MEETING_PORT } from '../../src/capture/meeting.ts';
import { createReconnectingPort } from '../../src/messaging/reconnecting-port.ts';
import { createRelayCore } from '../../src/relay/relay-core.ts';
import { randomToken } from '../../src/relay/random-token.ts';
import { parseSettings, SETTINGS_KEY } from '../../src/recording/policy.ts';
import { activeMatches, BLOCK_RULES_KEY, parseBlockRules } from '../../src/capture/block-rules.ts';

(() => {
  // The hook's nonce, from the meeting element (src/capture/meeting.ts) once we met.
  let hookNonce: string | null = null;
  const channel = new MessageChannel();
  const hook = channel.port1;

  const relay = createRelayCore({
    toHook: (message: ContentToPage) => hook.postMessage(message),
    link: ({ onOpen, onMessage }) =>
      createReconnectingPort({
        connect: () => browser.runtime.connect({ name: CAPTURE_PORT }),
        onOpen,
        onMessage,
        setTimer: (fn, ms) => void setTimeout(fn, ms),
      }),
    frame: () => ({ frameUrl: location.href, topFrame: window === window.top, timeOrigin: performance.timeOrigin }),
    hookNonce: () => hookNonce,
  });

  hook.onmessage = (event: MessageEvent) => relay.fromHook(event.data);

  // Batches the hook sends while the page unloads come as a synchronous DOM event under a
  // name only the hook learns (on the meeting element), since port messages would be lost.
  const flushEvent = `appsync-devtools-flush-${randomToken(crypto)}`;
  document.addEventListener(flushEvent, (event) => relay.fromFlush((event as CustomEvent).detail), true);

  // The port goes over a detached element only the hook and we hold, never over the
  // window, whose earlier page listeners would see it (see meeting.ts).
  const givePort = (el: Element) => {
    hookNonce = el.getAttribute(MEETING_NONCE_ATTR);
    el.setAttribute(MEETING_FLUSH_ATTR, flushEvent);
    el.dispatchEvent(new MessageEvent(MEETING_PORT, { ports: [channel.port2] }));
  };
  const root = document.documentElement;
  const waiting = root?.querySelector(`[${MEETING_ATTR}]`) ?? null;
  if (waiting) {
    waiting.remove();
    givePort(waiting);
  } else if (root) {
    const el = document.createElement('meta');
    el.setAttribute(MEETING_ATTR, '');
    el.addEventListener(
      MEETING_HELLO,
      (event) => {
        event.stopImmediatePropagation();
        givePort(el);
      },
      { once: true },
    );
    root.appendChild(el);
  }

  // "Capture every WebSocket" must reach the hook before the page opens its sockets, and
  // the relay only connects to the background once there is something to capture, so the
  // setting is read here directly. Sockets opened before it arrives are judged by the
  // AppSync detection alone.
  const applySettings = (raw: unknown) => relay.settingsChanged(parseSettings(raw).captureAll);
  // Block rules the same way, so they hold for the page's first messages where the read
  // wins the race (a socket opened before it lands sees its first messages unblocked).
  const applyBlockRules = (raw: unknown) => relay.blockRulesChanged(activeMatches(parseBlockRules(raw)));
  browser.storage.local.get([SETTINGS_KEY, BLOCK_RULES_KEY]).then(
    (items) => {
      applySettings(items[SETTINGS_KEY]);
      if (items[BLOCK_RULES_KEY] !== undefined) applyBlockRules(items[BLOCK_RULES_KEY]);
    },
    () => {},
  );
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (SETTINGS_KEY in changes) applySettings(changes[SETTINGS_KEY]?.newValue);
    if (BLOCK_RULES_KEY in changes) applyBlockRules(changes[BLOCK_RULES_KEY]?.newValue);
  });
})();
