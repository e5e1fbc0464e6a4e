// Block rules in real browsers: added in the panel's dialog (storage.local), applied by the
// page's hook to the next message of a socket already open: a blocked event reaches none of
// the app's listeners, a blocked publish never reaches the emulator, both are stored marked
// and drawn as blocked; "Turn off" lets the next one through.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPanel, storedMessageFlags, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { tabIdFor } from './support/records.ts';
import { startTestServer } from './support/server.ts';
import { FrameFlag } from '../../src/sessions/types.ts';

const server = await startTestServer();
after(() => server.stop());

type Win = { __ready: boolean; __data: string[]; __viaHandler: string[]; __viaListener: string[]; __socket: WebSocket };

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`block rules (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    /**
     * capture-socket.html subscribed to `channel`, its emulator connection, and a panel for
     * its tab; when the test ends the block rules are removed and both pages closed.
     */
    async function subscribedPage(t: TestContext, channel: string) {
      const known = new Set(server.connections);
      const page = await eb.browser.newPage();
      t.after(() => page.close().catch(() => {}));
      const url = server.pageUrl('capture-socket.html', `channel=${channel}`);
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as Win).__ready === true), { what: 'page subscribed' });
      const connId = server.connections.find((c) => !known.has(c));
      assert.ok(connId);
      const panel = await openPanel(eb, await tabIdFor(eb, url));
      t.after(async () => {
        await panel.evaluate(() => (globalThis as unknown as { chrome: { storage: { local: { remove(k: string): Promise<void> } } } }).chrome.storage.local.remove('blockRules')).catch(() => {});
        await panel.close().catch(() => {});
      });
      return { page, url, connId, panel };
    }

    test('a rule added in the panel keeps events from the app and publishes from the server, recorded and marked', async (t) => {
      const channel = `/default/block-${name}`;
      const { page, url, connId, panel } = await subscribedPage(t, channel);

      // Two rules, typed into the dialog as a user would.
      await panel.waitForSelector('[data-testid="block-rules"]');
      await panel.click('[data-testid="block-rules"]');
      const addRule = async (dir: string, type: string, contains: string) => {
        await panel.select('select[aria-label="Messages from"]', dir);
        await panel.type('input[aria-label="Message type"]', type);
        await panel.type('input[aria-label="Containing text"]', contains);
        await panel.click('.block-add button[type="submit"]');
      };
      await addRule('receive', 'data', 'BLOCK-ME');
      await addRule('send', 'publish', 'blocked-publish');
      await panel.waitForFunction(() => document.querySelector('[data-testid="blocking-notice"]')?.textContent?.includes('2 rules keep'));
      await panel.click('.block-dialog .buttons button:last-of-type'); // Close
      await panel.waitForFunction(() => !document.querySelector('.block-dialog'));

      // The relay hears of the change from storage; a rule in force blocks every event that
      // matches it, so publish until the page has seen the one after a blocked one.
      let round = 0;
      await waitFor(
        async () => {
          round++;
          server.publishJson(channel, [{ text: `BLOCK-ME ${round}` }]);
          server.publishJson(channel, [{ text: `pass ${round}` }]);
          const seen = await page.evaluate((r: number) => {
            const w = window as unknown as Win;
            return w.__viaHandler.some((d) => d.includes(`pass ${r}`)) ? w.__viaHandler.some((d) => d.includes(`BLOCK-ME ${r}`)) : null;
          }, round);
          return seen === false ? true : null;
        },
        { what: 'an event blocked while the next passes' },
      );
      const app = await page.evaluate(() => {
        const w = window as unknown as Win;
        return { handler: w.__viaHandler, listener: w.__viaListener };
      });
      const blockedRound = round;
      assert.ok(!app.listener.some((d) => d.includes(`BLOCK-ME ${blockedRound}`)), 'no listener saw the blocked event either');

      // A blocked publish never reaches the server; the next one does.
      await page.evaluate((ch: string) => {
        const ws = (window as unknown as Win).__socket;
        ws.send(JSON.stringify({ type: 'publish', id: 'p-blocked', channel: ch, events: ['"blocked-publish"'] }));
        ws.send(JSON.stringify({ type: 'publish', id: 'p-pass', channel: ch, events: ['"passed-publish"'] }));
      }, channel);
      await waitFor(() => server.log.some((e) => e.kind === 'frame' && e.connId === connId && e.dir === 'in' && (e.text ?? '').includes('p-pass')), { what: 'the unblocked publish at the emulator' });
      assert.ok(!server.log.some((e) => e.kind === 'frame' && e.connId === connId && (e.text ?? '').includes('p-blocked')), 'the blocked publish never left the page');

      // Both are recorded, marked blocked; the event that passed is not.
      const stored = await waitFor(
        async () => {
          const fs = await storedMessageFlags(panel, url);
          const ev = fs.find((f) => f.text.includes(`BLOCK-ME ${blockedRound}`));
          const pub = fs.find((f) => f.text.includes('p-blocked'));
          const pass = fs.find((f) => f.text.includes(`pass ${blockedRound}`));
          return ev && pub && pass ? [ev.flags & FrameFlag.blocked, pub.flags & FrameFlag.blocked, pass.flags & FrameFlag.blocked] : null;
        },
        { what: 'the blocked frames stored' },
      );
      assert.deepEqual(stored, [FrameFlag.blocked, FrameFlag.blocked, 0]);
      // The live table draws them as blocked.
      await panel.waitForFunction(() => document.querySelectorAll('.frow.blocked').length >= 2);

      // Turned off from the notice: the next matching event reaches the app.
      await panel.click('[data-testid="blocking-notice"] button:last-of-type');
      await panel.waitForFunction(() => !document.querySelector('[data-testid="blocking-notice"]'));
      let after = 0;
      await waitFor(
        async () => {
          after++;
          server.publishJson(channel, [{ text: `BLOCK-ME again ${after}` }]);
          return page.evaluate((r: number) => (window as unknown as Win).__viaHandler.some((d) => d.includes(`BLOCK-ME again ${r}`)) || null, after);
        },
        { what: 'a matching event passes once the rules are off' },
      );
    });

    test("a rule's replacement reaches the app in the server's message's place, and the server in the app's", async (t) => {
      const channel = `/default/rewrite-${name}`;
      const { page, url, connId, panel } = await subscribedPage(t, channel);
      const rules = {
        rules: [
          { dir: 'receive', type: 'data', contains: 'REWRITE-ME', replace: JSON.stringify({ id: 'sub-1', type: 'data', event: JSON.stringify({ text: 'rewritten' }) }), on: true },
          { dir: 'send', type: 'publish', contains: 'swap-me', replace: JSON.stringify({ type: 'publish', id: 'p-swapped', channel, events: ['"swapped"'] }), on: true },
        ],
      };
      // Set in storage as the dialog would; the panel shows them.
      await panel.evaluate((r: unknown) => (globalThis as unknown as { chrome: { storage: { local: { set(v: unknown): Promise<void> } } } }).chrome.storage.local.set({ blockRules: r }), rules);
      await panel.waitForFunction(() => document.querySelector('[data-testid="blocking-notice"]')?.textContent?.includes('2 rules keep'));

      let round = 0;
      await waitFor(
        async () => {
          round++;
          server.publishJson(channel, [{ text: `REWRITE-ME ${round}` }]);
          return page.evaluate(() => (window as unknown as Win).__data.some((d) => d.includes('rewritten')) || null);
        },
        { what: 'the replacement at the app' },
      );
      const app = await page.evaluate(() => (window as unknown as Win).__viaListener);
      const firstRewritten = app.findIndex((d) => d.includes('rewritten'));
      assert.ok(!app.slice(firstRewritten).some((d) => d.includes('REWRITE-ME')), 'once the rule holds, the original reaches no listener');

      await page.evaluate((ch: string) => {
        const ws = (window as unknown as Win).__socket;
        ws.send(JSON.stringify({ type: 'publish', id: 'p-mine', channel: ch, events: ['"swap-me"'] }));
      }, channel);
      await waitFor(() => server.log.some((e) => e.kind === 'frame' && e.connId === connId && e.dir === 'in' && (e.text ?? '').includes('p-swapped')), { what: 'the replacement publish at the emulator' });
      assert.ok(!server.log.some((e) => e.kind === 'frame' && e.connId === connId && (e.text ?? '').includes('p-mine')), "the app's publish never left the page");

      const stored = await waitFor(
        async () => {
          const fs = await storedMessageFlags(panel, url);
          const mark = (f: { flags: number }) => f.flags & (FrameFlag.blocked | FrameFlag.injected);
          const orig = fs.filter((f) => f.text.includes('REWRITE-ME')).at(-1);
          const repl = fs.find((f) => f.text.includes('rewritten'));
          const mine = fs.find((f) => f.text.includes('p-mine'));
          const swapped = fs.find((f) => f.text.includes('p-swapped'));
          return orig && repl && mine && swapped ? [mark(orig), mark(repl), mark(mine), mark(swapped)] : null;
        },
        { what: 'originals and replacements stored' },
      );
      assert.deepEqual(stored, [FrameFlag.blocked, FrameFlag.injected, FrameFlag.blocked, FrameFlag.injected]);
    });
  });
}
