// CPU accounting from /proc (Linux only): per-process utime+stime of a browser's process
// tree, grouped by process kind, and the machine-wide busy time so that CPU used by
// processes outside the benchmark ("foreign load") can be reported with every run.

import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';

const NCPU = cpus().length;

// USER_HZ; 100 on every Linux build in practice (getconf CLK_TCK).
export const TICK_US = 10_000;

function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

function readCmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Per-thread CPU of a process: tid -> { comm, ticks }. */
function readThreads(pid) {
  const out = new Map();
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { comm, ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {
      /* thread ended */
    }
  }
  return out;
}

/** CPU µs of a process's threads between two snapshots, by thread role. */
function threadDelta(b, a) {
  const roles = { main: 0, sw: 0, io: 0, pool: 0, other: 0 };
  if (!a?.threads) return roles;
  for (const [tid, t] of a.threads) {
    const d = (t.ticks - (b?.threads?.get(tid)?.ticks ?? 0)) * TICK_US;
    // The main thread's tid is the pid; Chromium names the others. The browser's IndexedDB
    // backend runs on thread-pool sequences, its IPC (and extension message routing) on
    // the UI and IO threads.
    if (Number(tid) === a.pid) roles.main += d;
    else if (t.comm.startsWith('ServiceWorker')) roles.sw += d;
    else if (t.comm.startsWith('Chrome_ChildIOT') || t.comm.startsWith('Chrome_IOThread')) roles.io += d;
    else {
      if (t.comm.startsWith('ThreadPool')) roles.pool += d;
      else roles.other += d;
      if (d > 0) (roles.others ??= {})[t.comm] = (roles.others[t.comm] ?? 0) + d;
    }
  }
  // BENCH_THREADS=1: the pool and other threads by name (ms of CPU between the snapshots).
  if (process.env.BENCH_THREADS && roles.others) process.stderr.write(`threads of ${a.pid}: ${JSON.stringify(Object.fromEntries(Object.entries(roles.others).sort((x, y) => y[1] - x[1]).slice(0, 12).map(([k, v]) => [k, Math.round(v / 1000)])))} ms\n`);
  return roles;
}

function allStats() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** Every process under `rootPid` (inclusive), with its CPU ticks and kind. */
export function treeSnapshot(rootPid) {
  const stats = allStats();
  const children = new Map();
  for (const st of stats) {
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(st);
  }
  const root = stats.find((s) => s.pid === rootPid);
  const procs = new Map();
  if (!root) return { at: Date.now(), procs };
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    const kind = classify(p.pid, p.pid === rootPid);
    procs.set(p.pid, { ...p, kind, threads: kind === 'renderer' || kind === 'extension' || kind === 'browser' ? readThreads(p.pid) : null });
    for (const c of children.get(p.pid) ?? []) stack.push(c);
  }
  return { at: Date.now(), procs };
}

function readComm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Kind of a Chromium or Firefox process, from its command line. */
export function classify(pid, isRoot) {
  if (isRoot) return 'browser';
  const args = readCmdline(pid);
  const joined = args.join(' ');
  const type = /--type=([\w-]+)/.exec(joined)?.[1];
  if (type === 'renderer') return joined.includes('--extension-process') ? 'extension' : 'renderer';
  if (type === 'utility') {
    if (joined.includes('network.mojom.NetworkService')) return 'network';
    if (joined.includes('storage.mojom.StorageService')) return 'storage';
    return 'utility';
  }
  if (type === 'gpu-process') return 'gpu';
  if (type === 'zygote') return 'zygote';
  if (type) return type;
  // Firefox content processes: "-contentproc ... tab|socket|rdd|utility". Processes forked
  // by its fork server have the whole command line in one argument, with a trailing empty
  // one. The extension process is a `tab` process too; its name says which it is.
  const words = joined.split(/\s+/).filter((w) => w !== '');
  if (words.includes('-contentproc')) {
    const k = words[words.length - 1];
    if (k === 'tab') return readComm(pid) === 'WebExtensions' ? 'extension' : 'renderer';
    if (k === 'socket') return 'network';
    return k || 'content';
  }
  return 'other';
}

