// One build, two browsers: TARGET=chrome|firefox → dist/chrome, dist/firefox.
// manifest.json is written in Chrome's shape; the Firefox variant is derived here, so the
// browser differences of the build live in this one file.
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { requireStandaloneDocumentStart } from './scripts/require-standalone.ts';
import { stripPreactInnerHtml } from './scripts/no-inner-html.ts';

type Target = 'chrome' | 'firefox';
const target: Target = process.env.TARGET === 'firefox' ? 'firefox' : 'chrome';

export const GECKO_ID = 'appsync-events-devtools@appsync-events-devtools.dev';

type Manifest = Record<string, unknown> & {
  background: Record<string, unknown>;
  content_scripts: Array<Record<string, unknown>>;
};

/** The one version number: package.json's, written into both manifests at build. */
const VERSION = (JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function manifestFor(t: Target): ManifestV3Export {
  const base: Manifest = { ...(JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as Manifest), version: VERSION };
  if (t === 'chrome') return base as unknown as ManifestV3Export;
  // optional_permissions holds only `debugger` (worker sockets through Chromium's debugger),
  // which Firefox does not have. Firefox's messaging is always a structured clone, so it has
  // no message_serialization key.
  const { key: _key, minimum_chrome_version: _min, optional_permissions: _debugger, message_serialization: _serialization, background, ...rest } = base;
  return {
    ...rest,
    // CRXJS needs background.scripts for Firefox (it crashes on service_worker there).
    background: { scripts: [background.service_worker as string], type: 'module' },
    content_scripts: base.content_scripts.map(({ match_origin_as_fallback: _f, ...script }) => script),
    // Firefox's default MV3 policy for extension pages adds `upgrade-insecure-requests`
    // (pref extensions.webextensions.default-content-security-policy.v3), which turns the
    // console's ws://127.0.0.1 into wss:// and so fails every connection to a plain-text
    // emulator (close 1006, nothing reaches the server). The rest is the default as is;
    // Chrome's default has no such directive.
    content_security_policy: { extension_pages: "script-src 'self'; object-src 'self'" },
    browser_specific_settings: {
      // data_collection_permissions (AMO's data consent) exists from Firefox 140 and
      // Firefox for Android 142; an older minimum makes web-ext lint warn that it is ignored.
      gecko: {
        id: GECKO_ID,
        strict_min_version: '140.0',
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: '142.0' },
    },
  } as unknown as ManifestV3Export;
}

export default defineConfig(({ mode }) => ({
  plugins: [preact(), stripPreactInnerHtml(), crx({ manifest: manifestFor(target), browser: target }), requireStandaloneDocumentStart()],
  define: { 'import.meta.env.DEV': JSON.stringify(mode !== 'production'), 'import.meta.env.TARGET': JSON.stringify(target) },
  build: {
    outDir: `dist/${target}`,
    emptyOutDir: true,
    target: 'es2022',
    minify: mode === 'production',
    sourcemap: true,
    rollupOptions: { input: { panel: 'extension/panel/panel.html' } },
  },
}));
