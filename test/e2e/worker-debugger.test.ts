// Chromium: a dedicated worker's AppSync socket and HTTP publish, captured through the debugger where the user
// opted in from the panel's not-captured notice. Its frames are then in the session as a
// socket opened by the worker, with no notice; the page's own socket stays the hook's. The
// build loaded here has `debugger` among its granted permissions: a test cannot answer the
// permission prompt that the shipped build (where it is optional) shows once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { distDir, launch, openPanel, storedHttpPublishes, tabIdOf, waitFor } from './support/browsers.ts';
import { CHROME_EXTENSION_ID, showChromiumPanel } from '../../scripts/lib/browser-launch.ts';
import type { Frame } from 'puppeteer-core';
import { startTestServer } from './support/server.ts';
import { socketFrames, storedSockets } from './support/stored-sockets.ts';
import { publishFromWorker } from './support/worker-publish.ts';

const server = await startTestServer();
const dir = mkdtempSync(join(tmpdir(), 'aedt-debugger-build-'));
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The Chromium build with the optional `debugger` permission granted at install. */
let built = false;
function buildWithDebugger(): string {
  if (built) return dir;
  built = true;
  cpSync(distDir('chromium'), dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { permissions: string[]; optional_permissions?: string[] };
  assert.deepEqual(manifest.optional_permissions, ['debugger'], 'the shipped build asks for the debugger only when used');
  manifest.permissions.push('debugger');
  writeFileSync(path, JSON.stringify(manifest));
  return dir;
}

const dataCount = (page: Page) => page.evaluate(() => (window as unknown as { __workerState: string[] }).__workerState.filter((s) => s === 'data').length);

describe("a dedicated worker's socket through Chromium's debugger", () => {
  test('is offered in the notice, then captured frame by frame, with no notice; Stop ends it', async () => {
    const eb = await launch('chromium', { extensionDir: buildWithDebugger() });
    try {
      const page = await eb.browser.newPage();
      const url = server.pageUrl('worker-socket.html', 'debugger=1');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page socket subscribed' });
      const extPage = await eb.openExtensionPage('extension/panel/panel.html?tabId=-1');
      const panel = await openPanel(eb, await tabIdOf(extPage, url));

      // Before opting in: the worker's socket is a notice, and the notice offers the capture.
      await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
      await waitFor(async () => (await dataCount(page)) === 1, { what: "the first worker's socket works" });
      await panel.bringToFront();
      await panel.waitForSelector('[data-testid="worker-capture-start"]', { timeout: 30_000 });
      await panel.click('[data-testid="worker-capture-start"]');
      const status = await panel.waitForSelector('[data-testid="worker-capture"]', { timeout: 15_000 });
      assert.match((await status!.evaluate((e) => e.textContent)) ?? '', /captured through Chromium's debugger/);

      // After: a new worker's socket is captured from its first frame.
      await page.bringToFront();
      await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
      await waitFor(async () => (await dataCount(page)) >= 3, { what: "the second worker's socket works (the debugger resumed the worker); both workers get its publish" });
      const viaDebugger = await waitFor(
        async () => {
          const found = (await storedSockets(extPage, url)).filter((s) => s.via === 'debugger');
          if (found.length !== 1) return null;
          const frames = await socketFrames(extPage, url, found[0]!.sock);
          return frames.includes('receive data') ? { sock: found[0]!, frames } : null;
        },
        { what: "the worker's socket and its frames stored", timeout: 30_000 },
      );
      assert.deepEqual(viaDebugger.frames, [
        'connecting',
        'open',
        'send connection_init',
        'receive connection_ack',
        'send subscribe',
        'receive ka',
        'receive subscribe_success',
        'send publish',
        'receive publish_success',
        'receive data',
      ].filter((f) => viaDebugger.frames.includes(f)));
      assert.ok(viaDebugger.frames.length >= 8, `the whole conversation: ${viaDebugger.frames.join(', ')}`);

      // The webRequest report of the second worker's handshake is explained: still one notice
      // (the first worker's), once its grace has passed.
      const deadline = Date.now() + 6_000;
      await waitFor(() => Date.now() > deadline || null, { what: 'the handshake grace to pass' });
      const all = await storedSockets(extPage, url);
      assert.equal(all.filter((s) => s.via === 'network').length, 1, 'only the socket opened before the opt-in is a notice');
      assert.equal(all.filter((s) => s.via === undefined).length, 1, "the page's own socket is the hook's");

      // A worker's HTTP publish: no DevTools here, so no network log; the debugger records it.
      const workerText = await publishFromWorker(page, server.apiKey, 1);
      assert.match(workerText, /successful/);
      const published = await waitFor(
        async () => {
          const found = (await storedHttpPublishes(extPage, url)).filter((h) => h.body?.includes('worker'));
          return found.length > 0 ? found : null;
        },
        { what: "the worker's HTTP publish stored", timeout: 20_000 },
      );
      assert.equal(published.length, 1);
      assert.equal(published[0]!.via, 'network', 'one record of the whole publish, as a network-log one');

      // A reload keeps the capture (the notice tells the user to reload for earlier sockets).
      await page.bringToFront();
      await page.reload();
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page socket subscribed after the reload' });
      await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
      await waitFor(
        async () => {
          for (const s of (await storedSockets(extPage, url)).filter((x) => x.via === 'debugger')) {
            if (s.sock !== viaDebugger.sock.sock && (await socketFrames(extPage, url, s.sock)).includes('receive data')) return true;
          }
          return null;
        },
        { what: "the worker's socket after the reload, through the debugger", timeout: 30_000 },
      );

      await panel.bringToFront();
      await panel.click('[data-testid="worker-capture-stop"]');
      await waitFor(() => panel.evaluate(() => document.querySelector('[data-testid="worker-capture"]') === null), { what: 'the capture stopped' });
      // Stopped, a worker's socket is a notice again, and the notice offers the capture again.
      await page.bringToFront();
      // (Another URL: a handshake within seconds of a stored socket of the same URL counts as that socket.)
      await page.evaluate(() => {
        const w = new Worker('worker-socket.js');
        const key = (window as unknown as { __appsync: { key: string } }).__appsync.key;
        w.postMessage({ url: `ws://${location.host}/event/realtime?from=after-stop`, host: location.host, key });
      });
      await waitFor(async () => {
        const all = await storedSockets(extPage, url);
        if (all.some((x) => x.via === 'network' && x.url?.endsWith('from=after-stop'))) return true;
        throw new Error(JSON.stringify(all));
      }, {
        what: 'a notice for the socket opened after Stop',
        timeout: 30_000,
      });
      await panel.bringToFront();
      await panel.waitForSelector('[data-testid="worker-capture-start"]', { timeout: 15_000 });
    } finally {
      await eb.close();
    }
  });

  // Where users click it: the panel inside DevTools. Chromium asks for a user gesture before
  // it looks at what is granted, so a real click in the DevTools panel must carry one.
  test('is turned on from the panel inside DevTools', async () => {
    const eb = await launch('chromium', { extensionDir: buildWithDebugger(), devtools: true });
    try {
      const page = await eb.browser.newPage();
      const url = server.pageUrl('worker-socket.html', 'devtools=1');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page socket subscribed' });
      await showChromiumPanel(eb.browser, { min: 2 });
      await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
      // What the panel showed last, for the failure message.
      let shown = '(no panel frame found)';
      const start = await waitFor(
        async () => {
          for (const t of eb.browser.targets()) {
            if (!t.url().startsWith('devtools://devtools/bundled/devtools_app.html')) continue;
            const dt = await t.asPage();
            for (const f of dt!.frames() as Frame[]) {
              if (!f.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/extension/panel/panel.html`)) continue;
              const button = await f.$('[data-testid="worker-capture-start"]');
              if (button) {
                // Rendered is not yet clickable: the banner can sit below the frame's fold.
                await button.evaluate((b) => b.scrollIntoView({ block: 'center' }));
                if (await button.isVisible()) return { frame: f, button };
                shown = `the button, not visible: ${await button.evaluate((b) => {
                  const r = b.getBoundingClientRect();
                  const s = getComputedStyle(b);
                  return JSON.stringify({ rect: [r.x, r.y, r.width, r.height], view: [innerWidth, innerHeight], visibility: s.visibility, display: s.display, hidden: document.visibilityState });
                })}`;
                // Seen: a 0×0 frame whose document is hidden, its DevTools behind another
                // tab or on another panel. Show both again before the next look.
                await page.bringToFront();
                await showChromiumPanel(eb.browser, { min: 2 });
                continue;
              }
              shown = await f.evaluate(() => document.body.innerText.slice(0, 2000));
            }
          }
          return null;
        },
        { what: 'the offer in the DevTools panel', timeout: 30_000 },
      ).catch(async (e: unknown) => {
        const ext = await eb.openExtensionPage('extension/panel/panel.html?tabId=-1');
        throw new Error(`${e instanceof Error ? e.message : String(e)}; the panel showed: ${shown}; stored sockets: ${JSON.stringify(await storedSockets(ext, url))}`);
      });
      await start.button.click();
      await start.frame.waitForSelector('[data-testid="worker-capture"]', { timeout: 15_000 });
      const text = await start.frame.$eval('[data-testid="worker-capture"]', (e) => e.textContent ?? '');
      assert.match(text, /captured through Chromium's debugger/, text);

      await page.evaluate(() => (window as unknown as { __startWorker(): void }).__startWorker());
      const extPage = await eb.openExtensionPage('extension/panel/panel.html?tabId=-1');
      await waitFor(async () => ((await storedSockets(extPage, url)).some((s) => s.via === 'debugger') ? true : null), {
        what: "the worker's socket stored through the debugger",
        timeout: 30_000,
      });
    } finally {
      await eb.close();
    }
  });
});
