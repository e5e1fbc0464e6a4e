// The Sessions view in the built extension, in both browsers: a session recorded from a
// fixture page is listed with its stored frame count, renamed, pinned, exported, imported
// back (through the file input, and by a drop on the view), deleted with undo.
// In Chromium, what was acknowledged survives a browser restart with the same profile.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROME_EXTENSION_ID, distDir, launch, recordCount, tabIdOf, waitFor, type BrowserName, type ExtensionBrowser } from './support/browsers.ts';
import { startTestServer } from './support/server.ts';
import { storedPageUrl } from './support/page-match.ts';

const server = await startTestServer();
after(() => server.stop());

const SCREENSHOT = resolve(import.meta.dirname, '../../.tmp/sessions-view.png');

interface Row {
  readonly id: string;
  readonly name: string;
  readonly frames: number;
  readonly source: string;
  readonly pinned: boolean;
  readonly url: string;
}

interface StoredRow {
  readonly id: string;
  readonly name: string;
  readonly pageUrl: string;
  readonly frameCount: number;
  readonly pinned: boolean;
  readonly source: string;
  readonly deleted: boolean;
}

/** The rows the view shows, read from its DOM. */
function listed(page: Page): Promise<Row[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('tr.session-row')].map((r) => ({
      id: r.dataset['sessionId'] ?? '',
      name: r.querySelector('.name')?.textContent ?? '',
      frames: Number(r.querySelector<HTMLElement>('.frames')?.dataset['frames'] ?? NaN),
      source: r.querySelector('.badge')?.textContent ?? '',
      pinned: r.querySelector('.pin')?.getAttribute('aria-pressed') === 'true',
      url: r.querySelector('.page-url')?.textContent ?? '',
    })),
  );
}

/** Every session record in the extension's database (deleted ones included). */
function stored(page: Page): Promise<StoredRow[]> {
  return page.evaluate(
    () =>
      new Promise<StoredRow[]>((done, fail) => {
        const req = indexedDB.open('appsync-events-devtools-sessions');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const all = db.transaction('sessions').objectStore('sessions').getAll();
          all.onsuccess = () => {
            db.close();
            type S = { id: string; name: string; pageUrl: string; frameCount: number; pinned: boolean; source: string; deletedAt?: number };
            done((all.result as S[]).map((s) => ({ id: s.id, name: s.name, pageUrl: s.pageUrl, frameCount: s.frameCount, pinned: s.pinned, source: s.source, deleted: s.deletedAt !== undefined })));
          };
          all.onerror = () => fail(all.error);
        };
      }),
  );
}

/** Clicks the row's button whose accessible label starts with `action` (Open, Rename, …). */
// The list re-renders while it polls, so find and click the button in one step in the page
// rather than through an element handle that may belong to a replaced row.
async function clickRowButton(page: Page, id: string, action: string): Promise<void> {
  await waitFor(
    () =>
      page.evaluate(
        (sel: string) => {
          // A row's buttons are disabled while an operation on it (e.g. an export) runs.
          const button = document.querySelector<HTMLButtonElement>(sel);
          if (!button || button.disabled) return false;
          button.click();
          return true;
        },
        `tr[data-session-id="${id}"] button[aria-label^="${action} "]`,
      ),
    { what: `${action} button` },
  );
}

/**
 * Keeps what the view downloads: the export goes through an `<a download>` click on a Blob
 * URL, so the test reads that Blob in the page instead of the browser's download folder.
 */
async function interceptDownloads(page: Page): Promise<void> {
  await page.evaluate(() => {
    type W = { __downloads?: Array<Promise<{ name: string; text: string }>> };
    const w = window as unknown as W;
    if (w.__downloads) return;
    const downloads: Array<Promise<{ name: string; text: string }>> = [];
    w.__downloads = downloads;
    const original = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (!this.download || !this.href.startsWith('blob:')) return original.call(this);
      const name = this.download;
      downloads.push(fetch(this.href).then(async (r) => ({ name, text: await r.text() })));
    };
  });
}

