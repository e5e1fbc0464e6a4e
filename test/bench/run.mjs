#!/usr/bin/env node
// `npm run bench`: runs every benchmark in sequence and prints figures (never pass/fail on
// time). Each capture benchmark measures its own baseline in the same run and prints
// medians and ratios; a Markdown summary for the README's performance section comes last.
//
//   node test/bench/run.mjs [--only NAME[,NAME]] [--skip NAME[,NAME]] [--runs 5]
//        [--frames 200000] [--warm 5000] [--cpu-runs 3] [--firefox-runs 3] [--no-firefox]
//        [--duration 30] [--rate 10000] [--micro-frames 200000] [--micro-reps 7]
//        [--sessions-frames 100000] [--sessions-reads 3] [--sessions-job-runs 3] [--inspector-frames 1000000]
//        [--traffic-frames 1000000] [--live-seconds 30] [--live-rate 5000] [--no-build]
//        [--dom-alt-dist DIR]
//
// Benchmarks: capture-hook-micro, capture-dom-micro (the DOM insertion guard; --dom-alt-dist
// adds a browser with another build, e.g. a copy of an older dist/), capture-throughput,
// capture-cpu, messaging-floor (the relay → background hop alone, the floor under capture-cpu),
// capture-delivery, emulator (test/bench/emulator-bench.ts), sessions (test/bench/sessions-*, if present),
// inspector-render (the panel over a stored session of --inspector-frames frames),
// inspector-live (the panel following --live-rate events/s from the emulator for
// --live-seconds s), traffic-fold (the traffic model's fold rate and memory under node).
// Progress goes to stderr, figures to stdout. Everything stays on 127.0.0.1; every browser
// is killed when the process exits.

import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildFrames, startBenchServer } from './lib/server.mjs';
import { fmtInt, log, table } from './lib/util.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const BENCH_DIR = import.meta.dirname;

const DEFAULTS = {
  runs: 5,
  frames: 200_000,
  warm: 5_000,
  cpuRuns: 3,
  firefoxRuns: 3,
  firefox: true,
  duration: 30,
  rate: 10_000,
  microFrames: 200_000,
  microReps: 7,
  sessionsFrames: 100_000,
  sessionsReads: 3,
  sessionsJobRuns: 3,
  inspectorFrames: 1_000_000,
  trafficFrames: 1_000_000,
  liveSeconds: 30,
  liveRate: 5_000,
  build: true,
  domAltDist: null,
  only: null,
  skip: [],
};

const ORDER = ['capture-hook-micro', 'capture-dom-micro', 'capture-throughput', 'capture-cpu', 'messaging-floor', 'capture-delivery', 'emulator', 'sessions', 'inspector-render', 'inspector-live', 'traffic-fold'];

