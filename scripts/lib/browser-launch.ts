// Launching a real browser with the built extension, and showing our panel in its DevTools.
// One module for `npm start` (windowed or headless) and the end-to-end tests, so both go
// through the same flags and the same DevTools steps. Node only; drives Debian's chromium
// (or Chrome) over CDP and firefox-esr (or Firefox) over WebDriver BiDi via puppeteer-core.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export type BrowserKind = 'chromium' | 'firefox';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Fixed by the manifest's `key`. */
export const CHROME_EXTENSION_ID = 'hnicpfkppibcdpefmmgjaidfggmcgide';
export const GECKO_ID = 'appsync-events-devtools@appsync-events-devtools.dev';
// Firefox gives each install a random moz-extension UUID unless the profile pins it.
export const FIREFOX_UUID = '6f1c2a8e-0000-4000-8000-00000000a55e';
/** DevTools names an extension panel by the extension origin and the title without spaces. */
export const CHROMIUM_PANEL_ID = `chrome-extension://${CHROME_EXTENSION_ID}AppSyncEvents`;
export const PANEL_TITLE = 'AppSync Events';

export function distDir(kind: BrowserKind): string {
  return join(ROOT, 'dist', kind === 'chromium' ? 'chrome' : 'firefox');
}

const CANDIDATES: Record<BrowserKind, readonly string[]> = {
  chromium: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'],
  firefox: ['firefox-esr', 'firefox'],
};
const EXTRA_PATHS: Record<BrowserKind, readonly string[]> = {
  chromium: ['/opt/google/chrome/chrome', '/snap/bin/chromium'],
  firefox: ['/opt/firefox/firefox', '/snap/bin/firefox'],
};

/** An installed browser of this kind: the env override, then PATH, then known locations. */
export function findBrowser(kind: BrowserKind): string | undefined {
  const env = kind === 'chromium' ? process.env.CHROMIUM_PATH : process.env.FIREFOX_PATH;
  if (env) return existsSync(env) ? env : undefined;
  const dirs = (process.env.PATH ?? '/usr/bin').split(delimiter).filter(Boolean);
  for (const name of CANDIDATES[kind]) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return EXTRA_PATHS[kind].find((p) => existsSync(p));
}

/** Which kind a browser binary is, from its name (for `--browser PATH`). */
export function kindOfBinary(path: string): BrowserKind {
  return /firefox|iceweasel|librewolf/i.test(path.split('/').pop() ?? '') ? 'firefox' : 'chromium';
}

/**
 * Chromium refuses to start as root with its sandbox on ("Running as root without
 * --no-sandbox is not supported"), so the sandbox goes off for root only.
 */
export function needsNoSandbox(): boolean {
  return process.getuid?.() === 0 || process.env.APPSYNC_DEVTOOLS_NO_SANDBOX === '1';
}

const CHROMIUM_FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface LaunchOptions {
  readonly headless: boolean;
  /** Load the built extension (default true). */
  readonly extension?: boolean;
  /** Chromium: load the extension from here instead of dist/chrome (an unpacked package). */
  readonly extensionDir?: string;
  /** Chromium: open DevTools for every tab. Firefox opens its toolbox on demand instead. */
  readonly devtools?: boolean;
  readonly executablePath?: string;
  /** Windowed Chromium: the window size. */
  readonly windowSize?: readonly [number, number];
  /** Chromium: DevTools docked at the bottom, this many pixels tall. */
  readonly devtoolsHeight?: number;
}

/**
 * DevTools keeps its dock side and split size in the profile's preferences (as JSON text);
 * a fresh profile would open it docked right in a third of the window, too narrow for a
 * frame table.
 */
function seedDevtoolsPreferences(profile: string, height: number): void {
  mkdirSync(join(profile, 'Default'), { recursive: true });
  const preferences = {
    currentDockState: JSON.stringify('bottom'),
    'inspector-view.split-view-state': JSON.stringify({ vertical: { size: 0 }, horizontal: { size: height } }),
  };
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ devtools: { preferences } }));
}

