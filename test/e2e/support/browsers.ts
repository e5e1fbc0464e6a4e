// Real browsers with the built extension loaded: Debian's chromium over CDP and firefox-esr
// over WebDriver BiDi, both through puppeteer-core, both headless.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export type BrowserName = 'chromium' | 'firefox';

export const CHROME_EXTENSION_ID = 'hnicpfkppibcdpefmmgjaidfggmcgide';
export const GECKO_ID = 'appsync-events-devtools@appsync-events-devtools.dev';
// Firefox gives each install a random moz-extension UUID unless the profile pins it.
export const FIREFOX_UUID = '6f1c2a8e-0000-4000-8000-00000000a55e';

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface ExtensionBrowser {
  readonly name: BrowserName;
  readonly browser: Browser;
  readonly extensionOrigin: string;
  /** Opens an extension page (path from the extension root) in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export function distDir(name: BrowserName): string {
  return resolve(import.meta.dirname, '../../../dist', name === 'chromium' ? 'chrome' : 'firefox');
}

export async function launch(name: BrowserName, opts: { extension?: boolean; devtools?: boolean } = {}): Promise<ExtensionBrowser> {
  const withExtension = opts.extension ?? true;
  return name === 'chromium' ? launchChromium(withExtension, opts.devtools ?? false) : launchFirefox(withExtension);
}

async function launchChromium(withExtension: boolean, devtools: boolean): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'aedt-chromium-'));
  const dir = distDir('chromium');
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`];
  if (withExtension) args.push(`--disable-extensions-except=${dir}`, `--load-extension=${dir}`);
  else args.push('--disable-extensions');
  if (devtools) args.push('--auto-open-devtools-for-tabs');
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: true,
    args: ['--headless=new', ...args, 'about:blank'],
    pipe: true,
    // puppeteer enables network monitoring by default, which halves WebSocket throughput.
    networkEnabled: false,
  });
  const extensionOrigin = `chrome-extension://${CHROME_EXTENSION_ID}`;
  return {
    name: 'chromium',
    browser,
    extensionOrigin,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await page.goto(`${extensionOrigin}/${path}`);
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefox(withExtension: boolean): Promise<ExtensionBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    // Lets BiDi navigate tabs to moz-extension:// pages and reach the DevTools toolbox.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  if (withExtension) await browser.installExtension(distDir('firefox'));
  const extensionOrigin = `moz-extension://${FIREFOX_UUID}`;
  return {
    name: 'firefox',
    browser,
    extensionOrigin,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      await gotoExtensionPage(page, `${extensionOrigin}/${path}`);
      return page;
    },
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

// Firefox over BiDi loads moz-extension:// pages but never resolves the navigation, so
// start it and wait for the document instead.
async function gotoExtensionPage(page: Page, url: string): Promise<void> {
  page.goto(url, { timeout: 5000 }).catch(() => {});
  await waitFor(async () => (await page.evaluate(() => document.readyState !== 'loading' && location.href).catch(() => null)) === url, {
    what: `extension page ${url}`,
  });
}

/** Polls a condition until it holds; never a fixed sleep. */
export async function waitFor<T>(fn: () => Promise<T | false | null | undefined> | T | false | null | undefined, opts: { timeout?: number; what?: string; interval?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeout ?? 15_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false && value !== null && value !== undefined) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.interval ?? 50));
  }
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

/** HTTP publishes stored for sessions of `pageUrl`. */
export async function storedHttpPublishes(extensionPage: Page, pageUrl: string): Promise<HttpPublishInfo[]> {
  return withReader(extensionPage, 'storedHttp', pageUrl) as Promise<HttpPublishInfo[]>;
}

type HttpPublishInfo = { via?: string; body?: string; status?: number };
interface IdbReader {
  sessions(): Promise<StoredSessionInfo[]>;
  storedEvents(pageUrl: string): Promise<string[]>;
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
  readerCode ??= import('esbuild').then(async (esbuild) => {
    const out = await esbuild.build({
      entryPoints: [resolve(import.meta.dirname, 'idb-reader.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2022',
      define: { 'import.meta.env.DEV': 'false' },
      logLevel: 'warning',
    });
    return out.outputFiles[0]!.text;
  });
  return readerCode;
}
