// The real DevTools: the devtools page registers the "AppSync Events" panel, and the panel
// shown inside DevTools receives the inspected tab's traffic. This goes through DevTools
// front-end internals (Chromium) and privileged BiDi (Firefox), so it stays a smoke test;
// the panel's behaviour is tested as a page elsewhere.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROME_EXTENSION_ID, launch, storedHttpPublishes, waitFor } from './support/browsers.ts';
import { showChromiumPanel, showFirefoxPanel } from '../../scripts/lib/browser-launch.ts';
import { startTestServer } from './support/server.ts';
import { publishFromWorker } from './support/worker-publish.ts';

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

      // Every tab has its own DevTools window (about:blank too): the panel is shown in all
      // of them, including the one that inspects our page.
      const shownIn = await showChromiumPanel(eb.browser, { min: 2 });
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

      // Another DevTools tool selected: the panel is told it is hidden and re-reads nothing;
      // shown again, it catches up with what was stored meanwhile.
      const panelEval = async (expression: string): Promise<unknown[]> => {
        const out: unknown[] = [];
        for (const t of eb.browser.targets()) {
          if (!t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/extension/panel/panel.html`)) continue;
          const cdp = await t.createCDPSession();
          const r = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
          await cdp.detach();
          out.push(r.result.value);
        }
        return out;
      };
      await panelEval(`(window.__seen = [], addEventListener('appsync-devtools-panel-visibility', (e) => window.__seen.push(e.detail)), true)`);
      await showChromiumPanel(eb.browser, { min: 2, panel: 'console' });
      await waitFor(async () => ((await panelEval('window.__seen.join()')) as string[]).every((s) => s === 'false') || null, { what: 'the panels told they are hidden' });
      const before = (await panelEval(`document.querySelector('[data-testid="record-count"]')?.textContent ?? ''`)).map(String);
      server.publishJson('/default/e2e', [{ while: 'hidden' }]);
      await showChromiumPanel(eb.browser, { min: 2 });
      await waitFor(async () => ((await panelEval('window.__seen.join()')) as string[]).every((s) => s === 'false,true') || null, { what: 'the panels told they are shown' });
      await waitFor(
        async () => {
          const now = (await panelEval(`document.querySelector('[data-testid="record-count"]')?.textContent ?? ''`)).map(String);
          return now.some((c, i) => Number(c) > Number(before[i])) || null;
        },
        { what: 'the shown panel caught up' },
      );

      // A worker's HTTP publish is invisible to the page hook; DevTools' network log sees
      // it and the panel passes it on, so it is stored once, marked as seen by the network.
      // The page's own fetch publish is stored once too (the hook's copy wins).
      const workerText = await publishFromWorker(page, server.apiKey, 1);
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
      await publishFromWorker(page, server.apiKey, 2);
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
      const selected = await showFirefoxPanel(eb.browser, url);
      assert.equal(selected, 'AppSync Events');
    } finally {
      await eb.close();
    }
  });
});