function usage() {
  return readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('//'))
    .slice(0, 20)
    .map((l) => l.slice(3))
    .join('\n');
}

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  const num = (flag, v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got ${v}`);
    return n;
  };
  const keys = {
    '--runs': 'runs',
    '--frames': 'frames',
    '--warm': 'warm',
    '--cpu-runs': 'cpuRuns',
    '--firefox-runs': 'firefoxRuns',
    '--duration': 'duration',
    '--rate': 'rate',
    '--micro-frames': 'microFrames',
    '--micro-reps': 'microReps',
    '--sessions-frames': 'sessionsFrames',
    '--sessions-reads': 'sessionsReads',
    '--sessions-job-runs': 'sessionsJobRuns',
    '--inspector-frames': 'inspectorFrames',
    '--traffic-frames': 'trafficFrames',
    '--live-seconds': 'liveSeconds',
    '--live-rate': 'liveRate',
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    if (a.includes('=')) [a, v] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const value = () => v ?? argv[++i];
    if (a === '--help' || a === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (a === '--only') opts.only = [...(opts.only ?? []), ...value().split(',')];
    else if (a === '--skip') opts.skip = [...opts.skip, ...value().split(',')];
    else if (a === '--no-firefox') opts.firefox = false;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--dom-alt-dist') opts.domAltDist = resolve(value());
    else if (keys[a]) opts[keys[a]] = num(a, value());
    else throw new Error(`unknown option ${a} (try --help)`);
  }
  for (const name of [...(opts.only ?? []), ...opts.skip]) {
    if (!ORDER.some((b) => b === name || b.startsWith(name))) throw new Error(`unknown benchmark ${name}; known: ${ORDER.join(', ')}`);
  }
  return opts;
}

const selected = (opts, name) =>
  (opts.only === null || opts.only.some((o) => name === o || name.startsWith(o))) && !opts.skip.some((o) => name === o || name.startsWith(o));

function versionOf(cmd) {
  try {
    return execFileSync(cmd, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 })
      .split('\n')
      .find((l) => /\d+\.\d+/.test(l))
      ?.trim();
  } catch {
    return undefined;
  }
}

/** Runs a command with a time bound; resolves with its output (stdout echoed as it comes). */
function runCommand(cmd, args, timeoutMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    const kill = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    process.once('exit', kill);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', kill);
      resolvePromise({ code, signal, out, err });
    });
  });
}

async function build(opts) {
  if (!opts.build) return 'skipped (--no-build)';
  log('building the extension (npm run build)…');
  const r = await runCommand('npm', ['run', 'build'], 300_000);
  if (r.code === 0) return 'built by this run';
  log(`build failed (exit ${r.code ?? r.signal}); using the existing dist/`);
  return `build FAILED (exit ${r.code ?? r.signal}), existing dist/ used`;
}

/** Copies dist/ so a concurrent rebuild cannot change the extension mid-benchmark. */
function snapshotDist() {
  const dir = mkdtempSync(join(tmpdir(), 'aedt-bench-dist-'));
  const dist = {};
  for (const [browser, sub] of [['chromium', 'chrome'], ['firefox', 'firefox']]) {
    const from = join(ROOT, 'dist', sub);
    if (!existsSync(join(from, 'manifest.json'))) throw new Error(`dist/${sub} is missing: run npm run build`);
    cpSync(from, join(dir, sub), { recursive: true });
    dist[browser] = join(dir, sub);
  }
  const built = statSync(join(ROOT, 'dist/chrome/manifest.json')).mtime.toISOString();
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { dist, built };
}

async function emulatorBench() {
  const file = join(BENCH_DIR, 'emulator-bench.ts');
  if (!existsSync(file)) return { name: 'emulator', text: '### emulator\n\nskipped: test/bench/emulator-bench.ts not present', summary: [] };
  log('emulator: npx tsx test/bench/emulator-bench.ts');
  const r = await runCommand('npx', ['tsx', 'test/bench/emulator-bench.ts'], 300_000);
  const text = ['### emulator (test/bench/emulator-bench.ts)', '', r.code === 0 ? r.out.trim() : `FAILED (exit ${r.code ?? r.signal})\n\n${(r.err || r.out).trim().slice(-2000)}`].join('\n');
  console.log(text + '\n');
  return { name: 'emulator', text, summary: r.code === 0 ? [] : [['Emulator benchmark', 'failed', `exit ${r.code ?? r.signal}`]], appendix: r.code === 0 ? text : null };
}

/**
 * The sessions benchmark (test/bench/sessions-*): a script that runs itself is run as is;
 * a module that only exports `runSessionsBench(idbFactory, opts)` is bundled with esbuild
 * and called in a fresh Chromium page against real IndexedDB; anything else is skipped.
 */
async function sessionsBench(ctx) {
  const files = readdirSync(BENCH_DIR).filter((f) => /^sessions-.*\.(ts|mts|mjs|js)$/.test(f));
  if (files.length === 0) return { name: 'sessions', text: '### sessions\n\nskipped: no test/bench/sessions-* benchmark present', summary: [['Sessions (IndexedDB) benchmark', 'not run', 'no test/bench/sessions-* file']] };
  const texts = [];
  const summary = [];
  for (const f of files) {
    const src = readFileSync(join(BENCH_DIR, f), 'utf8');
    const selfRunning = /^(?:main|run)\s*\(/m.test(src) || /^await\s/m.test(src) || /^void\s+(?:main|run)\s*\(/m.test(src);
    if (selfRunning) {
      log(`sessions: ${f}`);
      const r = /\.m?js$/.test(f) ? await runCommand('node', [join('test/bench', f)], 600_000) : await runCommand('npx', ['tsx', join('test/bench', f)], 600_000);
      texts.push([`### sessions (${f})`, '', r.code === 0 ? r.out.trim() : `FAILED (exit ${r.code ?? r.signal})\n\n${(r.err || r.out).trim().slice(-2000)}`].join('\n'));
      if (r.code !== 0) summary.push([`Sessions benchmark (${f})`, 'failed', `exit ${r.code ?? r.signal}`]);
      continue;
    }
    if (!/export\s+async\s+function\s+runSessionsBench\s*\(/.test(src)) {
      texts.push(`### sessions (${f})\n\nskipped: ${f} exposes no runner`);
      summary.push([`Sessions benchmark (${f})`, 'not run', 'exposes no runner']);
      continue;
    }
    const r = await sessionsInChromium(ctx, f);
    texts.push(r.text);
    summary.push(...r.summary);
  }
  const text = texts.join('\n\n');
  console.log(text + '\n');
  return { name: 'sessions', text, summary, appendix: text };
}

