// The real DevTools: the devtools page registers the "AppSync Events" panel, and the panel
// shown inside DevTools receives the inspected tab's traffic. This goes through DevTools
// front-end internals (Chromium) and privileged BiDi (Firefox), so it stays a smoke test;
// the panel's behaviour is tested as a page elsewhere.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { CHROME_EXTENSION_ID, launch, storedHttpPublishes, waitFor } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

describe('DevTools panel (chromium)', () => {
  test('the panel is listed in DevTools and shows the page traffic', async () => {
    const eb = await launch('chromium', { devtools: true });
    try {
      const page = await eb.browser.newPage();
      const url = server.pageUrl('inline-connect.html');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });

      // DevTools names an extension panel by the extension origin and the title without spaces.
      const panelId = `chrome-extension://${CHROME_EXTENSION_ID}AppSyncEvents`;
      // Every tab has its own DevTools window (about:blank too): show the panel in all of
      // them, then look for the one that inspects our page.
      const shownIn = await waitFor(
        async () => {
          let shown = 0;
          for (const t of eb.browser.targets()) {
            if (!t.url().startsWith('devtools://devtools/bundled/devtools_app.html')) continue;
            const dt = (await t.asPage()) as Page;
            const ok = await dt.evaluate(async (id: string) => {
              try {
                // @ts-expect-error DevTools front-end module, resolved inside DevTools
                const UI = await import('./ui/legacy/legacy.js');
                const view = UI.InspectorView.InspectorView.instance();
                if (!view.tabbedPane.tabs.some((tab: { id: string }) => tab.id === id)) return false;
                await view.showPanel(id);
                return true;
              } catch {
                return false;
              }
            }, panelId);
            if (ok) shown++;
          }
          return shown >= 2 ? shown : null;
        },
        { what: 'our panel in DevTools', timeout: 30_000, interval: 250 },
      );
      assert.ok(shownIn >= 2);
      const count = await waitFor(
        async () => {
          for (const t of eb.browser.targets()) {
            if (!t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/extension/panel/panel.html`)) continue;
            const cdp = await t.createCDPSession();
            const r = await cdp.send('Runtime.evaluate', {
              expression: `document.querySelector('[data-testid="record-count"]')?.textContent ?? ''`,
              returnByValue: true,
            });
            await cdp.detach();
            const n = Number(/^(\d+)/.exec(String(r.result.value))?.[1] ?? -1);
            if (n >= 6) return n;
          }
          return null;
        },
        { what: 'records in the DevTools panel of the page' },
      );
      assert.ok(count >= 6);

      // A worker's HTTP publish is invisible to the page hook; DevTools' network log sees
      // it and the panel passes it on, so it is stored once, marked as seen by the network.
      // The page's own fetch publish is stored once too (the hook's copy wins).
      const workerText = await page.evaluate(
        (key: string) =>
          new Promise<string>((resolve) => {
            const w = new Worker('worker-publish.js');
            w.onmessage = (e) => resolve(String(e.data));
            w.postMessage({ url: new URL('/event', location.href).href, key, n: 1 });
          }),
        server.apiKey,
      );
      assert.match(workerText, /successful/);
      await page.evaluate(() => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post('/default/page', [{ from: 'page' }]));
      const extPage = await eb.openExtensionPage('extension/panel/panel.html?tabId=-1');
      const http = await waitFor(
        async () => {
          const all = await storedHttpPublishes(extPage, url);
          const worker = all.filter((h) => h.body?.includes('worker'));
          const fromPage = all.filter((h) => h.body?.includes('\\"from\\":\\"page'));
          return worker.length >= 1 && fromPage.length >= 1 ? { worker, fromPage } : null;
        },
        { what: 'worker and page publishes stored', timeout: 20_000 },
      );
      assert.equal(http.worker.length, 1);
      assert.equal(http.worker[0]!.via, 'network');
      // The background decides on a network sighting after a delay, in order: once a later
      // worker publish is stored, the decision on the page's publish has been made.
      await page.evaluate(
        (key: string) =>
          new Promise<void>((resolve) => {
            const w = new Worker('worker-publish.js');
            w.onmessage = () => resolve();
            w.postMessage({ url: new URL('/event', location.href).href, key, n: 2 });
          }),
        server.apiKey,
      );
      await waitFor(async () => (await storedHttpPublishes(extPage, url)).filter((h) => h.body?.includes('worker')).length === 2, { what: 'second worker publish' });
      const final = (await storedHttpPublishes(extPage, url)).filter((h) => h.body?.includes('\\"from\\":\\"page'));
      assert.equal(final.length, 1, 'the page publish is stored once');
      assert.notEqual(http.fromPage[0]!.via, 'network');
    } finally {
      await eb.close();
    }
  });
});

describe('DevTools panel (firefox)', () => {
  test('the toolbox lists and selects the panel', async () => {
    const eb = await launch('firefox');
    try {
      const page = await eb.browser.newPage();
      const url = server.pageUrl('inline-connect.html');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });
      const bidi = (eb.browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: any }> } }).connection;
      const tree = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
      const chromeContext = tree.result.contexts[0].context;
      const selected = await bidi.send('script.callFunction', {
        functionDeclaration: String(async (pageUrl: string) => {
          const g = globalThis as any;
          const { require } = g.ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
          const { gDevTools } = require('devtools/client/framework/devtools');
          const tab = g.gBrowser.tabs.find((t: any) => t.linkedBrowser.currentURI.spec === pageUrl);
          g.gBrowser.selectedTab = tab;
          const toolbox = await gDevTools.showToolboxForTab(tab);
          for (let i = 0; i < 150; i++) {
            const id = [...toolbox.additionalToolDefinitions.keys()].find((k: string) => k.startsWith('webext-devtools-panel'));
            if (id) {
              await toolbox.selectTool(id);
              return toolbox.additionalToolDefinitions.get(id).label;
            }
            await new Promise((r) => setTimeout(r, 100));
          }
          return null;
        }),
        awaitPromise: true,
        target: { context: chromeContext },
        arguments: [{ type: 'string', value: url }],
      });
      assert.equal(selected.result.result?.value, 'AppSync Events');
    } finally {
      await eb.close();
    }
  });
});
