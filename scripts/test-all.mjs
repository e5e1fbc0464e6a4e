#!/usr/bin/env node
// `npm test`: type check, unit and component tests, both builds, Firefox lint, and the
// end-to-end tests in real Chromium and Firefox. Ends with one line "N passed, N failed"
// counting every test of every layer.
//
//   node scripts/test-all.mjs [step…] [file.test.ts…]
// Steps (typecheck, unit, build, lint, e2e) limit the run to those; e2e test files (or
// E2E_FILTER, comma-separated) limit the e2e step to them. `npm run test:e2e` is
// `build e2e`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.test.ts'));
const only = args.filter((a) => !a.endsWith('.test.ts'));
let passed = 0;
let failed = 0;
const problems = [];

function run(cmd, args, { capture = false, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', env: { ...process.env, ...env } });
    let out = '';
    if (capture) child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function step(name, fn) {
  if (only.length && !only.includes(name)) return;
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const ok = await fn();
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s) ===`);
  if (!ok) problems.push(name);
}

await step('typecheck', async () => (await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])).code === 0);

await step('unit', async () => {
  const { code } = await run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.tmp/vitest.json']);
  if (existsSync('.tmp/vitest.json')) {
    const report = JSON.parse(readFileSync('.tmp/vitest.json', 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
  }
  return code === 0;
});

await step('build', async () => (await run('npm', ['run', 'build', '--silent'])).code === 0);

await step('lint', async () => (await run('npx', ['web-ext', 'lint', '-s', 'dist/firefox', '--self-hosted', '--output', 'text'])).code === 0);

await step('e2e', async () => {
  // Debian's chromium and firefox-esr, installed with apt-get when missing and run as root.
  if ((await run('node', ['scripts/ensure-browsers.mjs'])).code !== 0) return false;
  const { code, out } = await run(
    'node',
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=180000', '--test-reporter=spec', ...e2eFiles()],
    { capture: true },
  );
  const pass = /ℹ pass (\d+)/.exec(out);
  const fail = /ℹ fail (\d+)/.exec(out);
  passed += pass ? Number(pass[1]) : 0;
  failed += fail ? Number(fail[1]) : code === 0 ? 0 : 1;
  return code === 0;
});

function e2eFiles() {
  if (files.length) return files;
  const filter = process.env.E2E_FILTER;
  if (filter) return filter.split(',');
  // Node 20's runner does not pick up .ts files from a folder by itself.
  return readdirSync('test/e2e').filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/e2e/${f}`);
}

if (problems.length) console.log(`\nFailed steps: ${problems.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(problems.length || failed ? 1 : 0);
