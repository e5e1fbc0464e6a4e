// inspector-live: the inspector following a live session in real Chromium with the built
// extension. The emulator (lib/live-emulator.ts, a child process) serves the stream fixture
// page, which subscribes to /default/stream; with the panel open for that tab, the emulator
// publishes --live-rate events/s (default 5,000) for --live-seconds s (default 30). Measured
// in the panel page: long tasks (PerformanceObserver `longtask`, from the first publish
// until the panel has every frame), the JS heap (sampled every second), and the panel's
// counts against the emulator's: the subscription's event count in the connections sidebar
// (the traffic model), the table's row count under `type:data` (the session in IndexedDB)
// and the page's own count.
// BENCH_CPU_PROFILE=file.json also records a CPU profile of the panel over the same span,
// with the long tasks and the page clock at its start, to find what the long tasks run
// (the profiler's own cost inflates the figures of such a run).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { launchChromium, tabIdOf } from './lib/browsers.mjs';
import { cpuDelta, foreignProbe, treeSnapshot } from './lib/proc.mjs';
import { fmt, fmtInt, log, sleep, table, waitFor, withTimeout } from './lib/util.mjs';

export const name = 'inspector-live';

const ROOT = resolve(import.meta.dirname, '../..');
const CHANNEL = '/default/stream';

/** The emulator child: resolves with a handle once it listens. */
function startEmulatorChild() {
  const child = spawn('npx', ['tsx', 'test/bench/lib/live-emulator.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  const kill = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', kill);
  const waiters = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    for (const w of waiters.splice(0)) if (!w(m)) waiters.push(w);
  });
  const next = (pred, ms, what) =>
    withTimeout(
      new Promise((r) => {
        waiters.push((m) => (pred(m) ? (r(m), true) : false));
      }),
      ms,
      what,
    );
  return next((m) => m.ready, 60_000, 'emulator ready').then((ready) => ({
    origin: ready.origin,
    key: ready.key,
    publish(rate, seconds, size) {
      child.stdin.write(JSON.stringify({ cmd: 'publish', channel: CHANNEL, rate, seconds, size }) + '\n');
      return next((m) => m.published, seconds * 1000 + 120_000, 'publishes done').then((m) => m.published);
    },
    stop() {
      child.stdin.end(JSON.stringify({ cmd: 'stop' }) + '\n');
      setTimeout(kill, 3000).unref();
    },
  }));
}

