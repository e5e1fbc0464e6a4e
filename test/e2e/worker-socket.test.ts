// A dedicated or shared worker opens an AppSync Events socket: no content script runs in a
// worker, so the page hook cannot capture it. The browser reports its handshake (webRequest), and the
// session must say plainly that such a socket exists and is not captured, while the page's
// own socket is captured and not flagged, with DevTools open or closed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROME_EXTENSION_ID, launch, waitFor, type BrowserName } from './support/browsers.ts';
import { showChromiumPanel, showFirefoxPanel } from '../../scripts/lib/browser-launch.ts';
import { startTestServer } from './support/server.ts';
import { storedSockets, type StoredSocket } from './support/stored-sockets.ts';

const server = await startTestServer();
after(() => server.stop());

/** The text of the inspector's not-captured banner in the panel DevTools shows (Chromium). */
async function chromiumBanner(eb: Awaited<ReturnType<typeof launch>>): Promise<string | null> {
  for (const t of eb.browser.targets()) {
    if (!t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/extension/panel/panel.html`)) continue;
    const cdp = await t.createCDPSession();
    try {
      const r = await cdp.send('Runtime.evaluate', {
        expression: `document.querySelector('[data-testid="uncaptured-notice"]')?.textContent ?? ''`,
        returnByValue: true,
      });
      const text = String(r.result.value ?? '');
      if (text) return text;
    } finally {
      await cdp.detach();
    }
  }
  return null;
}

/**
 * With the fixture's origin always recorded and DevTools closed: opens the page, starts one
 * of its workers (`start`), waits for the worker's socket to work and then for a
 * not-captured notice in the session; returns the session's sockets.
 */
async function noticedWithDevToolsClosed(
  eb: Awaited<ReturnType<typeof launch>>,
  query: string,
  start: '__startWorker' | '__startSharedWorker',
  what: string,
  done: (sockets: StoredSocket[]) => boolean = (all) => all.some((s) => s.via === 'network'),
): Promise<StoredSocket[]> {
  const url = server.pageUrl('worker-socket.html', query);
  // A panel page without a tab id opens no panel port: it does not make the tab record.
  const extPage = await eb.openExtensionPage('extension/panel/panel.html');
  await extPage.evaluate(async (o: string) => {
    type Api = { storage: { local: { set(items: object): Promise<void> } } };
    const g = globalThis as unknown as { browser?: Api; chrome?: Api };
    await (g.browser ?? g.chrome)!.storage.local.set({ captureSettings: { captureAll: false, alwaysRecordOrigins: [o] } });
  }, new URL(url).origin);
  const page = await eb.browser.newPage();
  await page.goto(url);
  await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page socket subscribed' });
  await page.evaluate((fn: string) => (window as unknown as Record<string, () => void>)[fn]!(), start);
  await waitFor(() => page.evaluate(() => (window as unknown as { __workerState: string[] }).__workerState.includes('data')), {
    what: "the worker's socket received its own publish",
  });
  return waitFor(
    async () => {
      const all = await storedSockets(extPage, url);
      return done(all) ? all : null;
    },
    { what, timeout: 30_000 },
  );
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`a worker's socket (${name})`, () => {
    test('is stored as a notice that it is not captured; the page socket is not flagged', async () => {
      const eb = await launch(name, name === 'chromium' ? { devtools: true } : {});
      try {
        const page = await eb.browser.newPage();
        const url = server.pageUrl('worker-socket.html');
        await page.goto(url);
        await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page socket subscribed' });
        if (name === 'chromium') await showChromiumPanel(eb.browser, { min: 2 });
        else assert.equal(await showFirefoxPanel(eb.browser, url), 'AppSync Events');

        await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
        await waitFor(() => page.evaluate(() => (window as unknown as { __workerState: string[] }).__workerState.includes('data')), {
          what: "the worker's socket received its own publish",
        });

        const extPage = await eb.openExtensionPage('extension/panel/panel.html?tabId=-1');
        const sockets = await waitFor(
          async () => {
            const all = await storedSockets(extPage, url);
            return all.some((s) => s.via === 'network') ? all : null;
          },
          { what: 'the not-captured notice stored in the session', timeout: 30_000 },
        );
        const notices = sockets.filter((s) => s.via === 'network');
        assert.equal(notices.length, 1, 'one notice, for the worker socket only');
        assert.match(notices[0]!.url ?? '', /\/event\/realtime\?from=worker$/);
        const captured = sockets.filter((s) => s.via === undefined);
        assert.equal(captured.length, 1, "the page's own socket is captured and not flagged");

        if (name === 'chromium') {
          const banner = await waitFor(() => chromiumBanner(eb), { what: 'the banner in the DevTools panel' });
          assert.match(banner, /not captured/);
          assert.match(banner, /from=worker/);
        }
      } finally {
        await eb.close();
      }
    });

    test('is noticed with DevTools closed, on an always-recorded origin', async () => {
      const eb = await launch(name);
      try {
        const sockets = await noticedWithDevToolsClosed(eb, 'closed=1', '__startWorker', 'the not-captured notice stored without DevTools');
        assert.deepEqual(sockets.filter((s) => s.via === 'network').map((s) => /from=worker$/.test(s.url ?? '')), [true]);
        assert.equal(sockets.filter((s) => s.via === undefined).length, 1, "the page's own socket is captured and not flagged");
      } finally {
        await eb.close();
      }
    });

    // A shared worker's socket belongs to no tab. Firefox reports its handshake, noticed in
    // the tab of its origin. Chromium's webRequest sees a WebSocket only through the frame
    // that opens it (ContentBrowserClient::WillInterceptWebSocket returns false without a
    // frame; the same gap for service workers is electron/electron#47857), so there the
    // page's `new SharedWorker()` is the only trace: the hook records it in both browsers.
    test("a shared worker is noticed in the tab that started it; Firefox also notices its socket", async () => {
      const eb = await launch(name);
      try {
        const sockets = await noticedWithDevToolsClosed(eb, 'shared=1', '__startSharedWorker', "the shared worker's not-captured notices", (all) =>
          all.some((s) => s.via === 'shared-worker') && (name === 'chromium' || all.some((s) => s.via === 'network')),
        );
        const workers = sockets.filter((s) => s.via === 'shared-worker');
        assert.equal(workers.length, 1, 'one notice for the one worker started');
        assert.match(workers[0]!.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/worker-socket\.js$/);
        const network = sockets.filter((s) => s.via === 'network').map((s) => /from=shared-worker$/.test(s.url ?? ''));
        assert.deepEqual(network, name === 'firefox' ? [true] : [], "Firefox reports the worker's handshake; Chromium does not");
        assert.equal(sockets.filter((s) => s.via === undefined).length, 1, "the page's own socket is captured and not flagged");
      } finally {
        await eb.close();
      }
    });
  });
}
