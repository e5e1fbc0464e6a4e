// capture-delivery (Chromium, then Firefox unless --no-firefox): with the panel open, the server sends indexed frames at a fixed rate
// (default 10,000 frames/s for 30 s). Every frame must reach the panel: a second panel port,
// opened from inside the panel page (the background accepts panel ports from that page's
// URL), collects every `recordsCaptured` message and notes its arrival time. Latency per
// record = arrival in the panel page − record.t (the page's receipt time; both are
// performance.timeOrigin + performance.now() on the same machine clock).

import { join } from 'node:path';
import { launchChromium, launchFirefox, openPanelFor, recordCount } from './lib/browsers.mjs';
import { foreignProbe, treeSnapshot } from './lib/proc.mjs';
import { fmt, fmtInt, log, sleep, table, withTimeout } from './lib/util.mjs';

export const name = 'capture-delivery';

/** Chromium, then Firefox unless --no-firefox. */
export async function run(ctx) {
  const browsers = ['chromium', ...(ctx.opts.firefox ? ['firefox'] : [])];
  ctx.ensureIndexedFrames(Math.floor(ctx.opts.rate * ctx.opts.duration));
  // With BENCH_BASELINE_DIST (see capture-cpu), each browser runs that build right after
  // this one, so the two latencies are measured under the same load.
  const baseline = process.env.BENCH_BASELINE_DIST;
  const parts = [];
  try {
    for (const browserName of browsers) {
      parts.push(await runIn(ctx, browserName, ctx.dist));
      if (baseline) parts.push(await runIn(ctx, browserName, { chromium: join(baseline, 'chrome'), firefox: join(baseline, 'firefox') }, ', baseline build'));
    }
  } finally {
    ctx.releaseIndexedFrames();
  }
  const text = parts.map((p) => p.text).join('\n\n');
  return { name, text, summary: parts.flatMap((p) => p.summary) };
}

