// The pure parts of the shared browser launch: which binary is used, what kind a given
// binary is, when Chromium's sandbox goes off, and the one command line the benchmarks share.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { chromiumArgs, FIREFOX_PREFS, FIREFOX_UUID, GECKO_ID, findBrowser, firefoxArgs, kindOfBinary, needsNoSandbox } from '../../../scripts/lib/browser-launch.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function fakeBin(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'aedt-bin-'));
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n');
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

describe('findBrowser', () => {
  it('takes the first known name on PATH, Chromium before Chrome, ESR before Firefox', () => {
    const dir = fakeBin('google-chrome', 'chromium', 'firefox', 'firefox-esr');
    vi.stubEnv('PATH', dir);
    vi.stubEnv('CHROMIUM_PATH', '');
    vi.stubEnv('FIREFOX_PATH', '');
    expect(findBrowser('chromium')).toBe(join(dir, 'chromium'));
    expect(findBrowser('firefox')).toBe(join(dir, 'firefox-esr'));
  });

  it('finds Google Chrome when there is no Chromium', () => {
    const dir = fakeBin('google-chrome-stable');
    vi.stubEnv('PATH', dir);
    vi.stubEnv('CHROMIUM_PATH', '');
    expect(findBrowser('chromium')).toBe(join(dir, 'google-chrome-stable'));
  });

  it('honours CHROMIUM_PATH / FIREFOX_PATH, and reports a missing one as not found', () => {
    const dir = fakeBin('my-chrome');
    vi.stubEnv('CHROMIUM_PATH', join(dir, 'my-chrome'));
    vi.stubEnv('FIREFOX_PATH', join(dir, 'nope'));
    expect(findBrowser('chromium')).toBe(join(dir, 'my-chrome'));
    expect(findBrowser('firefox')).toBeUndefined();
  });
});

describe('kindOfBinary', () => {
  it('tells Firefox from Chromium-family binaries by name', () => {
    expect(kindOfBinary('/usr/bin/firefox-esr')).toBe('firefox');
    expect(kindOfBinary('/opt/firefox/firefox')).toBe('firefox');
    expect(kindOfBinary('/usr/bin/google-chrome')).toBe('chromium');
    expect(kindOfBinary('/snap/bin/chromium')).toBe('chromium');
    expect(kindOfBinary('/opt/firefox-dir/chrome')).toBe('chromium');
  });
});

describe('needsNoSandbox', () => {
  it('is true for root only, unless asked for', () => {
    vi.stubEnv('APPSYNC_DEVTOOLS_NO_SANDBOX', '');
    vi.spyOn(process, 'getuid').mockReturnValue(0);
    expect(needsNoSandbox()).toBe(true);
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    expect(needsNoSandbox()).toBe(false);
    vi.stubEnv('APPSYNC_DEVTOOLS_NO_SANDBOX', '1');
    expect(needsNoSandbox()).toBe(true);
  });
});

describe('the command lines', () => {
  it('Chromium: headless or windowed, with or without the extension, extra flags last', () => {
    const withExt = chromiumArgs({ headless: true, profile: '/p', extensionDir: '/ext', extraArgs: ['--enable-precise-memory-info'] });
    expect(withExt[0]).toBe('--headless=new');
    expect(withExt).toContain('--user-data-dir=/p');
    expect(withExt).toContain('--load-extension=/ext');
    expect(withExt).toContain('--disable-renderer-backgrounding');
    expect(withExt.at(-1)).toBe('--enable-precise-memory-info');
    const bare = chromiumArgs({ headless: false, profile: '/p', extensionDir: null, windowSize: [800, 600] });
    expect(bare).toContain('--disable-extensions');
    expect(bare).toContain('--window-size=800,600');
    expect(bare.some((a) => a.startsWith('--headless') || a.startsWith('--load-extension'))).toBe(false);
  });
  it('Firefox: the pinned extension UUID and BiDi system access', () => {
    expect(JSON.parse(FIREFOX_PREFS['extensions.webextensions.uuids'] as string)).toEqual({ [GECKO_ID]: FIREFOX_UUID });
    expect(firefoxArgs(true)).toEqual(['--remote-allow-system-access']);
  });
  it('the benchmarks keep no launch flags or ids of their own', () => {
    const bench = readFileSync(join(import.meta.dirname, '../../bench/lib/browsers.mjs'), 'utf8');
    expect(bench).not.toMatch(/'--(headless|disable-|no-sandbox|remote-allow)/);
    expect(bench).not.toContain(FIREFOX_UUID);
  });
});