/** Resident memory (VmHWM: peak, VmRSS: now; MB) of the browser's largest renderer. */
async function rendererRssMB(pid, field = 'VmHWM') {
  const { descendants } = await import('./lib/proc.mjs');
  let peak = 0;
  for (const p of descendants(pid)) {
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {
      /* gone */
    }
  }
  return peak;
}

/**
 * Runs the benchmark in three browser processes on one persistent profile, so that opening
 * the session is measured after a real browser restart: write (then close the browser),
 * read (fresh browser: cold open, first page, totals, filters, search), and export +
 * import (fresh browser again, so its renderer's peak RSS belongs to that phase alone).
 */
async function sessionsInChromium(ctx, file) {
  const { launchChromium } = await import('./lib/browsers.mjs');
  const { withTimeout, fmt, median } = await import('./lib/util.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'aedt-bench-sessions-'));
  const out = join(tmp, 'sessions-bench.js');
  const profile = join(tmp, 'profile');
  process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
  const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
  const b = await runCommand(esbuild, [join('test/bench', file), '--bundle', '--format=iife', '--global-name=SessionsBench', '--target=es2022', '--define:import.meta.env.DEV=false', '--log-level=warning', `--outfile=${out}`], 120_000);
  if (b.code !== 0) return { text: `### sessions (${file})\n\nFAILED to bundle: ${b.err.slice(-1500)}`, summary: [[`Sessions benchmark (${file})`, 'failed', 'bundle failed']] };
  ctx.server.serveFile('sessions-bench.js', out);
  const frames = ctx.opts.sessionsFrames;
  const reads = Math.max(1, ctx.opts.sessionsReads);
  log(`sessions: ${file} in Chromium, ${fmtInt(frames)} frames, ${reads} cold read run(s)`);

  // One browser process per phase; the later --user-data-dir wins over the launcher's own.
  const inBrowser = async (what, fn, arg, { withProbe = false } = {}) => {
    const run = `sessions-${what}-${Date.now()}`;
    const eb = await launchChromium({ extraArgs: [`--user-data-dir=${profile}`, '--enable-precise-memory-info'] });
    const { foreignProbe, treeSnapshot } = await import('./lib/proc.mjs');
    const probe = foreignProbe();
    const treeBefore = treeSnapshot(eb.pid);
    try {
      const page = await eb.firstPage();
      page.on('console', (m) => log(`  [page] ${m.text()}`));
      await page.goto(`${ctx.server.origin}/pages/blank.html`);
      const { rendererPid, rssKinds, startProbe } = await import('./lib/sessions-probe.mjs');
      // The renderer with an empty page, before the bench bundle: what any page costs.
      const blank = rssKinds(rendererPid(eb.pid));
      await page.addScriptTag({ url: '/sessions-bench.js' });
      const rssStart = await rendererRssMB(eb.pid, 'VmRSS');
      const loaded = rssKinds(rendererPid(eb.pid));
      const probed = withProbe ? await startProbe(page, eb.pid) : null;
      // Sampled RSS with wall-clock times, to split a phase's peak between its jobs.
      const samples = [];
      const sampler = setInterval(() => void rendererRssMB(eb.pid, 'VmRSS').then((mb) => samples.push([Date.now(), mb])), 200);
      const result = ctx.server.next('result', run, 900_000);
      // Not awaited here: a phase can outlast the protocol timeout; it posts its result.
      await page.evaluate(
        (fnName, a, runId) => {
          const post = (body) => fetch(`/result?run=${encodeURIComponent(runId)}`, { method: 'POST', body: JSON.stringify(body) });
          SessionsBench[fnName](indexedDB, ...a).then(
            (r) => post({ result: r }),
            (e) => post({ error: String((e && e.stack) || e) }),
          );
        },
        fn,
        arg,
        run,
      );
      const res = await withTimeout(result, 920_000, `sessions ${what}`).finally(() => clearInterval(sampler));
      if (probed) {
        await probed.takeWorkerAllocations();
        await page.evaluate(() => globalThis.sessionsBenchWorker?.terminate()).catch(() => {});
      }
      const probeOut = probed ? await probed.stop() : null;
      if (res.error) throw new Error(res.error);
      const foreign = probe.finish(treeBefore, treeSnapshot(eb.pid));
      log(`  foreign load during ${what}: ${fmt(foreign, 2)} cores`);
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      return { ...res.result, rendererRssStartMB: rssStart, rendererPeakRssMB: await rendererRssMB(eb.pid), foreign, rssSamples: samples, blank, loaded, probe: probeOut, load };
    } finally {
      await eb.close();
    }
  };

  let write;
  const readRuns = [];
  let xi;
  let jobs;
  const jobRuns = [];
  try {
    log('  sessions phase: append (browser 1)');
    write = await inBrowser('write', 'benchWrite', [{ frames, dbName: 'sessions-bench' }]);
    const target = { dbName: write.dbName, sessionId: write.sessionId };
    for (let i = 0; i < reads; i++) {
      log(`  sessions phase: open after restart, filters, search (browser ${2 + i})`);
      readRuns.push(await inBrowser('read', 'benchRead', [target]));
    }
    log(`  sessions phase: export + import (browser ${2 + reads})`);
    xi = await inBrowser('export', 'benchExportImport', [target]);
    for (let i = 0; i < Math.max(1, ctx.opts.sessionsJobRuns); i++) {
      log(`  sessions phase: export + import in a worker, as the panel runs them, run ${i + 1} (browser ${3 + reads + i})`);
      jobRuns.push(await inBrowser('jobs', 'benchWorkerJobs', [target, `${ctx.server.origin}/sessions-bench.js`, { keepWorker: true }], { withProbe: true }));
    }
    jobs = jobRuns[0];
  } catch (error) {
    return { text: `### sessions (${file})\n\nFAILED: ${String(error.message).slice(0, 1500)}`, summary: [[`Sessions benchmark (${file})`, 'failed', String(error.message).split('\n')[0]]] };
  }
  const med = (k) => median(readRuns.map((r) => r[k]));
  const range = (k) => (readRuns.length > 1 ? ` (${fmt(Math.min(...readRuns.map((r) => r[k])), 1)}–${fmt(Math.max(...readRuns.map((r) => r[k])), 1)})` : '');
  const ms = (k) => `${fmt(med(k), 1)}${range(k)}`;
  const rows = [
    ['append through the recorder, batches of 1,000', `${fmtInt(write.appendFramesPerSec)} frames/s`],
    ['  first / last 10 % of batches', `${fmtInt(write.appendFirstTenthPerSec)} / ${fmtInt(write.appendLastTenthPerSec)} frames/s`],
    ['  total append time; slowest append', `${fmt(write.appendMs / 1000, 2)} s; ${fmt(write.appendMaxMs, 1)} ms`],
    ['  stored size estimate', `${fmtInt(write.storedBytesEstimate / 2 ** 20)} MB`],
    ['open after restart: DB open + totals + first 100 rows', `${ms('openFirstPageTotalsMs')} ms`],
    ['  DB open (cold) / session totals / first 100 rows', `${fmt(med('openDbMs'), 1)} / ${fmt(med('totalsMs'), 1)} / ${fmt(med('firstPageMs'), 1)} ms`],
    ['  + per-channel/type counts (sessionCounts), cold', `${ms('countsMs')} ms`],
    ['  open + totals + first 100 rows + counts', `${ms('openWithCountsMs')} ms`],
    ['newest 100 rows', `${ms('newest100Ms')} ms`],
    ['channel filter (1 %), first 100', `${ms('channelFirst100Ms')} ms`],
    ['type filter (error, 1 %), first 100', `${ms('typeFirst100Ms')} ms`],
    ['full-text (case-insensitive) over all frames', `${ms('fullTextMs')} ms`],
    ['  first 50 matches shown after', `${ms('fullTextFirstBatchMs')} ms`],
    ['  matches; frames scanned; progress events', `${fmtInt(med('fullTextMatches'))}; ${fmtInt(med('fullTextFramesScanned'))}; ${fmtInt(med('fullTextProgressEvents'))}`],
    ['  cancel: abort() to scan ended', `${ms('fullTextCancelMs')} ms`],
    ['  JS heap peak while reading', `${fmt(med('heapPeakMB'), 1)} MB`],
    ['foreign load (cores of 2): append / reads (median) / export+import', `${fmt(write.foreign, 2)} / ${fmt(med('foreign'), 2)} / ${fmt(xi.foreign, 2)}`],
    ['export (streamed, gzip) to a Blob', `${fmt(xi.exportMs / 1000, 2)} s, ${fmtInt(xi.exportBytes / 2 ** 20)} MB file`],
    ['import of that file (streamed)', `${fmt(xi.importMs / 1000, 2)} s, ${fmtInt(xi.importFramesPerSec)} frames/s`],
    ['  JS heap before / peak export / peak import', `${fmt(xi.heapBeforeMB, 1)} / ${fmt(xi.heapPeakExportMB, 1)} / ${fmt(xi.heapPeakImportMB, 1)} MB`],
    ['  renderer RSS before (page loaded) / peak (VmHWM)', `${fmtInt(xi.rendererRssStartMB)} / ${fmtInt(xi.rendererPeakRssMB)} MB`],
  ];
  const jobsText = [];
  if (jobs?.exportSession) {
    const { peaksWithin, summarizeProfile } = await import('./lib/sessions-probe.mjs');
    const mj = (f) => median(jobRuns.map(f).filter((v) => Number.isFinite(v)));
    const rng = (f) => {
      const v = jobRuns.map(f).filter((x) => Number.isFinite(x));
      return v.length > 1 ? ` (${fmtInt(Math.min(...v))}–${fmtInt(Math.max(...v))})` : '';
    };
    const mb = (f) => `${fmtInt(mj(f))}${rng(f)}`;
    const peak = (r, k) => peaksWithin(r.probe?.samples ?? [], r[k].from, r[k].to);
    const jobRow = (label, k) => [
      label,
      `${fmt(mj((r) => r[k].ms) / 1000, 2)} s, ${fmtInt(jobs[k].bytes / 2 ** 20)} MB file${jobs[k].frames !== undefined ? `, ${fmtInt(jobs[k].frames)} frames` : ''}`,
      `${mb((r) => peak(r, k).rss)} MB`,
      `${mb((r) => peak(r, k).anon)} MB`,
      `${fmt(mj((r) => peak(r, k).pageHeap), 1)} MB`,
      `${fmt(mj((r) => peak(r, k).workerHeap), 1)} MB (${fmtInt(mj((r) => peak(r, k).workerHeapTotal))} MB reserved)`,
      `${fmt(mj((r) => peak(r, k).workerBacking), 1)} MB`,
    ];
    const profs = jobRuns.map((r) => summarizeProfile(r.probe?.profile));
    const longestFns = profs.map((p) => (p?.longestBusyFns ?? []).map(([f, ms]) => `${f} ${fmt(ms, 1)} ms`).join(', ')).join(' | ');
    const topFns = (profs[0]?.top ?? []).map(([f, ms]) => `${f} ${fmt(ms, 1)}`).join('; ');
    jobsText.push(
      '',
      `#### export + import in a worker, as the panel runs them: ${jobRuns.length} run(s) in fresh browsers, medians (min–max)`,
      '',
      `Load (1/5/15 min) at the end of each run: ${jobRuns.map((r) => r.load).join(' | ')}; foreign load (cores of 2): ${jobRuns.map((r) => fmt(r.foreign, 2)).join(' / ')}.`,
      'RSS is of the renderer that hosts the page and its worker; anon is its own memory (RssAnon), the rest is mapped binary and libraries (RssFile, shared with every Chromium process). JS heaps are Runtime.getHeapUsage of the page and of the worker target, sampled every 100 ms; backing stores are ArrayBuffer memory outside the heap.',
      '',
      table(
        ['job', 'time, size', 'renderer RSS peak', 'RssAnon peak', 'page JS heap peak', 'worker JS heap peak', 'worker ArrayBuffers peak'],
        [jobRow('export, our format (gzip), to a Blob of parts', 'exportSession'), jobRow('import of that file', 'importSession'), jobRow('export as HAR, to a Blob of parts', 'exportHar'), jobRow('import of that HAR (streamed reader)', 'importHar')],
      ),
      '',
      table(
        ['baseline and main thread', 'value'],
        [
          ['renderer with an empty page: RSS / RssAnon / RssFile', `${mb((r) => r.blank.rss)} / ${mb((r) => r.blank.anon)} / ${mb((r) => r.blank.file)} MB`],
          ['  + bench bundle loaded, before any job: RSS / RssAnon / RssFile', `${mb((r) => r.loaded.rss)} / ${mb((r) => r.loaded.anon)} / ${mb((r) => r.loaded.file)} MB`],
          ['  page JS heap before any job', `${fmt(mj((r) => r.probe?.samples?.[0]?.page?.used), 1)} MB`],
          ['renderer peak over all four jobs (VmHWM)', `${mb((r) => r.rendererPeakRssMB)} MB`],
          ['main thread: longest heartbeat gap / longest long task', `${fmt(mj((r) => r.mainMaxGapMs), 1)} / ${fmt(mj((r) => r.mainLongestTaskMs), 1)} ms (per run: ${jobRuns.map((r) => `${fmt(r.mainMaxGapMs, 0)}/${fmt(r.mainLongestTaskMs, 0)}`).join(', ')})`],
          ['main thread CPU profile: busy / GC / longest busy stretch', `${fmt(median(profs.map((p) => p?.busyMs ?? NaN)), 0)} / ${fmt(median(profs.map((p) => p?.gcMs ?? NaN)), 1)} / ${fmt(median(profs.map((p) => p?.longestBusyMs ?? NaN)), 1)} ms of ${fmt(median(profs.map((p) => p?.totalMs ?? NaN)), 0)} ms`],
          ['  longest busy stretch made of (per run)', longestFns || 'n/a'],
          ['  top self time (run 1)', topFns || 'n/a'],
          ['HAR import worker: allocations (sampled, incl. collected): total; top self', (() => {
            const a = jobRuns[0].probe?.workerAllocations;
            return a ? `${fmtInt(a.totalMB)} MB; ${a.top.map(([f, m]) => `${f} ${fmtInt(m)}`).join('; ')}` : 'n/a';
          })()],
          ['main thread on CPU / runnable but waiting for a CPU (schedstat)', `${fmt(mj((r) => r.probe?.mainRunMs), 0)} / ${fmt(mj((r) => r.probe?.mainWaitMs), 0)} ms`],
        ],
      ),
    );
    rows.push(
      ['in a worker (as the panel), median of runs: renderer peak (VmHWM)', `${mb((r) => r.rendererPeakRssMB)} MB; main thread longest gap / long task ${fmt(mj((r) => r.mainMaxGapMs), 1)} / ${fmt(mj((r) => r.mainLongestTaskMs), 1)} ms`],
    );
  }
  return {
    text: [
      `### sessions (${file}): Chromium page, real IndexedDB, ${fmtInt(frames)} frames of ~512 B`,
      '',
      `Write in one browser, close it, relaunch on the same profile for each read run (${reads}; medians, min–max), then a fresh browser for export + import.`,
      '',
      table(['measure', 'value'], rows),
      ...jobsText,
    ].join('\n'),
    summary: [
      ['Sessions: append through the recorder (real IndexedDB)', `${fmtInt(write.appendFramesPerSec)} frames/s`, `${fmtInt(write.frames)} frames, batches of 1,000, Chromium page`],
      ['Sessions: open after restart + totals + first 100 rows', `${fmt(med('openFirstPageTotalsMs'), 1)} ms`, `channel first 100 ${fmt(med('channelFirst100Ms'), 1)} ms; type first 100 ${fmt(med('typeFirst100Ms'), 1)} ms; full-text ${fmt(med('fullTextMs'), 0)} ms`],
      ['Sessions: export + import (streamed)', `${fmt(xi.exportMs / 1000, 1)} s + ${fmt(xi.importMs / 1000, 1)} s`, `JS heap peak ${fmt(Math.max(xi.heapPeakExportMB, xi.heapPeakImportMB), 0)} MB; renderer peak RSS ${fmtInt(xi.rendererPeakRssMB)} MB`],
      ...(jobs?.exportSession
        ? [['Sessions: export/import in the worker (ours + HAR)', `renderer peak RSS ${fmtInt(median(jobRuns.map((r) => r.rendererPeakRssMB)))} MB`, `main thread longest block ${fmt(median(jobRuns.map((r) => Math.max(r.mainMaxGapMs, r.mainLongestTaskMs))), 1)} ms; median of ${jobRuns.length}`]]
        : []),
    ],
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const wantsExtension = ['capture-hook-micro', 'capture-dom-micro', 'capture-throughput', 'capture-cpu', 'capture-delivery', 'inspector-render', 'inspector-live'].some((b) => selected(opts, b));
  const wantsBrowser = wantsExtension || selected(opts, 'sessions') || selected(opts, 'messaging-floor');
  let buildNote = 'not needed';
  let snap = null;
  if (wantsExtension) {
    buildNote = await build(opts);
    snap = snapshotDist();
  }
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'extension'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ' (with uncommitted changes in src/ or extension/)';
  } catch {
    /* not a checkout */
  }
  const env = {
    chromium: versionOf(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    firefox: versionOf(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`,
    mem: `${Math.round(totalmem() / 2 ** 30)} GiB`,
  };
  console.log(`# npm run bench — ${new Date().toISOString()}`);
  console.log(`Node ${process.version}; ${env.chromium ?? 'chromium ?'}; ${env.firefox ?? 'firefox ?'}; ${env.cpu}; ${env.mem}; commit ${commit}; extension ${buildNote}${snap ? `, dist/ of ${snap.built}` : ''}`);
  console.log(`Options: ${JSON.stringify({ ...opts, only: opts.only ?? 'all' })}\n`);

  let framesCache = null;
  let indexedCache = null;
  const framesOf = () => (framesCache ??= buildFrames(Math.max(opts.frames, opts.warm), { seed: 42 }));
  const server = wantsBrowser
    ? await startBenchServer({
        frames: framesOf,
        indexedFrames: () => indexedCache ?? [],
      })
    : null;
  const ctx = {
    opts,
    server,
    dist: snap?.dist,
    // A run at 5,000 frames/s would already be far below anything measured here.
    runTimeoutMs: 60_000 + (opts.frames + opts.warm) / 5,
    ensureIndexedFrames(total) {
      if (!indexedCache || indexedCache.length < total) indexedCache = buildFrames(total, { indexed: true, seed: 7 });
    },
    releaseIndexedFrames() {
      indexedCache = null;
    },
  };

  const results = [];
  ctx.results = results;
  for (const name of ORDER) {
    if (!selected(opts, name)) continue;
    const t0 = Date.now();
    log(`=== ${name}`);
    try {
      let r;
      if (name === 'emulator') r = await emulatorBench();
      else if (name === 'sessions') r = await sessionsBench(ctx);
      else {
        if (name === 'capture-throughput' || name === 'capture-cpu') {
          if (!framesCache) log(`building ${fmtInt(Math.max(opts.frames, opts.warm))} frames…`);
          framesOf();
        }
        const mod = await import(`./${name}.mjs`);
        r = await mod.run(ctx);
      }
      r.seconds = (Date.now() - t0) / 1000;
      results.push(r);
      log(`=== ${name} done in ${Math.round(r.seconds)} s`);
    } catch (error) {
      log(`${name} failed: ${error.stack ?? error}`);
      results.push({ name, text: `### ${name}\n\nFAILED: ${error.message}`, summary: [[name, 'failed', error.message]], seconds: (Date.now() - t0) / 1000 });
    }
  }
  await server?.close();

  // The summary, ready to paste into the README's performance section.
  const rows = results.flatMap((r) => r.summary ?? []);
  const lines = [
    '',
    '## Performance summary',
    '',
    `Measured with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${env.cpu}, ${env.mem}, Node ${process.version}, ${env.chromium ?? 'Chromium'}${opts.firefox ? `, ${env.firefox ?? 'Firefox'}` : ''}. ` +
      (selected(opts, 'capture-throughput')
        ? `Throughput at saturation: ${fmtInt(opts.frames)} frames of ~515 B after ${fmtInt(opts.warm)} warm-up frames, a fresh browser per run, medians of ${opts.runs} rounds (Chromium) with the bare baseline measured in the same session; ratios are medians of per-round ratios. `
        : '') +
      'CPU from /proc utime+stime. Other processes shared the 2 cores (foreign load is printed per benchmark). No thresholds are asserted.',
    '',
    table(['benchmark', 'result', 'details'], rows),
  ];
  for (const r of results) if (r.appendix) lines.push('', r.appendix.replace(/^### /, '#### '));
  lines.push('', `Total time: ${Math.round((Date.now() - started) / 1000)} s (${results.map((r) => `${r.name} ${Math.round(r.seconds)} s`).join(', ')}).`);
  console.log(lines.join('\n'));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error.stack ?? String(error));
    process.exit(1);
  },
);