// Installed before the panel's own scripts.
function instrument() {
  const w = window;
  w.__bench = { longTasks: [], heap: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  setInterval(() => w.__bench.heap.push([performance.now(), performance.memory.usedJSHeapSize]), 1000);
}

/** What the panel shows now: sidebar event count of the stream's subscription, table rows, session frames. */
const panelCounts = (panel) =>
  panel.evaluate((channel) => {
    const digits = (t) => Number(String(t ?? '').replace(/[^\d]/g, '') || -1);
    const sub = document.querySelector(`[data-testid="subscription-item"][data-channel="${channel}"] .sub-count`);
    return {
      events: sub ? digits(sub.textContent) : -1,
      shown: digits(document.querySelector('[data-testid="shown-count"]')?.textContent),
      frames: digits(document.querySelector('[data-testid="record-count"]')?.textContent),
      scanning: document.querySelector('.scan-progress') !== null,
    };
  }, CHANNEL);

export async function run(ctx) {
  const rate = ctx.opts.liveRate ?? 5000;
  const seconds = ctx.opts.liveSeconds ?? 30;
  const size = 200;
  const emu = await startEmulatorChild();
  const eb = await launchChromium({ extensionDir: ctx.dist.chromium, extraArgs: ['--enable-precise-memory-info'] });
  let res;
  try {
    res = await withTimeout(
      (async () => {
        const page = await eb.firstPage();
        // A page that does not connect yet, so the panel records the stream from its start.
        const start = `${emu.origin}/live-bench-start`;
        await page.goto(start);
        const panel = await eb.openExtensionPage('extension/panel/panel.html');
        await panel.setViewport({ width: 1280, height: 800 });
        const tabId = await tabIdOf(panel, start);
        await panel.evaluateOnNewDocument(instrument);
        await eb.gotoExtensionPage(panel, `extension/panel/panel.html?tabId=${tabId}`);
        await waitFor(() => panel.evaluate(() => document.querySelector('.rec.on') !== null), { what: 'panel recording', timeout: 30_000 });
        await page.goto(`${emu.origin}/stream.html?key=${emu.key}`);
        await waitFor(() => page.evaluate(() => window.__ready === true), { what: 'page subscribed', timeout: 30_000 });
        await waitFor(async () => (await panelCounts(panel)).events === 0 || null, { what: 'the subscription in the sidebar', timeout: 30_000 });

        const mark = await panel.evaluate(() => ({ tasks: window.__bench.longTasks.length, heaps: window.__bench.heap.length, at: performance.now() }));
        const probe = foreignProbe();
        const treeBefore = treeSnapshot(eb.pid);
        log(`${name}: publishing ${fmtInt(rate * seconds)} events at ${fmtInt(rate)}/s to ${CHANNEL}`);
        const profileTo = process.env.BENCH_CPU_PROFILE;
        let cdp = null;
        let profileAt = 0;
        if (profileTo) {
          cdp = await panel.createCDPSession();
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
          await cdp.send('Profiler.start');
          profileAt = await panel.evaluate(() => performance.now());
        }
        const timeline = [];
        const published = emu.publish(rate, seconds, size);
        let done = null;
        published.then((p) => (done = p), () => {});
        const t0 = Date.now();
        while (!done) {
          await sleep(1000);
          const c = await panelCounts(panel);
          timeline.push({ s: (Date.now() - t0) / 1000, ...c });
        }
        const sent = done;
        log(`  published ${fmtInt(sent.events)} events, ${fmtInt(sent.delivered)} data frames in ${fmt(sent.ms / 1000, 1)} s`);
        // The panel catches up: until it shows every frame, or nothing moved for 15 s.
        const endedAt = Date.now();
        let last = null;
        let lastChange = Date.now();
        let counts;
        for (;;) {
          counts = await panelCounts(panel);
          if (counts.events >= sent.delivered) break;
          const key = `${counts.events}/${counts.frames}`;
          if (key !== last) {
            last = key;
            lastChange = Date.now();
          } else if (Date.now() - lastChange > 15_000) break;
          await sleep(100);
        }
        const settleMs = Date.now() - endedAt;
        const pageReceived = await page.evaluate(() => window.__received);
        const treeAfter = treeSnapshot(eb.pid);
        const foreign = probe.finish(treeBefore, treeAfter);
        // CPU time does not stretch when other processes take the cores, unlike task durations.
        const cpu = cpuDelta(treeBefore, treeAfter, sent.delivered);
        const m = await panel.evaluate((from) => ({ tasks: window.__bench.longTasks.slice(from.tasks), heap: window.__bench.heap.slice(from.heaps), now: performance.now() }), mark);
        if (cdp) {
          const { profile } = await cdp.send('Profiler.stop');
          writeFileSync(profileTo, JSON.stringify({ profile, pageNowAtStart: profileAt, longTasks: m.tasks }));
          log(`  CPU profile of the panel written to ${profileTo}`);
        }

        // The table's count of data frames: the whole session scanned under `type:data`.
        await panel.evaluate(() => {
          const input = document.querySelector('input[aria-label="Filter frames"]');
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, 'type:data');
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.form.requestSubmit();
        });
        await sleep(200);
        await waitFor(async () => !(await panelCounts(panel)).scanning || null, { what: 'type:data scan', timeout: 120_000, interval: 100 });
        const dataRows = (await panelCounts(panel)).shown;
        return { sent, counts, pageReceived, dataRows, settleMs, foreign, cpu, tasks: m.tasks, heap: m.heap, timeline };
      })(),
      seconds * 1000 + 400_000,
      name,
    );
  } catch (error) {
    log(`${name} failed: ${error.message}`);
    res = { error: error.message };
  } finally {
    await eb.close();
    emu.stop();
  }
  if (res.error) {
    const text = `### ${name}\n\nFAILED: ${res.error}`;
    console.log(text + '\n');
    return { name, text, summary: [['Inspector live ingest', 'failed', res.error]] };
  }
  const { sent, counts, pageReceived, dataRows, settleMs, foreign, cpu, tasks, heap, timeline } = res;
  const cpuS = (perFrame) => (perFrame * sent.delivered) / 1e6;
  const long = tasks.filter((t) => t.duration > 50);
  const longest = Math.max(0, ...tasks.map((t) => t.duration));
  const heapMB = heap.map(([, b]) => b / 2 ** 20);
  const lag = timeline.map((p, i) => (i === 0 ? 0 : Math.max(0, Math.round(Math.min(rate * p.s, sent.delivered)) - p.events)));
  const rows = [
    ['events published (server side, batches of 5)', `${fmtInt(sent.events)} in ${fmt(sent.ms / 1000, 1)} s (${fmtInt((sent.events * 1000) / sent.ms)}/s; publisher at most ${fmt(sent.lateMs, 0)} ms behind)`],
    ['data frames delivered by the emulator', fmtInt(sent.delivered)],
    ['received by the page', fmtInt(pageReceived)],
    ["panel: the subscription's event count (sidebar, traffic model)", `${fmtInt(counts.events)}${counts.events === sent.delivered ? ' (equal)' : ` (**${fmtInt(sent.delivered - counts.events)} short**)`}`],
    ['panel: table rows under `type:data` (the stored session)', `${fmtInt(dataRows)}${dataRows === sent.delivered ? ' (equal)' : ` (**${fmtInt(sent.delivered - dataRows)} short**)`}`],
    ['panel: frames in the session (record count)', fmtInt(counts.frames)],
    ['time from the last publish until the panel showed every frame', `${fmtInt(settleMs)} ms (polled at 100 ms)`],
    ['largest lag of the sidebar count behind the emulator during the run', `${fmtInt(Math.max(0, ...lag))} events (sampled every second)`],
    ['long tasks > 50 ms in the panel (publish start → caught up)', `${fmtInt(long.length)} (longest task ${fmt(longest, 0)} ms; ${fmtInt(tasks.length)} tasks ≥ 50 ms reported)`],
    ['  total time in long tasks', `${fmt(tasks.reduce((n, t) => n + t.duration, 0) / 1000, 2)} s`],
    ['panel JS heap (used): start / peak / end', `${fmt(heapMB[0], 1)} / ${fmt(Math.max(...heapMB), 1)} / ${fmt(heapMB.at(-1), 1)} MB`],
    ['CPU of the panel page (main thread) / the background (service worker)', `${fmt(cpuS(cpu.perFrame.extMain), 1)} s / ${fmt(cpuS(cpu.perFrame.extSW), 1)} s over ${fmt(cpu.wallMs / 1000, 1)} s (${fmt(cpu.perFrame.extMain, 1)} / ${fmt(cpu.perFrame.extSW, 1)} µs per frame)`],
    ['foreign load (cores of 2)', fmt(foreign, 2)],
  ];
  const text = [`### ${name}: Chromium, built extension, ${fmtInt(rate)} events/s for ${seconds} s into the open panel`, '', table(['measure', 'value'], rows)].join('\n');
  console.log(text + '\n');
  if (long.length > 0) log(`  long tasks (start s, ms): ${long.slice(0, 40).map((t) => `${fmt(t.start / 1000, 1)}:${fmt(t.duration, 0)}`).join(' ')}`);
  log(`  sidebar count per second: ${timeline.map((p) => p.events).join(' ')}`);
  return {
    name,
    text,
    appendix: text,
    summary: [
      [
        `Inspector: live ingest ${fmtInt(rate)} events/s for ${seconds} s`,
        `${fmtInt(long.length)} long tasks > 50 ms (longest ${fmt(longest, 0)} ms)`,
        `panel count ${fmtInt(counts.events)} / table ${fmtInt(dataRows)} of ${fmtInt(sent.delivered)} delivered; heap peak ${fmt(Math.max(...heapMB), 0)} MB`,
      ],
    ],
  };
}
