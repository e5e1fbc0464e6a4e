// The demo app of `npm start`, in both browsers with the extension loaded: loads without a
// console error (favicon included), connects, and receives what its second client publishes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo } from '../../demo/server.ts';
import { launch, waitFor, type BrowserName } from './support/browsers.ts';

const demo = await startDemo({ port: 0 });
after(() => demo.stop());

for (const name of ['chromium', 'firefox'] as BrowserName[]) {
  describe(`demo (${name})`, () => {
    test('loads without console errors and shows a second client’s events', async (t) => {
      const eb = await launch(name);
      try {
        const page = await eb.browser.newPage();
        const problems: string[] = [];
        // Errors thrown by the extension's own content scripts are that code's business
        // (reported as diagnostics); this test is about the demo's.
        const fromExtension: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(`${m.text()} at ${m.location().url ?? '?'}`);
        });
        page.on('pageerror', (e) => {
          const text = `${String(e)} ${String((e as Error).stack ?? '')}`;
          (/(moz|chrome)-extension:\/\//.test(text) ? fromExtension : problems).push(text);
        });
        await page.goto(demo.url);
        await waitFor(() => page.evaluate(() => document.querySelectorAll('#subs li').length === 2), { what: 'demo subscribed' });
        const icon = await page.evaluate(async () => {
          const href = (document.querySelector('link[rel="icon"]') as HTMLLinkElement | null)?.href;
          return href ? (await fetch(href)).headers.get('content-type') : null;
        });
        assert.equal(icon, 'image/svg+xml');
        assert.ok(await page.evaluate(() => document.getElementById('devtools-hint')?.textContent?.includes('AppSync Events')));
        await waitFor(
          () =>
            page.evaluate(() => {
              const doc = (document.getElementById('publisher') as HTMLIFrameElement).contentDocument;
              if (!doc?.getElementById('pub-status')?.textContent?.includes('connected')) return false;
              (doc.getElementById('publish-ws') as HTMLButtonElement).click();
              return true;
            }),
          { what: 'second client connected' },
        );
        await waitFor(() => page.evaluate(() => document.getElementById('events')!.textContent!.includes('/default/orders/* ← {"item":"oat milk"')), {
          what: "the second client's event on the first page",
        });
        assert.deepEqual(problems, []);
        for (const p of fromExtension) t.diagnostic(`extension script error on the demo page: ${p.split('\n')[0]}`);
      } finally {
        await eb.close();
      }
    });
  });
}
