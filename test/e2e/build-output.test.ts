// What the build ships, per browser: runs after `npm run build` (as npm test does).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, GECKO_ID } from './support/browsers.ts';

type Manifest = {
  manifest_version: number;
  key?: string;
  background: { service_worker?: string; scripts?: string[] };
  content_scripts: Array<{ js: string[]; run_at: string; world?: string; all_frames: boolean; match_about_blank?: boolean }>;
  browser_specific_settings?: { gecko?: { id: string; strict_min_version: string } };
  devtools_page: string;
};

const read = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

describe('build output', () => {
  test('both builds: MV3, devtools page, and document_start scripts that are self-contained bundles', () => {
    for (const name of ['chromium', 'firefox'] as const) {
      const dir = distDir(name);
      const m = read(dir);
      assert.equal(m.manifest_version, 3);
      assert.ok(existsSync(join(dir, m.devtools_page)), `${name}: devtools page exists`);
      const hook = m.content_scripts.find((c) => c.world === 'MAIN');
      assert.ok(hook, `${name}: a MAIN-world content script`);
      for (const script of m.content_scripts) {
        assert.equal(script.run_at, 'document_start');
        assert.equal(script.all_frames, true);
        assert.equal(script.match_about_blank, true);
        for (const file of script.js) {
          const code = readFileSync(join(dir, file), 'utf8');
          // An IIFE with no module syntax: runs synchronously at document_start.
          assert.ok(!/^\s*import[\s{*]/m.test(code) && !/\bimport\(/.test(code), `${name}: ${file} has no imports`);
        }
      }
    }
  });

  test('Chrome: service worker and a key for a stable id; Firefox: background scripts and a gecko id', () => {
    const chrome = read(distDir('chromium'));
    assert.ok(chrome.background.service_worker);
    assert.ok(chrome.key && chrome.key.length > 100);
    assert.equal(chrome.browser_specific_settings, undefined);
    const firefox = read(distDir('firefox'));
    assert.ok(firefox.background.scripts?.length);
    assert.equal(firefox.background.service_worker, undefined);
    assert.equal(firefox.key, undefined);
    assert.equal(firefox.browser_specific_settings?.gecko?.id, GECKO_ID);
    assert.equal(firefox.browser_specific_settings?.gecko?.strict_min_version, '140.0');
  });
});