async function downloads(page: Page, count: number): Promise<Array<{ name: string; text: string }>> {
  await waitFor(() => page.evaluate((n: number) => ((window as unknown as { __downloads: unknown[] }).__downloads.length >= n), count), { what: `${count} downloads` });
  return page.evaluate(() => Promise.all((window as unknown as { __downloads: Array<Promise<{ name: string; text: string }>> }).__downloads));
}

/**
 * Imports through the file input (where the driver cannot set files, or when asked, by
 * dropping a File built in the page on the view, as a drag from the desktop would).
 */
async function importFile(t: TestContext, page: Page, path: string, text: string, name: string, via: 'input' | 'drop' = 'input'): Promise<void> {
  const input = await page.$('input[data-testid="import-input"]');
  assert.ok(input, 'the view has a file input');
  if (via === 'input') {
    try {
      await input.uploadFile(path);
      return;
    } catch (e) {
      t.diagnostic(`uploadFile is not available here (${String(e).slice(0, 120)}); dropping the file on the view`);
    }
  }
  await page.evaluate(
    (content: string, fileName: string) => {
      const data = new DataTransfer();
      data.items.add(new File([content], fileName));
      const view = document.querySelector('[data-testid="sessions-view"]')!;
      for (const type of ['dragenter', 'dragover', 'drop']) view.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
    },
    text,
    name,
  );
}

/** Opens a fixture page and a panel for its tab, so the background records it. */
type Opener = Pick<ExtensionBrowser, 'browser' | 'openExtensionPage'>;

