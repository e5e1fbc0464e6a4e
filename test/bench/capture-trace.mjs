#!/usr/bin/env node
// Where the browser's other processes spend their time while recording at saturation: one
// Chromium run of the burst page with the panel open, a Chromium trace (CDP Tracing on the
// browser target, all processes) from the end of the warm-up to the last record in the
// panel. Prints the wall time of top-level tasks per process and thread, split by where
// each task was posted from, so a change to the capture path can be judged in the browser
// process too (whose code has no symbols in Debian's build).
//
//   node test/bench/capture-trace.mjs [--frames 100000] [--warm 5000] [--top 25] [--dist dist]
//        [--categories toplevel,ipc,mojom]
//
// Not part of `npm run bench` (it measures nothing the README quotes). Build first.

import { resolve } from 'node:path';
import { launchChromium, openPanelFor, recordCount } from './lib/browsers.mjs';
import { buildFrames, startBenchServer } from './lib/server.mjs';
import { log, sleep, waitFor, option } from './lib/util.mjs';

const n = Number(option('--frames', 100_000));
const warm = Number(option('--warm', 5_000));
const top = Number(option('--top', 25));
const dist = resolve(option('--dist', 'dist'), 'chrome');
const categories = option('--categories', 'toplevel,ipc,mojom').split(',');

const frames = buildFrames(n + warm, { seed: 42 });
const server = await startBenchServer({ frames: () => frames, indexedFrames: () => [] });
const eb = await launchChromium({ extensionDir: dist });
try {
  const page = await eb.firstPage();
  const run = 'trace';
  const blank = `${server.origin}/pages/blank.html?run=${run}`;
  await page.goto(blank);
  const { panel } = await openPanelFor(eb, blank);
  const cdp = await eb.browser.target().createCDPSession();

  const phase = server.next('phase', run, 60_000);
  const result = server.next('result', run, 600_000);
  await page.goto(`${server.origin}/pages/ws.html?run=${run}&mode=burst&n=${n}&warm=${warm}`);
  const warmDone = await phase;
  await waitFor(async () => ((await recordCount(panel)) >= warm ? true : null), { timeout: 30_000, what: 'warm-up in the panel', interval: 100 });
  // The warm-up's last frames are in the panel; what it leaves behind (the panel's next
  // re-read, idle-time GC) is not an event we can wait on, and the trace must not count it
  // against the measured frames. A profiling aid, not a test: nothing here asserts.
  await sleep(300);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: categories, excludedCategories: ['*'] }, transferMode: 'ReportEvents' });
  warmDone.release();
  const res = await result;
  await waitFor(async () => ((await recordCount(panel)) >= warm + n ? true : null), { timeout: 120_000, what: 'all records in the panel', interval: 50 });
  await cdp.send('Tracing.end');
  await complete;
  log(`page: ${Math.round(res.fps)} frames/s; ${events.length} trace events`);

  const procName = new Map();
  const threadName = new Map();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'process_name') procName.set(e.pid, e.args.name);
    if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  // Top-level tasks only (they nest nothing of their own kind), so their times add up.
  const byThread = new Map();
  const byPost = new Map();
  const counts = new Map();
  const open = new Map();
  const add = (e, dur) => {
    const thread = `${procName.get(e.pid) ?? e.pid} / ${threadName.get(`${e.pid}:${e.tid}`) ?? e.tid}`.replace(/\d+$/, '#');
    const from = e.args?.src_func ? `${e.args.src_file?.replace(/^.*\//, '') ?? ''} ${e.args.src_func}` : e.name;
    byThread.set(thread, (byThread.get(thread) ?? 0) + dur);
    const k = `${thread}  ←  ${from}`;
    byPost.set(k, (byPost.get(k) ?? 0) + dur);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  };
  // Inside tasks: named events of the other categories (mojo messages, IPC), by thread.
  const inner = new Map();
  const innerCount = new Map();
  for (const e of events) {
    if (e.cat === 'toplevel' || e.ph !== 'X') continue;
    const thread = `${procName.get(e.pid) ?? e.pid} / ${threadName.get(`${e.pid}:${e.tid}`) ?? e.tid}`.replace(/\d+$/, '#');
    // Mojo messages name their interface (and method) in args when the build keeps them.
    const info = e.args?.chrome_mojo_event_info ?? e.args?.info ?? null;
    const detail = info ? ` ${info.mojo_interface_tag ?? info.watcher_notify_interface_tag ?? ''} ${info.ipc_hash ?? info.mojo_method_name ?? ''}`.trimEnd() : '';
    const k = `${thread}  ·  ${e.name}${detail}`;
    inner.set(k, (inner.get(k) ?? 0) + (e.dur ?? 0));
    innerCount.set(k, (innerCount.get(k) ?? 0) + 1);
  }
  for (const e of events) {
    if (e.cat !== 'toplevel') continue;
    if (e.ph === 'X') add(e, e.dur ?? 0);
    else if (e.ph === 'B') open.set(`${e.pid}:${e.tid}`, e);
    else if (e.ph === 'E') {
      const b = open.get(`${e.pid}:${e.tid}`);
      if (b) add(b, e.ts - b.ts);
    }
  }
  const perFrame = (us) => (us / n).toFixed(2);
  console.log(`\ntop-level task wall time by thread (µs/frame, ${n} frames):`);
  for (const [k, us] of [...byThread].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}`);
  console.log(`\nby thread and where the task was posted from, top ${top} (µs/frame):`);
  for (const [k, us] of [...byPost].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}  (${counts.get(k)} tasks)`);
  console.log(`\nevents inside tasks (${categories.filter((c) => c !== 'toplevel').join(', ')}), top ${top} (µs/frame):`);
  for (const [k, us] of [...inner].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${perFrame(us).padStart(7)}  ${k}  (${innerCount.get(k)})`);
} finally {
  await eb.close();
  server.close?.();
  process.exit(0);
}