async function runIn(ctx, browserName, dist, suffix = '') {
  const { opts, server } = ctx;
  const rate = opts.rate;
  const ms = opts.duration * 1000;
  const total = Math.floor((rate * ms) / 1000);
  const runId = `delivery-${browserName}-${Date.now()}`;
  const label = (browserName === 'chromium' ? 'Chromium' : 'Firefox ESR') + suffix;
  log(`${name}: ${browserName}`);
  const eb = await (browserName === 'chromium' ? launchChromium({ extensionDir: dist.chromium }) : launchFirefox({ extensionDir: dist.firefox }));
  let res;
  try {
    res = await withTimeout(
      (async () => {
        const page = await eb.firstPage();
        const blank = `${server.origin}/pages/blank.html?run=${runId}`;
        await page.goto(blank);
        const { panel, tabId } = await openPanelFor(eb, blank);
        await panel.evaluate(
          (tabId, total) => {
            const api = globalThis.browser ?? globalThis.chrome;
            const b = {
              seen: new Uint8Array(total),
              lat: new Float64Array(total),
              distinct: 0,
              skipped: 0,
              duplicates: 0,
              unknown: 0,
              otherRecords: 0,
              messages: 0,
              dropped: 0,
              rejected: 0,
              lastArrival: 0,
            };
            globalThis.__bench = b;
            const port = api.runtime.connect({ name: `appsync-panel:${tabId}` });
            const marker = '{\\"n\\":';
            port.onMessage.addListener((m) => {
              const now = performance.timeOrigin + performance.now();
              if (m.type === 'captureStatus') {
                b.dropped = m.dropped;
                b.rejected = m.rejected;
                return;
              }
              if (m.type !== 'recordsCaptured') return;
              b.messages++;
              // The live feed sends at most the newest records; skipped ones are only stored.
              b.skipped += m.skipped ?? 0;
              b.lastArrival = now;
              for (const r of m.records) {
                const d = r.kind === 'ws-receive' ? (typeof r.data === 'string' ? r.data : r.data.text ?? '') : '';
                const at = d.indexOf(marker);
                if (at < 0) {
                  b.otherRecords++;
                  continue;
                }
                const i = parseInt(d.slice(at + marker.length, at + marker.length + 12), 10);
                if (!(i >= 0 && i < total)) {
                  b.unknown++;
                  continue;
                }
                if (b.seen[i]) {
                  b.duplicates++;
                  continue;
                }
                b.seen[i] = 1;
                b.distinct++;
                b.lat[i] = now - r.t;
              }
            });
          },
          tabId,
          total,
        );
        const paced = server.next('paced', runId, ms + 60_000);
        const pageResult = server.next('result', runId, ms + 90_000);
        paced.catch(() => {});
        pageResult.catch(() => {});
        const probe = foreignProbe();
        const treeBefore = eb.pid ? treeSnapshot(eb.pid) : null;
        log(`${name}: sending ${fmtInt(total)} frames at ${fmtInt(rate)}/s`);
        await page.goto(`${server.origin}/pages/ws.html?run=${runId}&mode=paced&rate=${rate}&ms=${ms}`);
        const sent = await paced;
        const got = await pageResult;
        const endedAt = Date.now();
        // Wait for the panel to have everything (or for progress to stop for 10 s).
        let last = -1;
        let lastChange = Date.now();
        for (;;) {
          const d = await panel.evaluate(() => globalThis.__bench.distinct + globalThis.__bench.skipped);
          if (d >= sent.sent) break;
          if (d !== last) {
            last = d;
            lastChange = Date.now();
          } else if (Date.now() - lastChange > 10_000) break;
          await sleep(100);
        }
        const settleMs = Date.now() - endedAt;
        const foreign = probe.finish(treeBefore, eb.pid ? treeSnapshot(eb.pid) : null);
        const stats = await panel.evaluate((sentN) => {
          const b = globalThis.__bench;
          const lat = [];
          for (let i = 0; i < sentN; i++) if (b.seen[i]) lat.push(b.lat[i]);
          lat.sort((x, y) => x - y);
          const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.max(0, Math.ceil((p / 100) * lat.length) - 1))] : NaN);
          let firstMissing = -1;
          for (let i = 0; i < sentN; i++) if (!b.seen[i]) {
            firstMissing = i;
            break;
          }
          return {
            distinct: b.distinct,
            skipped: b.skipped,
            duplicates: b.duplicates,
            unknown: b.unknown,
            otherRecords: b.otherRecords,
            messages: b.messages,
            dropped: b.dropped,
            rejected: b.rejected,
            firstMissing,
            p50: q(50),
            p90: q(90),
            p99: q(99),
            max: lat.length ? lat[lat.length - 1] : NaN,
            min: lat.length ? lat[0] : NaN,
          };
        }, sent.sent);
        const panelCount = await recordCount(panel);
        // Delivery is judged where it matters: what the session in IndexedDB holds.
        await panel.evaluate(await idbReaderBundle());
        const stored = await panel.evaluate(
          (prefix, total) => globalThis.__idbReader.countNumbered(prefix, total),
          `${server.origin}/pages/ws.html?run=${runId}`,
          sent.sent,
        );
        return { sent, got, stats, stored, panelCount, settleMs, foreign };
      })(),
      ms + 240_000,
      name,
    );
  } catch (error) {
    log(`${name} failed: ${error.message}`);
    res = { error: error.message };
  } finally {
    await eb.close();
  }
  if (res.error) {
    const text = `### capture-delivery: ${label}\n\nFAILED: ${res.error}`;
    console.log(text + '\n');
    return { text, summary: [[`Delivery to the panel (${label})`, 'failed', res.error]] };
  }
  const { sent, got, stats, panelCount, settleMs, foreign } = res;
  const { stored } = res;
  const lost = sent.sent - stored.distinct;
  const achieved = (sent.sent * 1000) / sent.ms;
  const rows = [
    ['frames sent by the server', fmtInt(sent.sent)],
    ['achieved send rate (frames/s)', fmtInt(achieved)],
    ['frames received by the page', fmtInt(got.received)],
    ['data frames stored in IndexedDB (distinct)', fmtInt(stored.distinct)],
    ['duplicates stored', fmtInt(stored.duplicates)],
    ['**lost** (sent − stored)', `**${fmtInt(lost)}**${lost > 0 ? ` (first missing index ${stored.firstMissing})` : ''}`],
    ['records shown live in the panel / skipped by the live feed (stored only)', `${fmtInt(stats.distinct)} / ${fmtInt(stats.skipped ?? 0)}`],
    ['duplicates / unidentified', `${fmtInt(stats.duplicates)} / ${fmtInt(stats.unknown)}`],
    ['other records (create, open, sends)', fmtInt(stats.otherRecords)],
    ['recordsCaptured messages', `${fmtInt(stats.messages)} (${fmt(stats.distinct / Math.max(1, stats.messages), 0)} records each on average)`],
    ["panel's own counter (record-count)", fmtInt(panelCount)],
    ['dropped / rejected reported by the background', `${fmtInt(stats.dropped)} / ${fmtInt(stats.rejected)}`],
    ['latency page → panel p50 (ms)', fmt(stats.p50)],
    ['latency p90 (ms)', fmt(stats.p90)],
    ['latency p99 (ms)', fmt(stats.p99)],
    ['latency min–max (ms)', `${fmt(stats.min)}–${fmt(stats.max)}`],
    ['time from the end marker until the panel had everything (ms, polled at 100 ms)', fmtInt(settleMs)],
    ['foreign load (cores)', fmt(foreign, 2)],
  ];
  const text = [
    `### capture-delivery: ${label}, ${fmtInt(rate)} frames/s for ${opts.duration} s with the panel open`,
    '',
    table(['measure', 'value'], rows),
    '',
    'The panel page runs the real panel UI and, next to it, a second panel port that collects every record; the background therefore forwards each batch to two panel ports.',
  ].join('\n');
  console.log(text + '\n');
  return {
    text,
    summary: [[`Delivery at ${fmtInt(rate)} frames/s for ${opts.duration} s (${label})`, `${fmtInt(lost)} lost of ${fmtInt(sent.sent)}, ${fmtInt(stored.duplicates)} duplicates`, `page→panel latency p50 ${fmt(stats.p50)} ms, p99 ${fmt(stats.p99)} ms`]],
  };
}


// The store's public API, bundled for the panel page (the same reader the e2e tests use).
async function idbReaderBundle() {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [new URL('../e2e/support/idb-reader.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    define: { 'import.meta.env.DEV': 'false' },
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}
