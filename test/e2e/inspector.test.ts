// The inspector in the built extension, in both browsers: live traffic from a fixture page
// appears (read from the session being recorded), the filter bar and type chips narrow the
// table, the connections sidebar shows the socket and its subscription and filters by them,
// a selected frame shows its detail, a correlation link jumps to the related frame, and a
// stored session opens in the same view. Chromium writes the light and dark
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

      // The connections sidebar: the page's socket, open, with its subscription.
      const conn = await waitFor(
        () =>
          panel.evaluate((ch: string) => {
            const item = [...document.querySelectorAll<HTMLElement>('[data-testid="connection-item"]')].find((i) => i.dataset.conn !== 'http');
            const sub = item?.querySelector<HTMLElement>('[data-testid="subscription-item"]');
            if (!item || !sub || sub.dataset.channel !== ch || sub.dataset.state !== 'active') return null;
            return { conn: item.dataset.conn!, state: item.dataset.state!, health: item.dataset.health!, text: item.textContent ?? '' };
          }, channel),
        { what: 'the connection and its subscription in the sidebar' },
      );
      assert.equal(conn.state, 'open');
      assert.ok(['ok', 'unknown'].includes(conn.health), conn.health);
      assert.ok(conn.text.includes('API_KEY'), conn.text);
      assert.ok(!conn.text.includes(server.apiKey), 'the API key is not shown in the sidebar');
      // Clicking the connection filters to it; clicking again clears.
      const connButton = `[data-testid="connection-item"][data-conn="${conn.conn}"] .conn-head`;
      await panel.click(connButton);
      await waitFor(async () => (await panel.$eval('input[aria-label="Filter frames"]', (e) => (e as HTMLInputElement).value)) === `conn:${conn.conn}`, { what: 'conn: filter' });
      await waitFor(async () => {
        const ts = await rowTypes(panel);
        return ts.includes('subscribe') && !ts.includes('POST /event');
      }, { what: 'only the socket\'s rows' });
      await panel.click(connButton);
      await waitFor(async () => (await rowTypes(panel)).includes('POST /event'), { what: 'every row again' });
      // Clicking the subscription shows its frames only.
      await panel.click(`[data-testid="connection-item"][data-conn="${conn.conn}"] [data-testid="subscription-item"] button`);
      await waitFor(async () => JSON.stringify(await rowTypes(panel)) === JSON.stringify(['subscribe', 'subscribe_success', 'data', 'data', 'data']), { what: 'the subscription\'s frames' });
      await panel.click(`[data-testid="connection-item"][data-conn="${conn.conn}"] [data-testid="subscription-item"] button`);
      await waitFor(async () => (await rowTypes(panel)).includes('POST /event'), { what: 'every row after the second click' });

      // The channel tree: the subscription's channel under its namespace; a click filters to it.
      await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('.sidebar-tabs [role="tab"]')].find((b) => b.textContent === 'Channels')?.click());
      await panel.waitForSelector('[data-testid="channel-tree"] [data-testid="channel-node"][data-path="/default"]');
      const leaf = await waitFor(
        () =>
          panel.evaluate((ch: string) => {
            const node = document.querySelector<HTMLElement>(`[data-testid="channel-node"][data-path="${ch}"]`);
            return node ? (node.querySelector('.node-count')?.textContent ?? null) : null;
          }, channel),
        { what: 'the channel in the tree' },
      );
      assert.ok(Number(leaf) >= 5, `count ${leaf}`);
      await panel.click(`[data-testid="channel-node"][data-path="${channel}"] .node-name`);
      await waitFor(async () => (await panel.$eval('input[aria-label="Filter frames"]', (e) => (e as HTMLInputElement).value)) === `channel:${channel}`, { what: 'channel: filter from the tree' });
      await waitFor(async () => {
        const ts = await rowTypes(panel);
        return ts.includes('data') && !ts.includes('connection_init');
      }, { what: 'only the channel\'s rows' });
      await panel.click(`[data-testid="channel-node"][data-path="${channel}"] .node-name`);
      await waitFor(async () => (await rowTypes(panel)).includes('connection_init'), { what: 'every row after the second tree click' });
      await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>('.sidebar-tabs [role="tab"]')].find((b) => b.textContent?.startsWith('Connections'))?.click());

      // A WebSocket publish: its row links to the ack in the chain, and the link selects it.
      await page.evaluate((ch: string) => {
        const w = window as unknown as { __appsync: { publish(ws: unknown, id: string, c: string, e: unknown[]): void }; __socket: unknown };
        w.__appsync.publish(w.__socket, 'pub-e2e', ch, [{ n: 9 }, { n: 10 }]);
      }, channel);
      await waitFor(async () => (await rowTypes(panel)).includes('publish_success'), { what: 'the publish ack' });
      const ackChannel = await panel.$$eval('.frow:not(.head)', (rs) => rs.find((r) => r.querySelector('.type')?.textContent === 'publish_success')?.querySelector('.chan')?.textContent);
      assert.equal(ackChannel, channel, 'the ack shows its publish\'s channel');
      await clickRow(panel, 'publish');
      const ackPos = await waitFor(
        () =>
          panel.evaluate(() => {
            // The pane may still show the previous selection's chain for a moment.
            const chain = document.querySelector('[data-testid="correlation-chain"]');
            if (!chain?.querySelector('.chain-link.current')?.textContent?.startsWith('publish ')) return null;
            const ack = [...chain.querySelectorAll<HTMLElement>('button[data-testid="chain-link"]')].find((b) => b.textContent?.startsWith('publish_success'));
            return ack?.dataset['pos'] ?? null;
          }),
        { what: 'the chain link to the ack' },
      );
      const results = await panel.$$eval('[data-testid="publish-result"]', (es) => es.map((e) => e.getAttribute('data-ok')));
      assert.deepEqual(results, ['true', 'true']);
      await panel.click(`[data-testid="correlation-chain"] button[data-pos="${ackPos}"]`);
      await waitFor(() => panel.evaluate((p: string) => document.querySelector('.frow.selected')?.getAttribute('data-pos') === p && document.querySelector('.frow.selected .type')?.textContent === 'publish_success', ackPos), { what: 'the ack selected from the chain' });

      // The page's own socket and HTTP endpoint were opened by the session's page, whose URL
      // (with the API key in its query) the session stores redacted like the frames' URLs.
      assert.deepEqual(await panel.$$eval('[data-testid="connection-frame"]', (es) => es.map((e) => e.textContent)), [], 'no connection said to come from another document');

      if (name === 'chromium') {
        mkdirSync(DOCS, { recursive: true });
        await clickRow(panel, 'subscribe');
        await waitFor(() => panel.$('[data-testid="detail-pane"] [data-testid="correlation-chain"]'), { what: 'the chain of the subscribe' });
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
