#!/usr/bin/env node
// Where the extension's service worker (or its panel page) spends its time while recording
// at saturation: one Chromium run of the burst page with the panel open, the V8 sampling
// profiler attached to the target over CDP from the end of the warm-up to the last record
// in the panel. Prints self time by function (and by script), so a change to the capture path can
// be judged by what it removes, not only by the CPU totals of capture-cpu.
//
//   node test/bench/capture-profile.mjs [--frames 100000] [--warm 5000] [--top 30] [--dist dist]
//        [--target worker|panel] [--heap]
//
// --heap samples allocations instead (V8's sampling heap profiler, every 16 KiB, objects
// collected since included): bytes allocated per frame by function. What survives a
// scavenge is what V8's worker threads then mark and sweep (BENCH_THREADS=1 in capture-cpu).
//
// Not part of `npm run bench` (it measures nothing the README quotes). Build first.

import { resolve } from 'node:path';
import { launchChromium, openPanelFor, recordCount } from './lib/browsers.mjs';
import { buildFrames, startBenchServer } from './lib/server.mjs';
import { log, sleep, waitFor, option } from './lib/util.mjs';

const args = process.argv.slice(2);
const n = Number(option('--frames', 100_000));
const warm = Number(option('--warm', 5_000));
const top = Number(option('--top', 30));
const dist = resolve(option('--dist', 'dist'), 'chrome');
const target = option('--target', 'worker');
const heap = args.includes('--heap');
if (target !== 'worker' && target !== 'panel') throw new Error(`--target is worker or panel, not ${target}`);

const frames = buildFrames(n + warm, { seed: 42 });
const server = await startBenchServer({ frames: () => frames, indexedFrames: () => [] });
const eb = await launchChromium({ extensionDir: dist });
try {
  const page = await eb.firstPage();
  const run = 'profile';
  const blank = `${server.origin}/pages/blank.html?run=${run}`;
  await page.goto(blank);
  const { panel } = await openPanelFor(eb, blank);
  const cdp =
    target === 'panel'
      ? await panel.createCDPSession()
      : await (await eb.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(eb.extensionOrigin), { timeout: 20_000 })).createCDPSession();
  if (!heap) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  }

  const phase = server.next('phase', run, 60_000);
  const result = server.next('result', run, 600_000);
  await page.goto(`${server.origin}/pages/ws.html?run=${run}&mode=burst&n=${n}&warm=${warm}`);
  const warmDone = await phase;
  await waitFor(async () => ((await recordCount(panel)) >= warm ? true : null), { timeout: 30_000, what: 'warm-up in the panel', interval: 100 });
  await sleep(300);
  if (heap) await cdp.send('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  else await cdp.send('Profiler.start');
  warmDone.release();
  const res = await result;
  await waitFor(async () => ((await recordCount(panel)) >= warm + n ? true : null), { timeout: 120_000, what: 'all records in the panel', interval: 50 });
  if (heap) {
    const { profile: hp } = await cdp.send('HeapProfiler.stopSampling');
    log(`page: ${Math.round(res.fps)} frames/s`);
    printHeap(hp);
    process.exit(0);
  }
  const { profile } = await cdp.send('Profiler.stop');
  log(`page: ${Math.round(res.fps)} frames/s`);

  // Self time per node from the samples' time deltas.
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map();
  const byScript = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    const script = f.url.replace(/^.*\//, '') || '(native)';
    const key = `${f.functionName || '(anonymous)'}  ${script}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    byScript.set(script, (byScript.get(script) ?? 0) + us);
  }
  const idle = (self.get(profile.nodes.find((x) => x.callFrame.functionName === '(idle)')?.id) ?? 0) / 1000;
  const perFrame = (us) => (us / n).toFixed(2);
  console.log(`${target === 'panel' ? 'panel page' : 'service worker'} profile: ${(total / 1000).toFixed(0)} ms sampled, ${idle.toFixed(0)} ms idle, ${n} frames`);
  console.log(`busy µs/frame (sampled, not idle): ${perFrame(total - idle * 1000)}`);
  console.log('\nself time by script (µs/frame):');
  for (const [k, us] of [...byScript].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${perFrame(us).padStart(7)}  ${k}`);
  console.log(`\nself time by function, top ${top} (µs/frame):`);
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}`);
  // Native self time (IndexedDB, DOM) says little without the script function that called it.
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const total_ = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!f.url) continue;
      const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\//, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total_.set(key, (total_.get(key) ?? 0) + us);
    }
  }
  const nativeBy = new Map();
  for (const [id, us] of self) {
    const f = byId.get(id).callFrame;
    if (f.url || f.functionName.startsWith('(')) continue;
    // Two script callers: the nearest is often a wrapper (idb's proxied methods).
    const callers = [];
    for (let at = parent.get(id); at !== undefined && callers.length < 2; at = parent.get(at)) {
      const c = byId.get(at).callFrame;
      if (c.url) callers.push(`${c.functionName || '(anonymous)'} ${c.url.replace(/^.*\//, '')}:${c.lineNumber + 1}`);
    }
    const key = `${f.functionName} ← ${callers.join(' ← ') || '(no script)'}`;
    nativeBy.set(key, (nativeBy.get(key) ?? 0) + us);
  }
  console.log(`\nnative self time by calling script function, top ${top} (µs/frame):`);
  for (const [k, us] of [...nativeBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}`);
  console.log(`\ninclusive time by script function, top ${top} (µs/frame):`);
  for (const [k, us] of [...total_].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}`);
} finally {
  await eb.close();
  server.close?.();
  process.exit(0);
}

/** Allocated bytes per frame by function (self) and by its script caller chain. */
function printHeap(hp) {
  const self = new Map();
  const walk = (node, stack) => {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${f.url.replace(/^.*\//, '') || '(native)'}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
    if (node.selfSize) self.set(key, (self.get(key) ?? 0) + node.selfSize);
    for (const c of node.children ?? []) walk(c, [...stack, key]);
  };
  walk(hp.head, []);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`${target === 'panel' ? 'panel page' : 'service worker'} allocations: ${(total / n).toFixed(0)} B/frame sampled (${n} frames)`);
  console.log(`\nallocated by function, top ${top} (B/frame):`);
  for (const [k, b] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${(b / n).toFixed(0).padStart(7)}  ${k}`);
}
