// The capture settings: "capture every WebSocket" (off by default: only AppSync Events
// sockets are recorded; on for sockets opened afterwards) and origins recorded while
// DevTools is closed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, storedDataEvents, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { collectRecords } from './support/records.ts';
import { startTestServer } from './support/server.ts';

const server = await startTestServer();
after(() => server.stop());

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`capture settings (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('a non-AppSync socket is recorded only with the setting on', async () => {
      const settingsPage = await eb.openExtensionPage('extension/panel/panel.html');
      const setCaptureAll = (on: boolean) =>
        settingsPage.evaluate(async (value: boolean) => {
          type Api = { storage: { local: { set(items: object): Promise<void> } } };
          const g = globalThis as unknown as { browser?: Api; chrome?: Api };
          await (g.browser ?? g.chrome)!.storage.local.set({ captureSettings: { captureAll: value, alwaysRecordOrigins: [] } });
        }, on);

      const page = await eb.browser.newPage();
      const url = server.pageUrl('generic-socket.html');
      await page.goto(url);
      const collector = await collectRecords(eb, await tabIdOf(settingsPage, url));
      const openSocket = () => page.evaluate(() => (window as unknown as { __open(): Promise<number> }).__open());

      await openSocket();
      // An AppSync socket afterwards proves the capture path is live; the generic one before
      // it must not have been recorded.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.src = 'appsync-client.js';
        s.onload = () => (window as unknown as { __appsync: { connect(): unknown } }).__appsync.connect();
        document.head.append(s);
      });
      await collector.waitForRecords((rs) => rs.some((r) => r.kind === 'ws-create' && r.appsync), 'the AppSync socket');
      assert.equal((await collector.records()).filter((r) => r.kind === 'ws-create' && !r.appsync).length, 0);

      await setCaptureAll(true);
      // The relay hears of the change from storage; wait until a new socket is recorded.
      await waitFor(
        async () => {
          await openSocket();
          return (await collector.records()).some((r) => r.kind === 'ws-create' && !r.appsync && r.url.endsWith('/not-appsync'));
        },
        { what: 'a generic socket recorded', timeout: 20_000, interval: 200 },
      );
      const genericId = (await collector.records()).find((x) => x.kind === 'ws-create' && !x.appsync)!.socketId;
      await collector.waitForRecords((rs) => rs.some((r) => r.socketId === genericId && r.kind === 'ws-close'), 'its close recorded too');
      await setCaptureAll(false);
      await collector.close();
    });

    test('an always-recorded origin is recorded with DevTools closed', async () => {
      // The panel page without a tab id opens no panel port, so it does not start recording.
      const ext = await eb.openExtensionPage('extension/panel/panel.html');
      const origin = new URL(server.pageUrl('stream.html')).origin;
      await ext.evaluate(async (o: string) => {
        type Api = { storage: { local: { set(items: object): Promise<void> } } };
        const g = globalThis as unknown as { browser?: Api; chrome?: Api };
        await (g.browser ?? g.chrome)!.storage.local.set({ captureSettings: { captureAll: false, alwaysRecordOrigins: [o] } });
      }, origin);
      const page = await eb.browser.newPage();
      const url = server.pageUrl('stream.html', 'always=1');
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'subscribed' });
      server.publishJson('/default/stream', [{ n: 0 }, { n: 1 }, { n: 2 }]);
      await waitFor(async () => (await storedDataEvents(ext, url)).length >= 3, { what: 'events stored without a panel' });
      assert.deepEqual((await storedDataEvents(ext, url)).slice(0, 3).map((e) => (JSON.parse(e) as { n: number }).n), [0, 1, 2]);
      await ext.evaluate(async () => {
        type Api = { storage: { local: { remove(k: string): Promise<void> } } };
        const g = globalThis as unknown as { browser?: Api; chrome?: Api };
        await (g.browser ?? g.chrome)!.storage.local.remove('captureSettings');
      });
    });
  });
}
