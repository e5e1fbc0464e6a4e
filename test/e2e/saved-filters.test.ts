// Saved filters in real browsers: saved from one panel into storage.local, listed by a panel
// opened afterwards for another tab, and applied there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPanel, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { tabIdFor } from './support/records.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`saved filters (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('a filter saved in one panel is offered by the next one and applies there', async (t) => {
      const open = async (q: string) => {
        const page = await eb.browser.newPage();
        t.after(() => page.close().catch(() => {}));
        const url = server.pageUrl('capture-socket.html', q);
        await page.goto(url);
        const panel = await openPanel(eb, await tabIdFor(eb, url));
        t.after(() => panel.close().catch(() => {}));
        await panel.waitForSelector('[data-testid="saved-filters"]');
        return panel;
      };
      const first = await open('channel=/default/saved-a');
      await first.type('input[aria-label="Filter frames"]', 'event.room.id:7 -type:ka');
      await first.keyboard.press('Enter');
      await first.click('[data-testid="saved-filters"]');
      await first.type('input[aria-label="Filter name"]', 'room seven');
      await first.click('.saved-add button[type="submit"]');
      await waitFor(async () => (await first.$eval('[data-testid="saved-filters"]', (e) => e.textContent)) === '★', { what: 'the bar shows a saved filter' });

      const second = await open('channel=/default/saved-b');
      await second.click('[data-testid="saved-filters"]');
      await second.waitForSelector('button[aria-label="Apply room seven"]');
      await second.click('button[aria-label="Apply room seven"]');
      await waitFor(async () => (await second.$eval('input[aria-label="Filter frames"]', (e) => (e as HTMLInputElement).value)) === 'event.room.id:7 -type:ka', { what: 'the saved filter applied' });
      assert.equal(await second.$eval('[data-testid="saved-filters"]', (e) => e.textContent), '★');
      await second.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { remove(k: string): Promise<void> } } } }).chrome.storage.local.remove('savedFilters'));
    });
  });
}
