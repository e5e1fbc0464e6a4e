import { describe, expect, test } from 'vitest';
import { requireStandaloneDocumentStart } from '../../../scripts/require-standalone.ts';

function run(contentScripts: unknown[], extra: Record<string, unknown> = {}): string | null {
  const plugin = requireStandaloneDocumentStart();
  const bundle = { 'manifest.json': { type: 'asset', source: JSON.stringify({ content_scripts: contentScripts }) }, ...extra };
  const ctx = {
    error(message: string): never {
      throw new Error(message);
    },
  };
  try {
    (plugin.generateBundle as (this: unknown, o: unknown, b: unknown) => void).call(ctx, {}, bundle);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('document_start scripts must be standalone bundles', () => {
  test('passes IIFE bundles', () => {
    expect(run([{ run_at: 'document_start', js: ['extension/page/hook.iife.js'] }])).toBeNull();
  });
  test('fails on the async loader CRXJS emits for other content scripts', () => {
    expect(run([{ run_at: 'document_start', js: ['assets/relay.ts-loader-abc.js'] }])).toMatch(/not a standalone IIFE/);
  });
  test('fails when a standalone bundle still imports chunks', () => {
    const chunk = { type: 'chunk', imports: ['assets/shared.js'], dynamicImports: [] };
    expect(run([{ run_at: 'document_start', js: ['hook.iife.js'] }], { 'hook.iife.js': chunk })).toMatch(/imports other chunks/);
  });
  test('ignores later run_at values and builds without a manifest', () => {
    expect(run([{ run_at: 'document_idle', js: ['assets/x-loader.js'] }])).toBeNull();
    const plugin = requireStandaloneDocumentStart();
    expect(() => (plugin.generateBundle as (this: unknown, o: unknown, b: unknown) => void).call({}, {}, {})).not.toThrow();
  });
});