export interface LaunchedBrowser {
  readonly kind: BrowserKind;
  readonly browser: Browser;
  readonly extensionOrigin: string;
  close(): Promise<void>;
}

export async function launchBrowser(kind: BrowserKind, opts: LaunchOptions): Promise<LaunchedBrowser> {
  return kind === 'chromium' ? launchChromium(opts) : launchFirefox(opts);
}

/**
 * Chromium's command line, without the start URL: the one definition for `npm start`, the
 * e2e tests and the benchmarks (test/bench/lib/browsers.mjs).
 */
export function chromiumArgs(opts: { headless: boolean; profile: string; extensionDir: string | null; windowSize?: readonly [number, number]; devtools?: boolean; extraArgs?: readonly string[] }): string[] {
  const args = [...CHROMIUM_FLAGS, `--user-data-dir=${opts.profile}`];
  if (needsNoSandbox()) args.push('--no-sandbox');
  if (opts.headless) args.unshift('--headless=new');
  else args.push(`--window-size=${(opts.windowSize ?? [1440, 960]).join(',')}`);
  // --enable-unsafe-extension-debugging lets CDP load the extension where --load-extension
  // is ignored (branded Google Chrome since 137).
  if (opts.extensionDir) args.push(`--disable-extensions-except=${opts.extensionDir}`, `--load-extension=${opts.extensionDir}`, '--enable-unsafe-extension-debugging');
  else args.push('--disable-extensions');
  if (opts.devtools) args.push('--auto-open-devtools-for-tabs');
  args.push(...(opts.extraArgs ?? []));
  return args;
}

/** Firefox's preferences for a profile with the extension (its pinned UUID) and no first-run noise. */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.shell.checkDefaultBrowser': false,
  // The toolbox docked at the bottom leaves the panel the window's full width.
  'devtools.toolbox.host': 'bottom',
  'devtools.toolbox.footer.height': 440,
};

/** Firefox's arguments: BiDi may navigate tabs to moz-extension:// pages and reach the DevTools toolbox. */
export function firefoxArgs(headless: boolean): string[] {
  return ['--remote-allow-system-access', ...(headless ? [] : ['--width=1440', '--height=960'])];
}

