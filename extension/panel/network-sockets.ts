// WebSockets of the inspected page that DevTools' network log lists, passed to the
// background, which keeps a notice for each one the page hook did not capture (a worker's:
// no content script runs in a worker). Chromium lists a socket in getHAR() while it is open
// but does not fire onRequestFinished for it (seen in Chromium 14x: an AppSync socket opened
// and closed in a dedicated worker never reached the listener), so the log is polled; it is
// listened to as well for browsers that do report sockets there.
import browser from 'webextension-polyfill';
import { socketOfHarEntry } from '../../src/recording/socket-sightings.ts';
import type { ObservedSocket } from '../../src/messaging/contracts.ts';

const POLL_MS = 3_000;
/** getHAR serialises the whole log (every message of every socket): poll less when it is slow. */
const SLOW_FACTOR = 20;
const MAX_POLL_MS = 60_000;

export function watchNetworkSockets(report: (socket: ObservedSocket) => void): void {
  const network = browser.devtools?.network;
  if (!network) return;
  const seen = new Set<string>();
  const consider = (raw: unknown): void => {
    const socket = socketOfHarEntry(raw);
    if (socket === null) return;
    const key = `${socket.url}\n${socket.startedAt}`;
    if (seen.has(key)) return;
    seen.add(key);
    report(socket);
  };
  network.onRequestFinished.addListener((raw: unknown) => consider(raw));
  // The log starts again on navigation, and with it the entries already reported.
  network.onNavigated?.addListener(() => seen.clear());

  let wait = POLL_MS;
  const poll = async (): Promise<void> => {
    const started = performance.now();
    try {
      const har = (await network.getHAR()) as { entries?: unknown[] };
      for (const entry of har.entries ?? []) consider(entry);
    } catch {
      // No log to read (DevTools closing): try again later.
    }
    wait = Math.min(MAX_POLL_MS, Math.max(POLL_MS, (performance.now() - started) * SLOW_FACTOR));
    setTimeout(() => void poll(), wait);
  };
  setTimeout(() => void poll(), POLL_MS);
}
