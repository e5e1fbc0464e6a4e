// Replay and compare in the built extension, in both browsers, against the local emulator
// (namespaces `default` and `staging`): a session recorded from a fixture app is replayed
// to the emulator with an API-key endpoint profile and reproduces the same events in the
// same order (compare: nothing missing, extra or reordered); remapped to `/staging/*` it
// reaches the app's staging subscription; injected into the page it reaches the app's
// listeners and changes what it shows; sent on the page's socket it is acknowledged by the
// service's publish_success; paused then stopped, it leaves a consistent result session.
// Chromium writes docs/replay-light.png and docs/compare-light.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { bundleForPage } from '../../scripts/lib/browser-launch.ts';
import { startEmulator } from '../../src/emulator/index.ts';
import { launch, recordCount, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import type { StoredResult } from './support/replay-reader.ts';

const API_KEY = 'da2-e2ereplaykey00000000000000000';
const emulator = await startEmulator({
  host: '127.0.0.1',
  port: 0,
  tls: 'off',
  auth: { apiKeys: [API_KEY] },
  namespaces: ['default', 'staging'],
  staticDir: resolve(import.meta.dirname, '../fixtures/pages'),
});
after(() => emulator.stop());
const origin = `http://127.0.0.1:${emulator.port}`;
const appUrl = (role: string) => `${origin}/replay-app.html?key=${API_KEY}&role=${role}`;
const DOCS = resolve(import.meta.dirname, '../../docs');

type AppEvent = { sub: string; event: string };
const appEvents = (page: Page): Promise<AppEvent[]> => page.evaluate(() => (window as unknown as { __events: AppEvent[] }).__events);
const ofSub = async (page: Page, sub: string) => (await appEvents(page)).filter((e) => e.sub === sub).map((e) => e.event);

let readerCode: Promise<string> | null = null;
async function reader<T>(page: Page, method: 'session' | 'find' | 'frames', arg: string): Promise<T> {
  if (!(await page.evaluate(() => '__replayReader' in globalThis))) await page.evaluate(await (readerCode ??= bundleForPage(resolve(import.meta.dirname, 'support/replay-reader.ts'))));
  return page.evaluate(
    (m: string, a: string) => (globalThis as unknown as { __replayReader: Record<string, (x: string) => Promise<unknown>> }).__replayReader[m]!(a),
    method,
    arg,
  ) as Promise<T>;
}

const count = (panel: Page, name: string) => panel.$eval(`[data-testid="replay-counts"] [data-count="${name}"]`, (e) => Number(e.textContent));
const runState = (panel: Page) => panel.$eval('[data-testid="replay-run"]', (e) => (e as HTMLElement).dataset['state'] ?? '').catch(() => '');

/** Sets the Replay form through its controls and starts; resolves when the run has begun. */
async function startReplay(panel: Page, o: { session: string; what: string; target: string; timing: string; rate?: string; remap?: string; apiKey?: string; merge?: boolean }): Promise<void> {
  await panel.evaluate(() => document.querySelector<HTMLButtonElement>('.replay .seg button')?.click());
  await waitFor(() => panel.$('[data-testid="replay-start"]'), { what: 'the replay form' });
  await waitFor(() => panel.$('[data-testid="replay-start"]'), { what: 'the replay form' });
  await panel.select('[data-testid="replay-session"]', o.session);
  await panel.click(`input[name="what"][value="${o.what}"]`);
  await panel.click(`input[name="target"][value="${o.target}"]`);
  await panel.click(`input[name="timing"][value="${o.timing}"]`);
  if (o.rate !== undefined) {
    await panel.$eval('input[type="number"]', (e) => ((e as HTMLInputElement).value = ''));
    await panel.type('input[type="number"]', o.rate);
  }
  if (o.merge !== undefined && (await panel.$eval('[data-testid="replay-merge"]', (e) => (e as HTMLInputElement).checked)) !== o.merge) await panel.click('[data-testid="replay-merge"]');
  await panel.$eval('[data-testid="replay-remap"]', (e) => ((e as HTMLTextAreaElement).value = ''));
  await panel.type('[data-testid="replay-remap"]', o.remap ?? ' ');
  if (o.apiKey !== undefined) await panel.type('input[type="password"]', o.apiKey);
  const before = await panel.$eval('[data-testid="replay-result-name"]', (e) => (e as HTMLElement).dataset['sessionId'] ?? '').catch(() => '');
  await panel.click('[data-testid="replay-start"]');
  await waitFor(
    async () => {
      const problems = await panel.$eval('[data-testid="replay-problems"]', (e) => e.textContent).catch(() => null);
      if (problems) throw new Error(problems);
      const now = await panel.$eval('[data-testid="replay-result-name"]', (e) => (e as HTMLElement).dataset['sessionId'] ?? '').catch(() => '');
      const state = await runState(panel);
      return state !== '' && (now === '' || now !== before);
    },
    { what: 'the run to start' },
  );
}

async function finished(panel: Page, state = 'completed'): Promise<string> {
  await waitFor(async () => (await runState(panel)) === state || ((await runState(panel)) === 'failed' ? Promise.reject(new Error(await panel.$eval('[data-testid="replay-summary"]', (e) => e.textContent ?? ''))) : false), {
    what: `the run ${state}`,
    timeout: 30_000,
  });
  return panel.$eval('[data-testid="replay-result-name"]', (e) => (e as HTMLElement).dataset['sessionId'] ?? '');
}

async function compareIdentical(panel: Page): Promise<Record<string, number>> {
  await panel.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('[data-testid="replay-summary"] button')].find((b) => b.textContent?.includes('Compare'))?.click());
  await waitFor(() => panel.$('[data-testid="compare-run"]'), { what: 'the compare pane' });
  await panel.click('[data-testid="compare-run"]');
  await waitFor(() => panel.$('[data-testid="compare-counts"]'), { what: 'compare counts', timeout: 20_000 });
  return panel.$$eval('[data-testid="compare-counts"] [data-count]', (es) => Object.fromEntries(es.map((e) => [(e as HTMLElement).dataset['count'], Number.parseInt(e.textContent ?? '', 10)])));
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`replay (${name})`, () => {
    let eb: ExtensionBrowser;
    before(async () => {
      eb = await launch(name);
    });
    after(() => eb?.close());

    test('replays to the emulator, remaps, injects into the page, sends on its socket, pauses and stops', async (t) => {
      // 1. Record: the app publishes three orders over HTTP and receives them on /default/*.
      const source = await eb.browser.newPage();
      await source.goto(appUrl('source'));
      await waitFor(() => source.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'source app subscribed' });
      const probe = await eb.openExtensionPage('extension/panel/panel.html');
      t.after(() => probe.close().catch(() => {}));
      // An API-key endpoint profile for the emulator, kept where the console keeps profiles.
      await probe.evaluate(async (profile) => {
        type Storage = { storage: { local: { set(v: object): Promise<void> } } };
        const g = globalThis as unknown as { browser?: Storage; chrome?: Storage };
        await (g.browser ?? g.chrome)!.storage.local.set({ 'console.profiles': [profile] });
      }, { id: 'emu', name: 'Local emulator', httpUrl: `${origin}/event`, realtimeUrl: '', auth: { mode: 'API_KEY', apiKey: API_KEY }, remember: true });
      const sourceTab = await tabIdOf(probe, appUrl('source'));
      const recorder = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${sourceTab}`);
      await waitFor(async () => (await recordCount(recorder)) >= 8, { what: 'the source handshake recorded' });
      for (const n of [1, 2, 3]) {
        await source.evaluate((e: unknown) => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post('/default/orders', [e]), { n, item: `order ${n}` });
      }
      await waitFor(async () => (await ofSub(source, 'sub-default')).length === 3, { what: 'the source app received its orders' });
      // 8 handshake frames, 3 HTTP request/response pairs, 3 data frames.
      const [original] = await waitFor(async () => {
        const found = await reader<Array<{ id: string; frameCount: number }>>(probe, 'find', 'role=source');
        return found.length === 1 && found[0]!.frameCount >= 17 ? found : null;
      }, { what: 'the source session stored' });
      const expected = (await ofSub(source, 'sub-default'));
      await recorder.close();
      await source.close();

      // 2. The app under test, in its own tab, with the panel inspecting it.
      const app = await eb.browser.newPage();
      await app.goto(appUrl('target'));
      await waitFor(() => app.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'target app subscribed' });
      const appTab = await tabIdOf(probe, appUrl('target'));
      const panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${appTab}&theme=light`);
      t.after(() => Promise.all([app.close(), panel.close()]).catch(() => {}));
      await panel.setViewport({ width: 1280, height: 800 });
      await waitFor(async () => (await recordCount(panel)) >= 8, { what: 'the target handshake recorded' });
      await panel.click('#tab-replay');
      await waitFor(() => panel.$('[data-testid="replay-profile"]'), { what: 'the endpoint profile in the form' });

      // To the emulator with the profile: the same events, in the same order, acknowledged.
      await startReplay(panel, { session: original!.id, what: 'published', target: 'endpoint', timing: 'fast' });
      const first = await finished(panel);
      assert.equal(await count(panel, 'sent'), 3);
      assert.equal(await count(panel, 'acknowledged'), 3);
      assert.equal(await count(panel, 'failed'), 0);
      await waitFor(async () => (await ofSub(app, 'sub-default')).length === 3, { what: 'the app received the replayed orders' });
      assert.deepEqual(await ofSub(app, 'sub-default'), expected);
      // "As fast as allowed" batches consecutive events on one channel: one publish of three.
      const requests = (await reader<string[]>(probe, 'frames', first)).filter((f) => f.includes(' http-request '));
      assert.equal(requests.length, 1, requests.join());
      const cmp = await compareIdentical(panel);
      assert.deepEqual(cmp, { matched: 3, missing: 0, extra: 0, reordered: 0 });
      const stored = await reader<StoredResult>(probe, 'session', `${first}\n${API_KEY}`);
      assert.ok(!stored.secretsSeen, 'the result session keeps no API key');
      assert.equal(stored.source, 'replay');
      assert.equal(stored.derivedFrom, original!.id);
      assert.ok(stored.tags.includes('replay:completed'), stored.tags.join());
      assert.equal(stored.publishedEvents, 3);
      if (name === 'chromium') {
        mkdirSync(DOCS, { recursive: true });
        await panel.screenshot({ path: resolve(DOCS, 'compare-light.png') });
      }

      // Remapped: /default/* → /staging/*, received by the app's staging subscription only.
      await startReplay(panel, { session: original!.id, what: 'published', target: 'endpoint', timing: 'fast', remap: '/default/* → /staging/*' });
      await finished(panel);
      assert.equal(await count(panel, 'acknowledged'), 3);
      await waitFor(async () => (await ofSub(app, 'sub-staging')).length === 3, { what: 'the staging subscription received the remapped orders' });
      assert.deepEqual(await ofSub(app, 'sub-staging'), expected);
      assert.equal((await ofSub(app, 'sub-default')).length, 3, 'nothing more on /default');

      // Injected as incoming data for the app's live /default/* subscription: no network.
      await startReplay(panel, { session: original!.id, what: 'received', target: 'inject', timing: 'fast' });
      await finished(panel);
      assert.equal(await count(panel, 'delivered'), 3);
      await waitFor(async () => (await ofSub(app, 'sub-default')).length === 6, { what: 'the injected events reached the app' });
      assert.deepEqual((await ofSub(app, 'sub-default')).slice(3), expected);
      // The app's UI shows them (as text).
      assert.equal(await app.$eval('#count', (e) => e.textContent), '9 events');
      assert.equal(await app.$$eval('#events li[data-sub="sub-default"]', (es) => es.length), 6);

      // On the page's own socket, with the page's own credential (no key typed): counted from
      // the page's publish_success for each id.
      await startReplay(panel, { session: original!.id, what: 'published', target: 'socket', timing: 'fast' });
      await finished(panel);
      assert.equal(await count(panel, 'acknowledged'), 3);
      assert.equal(await count(panel, 'unconfirmed'), 0);
      await waitFor(async () => (await ofSub(app, 'sub-default')).length === 9, { what: 'the app received what its socket published' });

      // Paused, then stopped: the run says how far it got and the result session agrees.
      await startReplay(panel, { session: original!.id, what: 'published', target: 'endpoint', timing: 'rate', rate: '1', merge: false });
      await waitFor(async () => (await count(panel, 'sent')) >= 1, { what: 'a first send' });
      await panel.click('[data-testid="replay-pause"]');
      await waitFor(async () => (await runState(panel)) === 'paused', { what: 'paused' });
      const sentWhilePaused = await count(panel, 'sent');
      assert.ok(await panel.$('[data-testid="replay-resume"]'), 'a paused run offers Resume');
      await panel.click('[data-testid="replay-stop"]');
      const stoppedId = await finished(panel, 'stopped');
      const summary = await panel.$eval('[data-testid="replay-summary"]', (e) => e.textContent ?? '');
      const m = /stopped by the user after (\d+) of 3 messages/.exec(summary);
      assert.ok(m, summary);
      const sent = await count(panel, 'sent');
      assert.equal(sent, sentWhilePaused, 'nothing was sent after the pause');
      assert.ok(Number(m[1]) >= 1 && Number(m[1]) < 3, summary);
      assert.equal(Number(m[1]), sent, 'one event per publish here: messages dealt with = events sent');
      assert.match(await panel.$eval('[data-testid="replay-done"]', (e) => e.textContent ?? ''), new RegExp(`^${sent} of 3 messages`));
      const stopped = await reader<StoredResult>(probe, 'session', stoppedId);
      assert.ok(stopped.tags.includes('replay:stopped'), stopped.tags.join());
      assert.equal(stopped.state, 'complete');
      assert.equal(stopped.publishedEvents, sent);
      if (name === 'chromium') await panel.screenshot({ path: resolve(DOCS, 'replay-light.png') });

      // The same profile over one WebSocket: each publish waits for its publish_success.
      const seen = (await ofSub(app, 'sub-default')).length;
      await panel.click('input[name="transport"][value="ws"]');
      await startReplay(panel, { session: original!.id, what: 'published', target: 'endpoint', timing: 'fast' });
      const overWs = await finished(panel);
      assert.equal(await count(panel, 'acknowledged'), 3, await panel.$eval('[data-testid="replay-run"]', (e) => e.textContent ?? ''));
      await waitFor(async () => (await ofSub(app, 'sub-default')).length === seen + 3, { what: 'the app received the WebSocket publishes' });
      assert.deepEqual((await ofSub(app, 'sub-default')).slice(seen), expected);
      const viaWs = await reader<StoredResult>(probe, 'session', `${overWs}\n${API_KEY}`);
      assert.equal(viaWs.publishedEvents, 3);
      assert.ok(!viaWs.secretsSeen, 'the result session keeps no API key');

      // "Replay this" from the inspector: one data frame of the live session, injected again.
      await panel.click('#tab-inspector');
      const before = (await ofSub(app, 'sub-default')).length;
      await waitFor(
        () =>
          panel.evaluate(() => {
            const row = [...document.querySelectorAll<HTMLElement>('.frow:not(.head)')].find((r) => r.querySelector('.type')?.textContent === 'data');
            row?.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
            return row !== undefined;
          }),
        { what: 'a data row in the inspector' },
      );
      await waitFor(() => panel.$('[data-testid="replay-this"]'), { what: 'the Replay this button' });
      await panel.click('[data-testid="replay-this"]');
      await waitFor(() => panel.$('[data-testid="replay-positions"]'), { what: 'the frame handed to the Replay view' });
      assert.match(await panel.$eval('[data-testid="replay-positions"]', (e) => e.textContent ?? ''), /^Only the 1 frame picked in the inspector/);
      await panel.click('input[name="what"][value="received"]');
      await panel.click('input[name="target"][value="inject"]');
      await panel.click('[data-testid="replay-start"]');
      await waitFor(async () => (await runState(panel)) === 'completed' && (await count(panel, 'delivered')) === 1, { what: 'the picked frame injected' });
      await waitFor(async () => (await ofSub(app, 'sub-default')).length === before + 1, { what: 'the app received the picked frame' });
    });
  });
}
