// inspector-render: the inspector over a stored session of --inspector-frames frames
// (default 1,000,000) in real Chromium with the built extension. The session is written into
// the extension's database from an extension page (inspector-bench-core.ts, bundled), then
// the panel is opened as a page (no tab: it shows the newest stored session) and measured:
// first render (navigation start → first rows in the DOM), a scroll from top to bottom in
// 200 steps (long tasks over 50 ms, the most rows ever in the DOM), a channel and a type
// filter (time to the first 100 matches shown) and the JS heap. The default view hides `ka`,
// so the first render is itself a filtered scan of the whole session.
import { join, resolve } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { launchChromium } from './lib/browsers.mjs';
import { foreignProbe, treeSnapshot } from './lib/proc.mjs';
import { fmt, fmtInt, log, table, waitFor, withTimeout } from './lib/util.mjs';

export const name = 'inspector-render';

const ROOT = resolve(import.meta.dirname, '../..');

function bundleWriter() {
  const dir = mkdtempSync(join(tmpdir(), 'aedt-bench-inspector-'));
  const out = join(dir, 'writer.js');
  const r = spawnSync(join(ROOT, 'node_modules/.bin/esbuild'), [join(import.meta.dirname, 'inspector-bench-core.ts'), '--bundle', '--format=iife', '--global-name=InspectorBench', '--target=es2022', '--define:import.meta.env.DEV=false', '--log-level=warning', `--outfile=${out}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundle failed: ${r.stderr}`);
  const code = readFileSync(out, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return code;
}

// Installed before the panel's own scripts: long tasks, and the moment rows first appear.
function instrument() {
  const w = window;
  w.__bench = { longTasks: [], firstRowsAt: null, maxRows: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    const rows = document.querySelectorAll('.frow:not(.head)').length;
    w.__bench.maxRows = Math.max(w.__bench.maxRows, rows);
    if (w.__bench.firstRowsAt === null && document.querySelector('.frow:not(.head):not(.loading)')) w.__bench.firstRowsAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
}

export async function run(ctx) {
  const frames = ctx.opts.inspectorFrames ?? 1_000_000;
  const eb = await launchChromium({ extensionDir: ctx.dist.chromium, extraArgs: ['--enable-precise-memory-info'] });
  const probe = foreignProbe();
  const before = treeSnapshot(eb.pid);
  try {
    return await withTimeout(
      (async () => {
        const writer = await eb.openExtensionPage('extension/panel/panel.html?tabId=-2');
        log(`inspector: writing ${fmtInt(frames)} frames into the extension's database…`);
        await writer.evaluate(bundleWriter());
        const written = await writer.evaluate((n) => globalThis.InspectorBench.writeInspectorSession({ frames: n }), frames);
        log(`  written in ${fmt(written.ms / 1000, 1)} s`);
        await writer.close();

        const panel = await eb.browser.newPage();
        await panel.setViewport({ width: 1280, height: 800 });
        await panel.evaluateOnNewDocument(instrument);
        await panel.goto(`${eb.extensionOrigin}/extension/panel/panel.html`);
        if (process.env.BENCH_FILTER_TIMEOUT) await panel.evaluate((ms) => (globalThis.__benchFilterTimeout = ms), Number(process.env.BENCH_FILTER_TIMEOUT));
        const firstRows = await waitFor(() => panel.evaluate(() => window.__bench.firstRowsAt), { timeout: 60_000, what: 'first rows' });
        // What the page itself costs before any query: its scripts loaded and run.
        const loaded = await panel.evaluate(() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0);
        // The default view (ka hidden) scans the whole session for its rows.
        const scanStart = Date.now();
        await waitFor(() => panel.evaluate(() => document.querySelector('.scan-progress') === null), { timeout: 300_000, interval: 100, what: 'default filter scan' });
        const scanMs = Date.now() - scanStart + firstRows;
        const shown = await panel.$eval('[data-testid="shown-count"]', (e) => Number(e.textContent)).catch(() => -1);

        // Scroll top to bottom in 200 steps, two frames after each step.
        const longBefore = await panel.evaluate(() => window.__bench.longTasks.length);
        const scroll = await panel.evaluate(async () => {
          const el = document.querySelector('.fbody');
          const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
          const t0 = performance.now();
          const steps = 200;
          for (let i = 0; i <= steps; i++) {
            el.scrollTop = ((el.scrollHeight - el.clientHeight) * i) / steps;
            el.dispatchEvent(new Event('scroll'));
            await frame();
            await frame();
          }
          // Let the last pages arrive.
          for (let i = 0; i < 30 && document.querySelector('.frow.loading'); i++) await new Promise((r) => setTimeout(r, 50));
          return { ms: performance.now() - t0, rowsNow: document.querySelectorAll('.frow:not(.head)').length, lastType: [...document.querySelectorAll('.frow:not(.head) .type')].at(-1)?.textContent ?? '' };
        });
        const scrollLong = await panel.evaluate((from) => window.__bench.longTasks.slice(from).map((t) => t.duration), longBefore);

        // Done only once every row in view is a match (the previous view also had ≥ 100
        // rows: waiting on the count alone measured nothing) and 100 matches are known.
        const filter = async (text, cell, want) => {
          const mark = await panel.evaluate(() => window.__bench.longTasks.length);
          const ms = await panel.evaluate(async (q, cellClass, wanted) => {
            const input = document.querySelector('input[aria-label="Filter frames"]');
            const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
            setter.call(input, q);
            input.dispatchEvent(new Event('input', { bubbles: true }));
            const t0 = performance.now();
            input.form.requestSubmit();
            for (;;) {
              await new Promise((r) => setTimeout(r, 2));
              const n = Number(document.querySelector('[data-testid="shown-count"]')?.textContent ?? 0);
              const rows = [...document.querySelectorAll('.frow:not(.head)')];
              const ready = rows.length > 0 && rows.every((r) => !r.classList.contains('loading') && r.querySelector(`.${cellClass}`)?.textContent === wanted);
              if (n >= 100 && ready) return performance.now() - t0;
              if (performance.now() - t0 > (globalThis.__benchFilterTimeout ?? 30_000)) {
                return `filter ${q} not ready: count ${n}, ${rows.length} rows: ${rows.slice(0, 3).map((r) => r.textContent).join(' | ')}`;
              }
            }
          }, text, cell, want);
          const long = await panel.evaluate((from) => window.__bench.longTasks.slice(from).map((t) => t.duration), mark);
          if (typeof ms === 'string') {
            log(`  ${ms}`);
            return { ms: NaN, longest: Math.max(0, ...long) };
          }
          return { ms, longest: Math.max(0, ...long) };
        };
        // Three rounds on a shared machine: medians are quoted.
        const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const channels = [];
        const types = [];
        for (const c of [7, 42, 77]) {
          channels.push(await filter(`channel:/bench/ch${c}`, 'chan', `/bench/ch${c}`));
          types.push(await filter(c === 42 ? 'type:publish_success' : 'type:error', 'type', c === 42 ? 'publish_success' : 'error'));
        }
        const channel = { ms: median(channels.map((r) => r.ms)), longest: Math.max(...channels.map((r) => r.longest)) };
        const type = { ms: median(types.map((r) => r.ms)), longest: Math.max(...types.map((r) => r.longest)) };
        log(`  channel filter runs: ${channels.map((r) => fmt(r.ms, 0)).join(', ')} ms; type filter runs: ${types.map((r) => fmt(r.ms, 0)).join(', ')} ms`);
        await panel.evaluate(() => new Promise((r) => setTimeout(r, 500)));
        const heap = await panel.evaluate(() => performance.memory.usedJSHeapSize / 2 ** 20);
        const maxRows = await panel.evaluate(() => window.__bench.maxRows);
        const foreign = probe.finish(before, treeSnapshot(eb.pid));

        const longest = Math.max(0, ...scrollLong);
        const rows = [
          ['session written (recorder, batches of 2,000)', `${fmtInt(written.frames)} frames in ${fmt(written.ms / 1000, 1)} s`],
          ['first render: navigation → first rows in the DOM', `${fmt(firstRows, 0)} ms`],
          ['  of which loading the panel page (DOMContentLoaded)', `${fmt(loaded, 0)} ms`],
          ['  default view (ka hidden): whole-session scan done', `${fmt(scanMs / 1000, 1)} s, ${fmtInt(shown)} rows`],
          ['scroll top → bottom, 200 steps', `${fmt(scroll.ms, 0)} ms; long tasks > 50 ms: ${scrollLong.filter((d) => d > 50).length} (longest ${fmt(longest, 0)} ms)`],
          ['rows in the DOM (most at any time)', fmtInt(maxRows)],
          ['channel filter (1 %): first 100 matches shown (median of 3)', `${fmt(channel.ms, 0)} ms (longest task ${fmt(channel.longest, 0)} ms)`],
          ['type filter (error / publish_success, 1–2 %): first 100 matches (median of 3)', `${fmt(type.ms, 0)} ms (longest task ${fmt(type.longest, 0)} ms)`],
          ['panel JS heap (used) after all of it', `${fmt(heap, 1)} MB`],
          ['foreign load (cores of 2)', fmt(foreign, 2)],
        ];
        const text = [`### inspector-render: Chromium, built extension, ${fmtInt(written.frames)} stored frames`, '', table(['measure', 'value'], rows)].join('\n');
        console.log(text + '\n');
        return {
          name,
          text,
          appendix: text,
          summary: [
            [`Inspector: ${fmtInt(written.frames)}-frame stored session, first render`, `${fmt(firstRows, 0)} ms`, `scroll: ${scrollLong.filter((d) => d > 50).length} long tasks (longest ${fmt(longest, 0)} ms); ≤ ${maxRows} rows in DOM; channel/type first 100: ${fmt(channel.ms, 0)}/${fmt(type.ms, 0)} ms; heap ${fmt(heap, 0)} MB`],
          ],
        };
      })(),
      900_000,
      'inspector-render',
    );
  } finally {
    await eb.close();
  }
}