async function record(eb: Opener, fixture: string, channel: string): Promise<{ page: Page; panel: Page; url: string; shown: number }> {
  const page = await eb.browser.newPage();
  const url = server.pageUrl(fixture, `channel=${encodeURIComponent(channel)}`);
  await page.goto(url);
  await waitFor(() => page.evaluate(() => (window as unknown as { __ready: boolean }).__ready), { what: 'page subscribed' });
  const probe = await eb.openExtensionPage('extension/panel/panel.html');
  const tabId = await tabIdOf(probe, url);
  await probe.close();
  const panel = await eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}`);
  await waitFor(async () => (await recordCount(panel)) >= 6, { what: 'handshake recorded' });
  await page.evaluate((ch: string) => (window as unknown as { __appsync: { post(c: string, e: unknown[]): Promise<string> } }).__appsync.post(ch, [{ n: 1 }, { n: 2 }, { n: 3 }]), channel);
  // Three data frames and the HTTP publish, acknowledged (the panel shows stored records only).
  const shown = await waitFor(async () => {
    const n = await recordCount(panel);
    return n >= 10 ? n : null;
  }, { what: 'publish recorded' });
  return { page, panel, url, shown };
}

async function openSessionsTab(eb: Opener): Promise<Page> {
  const page = await eb.openExtensionPage('extension/panel/panel.html');
  await page.setViewport({ width: 1100, height: 600 });
  await (await waitFor(() => page.$('#tab-sessions'), { what: 'Sessions tab' })).click();
  await waitFor(() => page.$('[data-testid="sessions-view"], [data-testid="sessions-empty"]'), { what: 'sessions view' });
  return page;
}

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`sessions view (${name})`, () => {
    let eb: ExtensionBrowser;
    let work: string;
    before(async () => {
      eb = await launch(name);
      work = mkdtempSync(join(tmpdir(), 'aedt-sessions-'));
    });
    after(async () => {
      await eb?.close();
      rmSync(work, { recursive: true, force: true });
    });

    test('lists, renames, pins, exports, imports and deletes with undo', async (t) => {
      const live = await record(eb, 'capture-socket.html', `/default/sessions-${name}`);
      const view = await openSessionsTab(eb);
      t.after(() => Promise.all([live.page.close(), live.panel.close(), view.close()]).catch(() => {}));

      // Listed with the frame count that is stored (keep-alives may still add frames).
      const row = await waitFor(async () => {
        const [db, rows] = await Promise.all([stored(view), listed(view)]);
        const mine = rows.find((r) => r.url === storedPageUrl(live.url));
        const s = db.find((x) => x.pageUrl === storedPageUrl(live.url));
        return mine && s && mine.frames === s.frameCount ? mine : null;
      }, { what: 'recorded session listed with its stored frame count' });
      assert.ok(row.frames >= live.shown, `listed ${row.frames}, acknowledged ${live.shown}`);
      assert.equal(row.source, 'Live');

      // Rename inline: the field opens focused with the name selected; Enter saves.
      await clickRowButton(view, row.id, 'Rename');
      await waitFor(() => view.evaluate(() => document.activeElement?.classList.contains('rename')), { what: 'rename field focused' });
      await view.keyboard.type(`E2E ${name}`);
      await view.keyboard.press('Enter');
      await waitFor(async () => (await listed(view)).find((r) => r.id === row.id)?.name === `E2E ${name}`, { what: 'renamed row' });
      await waitFor(async () => (await stored(view)).find((s) => s.id === row.id)?.name === `E2E ${name}`, { what: 'rename stored' });

      await clickRowButton(view, row.id, 'Pin');
      await waitFor(async () => (await listed(view))[0]?.id === row.id && (await listed(view))[0]?.pinned, { what: 'pinned row first' });
      assert.equal((await stored(view)).find((s) => s.id === row.id)?.pinned, true);

      // Export in our format and as HAR, caught in the page.
      await interceptDownloads(view);
      const frames = (await stored(view)).find((s) => s.id === row.id)!.frameCount;
      for (const kind of ['session', 'har']) {
        await clickRowButton(view, row.id, 'Export');
        await waitFor(() => view.evaluate((k: string) => {
          const input = document.querySelector<HTMLInputElement>(`.export-dialog input[value="${k}"]`);
          input?.click();
          return input?.checked === true;
        }, kind), { what: 'export dialog' });
        await waitFor(() => view.evaluate(() => {
          const button = document.querySelector<HTMLButtonElement>('.export-dialog button.primary:not([disabled])');
          button?.click();
          return button !== null;
        }), { what: 'Export enabled' });
      }
      const [file, har] = await downloads(view, 2);
      assert.equal(file!.name, `E2E ${name}.aesession.jsonl`);
      const lines = file!.text.trim().split('\n');
      assert.equal(JSON.parse(lines[0]!).session.name, `E2E ${name}`);
      assert.deepEqual(JSON.parse(lines.at(-1)!), { end: { frames } });
      assert.equal(har!.name, `E2E ${name}.har`);
      assert.ok(JSON.parse(har!.text).log.entries.length >= 2);

      // Import the exported file: a second session with the same frames.
      const path = join(work, file!.name);
      writeFileSync(path, file!.text);
      await importFile(t, view, path, file!.text, file!.name);
      const copy = await waitFor(async () => (await listed(view)).find((r) => r.source === 'Imported' && r.name === `E2E ${name}`), { what: 'imported copy listed' });
      assert.equal(copy.frames, frames);
      assert.match((await view.$eval('[data-testid="sessions-notice"]', (e) => e.textContent)) ?? '', new RegExp(`Imported “E2E ${name}” \\(${frames} frames\\)`));
      const harPath = join(work, har!.name);
      writeFileSync(harPath, har!.text);
      await importFile(t, view, harPath, har!.text, har!.name, 'drop');
      await waitFor(async () => (await listed(view)).filter((r) => r.source === 'Imported').length === 2, { what: 'HAR import listed' });

      if (name === 'chromium') {
        mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
        await view.screenshot({ path: SCREENSHOT });
      }

      // Delete with undo, then delete for good once the undo window has passed.
      await clickRowButton(view, copy.id, 'Delete');
      await waitFor(async () => !(await listed(view)).some((r) => r.id === copy.id), { what: 'deleted row hidden' });
      assert.equal((await stored(view)).find((s) => s.id === copy.id)?.deleted, true);
      await (await waitFor(() => view.$('[data-testid="undo-toast"] button'), { what: 'Undo toast' })).click();
      await waitFor(async () => (await listed(view)).some((r) => r.id === copy.id), { what: 'row restored' });
      assert.equal((await stored(view)).find((s) => s.id === copy.id)?.deleted, false);

      await clickRowButton(view, copy.id, 'Delete');
      await waitFor(async () => !(await stored(view)).some((s) => s.id === copy.id), { what: 'purged after the undo window', timeout: 20_000 });
      assert.equal(await view.$('[data-testid="undo-toast"]'), null);
      assert.ok((await listed(view)).some((r) => r.id === row.id), 'the original stays');
    });

    test('a HAR with one bad entry: the rest is imported, the warnings list names the entry', async (t) => {
      const view = await openSessionsTab(eb);
      t.after(() => view.close().catch(() => {}));
      const t0 = Date.parse('2026-01-01T00:00:01.000Z') / 1000;
      const socket = (url: string, n: number) => ({
        startedDateTime: new Date(t0 * 1000).toISOString(),
        time: 5000,
        request: { method: 'GET', url, headers: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws' }] },
        response: { status: 101, headers: [{ name: 'Sec-WebSocket-Protocol', value: 'aws-appsync-event-ws' }] },
        _resourceType: 'websocket',
        _webSocketMessages: Array.from({ length: n }, (_, i) => ({ type: 'receive', time: t0 + i / 1000, opcode: 1, data: '{"type":"ka"}' })),
      });
      const harName = `bad-entry-${name}.har`;
      const text = JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 'WebInspector', version: '537.36' },
          comment: `HAR with a bad entry ${name}`,
          // Entry 1 has no request: skipped, with a warning naming entry 1.
          entries: [socket('wss://a.test/event/realtime', 2000), { startedDateTime: new Date(t0 * 1000).toISOString(), _resourceType: 'websocket', _webSocketMessages: [] }, socket('wss://b.test/event/realtime', 3)],
        },
      });
      const path = join(work, harName);
      writeFileSync(path, text);
      const started: string[] = [];
      if (name === 'chromium') view.on('workercreated', (w) => started.push(w.url()));
      await importFile(t, view, path, text, harName);
      const row = await waitFor(async () => (await listed(view)).find((r) => r.name === `HAR with a bad entry ${name}`), { what: 'HAR with a bad entry imported' });
      // Two sockets: connecting + open + messages each.
      assert.equal(row.frames, 2 + 2000 + 2 + 3);
      const items = await waitFor(async () => {
        const li = await view.$$eval('[data-testid="import-warnings"] li', (es) => es.map((e) => ({ code: e.getAttribute('data-code'), text: e.textContent ?? '' })));
        return li.length > 0 ? li : null;
      }, { what: 'import warnings list' });
      assert.equal(items.length, 1, JSON.stringify(items));
      assert.equal(items[0]!.code, 'skipped');
      assert.match(items[0]!.text, /^entry 1: entry skipped: log\.entries\[1\]\.request must be an object/);
      assert.match((await view.$eval('[data-testid="import-warnings"] summary', (e) => e.textContent)) ?? '', new RegExp(`1 item of “${harName}” skipped`));
      assert.match((await view.$eval('[data-testid="sessions-notice"]', (e) => e.textContent)) ?? '', /with 1 warning/);
      // Parsed off the UI thread: the panel started its import worker, and ended it once the
      // job was done so that its heap leaves the panel (the driver sees a page's workers in
      // Chromium only).
      if (name === 'chromium') {
        const isJobWorker = (u: string): boolean => /\/assets\/sessions-worker-[\w-]+\.js$/.test(u);
        assert.ok(started.some(isJobWorker), `workers started: ${started.join(', ')}`);
        await waitFor(async () => (view.workers().some((w) => isJobWorker(w.url())) ? null : true), { what: 'import worker ended' });
      }
    });

    test('opens a session in the inspector and filters its frames by text', async (t) => {
      const live = await record(eb, 'capture-socket.html', `/default/frames-${name}`);
      const view = await openSessionsTab(eb);
      t.after(() => Promise.all([live.page.close(), live.panel.close(), view.close()]).catch(() => {}));
      const row = await waitFor(async () => (await listed(view)).find((r) => r.url === storedPageUrl(live.url)), { what: 'session listed' });
      await clickRowButton(view, row.id, 'Open');
      // The inspector shows it, picked in its session picker.
      await waitFor(() => view.evaluate((id: string) => document.querySelector<HTMLSelectElement>('select[aria-label="Session"]')?.value === id, row.id), { what: 'session picked in the inspector' });
      const types = await waitFor(async () => {
        const ts = await view.$$eval('.frow:not(.head) .type', (es) => es.map((e) => e.textContent));
        return ts.length >= 6 ? ts : null;
      }, { what: 'frame rows' });
      assert.deepEqual(types.slice(0, 2), ['connecting', 'open']);
      await view.type('input[type="search"]', '"n\\":2');
      await view.keyboard.press('Enter');
      // The publish request and the delivered data frame both contain the second event.
      await waitFor(async () => (await view.$eval('[data-testid="shown-count"]', (e) => e.textContent).catch(() => null)) === '2', { what: 'filtered frames' });
    });

    if (name === 'chromium') {
      test('an acknowledged batch survives a browser restart', async (t) => {
        const profile = mkdtempSync(join(tmpdir(), 'aedt-profile-'));
        t.after(() => rmSync(profile, { recursive: true, force: true }));
        const first = await launchChromiumProfile(profile);
        let acked: { url: string; shown: number };
        try {
          const live = await record(first, 'capture-socket.html', '/default/restart');
          acked = { url: live.url, shown: live.shown };
        } finally {
          // A graceful close: the browser shuts down as a user would quit it.
          await first.browser.close();
        }
        const second = await launchChromiumProfile(profile);
        try {
          const view = await openSessionsTab(second);
          const row = await waitFor(async () => (await listed(view)).find((r) => r.url === storedPageUrl(acked.url)), { what: 'session after restart' });
          assert.ok(row.frames >= acked.shown, `after restart ${row.frames} frames, acknowledged ${acked.shown}`);
          await clickRowButton(view, row.id, 'Open');
          const count = await waitFor(async () => {
            const text = await view.$eval('[data-testid="record-count"]', (e) => e.textContent ?? '').catch(() => '');
            return /^(\d+)$/.exec(text)?.[1];
          }, { what: 'frames after restart' });
          assert.equal(Number(count), row.frames);
          const types = await waitFor(async () => {
            const ts = await view.$$eval('.frow:not(.head) .type', (es) => es.map((e) => e.textContent));
            return ts.length === row.frames || ts.length >= 10 ? ts : null;
          }, { what: 'frame rows after restart' });
          assert.ok(types.includes('subscribe_success') && types.includes('data'), types.join(','));
        } finally {
          await second.browser.close();
        }
      });
    }
  });
}

/** Chromium with the extension and a profile that outlives the browser (for restarts). */
async function launchChromiumProfile(profile: string): Promise<Opener & { browser: Browser }> {
  const dir = distDir('chromium');
  const browser = await puppeteer.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: true,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--disable-extensions-except=${dir}`,
      `--load-extension=${dir}`,
      'about:blank',
    ],
    pipe: true,
    networkEnabled: false,
  });
  return {
    browser,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/${path}`);
      return page;
    },
  };
}
