// The inspector in the built extension, in both browsers: live traffic from a fixture page
// appears (read from the session being recorded), the filter bar and type chips narrow the
// table, a selected frame shows its detail, a correlation link jumps to the related frame,
// and a stored session opens in the same view. Chromium writes the light and dark
// screenshots in docs/ that the README shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launch, recordCount, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

const DOCS = resolve(import.meta.dirname, '../../docs');

const rowTypes = (panel: Page): Promise<string[]> => panel.$$eval('.frow:not(.head):not(.loading) .type', (es) => es.map((e) => e.textContent ?? ''));

async function submitFilter(panel: Page, text: string): Promise<void> {
  await panel.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('input[aria-label="Filter frames"]')!;
    input.focus();
    input.select();
  });
  await panel.keyboard.press('Backspace');
  if (text) await panel.type('input[aria-label="Filter frames"]', text);
  await panel.keyboard.press('Enter');
}

/** Clicks the first row whose type is `type` (in one step: rows re-render as data arrives). */
async function clickRow(panel: Page, type: string): Promise<void> {
  await waitFor(
    () =>
      panel.evaluate((t: string) => {
        const row = [...document.querySelectorAll<HTMLElement>('.frow:not(.head)')].find((r) => r.querySelector('.type')?.textContent === t);
        if (!row) return false;
        row.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
        return true;
      }, type),
    { what: `a ${type} row` },
  );
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`inspector (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('shows live traffic, filters it, details a frame and opens a stored session', async (t) => {
      const page = await eb.browser.newPage();
      const channel = `/default/inspect-${name}`;
      const url = server.pageUrl('capture-socket.html', `channel=${encodeURIComponent(channel)}`);
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });
      const probe = await eb.openExtensionPage('extension/panel/panel.html');
      const tabId = await tabIdOf(probe, url);
      await probe.close();
      const panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}&theme=light`);
      t.after(() => Promise.all([page.close(), panel.close()]).catch(() => {}));
      await panel.setViewport({ width: 1280, height: 720 });

      // Live: the frames recorded so far, read from the session, then new ones as they come.
      await waitFor(async () => (await recordCount(panel)) >= 6, { what: 'handshake in the inspector' });
      await page.evaluate((ch: string) => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post(ch, [{ n: 1 }, { n: 2 }, { n: 3 }]), channel);
      await waitFor(async () => (await rowTypes(panel)).filter((x) => x === 'data').length === 3, { what: 'three data rows, live' });
      const types = await rowTypes(panel);
      assert.deepEqual(types.slice(0, 6), ['connecting', 'open', 'connection_init', 'connection_ack', 'subscribe', 'subscribe_success']);
      assert.ok(!types.includes('ka'), 'keep-alives are hidden by default');
      assert.ok(types.includes('POST /event') && types.includes('HTTP 200'), types.join(','));
      // Data frames show their subscription's channel.
      const channels = await panel.$$eval('.frow:not(.head)', (rs) => rs.filter((r) => r.querySelector('.type')?.textContent === 'data').map((r) => r.querySelector('.chan')?.textContent));
      assert.deepEqual(channels, [channel, channel, channel]);

      // Filter: a token and text together, over the whole session.
      await submitFilter(panel, `type:data "n\\":2`);
      await waitFor(async () => JSON.stringify(await rowTypes(panel)) === '["data"]', { what: 'one matching data frame' });
      assert.equal(await panel.$eval('[data-testid="shown-count"]', (e) => e.textContent), '1');
      // Chips: hiding data leaves no row for a data-only filter.
      await submitFilter(panel, '');
      await waitFor(async () => (await rowTypes(panel)).length >= 10, { what: 'all rows again' });
      await panel.click('button.chip-data');
      await waitFor(async () => !(await rowTypes(panel)).includes('data'), { what: 'data hidden by its chip' });
      await panel.click('button.chip-data');
      await waitFor(async () => (await rowTypes(panel)).includes('data'), { what: 'data shown again' });

      // Selection and detail: the subscribe frame, decoded, with its auth redacted.
      await clickRow(panel, 'subscribe');
      const detail = await waitFor(() => panel.$eval('[data-testid="detail-pane"]', (e) => e.textContent ?? '').catch(() => null), { what: 'detail pane' });
      assert.ok(detail.includes(channel), detail.slice(0, 300));
      assert.ok(!detail.includes(server.apiKey), 'the API key is not shown');
      // Keyboard: the next row is the subscription's ack.
      await panel.focus('[data-testid="frame-table"]');
      await panel.keyboard.press('ArrowDown');
      await waitFor(() => panel.evaluate(() => document.querySelector('.frow.selected .type')?.textContent === 'subscribe_success'), { what: 'ArrowDown selects the next row' });

      if (name === 'chromium') {
        mkdirSync(DOCS, { recursive: true });
        await clickRow(panel, 'data');
        await waitFor(() => panel.$('[data-testid="detail-pane"] .jtree'), { what: 'decoded tree' });
        await panel.screenshot({ path: resolve(DOCS, 'inspector-light.png') });
        await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
        await panel.evaluate(() => (document.documentElement.dataset['theme'] = 'dark'));
        await panel.screenshot({ path: resolve(DOCS, 'inspector-dark.png') });
        await panel.evaluate(() => (document.documentElement.dataset['theme'] = 'light'));
      }

      // A stored session opens in the same view, from the session picker.
      const stored = await eb.openExtensionPage('extension/panel/panel.html');
      t.after(() => stored.close().catch(() => {}));
      await stored.setViewport({ width: 1200, height: 700 });
      const sessionId = await waitFor(
        () =>
          stored.evaluate((u: string) => {
            const select = document.querySelector<HTMLSelectElement>('select[aria-label="Session"]');
            select?.dispatchEvent(new FocusEvent('focus'));
            const option = [...(select?.options ?? [])].find((o) => o.textContent?.includes(new URL(u).host));
            return option?.value ?? null;
          }, url),
        { what: 'the recorded session in the picker' },
      );
      await stored.select('select[aria-label="Session"]', sessionId);
      await waitFor(async () => (await rowTypes(stored)).includes('subscribe_success'), { what: 'stored session rows' });
      assert.equal(await stored.$('.rec'), null, 'a stored session has no recording controls');
    });
  });
}
