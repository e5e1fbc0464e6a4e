// The Console tab clicked through as a user would, by the test ids the view promises
// (data-testid contract of the console view), in the panel opened for an inspected tab.
// Chromium writes docs/console-light.png and docs/console-dark.png.
// Skipped, saying so, when the build has no Console tab.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { launch, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './browsers.ts';
import { authCases, type ConsoleServer } from './console-fixtures.ts';

const DOCS = resolve(import.meta.dirname, '../../../docs');
const id = (testId: string) => `[data-testid="${testId}"]`;

/** Sets an input's value the way typing does (Preact listens to `input`). */
async function fill(page: Page, testId: string, value: string): Promise<void> {
  // A saved, unchanged profile is folded to one line: unfold it as a user would.
  if (/^(profile|cred)-/.test(testId) && (await page.$(id('profile-edit')))) await page.click(id('profile-edit'));
  await waitFor(() => page.$(id(testId)), { what: testId });
  await page.$eval(
    id(testId),
    (el, v) => {
      const input = el as HTMLInputElement | HTMLTextAreaElement;
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')!.set!;
      setter.call(input, v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

const click = async (page: Page, testId: string) => {
  await waitFor(() => page.$(id(testId)), { what: testId });
  await page.click(id(testId));
};
const text = (page: Page, sel: string) => page.$eval(sel, (e) => e.textContent ?? '').catch(() => '');
/** The editor's document as shown: its lines, without the placeholder an empty editor shows. */
const editorText = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="publish-editor"] .cm-line')]
      .map((line) => [...line.childNodes].filter((n) => !(n instanceof HTMLElement && n.classList.contains('cm-placeholder'))).map((n) => n.textContent ?? '').join(''))
      .join('\n'),
  );
const valueOf = (page: Page, testId: string) => page.$eval(id(testId), (e) => (e as HTMLInputElement).value);

/**
 * Replaces the CodeMirror editor's text with one literal insertion (the editor reads it from
 * the DOM), falling back to typing. A synthetic paste is not used: Firefox drops the
 * clipboardData of an untrusted ClipboardEvent and the editor then pastes nothing.
 */
export async function setEditor(page: Page, body: string): Promise<void> {
  const content = `${id('publish-editor')} .cm-content`;
  const same = async () => (await text(page, content)).replace(/\s/g, '') === body.replace(/\s/g, '');
  await waitFor(() => page.$(content), { what: 'publish editor' });
  const selectAll = async () => {
    await page.click(content);
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
  };
  await selectAll();
  await page.$eval(content, (_el, t) => document.execCommand('insertText', false, t), body);
  if (await waitFor(same, { what: 'editor text', timeout: 2000 }).catch(() => false)) return;
  await selectAll();
  await page.keyboard.press('Backspace');
  await page.keyboard.type(body);
  await waitFor(same, { what: 'editor text set' });
}

async function connState(page: Page): Promise<string> {
  return (await text(page, id('conn-state'))).trim();
}

/**
 * The newest publish result once it has settled and differs from `before` (the newest one's
 * text before sending: the list is capped, so counting would stop working).
 */
async function newestResult(page: Page, before: string): Promise<{ state: string; text: string; events: Array<{ ok: string; text: string }> }> {
  return waitFor(
    () =>
      page.evaluate((previous: string) => {
        const r = document.querySelector('[data-testid="publish-result"]');
        if (!r || (r.textContent ?? '') === previous) return null;
        const state = r.getAttribute('data-state') ?? '';
        if (!['success', 'partial', 'failed', 'error'].includes(state)) return null;
        const events = [...r.querySelectorAll('[data-testid="event-result"]')].map((e) => ({ ok: e.getAttribute('data-ok') ?? '', text: e.textContent ?? '' }));
        return { state, text: r.textContent ?? '', events };
      }, before),
    { what: 'a publish result', timeout: 20_000 },
  );
}

const newestText = (page: Page) => text(page, id('publish-result'));

async function publish(page: Page, via: 'http' | 'ws', channel: string, body: string) {
  await fill(page, 'publish-channel', channel);
  await setEditor(page, body);
  const n = await newestText(page);
  await click(page, `publish-${via}`);
  return newestResult(page, n);
}

/** The subscription element for `channel`, as data. */
function subscription(page: Page, channel: string) {
  return page.evaluate((ch: string) => {
    const s = [...document.querySelectorAll('[data-testid="subscription"]')].find((e) => e.getAttribute('data-channel') === ch);
    if (!s) return null;
    return {
      state: s.getAttribute('data-state') ?? '',
      count: Number(s.querySelector('[data-testid="sub-count"]')?.textContent?.trim() ?? 'NaN'),
      events: [...s.querySelectorAll('[data-testid="sub-event"]')].map((e) => e.textContent ?? ''),
      error: s.querySelector('[data-testid="sub-error"]')?.textContent ?? '',
    };
  }, channel);
}

async function subscribe(page: Page, channel: string): Promise<void> {
  await fill(page, 'subscribe-channel', channel);
  await click(page, 'subscribe-add');
  await waitFor(async () => (await subscription(page, channel))?.state === 'active', { what: `subscription ${channel} active` });
}

async function eventsOf(page: Page, channel: string, atLeast: number): Promise<string[]> {
  const s = await waitFor(async () => {
    const x = await subscription(page, channel);
    return x && x.count >= atLeast && x.events.length >= atLeast ? x : null;
  }, { what: `${atLeast} events on ${channel}` });
  return s.events;
}

/** Fills and saves the profile editor for one auth mode. */
async function saveProfile(page: Page, server: ConsoleServer, name: string, mode: string, creds: Readonly<Record<string, string>>): Promise<void> {
  await fill(page, 'profile-name', name);
  await fill(page, 'profile-http', server.httpUrl);
  await page.select(`select${id('profile-auth')}`, mode);
  for (const [k, v] of Object.entries(creds)) await fill(page, `cred-${k}`, v);
  await click(page, 'profile-save');
  await waitFor(async () => !(await page.$(id('profile-problems'))) || !(await text(page, id('profile-problems'))).trim(), { what: 'profile saved without problems' });
}

async function connect(page: Page): Promise<string> {
  if (await page.$(id('conn-disconnect'))) {
    await page.click(id('conn-disconnect')).catch(() => {});
    await waitFor(async () => /^(idle|closed)/.test(await connState(page)), { what: 'disconnected' });
  }
  await click(page, 'conn-connect');
  return waitFor(async () => {
    const s = await connState(page);
    return /^(connected|closed)/.test(s) ? s : null;
  }, { what: 'connection settled', timeout: 20_000 });
}

export function runConsoleViewTests(name: BrowserName, server: ConsoleServer): void {
  describe(`console view (${name})`, () => {
    let eb: ExtensionBrowser;
    let page: Page;
    let panel: Page;
    const pageChannel = `/default/view-page/${name}`;
    const pageUrl = server.pageUrl('capture-socket.html', `channel=${encodeURIComponent(pageChannel)}`);

    before(async () => {
      eb = await launch(name);
      page = await eb.browser.newPage();
      await page.goto(pageUrl);
      await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });
      const probe = await eb.openExtensionPage('extension/panel/panel.html');
      const tabId = await tabIdOf(probe, pageUrl);
      await probe.close();
      panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}&theme=light`);
      await panel.setViewport({ width: 1280, height: 800 });
      await waitFor(() => panel.$('nav.tabs'), { what: 'panel shell' });
      await waitFor(() => panel.$('button#tab-console'), { what: 'the Console tab' });
      await panel.click('button#tab-console');
      await waitFor(() => panel.$(id('console-view')), { what: 'console view' });
    });
    after(() => eb?.close());

    test('empty state, then the page endpoint fills a profile whose API key publishes', async () => {
      // Profiles load from extension storage after the first render.
      await waitFor(() => panel.$(id('console-empty')), { what: 'an empty state before any profile' });
      await click(panel, 'use-page-endpoint');
      if (await panel.$(`select${id('page-endpoint-picker')}`)) {
        const ws = await panel.$$eval(`select${id('page-endpoint-picker')} option`, (os) => os.map((o) => (o as HTMLOptionElement).value).find((v) => !v.startsWith('http')) ?? '');
        if (ws) await panel.select(`select${id('page-endpoint-picker')}`, ws);
      }
      await waitFor(async () => (await valueOf(panel, 'cred-apiKey')) === server.creds.apiKey, { what: "the page's API key in the form" });
      assert.equal(await valueOf(panel, 'profile-http'), server.httpUrl);
      assert.equal(await panel.$eval(`select${id('profile-auth')}`, (e) => (e as HTMLSelectElement).value), 'API_KEY');
      await fill(panel, 'profile-name', 'From the page');
      await click(panel, 'profile-save');
      // Loopback is in the manifest's host permissions: no run-time prompt for it.
      assert.equal(await panel.$(id('host-access')), null, 'no host access prompt for the local emulator');
      const r = await publish(panel, 'http', pageChannel, '[{"from":"view-as-page"}]');
      assert.equal(r.state, 'success', r.text);
      await waitFor(() => page.evaluate(() => (window as unknown as { __data: string[] }).__data.some((d) => d.includes('view-as-page'))), { what: 'the page got the console publish' });
    });

    test('wildcard and concurrent subscriptions get HTTP, WebSocket and page publishes', async () => {
      assert.match(await connect(panel), /^connected/);
      await subscribe(panel, '/default/*');
      await subscribe(panel, '/chat/*');
      const h = await publish(panel, 'http', '/default/room/a', '[{"from":"console-http"},{"from":"console-http-2"}]');
      assert.equal(h.state, 'success', h.text);
      assert.deepEqual(h.events.map((e) => e.ok), ['true', 'true']);
      const w = await publish(panel, 'ws', '/chat/general', '{"from":"console-ws"}');
      assert.equal(w.state, 'success', w.text);
      await page.evaluate((ch: string) => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post(ch, [{ from: 'page-http' }]), pageChannel);
      await page.evaluate((ch: string) => {
        const x = window as unknown as { __appsync: { publish(ws: unknown, i: string, c: string, e: unknown[]): void }; __socket: unknown };
        x.__appsync.publish(x.__socket, 'view-page-pub', ch, [{ from: 'page-ws' }]);
      }, pageChannel);
      const all = (await eventsOf(panel, '/default/*', 4)).join('\n');
      for (const from of ['console-http', 'console-http-2', 'page-http', 'page-ws']) assert.ok(all.includes(`"${from}"`), `${from} in ${all}`);
      assert.ok(!all.includes('console-ws'), 'a /chat event is not on /default/*');
      assert.match((await eventsOf(panel, '/chat/*', 1)).join(''), /console-ws/);
      assert.equal((await subscription(panel, '/chat/*'))!.count, 1);
      assert.ok((await panel.$$(id('history-item'))).length >= 2, 'publishes are in the history');

      if (name === 'chromium') {
        mkdirSync(DOCS, { recursive: true });
        // As a user sees it at rest: the last clicked button neither hovered nor focused.
        await panel.mouse.move(900, 760);
        await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await panel.screenshot({ path: resolve(DOCS, 'console-light.png') });
        await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
        await panel.evaluate(() => (document.documentElement.dataset['theme'] = 'dark'));
        await panel.screenshot({ path: resolve(DOCS, 'console-dark.png') });
        await panel.evaluate(() => (document.documentElement.dataset['theme'] = 'light'));
      }

      // History: one click sends the newest publish (the WebSocket one to /chat) again.
      const before = await newestText(panel);
      await panel.click(`${id('history-item')} ${id('history-rerun')}`);
      assert.equal((await newestResult(panel, before)).state, 'success');
      await waitFor(async () => (await subscription(panel, '/chat/*'))?.count === 2, { what: 'the re-run event on /chat/*' });
      // Unsubscribe ends one subscription and leaves the other.
      await panel.evaluate(() => {
        const s = [...document.querySelectorAll('[data-testid="subscription"]')].find((e) => e.getAttribute('data-channel') === '/chat/*');
        s?.querySelector<HTMLElement>('[data-testid="sub-unsubscribe"]')?.click();
      });
      await waitFor(async () => {
        const s = await subscription(panel, '/chat/*');
        return s === null || s.state === 'unsubscribed';
      }, { what: '/chat/* unsubscribed' });
      assert.equal((await subscription(panel, '/default/*'))?.state, 'active');
    });

    test('typing in the editor with the real keyboard: brackets and quotes close, the check follows, the publish is acknowledged', async () => {
      const channel = `/default/typed/${name}`;
      await subscribe(panel, channel);
      await fill(panel, 'publish-channel', channel);
      const content = `${id('publish-editor')} .cm-content`;
      await panel.click(content);
      await panel.keyboard.down('Control');
      await panel.keyboard.press('a');
      await panel.keyboard.up('Control');
      await panel.keyboard.press('Backspace');
      await waitFor(async () => (await editorText(panel)) === '', { what: 'the editor emptied' });
      // Key by key, so a hang names the key that caused it.
      for (const key of '[{"n":1}]') await panel.keyboard.type(key);
      // closeBrackets inserted "]", "}" and the second quote; typing them stepped over them.
      const typed = await waitFor(async () => {
        const x = await editorText(panel);
        return x === '[{"n":1}]' ? x : null;
      }, { what: 'exactly the typed document' });
      assert.equal(typed, '[{"n":1}]');
      await waitFor(async () => (await panel.$(id('publish-problems'))) === null, { what: 'no check left once the JSON is valid' });
      const n = await newestText(panel);
      await click(panel, 'publish-ws');
      const r = await newestResult(panel, n);
      assert.equal(r.state, 'success', r.text);
      assert.equal(r.events.length, 1);
      assert.equal(r.events[0]!.ok, 'true');
      assert.match((await eventsOf(panel, channel, 1)).join('\n'), /"n":\s*1/);
    });

    test("the console's own connection shows in the inspector with the CONSOLE badge", async () => {
      await panel.click('button#tab-sessions');
      try {
        // The session list loads after the tab opens: wait for the console session's Open button itself
        // (a handle to null would look like a result).
        await waitFor(
          () =>
            panel.evaluate(() => {
              const row = [...document.querySelectorAll('tr.session-row')].find((r) => r.querySelector('.badge.source-console'));
              const button = row?.querySelector<HTMLElement>('button[aria-label^="Open "]');
              button?.click();
              return button ? true : null;
            }),
          { what: 'the console session in Sessions', timeout: 20_000 },
        );
        const badge = await waitFor(
          () =>
            panel.evaluate(() => {
              const items = [...document.querySelectorAll('[data-testid="connection-item"]')];
              return items.map((i) => i.querySelector('[data-testid="connection-origin"]')?.textContent ?? '').find((b) => b.trim()) ?? null;
            }),
          { what: 'a console connection item in the inspector', timeout: 20_000 },
        );
        assert.match(badge, /^console$/i);
      } finally {
        // The next steps start from the console, whatever happened here.
        await panel.click('button#tab-console');
        await waitFor(() => panel.$(id('console-view')), { what: 'console view again' });
      }
    });

    test('a template expands {{counter}} and {{uuid}} afresh at each send', async () => {
      const channel = `/default/tpl-view/${name}`;
      await subscribe(panel, channel);
      await fill(panel, 'publish-channel', channel);
      await setEditor(panel, '[{"n":"{{counter}}","id":"{{uuid}}"}]');
      await fill(panel, 'template-name', 'tick');
      await click(panel, 'template-save');
      await waitFor(() => panel.$(id('template-item')), { what: 'saved template' });
      for (let i = 0; i < 2; i++) {
        await click(panel, 'template-use');
        const n = await newestText(panel);
        await click(panel, 'publish-http');
        assert.equal((await newestResult(panel, n)).state, 'success');
      }
      const got = (await eventsOf(panel, channel, 2)).join('\n');
      assert.match(got, /"n":\s*"1"/);
      assert.match(got, /"n":\s*"2"/);
      const ids = [...got.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0]);
      assert.equal(new Set(ids).size, 2, got);
    });

    test('every auth mode over HTTP and WebSocket, each refused with the service error for a bad credential', async () => {
      for (const c of authCases(server.creds)) {
        const channel = `/default/view-auth/${c.mode.toLowerCase().replace(/_/g, '-')}`;
        await saveProfile(panel, server, `good ${c.mode}`, c.mode, c.good);
        if (c.mode === 'AMAZON_COGNITO_USER_POOLS') {
          await click(panel, 'profile-edit');
          assert.match(await text(panel, id('jwt-claims')), /e2e-user/);
        }
        assert.equal((await publish(panel, 'http', channel, '{"ok":1}')).state, 'success', `${c.mode} HTTP`);
        assert.match(await connect(panel), /^connected/, `${c.mode} WebSocket`);
        assert.equal((await publish(panel, 'ws', channel, '{"ok":2}')).state, 'success', `${c.mode} WS publish`);

        await saveProfile(panel, server, `bad ${c.mode}`, c.mode, c.bad);
        if (c.mode === 'AMAZON_COGNITO_USER_POOLS' || c.mode === 'OPENID_CONNECT') assert.ok(await panel.$(id('jwt-expired')), `${c.mode}: expired JWT warned`);
        const bad = await publish(panel, 'http', channel, '{"ok":3}');
        assert.ok(['failed', 'error'].includes(bad.state), bad.text);
        const err = await text(panel, `${id('publish-result')} ${id('publish-error')}`);
        assert.match(err, /UnauthorizedException/, `${c.mode}: ${err}`);
        assert.match(err, /401/, `${c.mode}: ${err}`);
        const closed = await connect(panel);
        assert.match(closed, /^closed 1000\b.*UnauthorizedException/s, `${c.mode}: ${closed}`);
      }
    });
  });
}
