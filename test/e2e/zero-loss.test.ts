// Nothing is lost: every event the emulator delivers to the page is stored exactly once,
// while the panel is closed and reopened, the service worker is stopped, or the page reloads
// with Preserve log on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { launch, openPanel, storedDataEvents, storedSessions, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

const N = 3000;

/** Publishes `count` numbered events in bursts while `during` runs alongside. */
async function stream(from: number, count: number, midway?: () => Promise<void>): Promise<void> {
  let next = from;
  const end = from + count;
  const burst = async (until: number) => {
    while (next < until) {
      const batch: number[] = [];
      for (let i = 0; i < 5 && next < until; i++) batch.push(next++);
      server.publishJson('/default/stream', batch.map((n) => ({ n })));
      // Yield to the event loop so frames go out while we keep publishing.
      if (next % 100 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  await burst(from + Math.floor(count / 2));
  await midway?.();
  await burst(end);
}

function assertExactly(events: string[], expected: number[], debugInfo = ''): void {
  const seen = events.map((e) => (JSON.parse(e) as { n: number }).n);
  const set = new Set(seen);
  assert.equal(seen.length, set.size, `duplicates stored: ${seen.length - set.size}`);
  const missing = expected.filter((n) => !set.has(n));
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} events missing (first ${missing[0]}, last ${missing.at(-1)}) ${debugInfo}`);
}

async function openStreamPage(eb: ExtensionBrowser, tag: string): Promise<{ page: Page; url: string; tabId: number; panel: Page }> {
  const page = await eb.browser.newPage();
  const url = server.pageUrl('stream.html', `t=${tag}`);
  await page.goto(url);
  await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'subscribed' });
  const probe = await eb.openExtensionPage('extension/panel/panel.html');
  const tabId = await tabIdOf(probe, url);
  await probe.close();
  const panel = await openPanel(eb, tabId);
  return { page, url, tabId, panel };
}

/** Waits until `n` events are stored, or until the count stops moving (then the assertions say what is missing). */
async function settle(extensionPage: Page, url: string, n: number): Promise<void> {
  let last = -1;
  let still = 0;
  await waitFor(
    async () => {
      const count = (await storedDataEvents(extensionPage, url)).length;
      still = count === last ? still + 1 : 0;
      last = count;
      return count >= n || still >= 40;
    },
    { what: `${n} events stored`, timeout: 60_000, interval: 100 },
  );
}

const received = (page: Page) => page.evaluate(() => (window as unknown as { __received: number }).__received);

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`zero loss (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('panel closed and reopened mid-stream', async () => {
      const { page, url, tabId, panel } = await openStreamPage(eb, 'reopen');
      let reopened: Page | null = null;
      await stream(0, N, async () => {
        await panel.close();
        reopened = await openPanel(eb, tabId);
      });
      await waitFor(async () => (await received(page)) === N, { what: `page received ${N}` });
      const check = reopened as unknown as Page;
      await settle(check, url, N);
      assertExactly(await storedDataEvents(check, url), [...Array(N).keys()]);
    });

    test('page reload with Preserve log keeps one session', async () => {
      const { page, url, panel, tabId } = await openStreamPage(eb, 'reload');
      await waitFor(() => panel.evaluate(() => document.querySelector('input[type=checkbox]') !== null), { what: 'panel rendered' });
      await panel.evaluate(() => (document.querySelector('input[type=checkbox]') as HTMLInputElement).click());
      // The background keeps the choice in storage.session; wait until it has.
      await waitFor(
        () =>
          panel.evaluate(async (key: string) => {
            type Api = { storage: { session: { get(k: string): Promise<Record<string, unknown>> } } };
            const g = globalThis as unknown as { browser?: Api; chrome?: Api };
            return (await (g.browser ?? g.chrome)!.storage.session.get(key))[key] === true;
          }, `preserveLog:${tabId}`),
        { what: 'Preserve log stored' },
      );
      await stream(0, 500);
      await waitFor(async () => (await received(page)) === 500, { what: 'first half received' });
      await page.reload();
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'subscribed again' });
      await stream(500, 500);
      await waitFor(async () => (await received(page)) === 500, { what: 'second half received' });
      await settle(panel, url, 1000);
      assertExactly(await storedDataEvents(panel, url), [...Array(1000).keys()], JSON.stringify(await storedSessions(panel)));
    });

    if (name === 'chromium') {
      test('service worker stopped mid-stream', async () => {
        const { page, url, panel } = await openStreamPage(eb, 'sw');
        await stream(0, N, async () => {
          // Closing the worker's target terminates it (puppeteer: Target.closeTarget); the
          // next message from a relay or panel starts a fresh one.
          const target = eb.browser.targets().find((t) => t.type() === 'service_worker' && t.url().startsWith(eb.extensionOrigin));
          assert.ok(target, 'the extension service worker is running');
          const worker = await target.worker();
          await worker?.evaluate(() => ((globalThis as { beforeStop?: boolean }).beforeStop = true));
          await worker?.close();
        });
        await waitFor(async () => (await received(page)) === N, { what: `page received ${N}` });
        await settle(panel, url, N);
        assertExactly(await storedDataEvents(panel, url), [...Array(N).keys()], JSON.stringify(await storedSessions(panel)));
        const restarted = eb.browser.targets().find((t) => t.type() === 'service_worker' && t.url().startsWith(eb.extensionOrigin));
        const flag = await (await restarted?.worker())?.evaluate(() => (globalThis as { beforeStop?: boolean }).beforeStop ?? false);
        assert.equal(flag, false, 'the worker was really restarted');
      });
    }
  });
}
