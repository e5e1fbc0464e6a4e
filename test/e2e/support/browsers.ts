// Real browsers with the built extension loaded: Debian's chromium over CDP and firefox-esr
// over WebDriver BiDi, both through puppeteer-core, both headless. The launch itself lives in
// scripts/lib/browser-launch.ts, shared with `npm start`.
import { resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import {
  CHROME_EXTENSION_ID,
  FIREFOX_UUID,
  GECKO_ID,
  bundleForPage,
  distDir as launchDistDir,
  gotoExtensionPage,
  launchBrowser,
  waitFor,
} from '../../../scripts/lib/browser-launch.ts';

export { CHROME_EXTENSION_ID, FIREFOX_UUID, GECKO_ID, waitFor };

export type BrowserName = 'chromium' | 'firefox';

export interface ExtensionBrowser {
  readonly name: BrowserName;
  readonly browser: Browser;
  readonly extensionOrigin: string;
  /** Opens an extension page (path from the extension root) in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export function distDir(name: BrowserName): string {
  return launchDistDir(name);
}

/** `extensionDir`: another build of the extension to load (default: dist/<browser>). */
export async function launch(name: BrowserName, opts: { extension?: boolean; devtools?: boolean; extensionDir?: string } = {}): Promise<ExtensionBrowser> {
  const launched = await launchBrowser(name, { headless: true, extension: opts.extension ?? true, devtools: opts.devtools ?? false, ...(opts.extensionDir ? { extensionDir: opts.extensionDir } : {}) });
  const { browser, extensionOrigin } = launched;
  return {
    name,
    browser,
    extensionOrigin,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await gotoExtensionPage(page, `${extensionOrigin}/${path}`);
      return page;
    },
    close: () => launched.close(),
  };
}

/** The browser's tab id of the tab showing `url`, asked from an extension page. */
export async function tabIdOf(extensionPage: Page, url: string): Promise<number> {
  return waitFor(
    () =>
      extensionPage.evaluate(async (u: string) => {
        type Tabs = { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } };
        const g = globalThis as unknown as { browser?: Tabs; chrome?: Tabs };
        const tabs = await (g.browser ?? g.chrome)!.tabs.query({});
        return tabs.find((t) => t.url === u)?.id ?? null;
      }, url),
    { what: `tab id of ${url}` },
  );
}

/** Opens the panel as a page bound to `tabId` (the same app DevTools shows). */
export async function openPanel(eb: ExtensionBrowser, tabId: number): Promise<Page> {
  return eb.openExtensionPage(`extension/panel/panel.html?tabId=${tabId}`);
}

export async function recordCount(panel: Page): Promise<number> {
  const text = await panel.evaluate(() => document.querySelector('[data-testid="record-count"]')?.textContent ?? '');
  const m = /^(\d+)/.exec(text.trim());
  return m ? Number(m[1]) : -1;
}

export interface StoredSessionInfo {
  readonly id: string;
  readonly pageUrl: string;
  readonly frameCount: number;
  readonly state: string;
}

/** The sessions in the extension's IndexedDB, read from an extension page (same origin). */
export async function storedSessions(extensionPage: Page): Promise<StoredSessionInfo[]> {
  return withReader(extensionPage, 'sessions', '') as Promise<StoredSessionInfo[]>;
}

/** The `data` frames stored for sessions of `pageUrl`, as their event texts, in stored order. */
export async function storedDataEvents(extensionPage: Page, pageUrl: string): Promise<string[]> {
  return withReader(extensionPage, 'storedEvents', pageUrl) as Promise<string[]>;
}

/** The `data` and `publish` frames stored for sessions of `pageUrl`: type, text and frame flags (FrameFlag). */
export async function storedMessageFlags(extensionPage: Page, pageUrl: string): Promise<StoredMessageInfo[]> {
  return withReader(extensionPage, 'storedMessageFlags', pageUrl) as Promise<StoredMessageInfo[]>;
}

type StoredMessageInfo = { type: string; text: string; flags: number };

/** HTTP publishes stored for sessions of `pageUrl`. */
export async function storedHttpPublishes(extensionPage: Page, pageUrl: string): Promise<HttpPublishInfo[]> {
  return withReader(extensionPage, 'storedHttp', pageUrl) as Promise<HttpPublishInfo[]>;
}

type HttpPublishInfo = { via?: string; body?: string; status?: number };
interface IdbReader {
  sessions(): Promise<StoredSessionInfo[]>;
  storedEvents(pageUrl: string): Promise<string[]>;
  storedMessageFlags(pageUrl: string): Promise<StoredMessageInfo[]>;
  storedHttp(pageUrl: string): Promise<HttpPublishInfo[]>;
}

/** Calls one reader function in the page, loading the bundled reader on first use. */
async function withReader(page: Page, method: keyof IdbReader, arg: string): Promise<unknown> {
  if (!(await page.evaluate(() => '__idbReader' in globalThis))) await page.evaluate(await idbReaderBundle());
  return page.evaluate(
    (m: string, a: string) => (globalThis as unknown as { __idbReader: Record<string, (x: string) => Promise<unknown>> }).__idbReader[m]!(a),
    method,
    arg,
  );
}

let readerCode: Promise<string> | null = null;
function idbReaderBundle(): Promise<string> {
  readerCode ??= bundleForPage(resolve(import.meta.dirname, 'idb-reader.ts'));
  return readerCode;
}
