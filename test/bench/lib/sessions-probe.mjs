// What a sessions job's renderer memory and main-thread time are made of, sampled from
// outside the page: the page's and the worker's JS heaps over CDP (puppeteer attaches to
// dedicated workers with Target.setAutoAttach {flatten: true}; each gets its own session),
// the renderer's resident memory split by kind (/proc/<pid>/status: RssAnon is the
// process's own memory, RssFile the mapped binary and libraries, shared with every other
// Chromium process), the renderer main thread's run-queue wait (/proc/<pid>/task/<pid>/schedstat:
// time it was runnable but not running, i.e. the machine's load), and a CPU profile of the
// page's main thread, so that a long task can be attributed to a function, GC or the scheduler.

import { readFileSync } from 'node:fs';
import { descendants } from './proc.mjs';

const MB = 2 ** 20;

/** The renderer that hosts the page: the largest one by RSS (there is one page). */
export function rendererPid(browserPid) {
  let best = null;
  let bestRss = -1;
  for (const p of descendants(browserPid)) {
    try {
      if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      if (rss > bestRss) [best, bestRss] = [p, rss];
    } catch {
      /* gone */
    }
  }
  return best;
}

/** VmRSS, RssAnon, RssFile, RssShmem, VmHWM of a process, in MB. */
export function rssKinds(pid) {
  const out = { rss: NaN, anon: NaN, file: NaN, shmem: NaN, hwm: NaN };
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN) / 1024;
    Object.assign(out, { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem'), hwm: kb('VmHWM') });
  } catch {
    /* gone */
  }
  return out;
}

/** Main thread's [ns on CPU, ns runnable but waiting for a CPU]. */
export function schedstat(pid) {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return { runMs: NaN, waitMs: NaN };
  }
}

const heapOf = async (client) => {
  if (!client) return null;
  try {
    const h = await client.send('Runtime.getHeapUsage');
    return { used: h.usedSize / MB, total: h.totalSize / MB, backing: (h.backingStorageSize ?? NaN) / MB, embedder: (h.embedderHeapUsedSize ?? NaN) / MB };
  } catch {
    return null; // the worker ended
  }
};

/**
 * Starts sampling every `everyMs`: returns stop(), which resolves to the samples
 * ({ t, rss, anon, file, shmem, page, worker }) and the page's CPU profile.
 */
export async function startProbe(page, browserPid, { everyMs = 100, profile = true } = {}) {
  const pid = rendererPid(browserPid);
  const cdp = await page.createCDPSession();
  let worker = null;
  const workers = [];
  page.on('workercreated', (w) => {
    worker = w.client;
    workers.push(w.client);
    // Allocation volume by function, including what GC already collected: what makes the
    // worker's heap grow, not only what survives.
    if (profile) void w.client.send('HeapProfiler.startSampling', { samplingInterval: 64 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }).catch(() => {});
  });
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
  }
  const samples = [];
  let workerAllocations = null;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return; // a slow CDP reply: skip a tick rather than pile up requests
    busy = true;
    try {
      const [p, w] = await Promise.all([heapOf(cdp), heapOf(worker)]);
      // Chromium may keep a spare renderer; the page's is the largest one.
      const now = rendererPid(browserPid) ?? pid;
      samples.push({ t: Date.now(), pid: now, ...rssKinds(now), page: p, worker: w });
    } finally {
      busy = false;
    }
  }, everyMs);
  // Every renderer's, since which one hosts the page is known only from the samples.
  const sched0 = new Map(descendants(browserPid).map((p) => [p, schedstat(p)]));
  return {
    pid,
    workerCount: () => workers.length,
    /** Call while the worker still runs: its sampled allocations by function. */
    async takeWorkerAllocations() {
      if (!worker || !profile) return;
      try {
        workerAllocations = summarizeAllocations((await worker.send('HeapProfiler.getSamplingProfile')).profile);
      } catch {
        workerAllocations = null;
      }
    },
    async stop() {
      clearInterval(timer);
      const seen = new Map();
      for (const x of samples) seen.set(x.pid, (seen.get(x.pid) ?? 0) + 1);
      const main = [...seen].sort((a, b) => b[1] - a[1])[0]?.[0] ?? pid;
      const sched1 = schedstat(main);
      const start = sched0.get(main) ?? { runMs: NaN, waitMs: NaN };
      let prof = null;
      if (profile) {
        try {
          prof = (await cdp.send('Profiler.stop')).profile;
        } catch {
          prof = null;
        }
      }
      await cdp.detach().catch(() => {});
      return { samples, profile: prof, workerAllocations: workerAllocations, mainRunMs: sched1.runMs - start.runMs, mainWaitMs: sched1.waitMs - start.waitMs, hwm: rssKinds(main).hwm };
    },
  };
}

/** Peaks of the samples within [from, to] (wall clock, ms). */
export function peaksWithin(samples, from, to) {
  const s = samples.filter((x) => x.t >= from - 100 && x.t <= to + 100);
  const max = (f) => s.reduce((m, x) => Math.max(m, f(x) ?? -Infinity), -Infinity);
  return {
    rss: max((x) => x.rss),
    anon: max((x) => x.anon),
    file: max((x) => x.file),
    pageHeap: max((x) => x.page?.used),
    workerHeap: max((x) => x.worker?.used),
    workerHeapTotal: max((x) => x.worker?.total),
    workerBacking: max((x) => x.worker?.backing),
    samples: s.length,
  };
}

/**
 * From a CPU profile of the page's main thread: time in each top self-time function,
 * GC, and the longest stretch of consecutive non-idle samples (what a long task is made of).
 */
export function summarizeProfile(profile, { top = 5 } = {}) {
  if (!profile?.samples?.length) return null;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let idle = 0;
  let gc = 0;
  let total = 0;
  let run = 0;
  let runFns = new Map();
  let longest = { ms: 0, fns: [] };
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const n = byId.get(profile.samples[i]);
    const fn = n?.callFrame?.functionName || '(anonymous)';
    const where = n?.callFrame?.url ? `${fn} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}` : fn;
    total += dt;
    if (fn === '(idle)') {
      idle += dt;
      if (run > longest.ms) longest = { ms: run, fns: [...runFns].sort((a, b) => b[1] - a[1]).slice(0, 3) };
      run = 0;
      runFns = new Map();
      continue;
    }
    if (fn === '(garbage collector)') gc += dt;
    self.set(where, (self.get(where) ?? 0) + dt);
    run += dt;
    runFns.set(where, (runFns.get(where) ?? 0) + dt);
  }
  if (run > longest.ms) longest = { ms: run, fns: [...runFns].sort((a, b) => b[1] - a[1]).slice(0, 3) };
  return {
    totalMs: total,
    busyMs: total - idle,
    gcMs: gc,
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, top),
    longestBusyMs: longest.ms,
    longestBusyFns: longest.fns,
  };
}

/** Top allocating functions (self size, MB) of a sampling heap profile. */
export function summarizeAllocations(profile, top = 6) {
  if (!profile?.head) return null;
  const by = new Map();
  let total = 0;
  const walk = (n) => {
    const f = n.callFrame;
    const where = `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
    by.set(where, (by.get(where) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children ?? []) walk(c);
  };
  walk(profile.head);
  return { totalMB: total / MB, top: [...by].sort((a, b) => b[1] - a[1]).slice(0, top).map(([f, b]) => [f, b / MB]) };
}
