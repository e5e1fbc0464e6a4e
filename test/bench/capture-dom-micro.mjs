// capture-dom-micro: what the hook's frame guard (src/capture/realm-guard.ts wraps the DOM
// insertion methods and innerHTML-like setters) costs a page that inserts plain elements.
// The same page (test/bench/pages/dom.html) runs in a browser without the extension and in
// one with it (and, with --dom-alt-dist DIR, one with another build of the extension, for
// a before/after in one run), all launched together; repetitions alternate between them.
// Kinds: appendChild (createElement + textContent + appendChild), append (Element.append
// of an element and a text), innerHTML (a fresh div's innerHTML set, then appended),
// insertAdjacentHTML; each once in a page without frames and once in a page with 4
// about:blank iframes (the guard looks at the window's frames after each insertion).
// Reported: median ns per insertion and the median of per-round ratios to the bare browser.

import { join } from 'node:path';
import { launchChromium, launchFirefox } from './lib/browsers.mjs';
import { fmt, fmtInt, log, median, roundOrder, table, withTimeout } from './lib/util.mjs';

export const name = 'capture-dom-micro';

const N = 60_000;
const PAGES = [0, 4];

async function measureIn(browserName, ctx) {
  const { opts, server, dist } = ctx;
  const conds = [
    ['bare', null],
    ['extension', dist[browserName]],
  ];
  if (opts.domAltDist) conds.push(['extension (alt build)', join(opts.domAltDist, browserName === 'chromium' ? 'chrome' : 'firefox')]);
  const launchOne = (dir) => (browserName === 'chromium' ? launchChromium({ extensionDir: dir }) : launchFirefox({ extensionDir: dir }));
  const browsers = [];
  try {
    for (const [, dir] of conds) browsers.push(await launchOne(dir));
    return await withTimeout(
      (async () => {
        const results = {};
        for (const frames of PAGES) {
          const pages = [];
          for (const eb of browsers) {
            const page = await eb.firstPage();
            await page.goto(`${server.origin}/pages/dom.html?frames=${frames}`);
            await page.waitForFunction(() => window.__ready === true);
            pages.push(page);
          }
          const kinds = await pages[0].evaluate(() => window.__kinds);
          for (const kind of kinds) {
            // Untimed: compile every path first.
            for (const p of pages) await p.evaluate((k, n) => window.__rep(k, n), kind, 5_000);
            const reps = conds.map(() => []);
            const idx = conds.map((_, i) => i);
            for (let r = 0; r < opts.microReps; r++) {
              for (const i of roundOrder(idx, r)) reps[i].push(await pages[i].evaluate((k, n) => window.__rep(k, n), kind, N));
            }
            results[`${kind}|${frames}`] = reps;
          }
        }
        return results;
      })(),
      600_000,
      `${name} in ${browserName}`,
    );
  } finally {
    for (const eb of browsers) await eb.close();
  }
}

function report(browserName, conds, results) {
  const rows = [];
  const worst = {};
  for (const [key, reps] of Object.entries(results)) {
    const [kind, frames] = key.split('|');
    const ns = reps.map((xs) => median(xs) * 1e6 / N);
    const row = [kind, frames];
    for (let i = 0; i < conds.length; i++) {
      row.push(fmt(ns[i], 0));
      if (i > 0) {
        const ratio = median(reps[i].map((x, r) => x / reps[0][r]));
        row.push(`${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)} %`);
        worst[conds[i]] = Math.max(worst[conds[i]] ?? -Infinity, (ratio - 1) * 100);
      }
    }
    rows.push(row);
  }
  const headers = ['kind', 'frames in page'];
  for (let i = 0; i < conds.length; i++) headers.push(`${conds[i]} ns/insertion`, ...(i > 0 ? [`${conds[i]} vs bare`] : []));
  const text = [`### ${name}: ${browserName}, ${fmtInt(N)} insertions per repetition`, '', table(headers, rows)].join('\n');
  return { text, worst };
}

export async function run(ctx) {
  const { opts } = ctx;
  const texts = [];
  const summary = [];
  for (const browserName of opts.firefox ? ['chromium', 'firefox'] : ['chromium']) {
    log(`${name}: ${browserName}`);
    const conds = ['bare', 'extension', ...(opts.domAltDist ? ['extension (alt build)'] : [])];
    try {
      const { text, worst } = report(browserName, conds, await measureIn(browserName, ctx));
      console.log(text + '\n');
      texts.push(text);
      summary.push([`DOM insertion cost (${browserName})`, `worst kind +${fmt(worst.extension, 1)} %`, `${opts.microReps} reps of ${fmtInt(N)} insertions per kind`]);
    } catch (error) {
      const text = `### ${name}: ${browserName}\n\nFAILED: ${error.message}`;
      console.log(text + '\n');
      texts.push(text);
      summary.push([`DOM insertion cost (${browserName})`, 'failed', error.message]);
    }
  }
  return { name, text: texts.join('\n\n'), summary };
}
