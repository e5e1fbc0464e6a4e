#!/usr/bin/env node
// What capturing a dedicated worker's socket through Chromium's debugger costs (worker
// capture, extension/background/worker-debugger.ts): the burst receiver of ws.html run in a
// dedicated worker (pages/ws-worker.html), at saturation, in fresh browsers, conditions
// alternating per round:
//   bare      no extension
//   noticed   extension loaded, panel open, worker capture off (the socket is only a notice)
//   debugger  the same with worker capture on (every frame recorded through CDP)
// Prints the worker's frames/s and CPU µs per frame in all processes (medians), and ratios
// to bare of the same round. The build loaded has the optional `debugger` permission
// granted at install (no prompt to answer).
//
//   node test/bench/worker-capture.mjs [--frames 50000] [--warm 2000] [--rounds 3] [--dist dist]
//
// Not part of `npm run bench`: it measures an opt-in path. Build first.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium, openPanelFor, recordCount } from './lib/browsers.mjs';
import { buildFrames, startBenchServer } from './lib/server.mjs';
import { cpuDelta, treeSnapshot } from './lib/proc.mjs';
import { fmt, fmtInt, log, median, roundOrder, sleep, table, waitFor, option } from './lib/util.mjs';

const n = Number(option('--frames', 50_000));
const warm = Number(option('--warm', 2_000));
const rounds = Number(option('--rounds', 3));
const dist = resolve(option('--dist', 'dist'), 'chrome');

const ext = mkdtempSync(join(tmpdir(), 'aedt-bench-debugger-'));
process.on('exit', () => rmSync(ext, { recursive: true, force: true }));
cpSync(dist, ext, { recursive: true });
const manifest = JSON.parse(readFileSync(join(ext, 'manifest.json'), 'utf8'));
manifest.permissions.push('debugger');
writeFileSync(join(ext, 'manifest.json'), JSON.stringify(manifest));

const frames = buildFrames(n + warm, { seed: 42 });
const server = await startBenchServer({ frames: () => frames, indexedFrames: () => [] });

let counter = 0;
async function once(cond) {
  const run = `w${++counter}-${cond}`;
  const eb = await launchChromium({ extensionDir: cond === 'bare' ? null : ext });
  try {
    const page = await eb.firstPage();
    let panel = null;
    if (cond !== 'bare') {
      const blank = `${server.origin}/pages/blank.html?run=${run}`;
      await page.goto(blank);
      let tabId;
      ({ panel, tabId } = await openPanelFor(eb, blank));
      if (cond === 'debugger') {
        // A second panel port for the tab, as the panel's button sends it; it asks for no
        // live records, so it adds no delivery cost of its own.
        await panel.evaluate(
          (id) =>
            new Promise((done, fail) => {
              const port = chrome.runtime.connect({ name: `appsync-panel:${id}` });
              port.onMessage.addListener((m) => {
                if (m.type === 'captureStatus' && m.workerCapture) done();
                if (m.type === 'captureStatus' && m.workerCaptureProblem) fail(new Error(m.workerCaptureProblem));
              });
              port.postMessage({ type: 'setLiveRecords', records: 'answers' });
              port.postMessage({ type: 'setWorkerCapture', on: true });
              globalThis.__workerPort = port;
            }),
          tabId,
        );
      }
    }
    const phase = server.next('phase', run, 60_000);
    const result = server.next('result', run, 600_000);
    result.catch(() => {});
    await page.goto(`${server.origin}/pages/ws-worker.html?run=${run}&n=${n}&warm=${warm}`);
    const warmDone = await phase;
    if (cond === 'debugger') await waitFor(async () => ((await recordCount(panel)) >= warm ? true : null), { timeout: 60_000, what: 'warm-up recorded', interval: 100 });
    await sleep(300);
    const before = treeSnapshot(eb.pid);
    warmDone.release();
    const res = await result;
    if (res.error) throw new Error(res.error);
    if (cond === 'debugger') await waitFor(async () => ((await recordCount(panel)) >= warm + n ? true : null), { timeout: 180_000, what: 'every frame recorded', interval: 100 });
    const after = treeSnapshot(eb.pid);
    const cpu = cpuDelta(before, after, n).perFrame;
    const stored = panel ? await recordCount(panel) : null;
    return { cond, fps: res.fps, cpu, stored };
  } finally {
    await eb.close();
  }
}

const conditions = ['bare', 'noticed', 'debugger'];
const results = Object.fromEntries(conditions.map((c) => [c, []]));
for (let r = 0; r < rounds; r++) {
  for (const cond of roundOrder(conditions, r)) {
    log(`worker-capture: round ${r + 1}/${rounds} ${cond}`);
    const res = await once(cond).catch((e) => ({ cond, error: e.message }));
    res.round = r;
    results[cond].push(res);
    if (res.error) log(`  failed: ${res.error}`);
    else log(`  ${fmtInt(res.fps)} frames/s, all processes ${fmt(res.cpu.total)} µs/frame${res.stored !== null ? `, ${fmtInt(res.stored)} records in the session` : ''}`);
  }
}
const ok = (c) => results[c].filter((x) => !x.error);
const bareBy = new Map(ok('bare').map((x) => [x.round, x]));
const rows = conditions.map((c) => {
  const xs = ok(c);
  const ratio = median(xs.filter((x) => bareBy.has(x.round)).map((x) => x.fps / bareBy.get(x.round).fps));
  const added = median(xs.filter((x) => bareBy.has(x.round)).map((x) => x.cpu.total - bareBy.get(x.round).cpu.total));
  const sw = median(xs.map((x) => x.cpu.extSW));
  const browser = median(xs.map((x) => x.cpu.browser));
  return [c, `${xs.length}/${rounds}`, fmtInt(median(xs.map((x) => x.fps))), fmt(ratio, 2), fmt(median(xs.map((x) => x.cpu.total))), fmt(added), fmt(sw), fmt(browser)];
});
console.log(`\n${n} frames of ~515 B into a dedicated worker, warm-up ${warm}; medians\n`);
console.log(table(['condition', 'runs', 'frames/s', '× bare', 'µs/frame all', 'added', 'service worker', 'browser process'], rows));
await server.close?.();
process.exit(0);