/**
 * CPU µs per frame between two snapshots, grouped by kind. The page renderer is the
 * non-extension renderer that burned the most CPU (the other renderers are idle tabs).
 * Processes that exited between snapshots are not counted.
 */
export function cpuDelta(before, after, frames) {
  const perProc = [];
  for (const [pid, a] of after.procs) {
    const b = before.procs.get(pid);
    const d = a.ticks - (b ? b.ticks : 0);
    perProc.push({ pid, kind: a.kind, us: d * TICK_US });
  }
  const renderers = perProc.filter((p) => p.kind === 'renderer').sort((x, y) => y.us - x.us);
  const page = renderers[0];
  const groups = { page: 0, extension: 0, browser: 0, network: 0, otherRenderers: 0, other: 0 };
  for (const p of perProc) {
    if (p === page) groups.page += p.us;
    else if (p.kind === 'renderer') groups.otherRenderers += p.us;
    else if (p.kind === 'extension') groups.extension += p.us;
    else if (p.kind === 'browser') groups.browser += p.us;
    else if (p.kind === 'network') groups.network += p.us;
    else groups.other += p.us;
  }
  const total = Object.values(groups).reduce((s, x) => s + x, 0);
  // Sub-split: the page renderer's main thread vs its IO thread (socket reads), and the
  // extension process's service-worker thread vs its main thread (the panel page).
  const pageThreads = page ? threadDelta(before.procs.get(page.pid), after.procs.get(page.pid)) : null;
  const ext = { main: 0, sw: 0, io: 0, pool: 0, other: 0 };
  for (const p of perProc) {
    if (p.kind !== 'extension') continue;
    const t = threadDelta(before.procs.get(p.pid), after.procs.get(p.pid));
    for (const k of Object.keys(ext)) ext[k] += t[k];
  }
  const browserPid = perProc.find((p) => p.kind === 'browser')?.pid;
  const br = browserPid ? threadDelta(before.procs.get(browserPid), after.procs.get(browserPid)) : null;
  const detail = {
    browserUI: br ? br.main : NaN,
    browserIO: br ? br.io : NaN,
    browserPool: br ? br.pool : NaN,
    pageMain: pageThreads ? pageThreads.main : NaN,
    pageIO: pageThreads ? pageThreads.io : NaN,
    extSW: ext.sw,
    extMain: ext.main,
    extIO: ext.io,
    extOther: ext.pool + ext.other,
  };
  const perFrame = {};
  for (const [k, v] of Object.entries({ ...groups, total, ...detail })) perFrame[k] = v / frames;
  return { perFrame, wallMs: after.at - before.at, pagePid: page?.pid };
}

/** Machine-wide CPU counters from /proc/stat, in ticks. */
export function systemTicks() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq, total: user + nice + system + idle + iowait + irq + softirq + (steal ?? 0) };
}

export function selfTicks() {
  return readStat(process.pid)?.ticks ?? 0;
}

function treeTicks(snap) {
  let t = 0;
  for (const p of snap.procs.values()) t += p.ticks;
  return t;
}

/**
 * A probe for CPU used by everything that is not this benchmark: machine busy time minus
 * the harness's own process and the browser tree. Returned in cores (2.0 = both cores).
 */
export function foreignProbe() {
  const start = { sys: systemTicks(), self: selfTicks() };
  return {
    /** `treeBefore`/`treeAfter`: snapshots of the browser tree over the same interval. */
    finish(treeBefore, treeAfter) {
      const sys = systemTicks();
      const self = selfTicks();
      const ours = self - start.self + (treeAfter && treeBefore ? treeTicks(treeAfter) - treeTicks(treeBefore) : 0);
      const busy = sys.busy - start.sys.busy;
      const total = sys.total - start.sys.total;
      if (total <= 0) return NaN;
      return (Math.max(0, busy - ours) / total) * NCPU;
    },
  };
}

/** All descendants of `pid` (not inclusive), for killing a browser tree. */
export function descendants(pid) {
  const stats = allStats();
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    for (const s of stats) if (s.ppid === p) {
      out.push(s.pid);
      stack.push(s.pid);
    }
  }
  return out;
}
