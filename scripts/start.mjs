#!/usr/bin/env node
// `npm start`: build the extension, start the local emulator serving the demo app, and open
// Chromium (or Firefox with --firefox) with the extension loaded and DevTools open.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const useFirefox = process.argv.includes('--firefox');
const port = Number(process.env.PORT ?? 4000);
const root = resolve(import.meta.dirname, '..');

function must(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

must('npm', ['run', 'build', '--silent']);
must('node', ['scripts/ensure-browsers.mjs', useFirefox ? 'firefox-esr' : 'chromium']);

const emulator = spawn('npx', ['tsx', 'demo/serve.ts'], { stdio: 'inherit', cwd: root, env: { ...process.env, PORT: String(port) } });
const demoUrl = `http://127.0.0.1:${port}/index.html`;
const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

let browser = null;
waitForDemo().then(() => {
  if (headless) {
    console.log(`\nNo display found, so no browser window was opened.`);
    console.log(`The demo is at ${demoUrl}; load the extension from ${join(root, 'dist/chrome')} (chrome://extensions → Load unpacked)`);
    console.log(`or ${join(root, 'dist/firefox')} (about:debugging → Load Temporary Add-on). Ctrl-C stops the emulator.`);
    return;
  }
  if (useFirefox) {
    browser = spawn('npx', ['web-ext', 'run', '-s', 'dist/firefox', '--firefox=/usr/bin/firefox-esr', '--start-url', demoUrl, '--devtools'], { stdio: 'inherit', cwd: root });
  } else {
    const profile = mkdtempSync(join(tmpdir(), 'appsync-devtools-'));
    browser = spawn(
      process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      [`--user-data-dir=${profile}`, `--load-extension=${join(root, 'dist/chrome')}`, '--auto-open-devtools-for-tabs', '--no-first-run', demoUrl],
      { stdio: 'inherit' },
    );
  }
  browser.on('exit', () => emulator.kill('SIGINT'));
});

async function waitForDemo() {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(demoUrl).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`The emulator did not come up on port ${port}.`);
  stop();
}

const stop = () => {
  browser?.kill();
  emulator.kill('SIGINT');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
emulator.on('exit', (code) => process.exit(code ?? 0));
