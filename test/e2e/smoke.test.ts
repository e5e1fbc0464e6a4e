// Foundation smoke test, in both browsers: the built extension loads, the MAIN-world hook is
// in place before the page's first inline script, and the background receives the records
// (seen through the panel, which gets them only from the background).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPanel, recordCount, storedSessions, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';
import { storedPageUrl } from './support/page-match.ts';

const server = await startTestServer();
after(() => server.stop());

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`smoke (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('captures an inline <head> socket from its first frame', async () => {
      const page = await eb.browser.newPage();
      const url = server.pageUrl('inline-connect.html');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });

      const probe = await eb.openExtensionPage('extension/panel/panel.html');
      const tabId = await tabIdOf(probe, url);
      await probe.close();
      const panel = await openPanel(eb, tabId);
      await waitFor(async () => (await recordCount(panel)) >= 6, { what: 'six records in the panel' });
      // The count comes with the status; the rows are read from the store after it, so wait for them too.
      const rowTypes = () => panel.evaluate(() => [...document.querySelectorAll('.frow:not(.head) .type')].map((e) => e.textContent));
      await waitFor(async () => (await rowTypes()).filter((t) => t !== 'ka').length >= 6, { what: 'six rows in the table' });
      const types = await rowTypes();
      // Keep-alives may interleave anywhere; the order of everything else is fixed.
      assert.deepEqual(types.filter((t) => t !== 'ka').slice(0, 6), ['connecting', 'open', 'connection_init', 'connection_ack', 'subscribe', 'subscribe_success']);

      // What the panel shows was stored first: the background acknowledges after the commit.
      const shown = await recordCount(panel);
      const sessions = await storedSessions(panel);
      const mine = sessions.filter((s) => s.pageUrl === storedPageUrl(url));
      assert.equal(mine.length, 1);
      assert.ok(mine[0]!.frameCount >= shown, `stored ${mine[0]!.frameCount}, shown ${shown}`);
    });
  });
}
