#!/usr/bin/env node
// Runs traffic-fold.ts as an esbuild bundle (no tsx helpers in the timed code, as in the
// extension build) with --expose-gc:  node test/bench/traffic-fold.mjs [--frames 1000000]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'traffic-bench-'));
try {
  const outfile = join(dir, 'bench.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'traffic-fold.ts')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'warning' });
  execFileSync(process.execPath, ['--expose-gc', outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
