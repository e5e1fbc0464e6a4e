// Small helpers shared by the capture benchmarks: statistics, formatting, bounded waits.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** Nearest-rank percentile of an unsorted array (p in 0..100). */
export function percentile(xs, p) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((p1, q) => p1 - q);
  if (a.length === 0) return NaN;
  const k = Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1));
  return a[k];
}

export function min(xs) {
  const a = xs.filter((x) => Number.isFinite(x));
  return a.length ? Math.min(...a) : NaN;
}
export function max(xs) {
  const a = xs.filter((x) => Number.isFinite(x));
  return a.length ? Math.max(...a) : NaN;
}

export function fmtInt(x) {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
}
export function fmt(x, digits = 1) {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}
export function fmtRange(xs, f = fmtInt) {
  const a = xs.filter((x) => Number.isFinite(x));
  return a.length ? `${f(min(a))}–${f(max(a))}` : '–';
}

/** Markdown table; columns are right-aligned except the first. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}

/** Rejects after `ms` unless `promise` settles first. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Polls `fn` until it returns a value other than false/null/undefined; bounded. */
export async function waitFor(fn, { timeout = 15_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false && v !== null && v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message ?? last}` : ''}`);
    await sleep(interval);
  }
}

/** Ordering of conditions for round r: forward on even rounds, reversed on odd ones. */
export function roundOrder(conditions, r) {
  return r % 2 === 0 ? [...conditions] : [...conditions].reverse();
}

export function log(...args) {
  const t = new Date().toISOString().slice(11, 19);
  console.error(`[${t}]`, ...args);
}

/** The value after `flag` in the command line (`--frames 1000`), or `def`: the standalone scripts' options. */
export function option(flag, def) {
  const args = process.argv.slice(2);
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : def;
}
