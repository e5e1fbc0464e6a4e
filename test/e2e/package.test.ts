// `npm run package`: the Chrome zip and the Firefox XPI carry package.json's version, every
// icon size and no source maps, pass `web-ext lint` with no warning, and install: the zip
// unpacked in Chromium, the XPI itself in Firefox. Packages the build of `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import extract from 'extract-zip';
import { CHROME_EXTENSION_ID, FIREFOX_UUID, GECKO_ID, gotoExtensionPage, launchBrowser, waitFor } from '../../scripts/lib/browser-launch.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const zip = join(ROOT, 'artifacts', `${name}-chrome-${version}.zip`);
const xpi = join(ROOT, 'artifacts', `${name}-firefox-${version}.xpi`);
const ICON_SIZES = ['16', '32', '48', '96', '128'];

function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe('npm run package', () => {
  const unpacked: Record<'chrome' | 'firefox', string> = { chrome: '', firefox: '' };
  before(async () => {
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--no-build'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /errors\s+0[\s\S]*warnings\s+0/);
    for (const [kind, file] of [['chrome', zip], ['firefox', xpi]] as const) {
      unpacked[kind] = mkdtempSync(join(tmpdir(), `aedt-pkg-${kind}-`));
      await extract(file, { dir: unpacked[kind] });
    }
  });
  after(() => {
    for (const dir of Object.values(unpacked)) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('both packages: package.json version, icons at every size, no source maps', () => {
    for (const dir of Object.values(unpacked)) {
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version: string; icons: Record<string, string> };
      assert.equal(m.version, version);
      assert.deepEqual(Object.keys(m.icons).sort((a, b) => Number(a) - Number(b)), ICON_SIZES);
      for (const icon of Object.values(m.icons)) assert.ok(existsSync(join(dir, icon)), icon);
      assert.deepEqual(files(dir).filter((f) => f.endsWith('.map')), []);
    }
  });

  test('the Chrome zip, unpacked, loads in Chromium', async () => {
    const lb = await launchBrowser('chromium', { headless: true, extensionDir: unpacked.chrome });
    try {
      const worker = await lb.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`), { timeout: 20_000 });
      assert.ok(worker);
      const page = await lb.browser.newPage();
      await gotoExtensionPage(page, `chrome-extension://${CHROME_EXTENSION_ID}/extension/panel/panel.html?tabId=-1`);
      assert.equal(await page.title(), 'AppSync Events');
    } finally {
      await lb.close();
    }
  });

  test('the Firefox XPI installs as it is', async () => {
    const lb = await launchBrowser('firefox', { headless: true, extension: false });
    try {
      const bidi = (lb.browser as unknown as { connection: { send(m: string, p: object): Promise<{ result: { extension: string } }> } }).connection;
      const installed = await bidi.send('webExtension.install', { extensionData: { type: 'archivePath', path: xpi } });
      assert.equal(installed.result.extension, GECKO_ID);
      const page = await lb.browser.newPage();
      await gotoExtensionPage(page, `moz-extension://${FIREFOX_UUID}/extension/panel/panel.html?tabId=-1`);
      assert.equal(await waitFor(() => page.evaluate(() => document.title || null)), 'AppSync Events');
    } finally {
      await lb.close();
    }
  });
});
