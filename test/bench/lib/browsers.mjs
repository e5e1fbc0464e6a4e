// Launching Debian's chromium (CDP) and firefox-esr (WebDriver BiDi) for the benchmarks,
// with the command line, preferences and extension ids of scripts/lib/browser-launch.ts
// (the one definition, also used by `npm start` and the e2e tests; its flags include those
// of the perf anchors, so a headless tab behaves like a foreground one). What is the
// bench's own: every browser is registered so it is killed (with its whole process tree)
// when the benchmark exits, whatever happens, and puppeteer's protocol timeout is longer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { tsImport } from 'tsx/esm/api';
import { descendants } from './proc.mjs';
import { waitFor } from './util.mjs';

// The benchmarks are plain node scripts; tsx loads the TypeScript module for them.
const launch = await tsImport('../../../scripts/lib/browser-launch.ts', import.meta.url);
export const { CHROME_EXTENSION_ID, GECKO_ID, FIREFOX_UUID } = launch;

const live = new Set(); // pids of running browsers

function killTree(pid) {
  for (const p of [...descendants(pid).reverse(), pid]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

let hooked = false;
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pid of live) killTree(pid);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const pid of live) killTree(pid);
      process.exit(130);
    });
  }
}

/** `extensionDir`: load this unpacked extension; null: no extension at all. */
export async function launchChromium({ extensionDir = null, extraArgs = [] } = {}) {
  hookExit();
  const profile = mkdtempSync(join(tmpdir(), 'aedt-bench-chromium-'));
  const args = launch.chromiumArgs({ headless: true, profile, extensionDir, extraArgs });
  const browser = await puppeteer.launch({
    executablePath: launch.findBrowser('chromium') ?? '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: true,
    args: [...args, 'about:blank'],
    pipe: true,
    // puppeteer enables network monitoring on every page by default: about half the throughput.
    networkEnabled: false,
    protocolTimeout: 120_000,
  });
  const pid = browser.process()?.pid;
  if (pid) live.add(pid);
  const origin = `chrome-extension://${CHROME_EXTENSION_ID}`;
  return {
    name: 'chromium',
    browser,
    pid,
    extensionOrigin: origin,
    async firstPage() {
      return (await browser.pages())[0] ?? browser.newPage();
    },
    /** Opens an extension page in its own window, so both it and the app page are visible. */
    async openExtensionPage(path) {
      const page = await browser.newPage({ type: 'window' });
      await page.goto(`${origin}/${path}`);
      return page;
    },
    async gotoExtensionPage(page, path) {
      await page.goto(`${origin}/${path}`);
    },
    async close() {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      if (pid) {
        killTree(pid);
        live.delete(pid);
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function launchFirefox({ extensionDir = null } = {}) {
  hookExit();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: launch.findBrowser('firefox') ?? '/usr/bin/firefox-esr',
    headless: true,
    args: launch.firefoxArgs(true),
    extraPrefsFirefox: { ...launch.FIREFOX_PREFS },
    protocolTimeout: 120_000,
  });
  const pid = browser.process()?.pid;
  if (pid) live.add(pid);
  if (extensionDir) await browser.installExtension(extensionDir);
  const origin = `moz-extension://${FIREFOX_UUID}`;
  // Firefox over BiDi loads moz-extension:// pages but never resolves the navigation:
  // start it and wait for the document instead.
  const gotoExt = async (page, path) => {
    const url = `${origin}/${path}`;
    page.goto(url, { timeout: 5000 }).catch(() => {});
    await waitFor(async () => (await page.evaluate(() => document.readyState !== 'loading' && location.href).catch(() => null)) === url, {
      what: `extension page ${url}`,
    });
  };
  return {
    name: 'firefox',
    browser,
    pid,
    extensionOrigin: origin,
    async firstPage() {
      return (await browser.pages())[0] ?? browser.newPage();
    },
    async openExtensionPage(path) {
      const page = await browser.newPage({ type: 'window' }).catch(() => browser.newPage());
      await gotoExt(page, path);
      return page;
    },
    gotoExtensionPage: gotoExt,
    async close() {
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      if (pid) {
        killTree(pid);
        live.delete(pid);
      }
    },
  };
}

/** The browser's id of the tab showing `url`, asked from an extension page. */
export async function tabIdOf(extensionPage, url) {
  return waitFor(
    () =>
      extensionPage.evaluate(async (u) => {
        const api = globalThis.browser ?? globalThis.chrome;
        const tabs = await api.tabs.query({});
        return tabs.find((t) => t.url === u)?.id ?? null;
      }, url),
    { what: `tab id of ${url}` },
  );
}

/** The panel's own record counter (`[data-testid="record-count"]`), or -1. */
export async function recordCount(panel) {
  const text = await panel.evaluate(() => document.querySelector('[data-testid="record-count"]')?.textContent ?? '');
  const m = /^(\d+)/.exec(text.trim());
  return m ? Number(m[1]) : -1;
}

/**
 * Opens the panel for the tab currently showing `pageUrl`: an extension page finds the tab
 * id, then becomes `panel.html?tabId=N`; resolves once the panel shows it is recording.
 */
export async function openPanelFor(eb, pageUrl) {
  const panel = await eb.openExtensionPage('extension/panel/panel.html');
  const tabId = await tabIdOf(panel, pageUrl);
  await eb.gotoExtensionPage(panel, `extension/panel/panel.html?tabId=${tabId}`);
  await waitFor(() => panel.evaluate(() => document.querySelector('.rec.on') !== null), { what: 'panel recording', timeout: 20_000 });
  return { panel, tabId };
}
