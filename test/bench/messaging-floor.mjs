// messaging-floor: what the one hop every captured frame must take costs by itself: a
// content script posting batches shaped like the hook's (the B1 payload of the bench's
// ~515-byte frames, 600 per message, as capture-cpu's hook sends at saturation) over a
// runtime port to a background that only counts them. No hook, no socket, no storage, no
// panel: the floor under capture-cpu's "all processes" figure that no change to our own code
// can go below, by process, in Chromium and (unless --no-firefox) Firefox.
//
// Chromium runs it twice per round, alternating: with its default JSON messaging, and with
// the manifest's `message_serialization: "structured_clone"` (Chromium 148+), which the
// product's manifest opts into; Firefox's messaging is always a structured clone.
//
// The extension is test/bench/floor-extension (loaded unpacked, like the product's).
// BENCH_FLOOR_BATCH=N sends N frames per message instead. Measured 2026-12-05 with JSON
// (Chromium, 100k frames, 3 runs each; all processes / the page's main thread, µs/frame):
// 50 → 49.5 / 7.3, 100 → 40.5 / 7.6, 200 → 35.9 / 11.0, 600 → 40.2 / 13.3, 1,000 → 51.6 /
// 13.2, 2,000 → 69.2 / 13.0: large messages cost more per byte, in the browser process above
// all. 2026-12-07 (a faster day), 200 per message: JSON 12.4, structured clone 6.7–7.2.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, launchFirefox } from './lib/browsers.mjs';
import { cpuDelta, foreignProbe, treeSnapshot } from './lib/proc.mjs';
import { fmt, log, median, table } from './lib/util.mjs';

export const name = 'messaging-floor';

const EXTENSION = join(import.meta.dirname, 'floor-extension');
const PER_BATCH = Number(process.env.BENCH_FLOOR_BATCH ?? 600);

/** A copy of the floor extension whose manifest opts Chromium into structured-clone messaging. */
function cloneVariant() {
  const dir = mkdtempSync(join(tmpdir(), 'floor-clone-'));
  cpSync(EXTENSION, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, message_serialization: 'structured_clone' }));
  return dir;
}

async function runOnce(ctx, browserName, frames, r, extensionDir) {
  const eb = await (browserName === 'chromium' ? launchChromium({ extensionDir }) : launchFirefox({ extensionDir }));
  try {
    const run = `floor-${browserName}-${r}-${extensionDir === EXTENSION ? "default" : "clone"}`;
    const page = await eb.firstPage();
    await page.goto(`${ctx.server.origin}/pages/blank.html?run=${run}`);
    await page.evaluate((texts) => window.postMessage({ floorFrames: texts }, '*'), frames.texts);
    const batches = Math.ceil(ctx.opts.frames / PER_BATCH);
    const n = batches * PER_BATCH;
    // Warm-up: the same path once at a tenth of the size, so compilation is not measured.
    const warm = ctx.server.next('floor-done', run, 120_000);
    await page.evaluate((b, p) => window.postMessage({ floorRun: { batches: b, perBatch: p } }, '*'), Math.ceil(batches / 10), PER_BATCH);
    await warm;
    const probe = foreignProbe();
    const before = eb.pid ? treeSnapshot(eb.pid) : null;
    const t0 = Date.now();
    const done = ctx.server.next('floor-done', run, 300_000);
    await page.evaluate((b, p) => window.postMessage({ floorRun: { batches: b, perBatch: p } }, '*'), batches, PER_BATCH);
    const got = await done;
    const ms = Date.now() - t0;
    const after = eb.pid ? treeSnapshot(eb.pid) : null;
    if (got.messages !== batches) throw new Error(`background counted ${got.messages} of ${batches} messages`);
    const bytes = got.chars;
    return { cpu: before && after ? cpuDelta(before, after, n).perFrame : null, ms, n, bytesPerFrame: bytes / n, foreign: probe.finish(before, after) };
  } finally {
    await eb.close();
  }
}

const ROWS = {
  chromium: [
    ['page', 'page renderer (the relay, isolated world)'],
    ['pageMain', '  of which main thread'],
    ['extension', 'extension process'],
    ['extSW', '  of which service worker'],
    ['extIO', '  of which IO thread'],
    ['browser', 'browser process'],
    ['browserUI', '  of which UI thread'],
    ['browserIO', '  of which IO thread'],
    ['total', 'all processes'],
  ],
  firefox: [
    ['page', 'content process of the page'],
    ['extension', 'extension process'],
    ['browser', 'parent process'],
    ['total', 'all processes'],
  ],
};

