#!/usr/bin/env node
// Runs traffic-fold.ts as an esbuild bundle (no tsx helpers in the timed code, as in the
// extension build) with --expose-gc:  node test/bench/traffic-fold.mjs [--frames 1000000]
// Also a step of `npm run bench` (run(ctx), --traffic-frames, three runs, medians).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const name = 'traffic-fold';

async function withBundle(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'traffic-bench-'));
  try {
    const outfile = join(dir, 'bench.mjs');
    await build({ entryPoints: [join(import.meta.dirname, 'traffic-fold.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
    return fn(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const number = (text, re) => Number((re.exec(text)?.[1] ?? 'NaN').replace(/,/g, ''));

export async function run(ctx) {
  const frames = ctx.opts.trafficFrames ?? 1_000_000;
  const runs = 3;
  const outs = await withBundle((outfile) =>
    Array.from({ length: runs }, () => execFileSync(process.execPath, ['--expose-gc', outfile, '--frames', String(frames)], { encoding: 'utf8', timeout: 300_000 })),
  );
  const rate = median(outs.map((o) => number(o, /fold rate\s+([\d,]+) frames\/s/)));
  const memory = median(outs.map((o) => number(o, /model memory\s+([\d.]+) MB/)));
  const snapshot = median(outs.map((o) => number(o, /snapshot\s+(\d+) ms/)));
  const restore = median(outs.map((o) => number(o, /restore (\d+) ms/)));
  const text = [`### traffic-fold: the traffic model over ${frames.toLocaleString('en')} frames (node, medians of ${runs})`, '', '```', outs[outs.length - 1].trim(), '```', '', `fold rate per run: ${outs.map((o) => number(o, /fold rate\s+([\d,]+)/).toLocaleString('en')).join(', ')} frames/s`].join('\n');
  console.log(text + '\n');
  return {
    name,
    text,
    appendix: text,
    summary: [[`Traffic model: fold of ${frames.toLocaleString('en')} frames`, `${rate.toLocaleString('en')} frames/s`, `model ${memory} MB retained; snapshot ${snapshot} ms, restore ${restore} ms (node, median of ${runs})`]],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await withBundle((outfile) => execFileSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit' }));
}
