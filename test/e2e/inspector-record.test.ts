// Record/Stop, Clear and Preserve log in the built extension, in both browsers: stopped, the
// page's traffic reaches the background and is not stored (the toolbar counts it); started
// again, it is stored in the same session; a socket opened while stopped is still a known
// connection (URL, auth mode) once recording resumes; Clear starts an empty session;
// Preserve log keeps the session across a reload.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { launch, recordCount, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

type AppsyncPage = { __appsync: { post(c: string, e: unknown[]): Promise<string> }; __ready: boolean };
const post = (page: Page, channel: string, events: unknown[]) => page.evaluate((ch: string, ev: unknown[]) => (window as unknown as AppsyncPage).__appsync.post(ch, ev), channel, events);
const dataRows = (panel: Page): Promise<number> => panel.$$eval('.frow:not(.head):not(.loading) .type', (es) => es.filter((e) => e.textContent === 'data').length);
const pressed = (panel: Page): Promise<string | null> => panel.$eval('[data-testid="record-toggle"]', (e) => e.getAttribute('aria-pressed'));
const stoppedText = (panel: Page): Promise<string> => panel.$eval('[data-testid="recording-stopped"]', (e) => e.textContent ?? '').catch(() => '');

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`inspector record/stop (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('stop → the page\'s traffic is not stored → record → stored; Clear and Preserve log', async (t) => {
      const page = await eb.browser.newPage();
      const channel = `/default/record-${name}`;
      const url = server.pageUrl('capture-socket.html', `channel=${encodeURIComponent(channel)}`);
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as AppsyncPage).__ready), { what: 'page subscribed' });
      const probe = await eb.openExtensionPage('extension/panel/panel.html');
      const tabId = await tabIdOf(probe, url);
      await probe.close();
      let panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}`);
      t.after(() => Promise.all([page.close(), panel.close()]).catch(() => {}));
      await waitFor(async () => (await recordCount(panel)) >= 6, { what: 'handshake stored' });
      assert.equal(await pressed(panel), 'true');

      // Stop: traffic still flows (and is counted) but the session does not grow.
      await panel.click('[data-testid="record-toggle"]');
      await waitFor(async () => (await pressed(panel)) === 'false', { what: 'stopped' });
      const before = await recordCount(panel);
      await post(page, channel, [{ n: 1 }, { n: 2 }]);
      await waitFor(async () => /records not stored/.test(await stoppedText(panel)), { what: 'records counted as not stored' });
      assert.equal(await recordCount(panel), before, 'nothing stored while stopped');
      assert.equal(await dataRows(panel), 0);

      // The choice survives closing and reopening the panel.
      await panel.close();
      panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}`);
      await waitFor(async () => (await pressed(panel).catch(() => null)) === 'false', { what: 'still stopped after reopening' });
      assert.equal(await recordCount(panel), before);

      // A socket opened while stopped: its frames are not stored, but its connection is.
      const late = `${channel}-late`;
      await page.evaluate((ch: string) => {
        const w = window as unknown as AppsyncPage & { __lateReady: boolean; __appsync: { connect(f: (ws: WebSocket, m: { type?: string } | null) => void): WebSocket; subscribe(ws: WebSocket, id: string, ch: string): void } };
        w.__lateReady = false;
        w.__appsync.connect((ws, m) => {
          if (m?.type === 'connection_ack') w.__appsync.subscribe(ws, 'sub-late', ch);
          if (m?.type === 'subscribe_success') w.__lateReady = true;
        });
      }, late);
      await waitFor(() => page.evaluate(() => (window as unknown as { __lateReady: boolean }).__lateReady), { what: 'second socket subscribed while stopped' });
      await waitFor(async () => (await panel.$$('[data-testid="connection-item"]')).length === 2, { what: 'the socket opened while stopped is listed' });
      assert.equal(await dataRows(panel), 0, 'no frame of the stopped span is stored');

      // Record again: the same session grows, and the late socket's frames land on its connection.
      await panel.click('[data-testid="record-toggle"]');
      await waitFor(async () => (await pressed(panel)) === 'true', { what: 'recording again' });
      assert.match(await stoppedText(panel), /^Recording was stopped \d\d:\d\d:\d\d–\d\d:\d\d:\d\d: \d+ records not stored/);
      await post(page, channel, [{ n: 3 }]);
      await waitFor(async () => (await dataRows(panel)) === 1, { what: 'the new data frame stored and shown' });
      assert.ok((await recordCount(panel)) > before);
      await post(page, late, [{ n: 'late' }]);
      await waitFor(async () => (await dataRows(panel)) === 2, { what: 'the late socket\'s data frame stored' });
      const sockets = (
        await panel.$$eval('[data-testid="connection-item"]', (items) =>
          items.map((e) => ({ state: e.getAttribute('data-state'), text: e.textContent ?? '', url: e.querySelector('.conn-facts [title]')?.getAttribute('title') ?? '' })),
        )
      ).filter((c) => /\/event\/realtime$/.test(c.url));
      assert.equal(sockets.length, 2, 'both sockets are connections with their URL, the late one included');
      for (const c of sockets) {
        assert.match(c.text, /API_KEY/, 'with its auth mode');
        assert.equal(c.state, 'open');
      }

      // Clear: a new, empty session; new traffic lands in it.
      await panel.click('button[title^="Start a new session"]');
      await waitFor(async () => (await recordCount(panel)) <= 0, { what: 'an empty session after Clear' });
      await post(page, channel, [{ n: 4 }]);
      await waitFor(async () => (await dataRows(panel)) === 1, { what: 'traffic after Clear' });

      // Preserve log: a reload keeps the session (its frames stay listed and new ones add up).
      await panel.click('input[type="checkbox"]:not(.opt input)');
      await waitFor(() => panel.$eval('label[title="Keep one session across page loads"] input', (e) => (e as HTMLInputElement).checked), { what: 'Preserve log on' });
      const kept = await recordCount(panel);
      await page.reload();
      await waitFor(() => page.evaluate(() => (window as unknown as AppsyncPage).__ready), { what: 'page subscribed again' });
      await waitFor(async () => (await recordCount(panel)) >= kept + 6, { what: 'the reload added to the same session' });
      assert.equal(await dataRows(panel), 1, 'the data frame from before the reload is still listed');
    });
  });
}
