// Build guard used by vite.config.ts.
import type { Plugin } from 'vite';

type Manifest = { content_scripts?: Array<Record<string, unknown>> };

// CRXJS wraps a content script in an async dynamic-import loader unless it is a
// self-contained `*.iife.ts` bundle; the loader runs after the page's own scripts, so the
// hook would miss the first frames. Fail the build rather than ship that.
export function requireStandaloneDocumentStart(): Plugin {
  return {
    name: 'require-standalone-document-start',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const asset = bundle['manifest.json'];
      // CRXJS builds each IIFE content script separately with these plugins; only the main
      // build emits the manifest.
      if (!asset || asset.type !== 'asset') return;
      const manifest = JSON.parse(String(asset.source)) as Manifest;
      for (const script of manifest.content_scripts ?? []) {
        if (script.run_at !== 'document_start') continue;
        for (const file of (script.js as string[]) ?? []) {
          if (!/\.iife\.js$/.test(file)) this.error(`document_start content script ${file} is not a standalone IIFE bundle`);
          const chunk = bundle[file];
          if (chunk && chunk.type === 'chunk' && (chunk.imports.length > 0 || chunk.dynamicImports.length > 0)) {
            this.error(`document_start content script ${file} imports other chunks`);
          }
        }
      }
    },
  };
}