export async function run(ctx) {
  // Frame texts as the bench page receives them (distinct ones; the hop's cost does not
  // depend on repetition).
  const sample = (await import('./lib/server.mjs')).buildFrames(PER_BATCH, { seed: 42 });
  const frames = { texts: sample.map((b) => b.toString('utf8')) };
  const cloneDir = cloneVariant();
  const variants = [
    { key: 'chromium-json', browser: 'chromium', dir: EXTENSION, label: 'Chromium, JSON messaging (the default)' },
    { key: 'chromium-clone', browser: 'chromium', dir: cloneDir, label: 'Chromium, structured-clone messaging (the product\'s manifest)' },
    ...(ctx.opts.firefox && ctx.opts.firefoxRuns > 0 ? [{ key: 'firefox', browser: 'firefox', dir: EXTENSION, label: 'Firefox ESR' }] : []),
  ];
  const runs = Object.fromEntries(variants.map((v) => [v.key, []]));
  try {
    const chromium = variants.filter((v) => v.browser === 'chromium');
    for (let r = 0; r < ctx.opts.cpuRuns; r++) {
      for (const v of r % 2 ? [...chromium].reverse() : chromium) await measure(ctx, v, frames, r, runs[v.key], `round ${r + 1}/${ctx.opts.cpuRuns}`);
    }
    const firefox = variants.find((v) => v.browser === 'firefox');
    if (firefox) for (let r = 0; r < ctx.opts.firefoxRuns; r++) await measure(ctx, firefox, frames, r, runs.firefox, `round ${r + 1}/${ctx.opts.firefoxRuns}`);
  } finally {
    rmSync(cloneDir, { recursive: true, force: true });
  }
  const lines = [];
  const summary = [];
  const cpu = ctx.results?.find((x) => x.name === 'capture-cpu')?.figures;
  for (const v of variants) {
    const ok = runs[v.key].filter((x) => x.cpu);
    const m = (key) => median(ok.map((x) => x.cpu[key]));
    lines.push(
      `### ${name}: ${v.label}, CPU µs per frame of the relay → background hop alone (${ok.length} runs, medians)`,
      '',
      table(['process', 'µs/frame'], ROWS[v.browser].map(([key, text]) => [text, fmt(m(key))])),
      '',
      `${PER_BATCH} frames per message, ${fmt(median(ok.map((x) => x.bytesPerFrame)), 0)} payload characters per frame. Foreign load: median ${fmt(median(ok.map((x) => x.foreign)), 2)} cores of 2.`,
      '',
    );
    // capture-cpu of the same run, if it ran: how far above the floor the product's path is.
    const added = v.key === 'chromium-clone' ? cpu?.chromiumAddedTotal : v.key === 'firefox' ? cpu?.firefoxAddedTotal : undefined;
    const versus = Number.isFinite(added) ? `; recording (capture-cpu, this run) added ${fmt(added)}: ${fmt(added / m('total'), 2)}× the floor` : '';
    if (versus) lines.push(`Recording with the panel open (capture-cpu in this run) added ${fmt(added)} µs/frame in all processes: ${fmt(added / m('total'), 2)}× this floor.`, '');
    summary.push([`Messaging floor (${v.label}): the hop alone, all processes`, `${fmt(m('total'))} µs/frame`, `page ${fmt(m('page'))}, extension ${fmt(m('extension'))}, browser ${fmt(m('browser'))}; no capture, storage or panel${versus}`]);
  }
  const text = lines.join('\n');
  console.log(text);
  return { name, text, summary };
}

async function measure(ctx, v, frames, r, into, round) {
  log(`${name}: ${v.label} ${round}`);
  try {
    const res = await runOnce(ctx, v.browser, frames, r, v.dir);
    into.push(res);
    log(`  ${fmt(res.cpu?.total)} µs/frame in all processes, ${Math.round(res.n / (res.ms / 1000))} frames/s through the hop, foreign load ${fmt(res.foreign, 2)} cores`);
  } catch (error) {
    log(`  failed: ${error.message}`);
  }
}
