// The pub/sub console in the built extension, in both browsers, against the emulator with
// every auth provider configured (support/console-fixtures.ts).
//
// Two layers. "engine" drives src/pubsub from an extension page (support/pubsub-harness.ts),
// with that page's fetch and WebSocket: every auth mode over HTTP and WebSocket with its
// failing case, wildcard and concurrent subscriptions fed by the console and by the
// inspected page, templates, the page's endpoint, host access. "view" clicks through the
// Console tab by its test ids (console-view.ts) and writes docs/console-*.png from Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { bundleForPage } from '../../scripts/lib/browser-launch.ts';
import { launch, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { authCases, startConsoleServer } from './support/console-fixtures.ts';
import type { PubsubHarness } from './support/pubsub-harness.ts';
import { runConsoleViewTests } from './support/console-view.ts';

const server = await startConsoleServer();
after(() => server.stop());
const harnessCode = bundleForPage(resolve(import.meta.dirname, 'support/pubsub-harness.ts'));

type Args<K extends keyof PubsubHarness> = Parameters<PubsubHarness[K]>;
type Result<K extends keyof PubsubHarness> = Awaited<ReturnType<PubsubHarness[K]>>;

/** Calls one harness function in the extension page, loading the harness on first use. */
async function call<K extends keyof PubsubHarness>(page: Page, fn: K, ...args: Args<K>): Promise<Result<K>> {
  if (!(await page.evaluate(() => '__pubsub' in globalThis))) await page.evaluate(await harnessCode);
  return page.evaluate(
    (f: string, a: unknown[]) => (globalThis as unknown as { __pubsub: Record<string, (...x: unknown[]) => unknown> }).__pubsub[f]!(...a),
    fn,
    args as unknown[],
  ) as Promise<Result<K>>;
}

const http = server.httpUrl;
const profile = (auth: Record<string, string>, mode: string) => ({ httpUrl: http, realtimeUrl: '', auth: { mode, ...auth } as never });
const apiKeyProfile = profile({ apiKey: server.creds.apiKey }, 'API_KEY');
const json = (texts: readonly string[]) => texts.map((t) => JSON.parse(t) as Record<string, unknown>);

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`console engine (${name})`, () => {
    let eb: ExtensionBrowser;
    let ext: Page;
    before(async () => {
      eb = await launch(name);
      ext = await eb.openExtensionPage('extension/panel/panel.html');
    });
    after(() => eb?.close());

    test('loopback is reachable without a prompt: the manifest grants it in both browsers', async () => {
      // Firefox treats MV3 host permissions as optional; installed from the built
      // manifest, loopback must still be granted, or every console request would fail.
      assert.equal(await call(ext, 'hasHostAccess', ['http://127.0.0.1/*', 'http://localhost/*']), true);
    });

    for (const c of authCases(server.creds)) {
      test(`${c.mode} over HTTP and WebSocket, and refused with the service's error for a ${c.badIs}`, async () => {
        const channel = `/default/auth/${c.mode.toLowerCase().replace(/_/g, '-')}`;
        const good = profile(c.good, c.mode);
        const bad = profile(c.bad, c.mode);

        const okHttp = await call(ext, 'httpPublish', good, channel, ['{"via":"http"}']);
        assert.ok(okHttp.ok, JSON.stringify(okHttp));
        assert.equal(okHttp.status, 200);
        assert.equal(okHttp.events.length, 1);
        assert.equal(okHttp.events[0]!.ok, true, JSON.stringify(okHttp.events));

        const badHttp = await call(ext, 'httpPublish', bad, channel, ['{"via":"http"}']);
        assert.equal(badHttp.ok, false);
        assert.ok(!badHttp.ok && badHttp.status === 401, JSON.stringify(badHttp));
        assert.equal(!badHttp.ok && badHttp.errors[0]?.errorType, 'UnauthorizedException');

        const conn = await call(ext, 'connect', `good-${c.mode}`, good);
        assert.equal(conn.state['status'], 'connected', JSON.stringify(conn));
        const sub = await call(ext, 'subscribe', `good-${c.mode}`, channel);
        assert.equal(sub.status, 'active', JSON.stringify(sub));
        const okWs = await call(ext, 'publish', `good-${c.mode}`, channel, ['{"via":"ws"}']);
        assert.ok(okWs.ok && okWs.events[0]?.ok === true, JSON.stringify(okWs));
        // The publisher is subscribed to the channel: its own event comes back, signed
        // subscribe and publish bodies included for IAM.
        const got = await waitFor(async () => {
          const r = await call(ext, 'received', `good-${c.mode}`, channel);
          return r.length >= 1 ? r : null;
        }, { what: `${c.mode} event delivered` });
        assert.deepEqual(json(got), [{ via: 'ws' }]);

        const refused = await call(ext, 'connect', `bad-${c.mode}`, bad);
        assert.equal(refused.state['status'], 'closed', JSON.stringify(refused));
        assert.equal(refused.state['code'], 1000);
        const errors = refused.state['errors'] as Array<{ errorType?: string; message?: string }>;
        assert.equal(errors[0]?.errorType, 'UnauthorizedException', JSON.stringify(errors));
        assert.match(errors[0]?.message ?? '', /not authorized/);
        await call(ext, 'closeAll');
      });
    }

    test('wildcard and concurrent subscriptions receive console HTTP, console WebSocket and page publishes', async (t) => {
      const page = await eb.browser.newPage();
      t.after(() => page.close().catch(() => {}));
      const pageChannel = `/default/page/${name}`;
      await page.goto(server.pageUrl('capture-socket.html', `channel=${encodeURIComponent(pageChannel)}`));
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });

      await call(ext, 'connect', 'wild', apiKeyProfile);
      for (const ch of ['/default/*', '/default/room/*', '/chat/*']) assert.equal((await call(ext, 'subscribe', 'wild', ch)).status, 'active', ch);

      assert.ok((await call(ext, 'httpPublish', apiKeyProfile, '/default/room/a', ['{"from":"console-http"}'])).ok);
      assert.ok((await call(ext, 'publish', 'wild', '/chat/general', ['{"from":"console-ws"}'])).ok);
      await page.evaluate((ch: string) => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post(ch, [{ from: 'page-http' }]), pageChannel);
      await page.evaluate((ch: string) => {
        const w = window as unknown as { __appsync: { publish(ws: unknown, id: string, c: string, e: unknown[]): void }; __socket: unknown };
        w.__appsync.publish(w.__socket, 'page-pub-1', ch, [{ from: 'page-ws' }]);
      }, pageChannel);

      const froms = async (ch: string) => json(await call(ext, 'received', 'wild', ch)).map((e) => e['from']);
      await waitFor(async () => (await froms('/default/*')).length >= 3, { what: '/default/* received three events' });
      assert.deepEqual((await froms('/default/*')).sort(), ['console-http', 'page-http', 'page-ws']);
      assert.deepEqual(await froms('/default/room/*'), ['console-http']);
      assert.deepEqual(await froms('/chat/*'), ['console-ws']);
      // The page itself received its own two publishes: the console did not disturb it.
      await waitFor(() => page.evaluate(() => (window as unknown as { __data: string[] }).__data.length === 2), { what: 'page got its events' });
      await call(ext, 'closeAll');
    });

    test('a template expands {{counter}} to 1, 2 and {{uuid}} to a fresh UUID per use', async () => {
      const channel = `/default/tpl/${name}`;
      await call(ext, 'connect', 'tpl', apiKeyProfile);
      assert.equal((await call(ext, 'subscribe', 'tpl', channel)).status, 'active');
      const template = { id: 't1', name: 'tick', channel, body: '[{"n": {{counter}}, "id": "{{uuid}}", "at": {{now}}}]', transport: 'http' as const, counter: 0 };
      const uses = await call(ext, 'expandTimes', template, 2);
      for (const u of uses) {
        const events = (JSON.parse(u.body) as unknown[]).map((e) => JSON.stringify(e));
        assert.ok((await call(ext, 'httpPublish', apiKeyProfile, u.channel, events)).ok);
      }
      const got = await waitFor(async () => {
        const r = await call(ext, 'received', 'tpl', channel);
        return r.length >= 2 ? json(r) : null;
      }, { what: 'two template events' });
      assert.deepEqual(got.map((e) => e['n']), [1, 2]);
      const ids = got.map((e) => String(e['id']));
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.notEqual(ids[0], ids[1]);
      assert.ok(typeof got[0]!['at'] === 'number' && Math.abs((got[0]!['at'] as number) - Date.now()) < 120_000);
      await call(ext, 'closeAll');
    });

    test('console traffic is stored in a session of its own (source console), without its API key', async () => {
      const channel = `/default/recorded/${name}`;
      await call(ext, 'startRecording');
      await call(ext, 'connect', 'rec', apiKeyProfile);
      assert.equal((await call(ext, 'subscribe', 'rec', channel)).status, 'active');
      assert.ok((await call(ext, 'publish', 'rec', channel, ['{"rec":"ws"}'])).ok);
      assert.ok((await call(ext, 'httpPublish', apiKeyProfile, channel, ['{"rec":"http"}'])).ok);
      await waitFor(async () => (await call(ext, 'received', 'rec', channel)).length >= 2, { what: 'both events back' });
      const stored = await waitFor(async () => {
        const all = (await call(ext, 'consoleSessions')).flatMap((s) => s.frames).join('\n');
        return all.includes('subscribe_success') && all.includes('publish_success') && all.includes('http-request') ? all : null;
      }, { what: 'console frames in IndexedDB' });
      assert.ok(stored.includes('subscribe_success'), stored.slice(0, 500));
      assert.ok(!stored.includes(server.creds.apiKey), 'the API key is redacted in the stored console session');
      assert.equal(await call(ext, 'finishRecording'), null, 'no recording problem');
      await call(ext, 'closeAll');
    });

    test("the page's endpoint fills a profile whose API key publishes", async (t) => {
      const page = await eb.browser.newPage();
      const pageChannel = `/default/endpoint/${name}`;
      const url = server.pageUrl('capture-socket.html', `channel=${encodeURIComponent(pageChannel)}`);
      await page.goto(url);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });
      const tabId = await tabIdOf(ext, url);
      // The panel inspecting the tab is what makes it record, and so the background see
      // the page's live credentials.
      const panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}`);
      t.after(() => Promise.all([page.close(), panel.close()]).catch(() => {}));
      const endpoints = await waitFor(async () => {
        const list = await call(panel, 'pageEndpoints', tabId);
        return list.find((e) => e.credential.kind === 'websocket') ? list : null;
      }, { what: "the page's connection in the background" });
      const ws = endpoints.find((e) => e.credential.kind === 'websocket')!;
      assert.ok(ws.filled, JSON.stringify(ws));
      assert.equal(ws.filled.httpUrl, http);
      assert.equal(ws.filled.realtimeUrl, server.realtimeUrl);
      assert.deepEqual(ws.filled.auth, { mode: 'API_KEY', apiKey: server.creds.apiKey });

      const out = await call(panel, 'httpPublish', ws.filled, pageChannel, ['{"from":"console-as-page"}']);
      assert.ok(out.ok && out.events[0]?.ok, JSON.stringify(out));
      await waitFor(() => page.evaluate(() => (window as unknown as { __data: string[] }).__data.some((d) => d.includes('console-as-page'))), {
        what: 'the page received the console publish',
      });
    });
  });

  runConsoleViewTests(name, server);
}
