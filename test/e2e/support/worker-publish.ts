// An HTTP publish from a dedicated worker of a fixture page: the page hook cannot see it.
import type { Page } from 'puppeteer-core';

/** Runs one HTTP publish from a dedicated worker of the page (fixture worker-publish.js); resolves with its answer. */
export function publishFromWorker(page: Page, apiKey: string, n: number): Promise<string> {
  return page.evaluate(
    (key: string, i: number) =>
      new Promise<string>((done) => {
        const w = new Worker('worker-publish.js');
        w.onmessage = (e) => done(String(e.data));
        w.postMessage({ url: new URL('/event', location.href).href, key, n: i });
      }),
    apiKey,
    n,
  );
}