async function launchChromium(opts: LaunchOptions): Promise<LaunchedBrowser> {
  const withExtension = opts.extension ?? true;
  const profile = mkdtempSync(join(tmpdir(), 'aedt-chromium-'));
  const dir = opts.extensionDir ?? distDir('chromium');
  const args = chromiumArgs({ headless: opts.headless, profile, extensionDir: withExtension ? dir : null, devtools: opts.devtools ?? false, ...(opts.windowSize ? { windowSize: opts.windowSize } : {}) });
  if (opts.devtoolsHeight) seedDevtoolsPreferences(profile, opts.devtoolsHeight);
  const browser = await puppeteer.launch({
    executablePath: opts.executablePath ?? findBrowser('chromium') ?? '/usr/bin/chromium',
    headless: opts.headless,
    ignoreDefaultArgs: true,
    args: [...args, 'about:blank'],
    pipe: true,
    defaultViewport: null,
    // puppeteer enables network monitoring by default, which halves WebSocket throughput.
    networkEnabled: false,
  });
  if (withExtension) {
    const worker = await browser
      .waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`), { timeout: 8000 })
      .catch(() => null);
    if (!worker) await browser.installExtension(dir);
  }
  return {
    kind: 'chromium',
    browser,
    extensionOrigin: `chrome-extension://${CHROME_EXTENSION_ID}`,
    async close() {
      await browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefox(opts: LaunchOptions): Promise<LaunchedBrowser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: opts.executablePath ?? findBrowser('firefox') ?? '/usr/bin/firefox-esr',
    headless: opts.headless,
    defaultViewport: null,
    args: firefoxArgs(opts.headless),
    extraPrefsFirefox: { ...FIREFOX_PREFS },
  });
  if (opts.extension ?? true) await browser.installExtension(distDir('firefox'));
  return {
    kind: 'firefox',
    browser,
    extensionOrigin: `moz-extension://${FIREFOX_UUID}`,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}

/** Polls a condition until it holds; never a fixed sleep. */
export async function waitFor<T>(
  fn: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  opts: { timeout?: number; what?: string; interval?: number } = {},
): Promise<T> {
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

// Firefox over BiDi loads moz-extension:// pages but never resolves the navigation, so
// start it and wait for the document instead.
export async function gotoExtensionPage(page: Page, url: string): Promise<void> {
  if (url.startsWith('chrome-extension://')) {
    await page.goto(url);
    return;
  }
  page.goto(url, { timeout: 5000 }).catch(() => {});
  await waitFor(async () => (await page.evaluate(() => document.readyState !== 'loading' && location.href).catch(() => null)) === url, {
    what: `extension page ${url}`,
  });
}

/**
 * Chromium: selects our panel (or the DevTools tool `panel`, e.g. `console`) in every open
 * DevTools window that lists it (each tab has its own, about:blank included) and, when
 * `dock` is given, docks DevTools there. Goes through
 * DevTools front-end internals, so callers keep it to launching and smoke tests.
 * Resolves with the number of DevTools windows showing the panel once at least `min` do.
 */
export async function showChromiumPanel(browser: Browser, opts: { min?: number; dock?: 'bottom' | 'right'; timeout?: number; panel?: string } = {}): Promise<number> {
  return waitFor(
    async () => {
      let shown = 0;
      for (const t of browser.targets()) {
        if (!t.url().startsWith('devtools://devtools/bundled/devtools_app.html')) continue;
        const dt = (await t.asPage()) as Page;
        const ok = await dt.evaluate(
          async (id: string, dock: string) => {
            try {
              // @ts-expect-error DevTools front-end module, resolved inside DevTools
              const UI = await import('./ui/legacy/legacy.js');
              const view = UI.InspectorView.InspectorView.instance();
              if (!view.tabbedPane.tabs.some((tab: { id: string }) => tab.id === id)) return false;
              if (dock) UI.DockController.DockController.instance().setDockSide(dock);
              await view.showPanel(id);
              return true;
            } catch {
              return false;
            }
          },
          opts.panel ?? CHROMIUM_PANEL_ID,
          opts.dock ?? '',
        );
        if (ok) shown++;
      }
      return shown >= (opts.min ?? 1) ? shown : null;
    },
    { what: 'our panel in DevTools', timeout: opts.timeout ?? 30_000, interval: 250 },
  );
}

interface BidiConnection {
  send(method: string, params: object): Promise<{ result: any }>;
}

/**
 * Firefox: opens the toolbox of the tab showing `pageUrl` (the page's own toolbox, not the
 * extension's) and selects our panel. Resolves with the selected panel's label.
 */
export async function showFirefoxPanel(browser: Browser, pageUrl: string): Promise<string | null> {
  const bidi = (browser as unknown as { connection: BidiConnection }).connection;
  const tree = await bidi.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 });
  const chromeContext = tree.result.contexts[0].context;
  const selected = await bidi.send('script.callFunction', {
    functionDeclaration: String(async (url: string) => {
      const g = globalThis as any;
      const { require } = g.ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
      const { gDevTools } = require('devtools/client/framework/devtools');
      const tab = g.gBrowser.tabs.find((t: any) => t.linkedBrowser.currentURI.spec === url);
      if (!tab) return null;
      g.gBrowser.selectedTab = tab;
      const toolbox = await gDevTools.showToolboxForTab(tab);
      for (let i = 0; i < 150; i++) {
        const id = [...toolbox.additionalToolDefinitions.keys()].find((k: string) => k.startsWith('webext-devtools-panel'));
        if (id) {
          await toolbox.selectTool(id);
          return toolbox.additionalToolDefinitions.get(id).label;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    }),
    awaitPromise: true,
    target: { context: chromeContext },
    arguments: [{ type: 'string', value: pageUrl }],
  });
  return (selected.result.result?.value as string | undefined) ?? null;
}

/** Bundles a browser-side module (esbuild, IIFE) so it can be evaluated in a page. */
export async function bundleForPage(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    define: { 'import.meta.env.DEV': 'false' },
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}
