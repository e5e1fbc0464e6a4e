// capture-cpu: CPU µs per received frame, by process, bare vs recording, at saturation,
// in Chromium and then (unless --no-firefox or --firefox-runs 0) in Firefox.
// /proc/<pid>/stat utime+stime of every process of the browser tree, snapshots after the
// warm-up and after the run (recording: after the panel has every record, so the cost of
// delivering them counts). The page renderer is the non-extension renderer that burned the
// most CPU; the extension process is split into its service-worker thread and its main
// thread (the panel page). Resolution: 10 ms ticks, i.e. 0.05 µs/frame at 200k frames.
//
// Before/after: with BENCH_BASELINE_DIST=<dir holding chrome/ and firefox/ of another
// build>, a third condition records with that build in the same rounds (conditions
// alternate order), so a change is judged against its baseline under the same load.
// With BENCH_BLOCK_RULES=1 instead, the third condition records with this build and block
// rules on that match no frame (what the hook's per-message check costs); with
// BENCH_BLOCK_RULES=all, every recording condition has them (two builds' checks compared).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from './capture-throughput.mjs';
import { runBurst } from './lib/ws-run.mjs';
import { fmt, fmtInt, log, median, roundOrder, table } from './lib/util.mjs';

export const name = 'capture-cpu';

const COLUMNS = [
  ['page', 'page renderer (process)'],
  ['pageMain', '  of which main thread'],
  ['pageIO', '  of which IO thread'],
  ['extension', 'extension process'],
  ['extSW', '  of which service worker'],
  ['extMain', '  of which main thread (panel page)'],
  ['extIO', '  of which IO thread'],
  ['extOther', '  of which other threads'],
  ['browser', 'browser process'],
  ['browserUI', '  of which UI thread'],
  ['browserIO', '  of which IO thread'],
  ['browserPool', '  of which thread pool (IndexedDB…)'],
  ['network', 'network service'],
  ['otherRenderers', 'other renderers'],
  ['other', 'other (gpu, storage, zygote…)'],
  ['total', 'all processes'],
];

/** Rules that match none of the bench's frames: every text message is checked against both. */
const IDLE_RULES = {
  rules: [
    { dir: 'receive', type: 'publish_error', contains: '', replace: '', on: true },
    { dir: 'any', type: '', contains: 'no-frame-contains-this', replace: '', on: true },
  ],
};
const RULES_MODE = process.env.BENCH_BLOCK_RULES;

/** bare / recording / baseline (the other build, or rules on) in alternating order per round. */
async function measureAgainst(baselineDir, ctx, browserName, rounds) {
  const conditions = ['bare', 'recording', 'baseline'];
  const results = { bare: [], recording: [], baseline: [] };
  for (let r = 0; r < rounds; r++) {
    for (const cond of roundOrder(conditions, r)) {
      log(`${name}: ${browserName} round ${r + 1}/${rounds} ${cond}`);
      const dist = cond === 'baseline' && baselineDir ? { chromium: join(baselineDir, 'chrome'), firefox: join(baselineDir, 'firefox') } : ctx.dist;
      const rules = cond !== 'bare' && (RULES_MODE === 'all' || (cond === 'baseline' && !baselineDir));
      const res = await runBurst({ browserName, cond: cond === 'bare' ? 'bare' : 'recording', server: ctx.server, dist, n: ctx.opts.frames, warm: ctx.opts.warm, timeoutMs: ctx.runTimeoutMs, blockRules: rules ? IDLE_RULES : undefined });
      res.round = r;
      results[cond].push(res);
      if (!res.error) log(`  ${fmtInt(res.fps)} frames/s, all processes ${fmt(res.cpu?.total)} µs/frame, foreign load ${fmt(res.foreign, 2)} cores`);
    }
  }
  return results;
}

