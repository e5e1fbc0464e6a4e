// capture-throughput: WebSocket receive throughput of a page at saturation (frames arrive
// as fast as the page takes them), with and without the extension's capture, in fresh
// browsers. Conditions alternate order across rounds; each ratio is taken against the
// bare run of the same round. No thresholds: figures only.

import { runBurst } from './lib/ws-run.mjs';
import { fmt, fmtInt, fmtRange, log, median, roundOrder, table } from './lib/util.mjs';

export const name = 'capture-throughput';

const LABEL = {
  bare: 'bare (no extension)',
  recording: 'extension, recording (panel open)',
  background: 'extension, recording (panel closed)',
  hidden: 'extension, recording (panel open, DevTools showing another tool)',
  held: 'extension, not recording (hook only)',
  cdp: 'CDP Network.enable (DevTools Network)',
};

/** Runs `conditions` for `rounds` rounds in `browserName`; returns per-condition results. */
export async function measure({ browserName, conditions, rounds, ctx, label = name }) {
  const results = Object.fromEntries(conditions.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (const cond of roundOrder(conditions, r)) {
      log(`${label}: ${browserName} round ${r + 1}/${rounds} ${cond}`);
      const res = await runBurst({ browserName, cond, server: ctx.server, dist: ctx.dist, n: ctx.opts.frames, warm: ctx.opts.warm, timeoutMs: ctx.runTimeoutMs });
      res.round = r;
      results[cond].push(res);
      if (!res.error) log(`  ${fmtInt(res.fps)} frames/s, foreign load ${fmt(res.foreign, 2)} cores${res.panelCount !== null ? `, panel ${res.panelCount} records` : ''}`);
    }
  }
  return results;
}

/** Median of per-round ratios (cond / bare of the same round) and ratio of medians. */
export function ratios(results, cond, base = 'bare') {
  const byRound = new Map(results[base].filter((x) => !x.error).map((x) => [x.round, x.fps]));
  const per = results[cond].filter((x) => !x.error && byRound.has(x.round)).map((x) => x.fps / byRound.get(x.round));
  const okBase = results[base].filter((x) => !x.error).map((x) => x.fps);
  const ok = results[cond].filter((x) => !x.error).map((x) => x.fps);
  return { perRound: median(per), ofMedians: median(ok) / median(okBase), per };
}

export function throughputTable(results, conditions, { cpu = true } = {}) {
  const rows = [];
  for (const cond of conditions) {
    const all = results[cond];
    const ok = all.filter((x) => !x.error);
    const fps = ok.map((x) => x.fps);
    const r = ratios(results, cond);
    const notes = [];
    const full = ok.filter((x) => x.panelCount >= x.panelExpected).length;
    if (cond === 'hidden') notes.push(`panel got every record in ${full}/${ok.length} runs once shown again`);
    if (cond === 'recording') notes.push(`panel got every record in ${full}/${ok.length} runs (lag after page end, median ${fmtInt(median(ok.map((x) => x.panelLagMs)))} ms, polled)`);
    if (cond === 'background') notes.push(`every record stored in ${full}/${ok.length} runs (counted by the panel opened again after the run)`);
    if (cond === 'cdp') notes.push(`CDP events seen: ${ok.map((x) => x.cdpFrames).join(', ')}`);
    const errors = all.length - ok.length;
    if (errors) notes.push(`${errors} failed: ${all.filter((x) => x.error).map((x) => x.error).join('; ')}`);
    const hidden = ok.filter((x) => x.visibility !== 'visible').length;
    if (hidden) notes.push(`${hidden} runs with the page hidden`);
    const row = [
      LABEL[cond] ?? cond,
      `${ok.length}`,
      fmtInt(median(fps)),
      fmtRange(fps),
      cond === 'bare' ? '1.00' : fmt(r.perRound, 2),
      cond === 'bare' ? '1.00' : fmt(r.ofMedians, 2),
    ];
    if (cpu) {
      row.push(fmt(median(ok.map((x) => x.cpu?.page))), fmt(median(ok.map((x) => x.cpu?.pageMain))), fmt(median(ok.map((x) => x.cpu?.total))));
    }
    row.push(fmt(median(ok.map((x) => x.foreign)), 2), notes.join('; '));
    rows.push(row);
  }
  const headers = ['condition', 'runs', 'frames/s (median)', 'min–max', 'ratio vs bare (median of per-round)', 'ratio of medians'];
  if (cpu) headers.push('page renderer µs/frame', 'page main thread µs/frame', 'all processes µs/frame');
  headers.push('foreign load (cores)', 'notes');
  return table(headers, rows);
}

/** The summary's rows: each condition but bare, against bare. */
function summaryRows(browserLabel, results, conditions) {
  const fpsOf = (cond) => results[cond].filter((x) => !x.error).map((x) => x.fps);
  return conditions
    .filter((cond) => cond !== 'bare')
    .map((cond) => [`${browserLabel} throughput, ${LABEL[cond]}`, `${fmt(ratios(results, cond).perRound, 2)}× bare`, `${fmtInt(median(fpsOf(cond)))} vs ${fmtInt(median(fpsOf('bare')))} frames/s, ${fpsOf(cond).length} runs`]);
}

export async function run(ctx) {
  const { opts } = ctx;
  const conditions = ['bare', 'recording', 'hidden', 'background', 'held', 'cdp'];
  const out = [];
  const summary = [];
  const chromium = await measure({ browserName: 'chromium', conditions, rounds: opts.runs, ctx });
  out.push(`### capture-throughput: Chromium, ${fmtInt(opts.frames)} frames of ~515 B after ${fmtInt(opts.warm)} warm-up frames, ${opts.runs} rounds`);
  out.push('');
  out.push(throughputTable(chromium, conditions));
  out.push('');
  out.push('Ratios: "median of per-round" divides each run by the bare run of the same round (conditions alternate order between rounds). CPU: /proc utime+stime from after the warm-up to the end of the run (recording: until the panel had every record), divided by the measured frames. "DevTools showing another tool": the panel is told it is hidden (the DevTools page\'s event) before the measured run and shown after it. "Panel closed": the page\'s origin set to be recorded always, the panel gone before the measured run and opened again after it to count what was stored (its CPU is not shown: the reopened panel reads the whole session).');
  summary.push(...summaryRows('Chromium', chromium, conditions));
  if (opts.firefox && opts.firefoxRuns > 0) {
    const ffConds = ['bare', 'recording', 'hidden', 'background'];
    const ff = await measure({ browserName: 'firefox', conditions: ffConds, rounds: opts.firefoxRuns, ctx });
    out.push('');
    out.push(`### capture-throughput: Firefox ESR (WebDriver BiDi attached in every condition), ${opts.firefoxRuns} rounds`);
    out.push('');
    out.push(throughputTable(ff, ffConds, { cpu: false }));
    summary.push(...summaryRows('Firefox', ff, ffConds));
  }
  const text = out.join('\n');
  console.log(text + '\n');
  return { name, text, summary };
}