export async function run(ctx) {
  const { opts } = ctx;
  const baselineDir = process.env.BENCH_BASELINE_DIST;
  if (baselineDir && !existsSync(join(baselineDir, 'chrome/manifest.json'))) throw new Error(`BENCH_BASELINE_DIST=${baselineDir} has no chrome/manifest.json`);
  // The third condition: another build, or this one with block rules on.
  const third = baselineDir ? 'baseline build' : RULES_MODE === '1' ? 'block rules on' : null;
  const results = third ? await measureAgainst(baselineDir, ctx, 'chromium', opts.cpuRuns) : await measure({ browserName: 'chromium', conditions: ['bare', 'recording'], rounds: opts.cpuRuns, ctx, label: name });
  const ok = (c) => results[c].filter((x) => !x.error && x.cpu);
  const bare = ok('bare');
  const rec = ok('recording');
  const perRoundAdded = (key) => {
    const b = new Map(bare.map((x) => [x.round, x.cpu[key]]));
    return median(rec.filter((x) => b.has(x.round)).map((x) => x.cpu[key] - b.get(x.round)));
  };
  const base = third ? ok('baseline') : [];
  const rows = COLUMNS.map(([key, label]) => {
    const mb = median(bare.map((x) => x.cpu[key]));
    const mr = median(rec.map((x) => x.cpu[key]));
    const row = [label, fmt(mb), fmt(mr), fmt(mr - mb), fmt(perRoundAdded(key))];
    if (third) {
      const ml = median(base.map((x) => x.cpu[key]));
      row.push(fmt(ml), fmt(ml - mb));
    }
    return row;
  });
  const addedPage = median(rec.map((x) => x.cpu.page)) - median(bare.map((x) => x.cpu.page));
  const addedMain = median(rec.map((x) => x.cpu.pageMain)) - median(bare.map((x) => x.cpu.pageMain));
  const addedTotal = median(rec.map((x) => x.cpu.total)) - median(bare.map((x) => x.cpu.total));
  const fps = (xs) => fmtInt(median(xs.map((x) => x.fps)));
  const out = [
    `### capture-cpu: Chromium, CPU µs per frame (${bare.length} bare / ${rec.length} recording runs, medians)`,
    '',
    table(['process', 'bare', 'recording', 'added (difference of medians)', 'added (median of per-round differences)', ...(third ? [`recording, ${third}`, `${third}: added (difference of medians)`] : [])], rows),
    '',
    `Added on the page renderer: **${fmt(addedPage)} µs/frame** (main thread ${fmt(addedMain)}); all processes: ${fmt(addedTotal)} µs/frame. Goal ≤ 10 µs on the page; the earlier simple batched design measured +12.5 (perf anchors).`,
    ...(third
      ? [
          `${baselineDir ? `Baseline build: ${baselineDir}` : `Block rules on: ${JSON.stringify(IDLE_RULES.rules.map((r) => [r.dir, r.type, r.contains]))}`} (${base.length} runs). Frames/s (medians): bare ${fps(bare)}, recording ${fps(rec)}, ${third} ${fps(base)}.`,
          // The spread says how much of a difference between the builds is noise.
          ...['total', 'extSW', 'extMain', 'browser'].map(
            (key) => `Per run, ${key} µs/frame: recording ${rec.map((x) => fmt(x.cpu[key])).join(', ')}; ${third} ${base.map((x) => fmt(x.cpu[key])).join(', ')}.`,
          ),
        ]
      : []),
    `Foreign load (CPU of processes outside the benchmark) during the measured runs: median ${fmt(median([...bare, ...rec].map((x) => x.foreign)), 2)} cores of 2.`,
  ];
  const firefox = opts.firefox && opts.firefoxRuns > 0 ? await firefoxTable(baselineDir, ctx, third) : null;
  if (firefox) out.push('', ...firefox.lines);
  const text = out.join('\n');
  console.log(text + '\n');
  return {
    name,
    text,
    // For messaging-floor, in the same run.
    figures: { chromiumAddedTotal: addedTotal, firefoxAddedTotal: firefox?.addedTotal },
    summary: [
      ['Page renderer CPU added by recording', `${fmt(addedPage)} µs/frame`, `bare ${fmt(median(bare.map((x) => x.cpu.page)))} → ${fmt(median(rec.map((x) => x.cpu.page)))}; main thread +${fmt(addedMain)}`],
      ['All processes CPU added by recording', `${fmt(addedTotal)} µs/frame`, `service worker ${fmt(median(rec.map((x) => x.cpu.extSW)))}, panel ${fmt(median(rec.map((x) => x.cpu.extMain)))}, browser +${fmt(median(rec.map((x) => x.cpu.browser)) - median(bare.map((x) => x.cpu.browser)))}`],
      ...(firefox ? [firefox.summary] : []),
    ],
  };
}

/**
 * Firefox: the same runs (the extension process holds the background page and the panel on
 * one main thread, so it is not split; the parent process is "browser").
 */
async function firefoxTable(baselineDir, ctx, third) {
  const rounds = ctx.opts.firefoxRuns;
  const results = third ? await measureAgainst(baselineDir, ctx, 'firefox', rounds) : await measure({ browserName: 'firefox', conditions: ['bare', 'recording'], rounds, ctx, label: name });
  const ok = (c) => (results[c] ?? []).filter((x) => !x.error && x.cpu);
  const bare = ok('bare');
  const rec = ok('recording');
  const base = ok('baseline');
  const keys = [
    ['page', 'content process of the page'],
    ['extension', 'extension process (background + panel)'],
    ['browser', 'parent process'],
    ['network', 'socket process'],
    ['otherRenderers', 'other content processes'],
    ['other', 'other (rdd, utility…)'],
    ['total', 'all processes'],
  ];
  const m = (xs, key) => median(xs.map((x) => x.cpu[key]));
  const rows = keys.map(([key, label]) => [label, fmt(m(bare, key)), fmt(m(rec, key)), fmt(m(rec, key) - m(bare, key)), ...(third ? [fmt(m(base, key)), fmt(m(base, key) - m(bare, key))] : [])]);
  const fps = (xs) => fmtInt(median(xs.map((x) => x.fps)));
  const added = m(rec, 'total') - m(bare, 'total');
  return {
    addedTotal: added,
    lines: [
      `### capture-cpu: Firefox ESR, CPU µs per frame (${bare.length} bare / ${rec.length} recording runs, medians)`,
      '',
      table(['process', 'bare', 'recording', 'added', ...(third ? [`recording, ${third}`, `${third}: added`] : [])], rows),
      '',
      `Frames/s (medians): bare ${fps(bare)}, recording ${fps(rec)}${third ? `, ${third} ${fps(base)}` : ''}. Per run, all processes µs/frame: recording ${rec.map((x) => fmt(x.cpu.total)).join(', ')}${third ? `; ${third} ${base.map((x) => fmt(x.cpu.total)).join(', ')}` : ''}.`,
      `Foreign load during the Firefox runs: median ${fmt(median([...bare, ...rec].map((x) => x.foreign)), 2)} cores of 2.`,
    ],
    summary: ['All processes CPU added by recording (Firefox)', `${fmt(added)} µs/frame`, `extension process +${fmt(m(rec, 'extension') - m(bare, 'extension'))}, parent +${fmt(m(rec, 'browser') - m(bare, 'browser'))}, page +${fmt(m(rec, 'page') - m(bare, 'page'))}`],
  };
}
