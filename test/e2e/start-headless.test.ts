// `npm start -- --headless`, as a user without a display runs it: the demo is driven in a
// headless browser with the built extension, and the printed summary is what the extension
// stored (read back from its IndexedDB). Both browsers; uses the build from `npm run build`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function runStart(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--no-build', ...args], {
      cwd: ROOT,
      // No display, as on a server: headless is chosen without --headless.
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => done({ code, out }));
  });
}

for (const [name, flags] of [
  ['chromium', []],
  ['firefox', ['--firefox']],
] as const) {
  describe(`npm start without a display (${name})`, () => {
    test('drives the demo and prints what the extension captured', async () => {
      const { code, out } = await runStart([...flags]);
      assert.equal(code, 0, out);
      assert.match(out, /No display .*running headless/);
      assert.match(out, new RegExp(`Captured by the extension in ${name === 'chromium' ? 'Chromium' : 'Firefox'} \\(headless\\)`));
      assert.match(out, /Session {10}"127\.0\.0\.1:\d+ [^"]+": \d+ records, 2 WebSocket connection\(s\), 1 HTTP endpoint\(s\)/);
      const types = /Frames by type {3}(.*)/.exec(out)?.[1] ?? '';
      for (const t of ['connection_init', 'connection_ack', 'subscribe', 'subscribe_success', 'publish', 'publish_success', 'publish_error']) {
        assert.match(types, new RegExp(`(^|, )${t} \\d+`), `${t} in "${types}"`);
      }
      assert.ok(Number(/data (\d+)/.exec(types)?.[1]) >= 3, types);
      assert.match(out, /By direction .*http-request 1\b/);
      // A client's event, decoded from the stored data frame.
      assert.match(out, /One event {8}\/default\/orders\/\* ← \{"item":/);
      assert.match(out, /Errors {11}publish_error BadRequestException: Invalid Channel Format/);
    });
  });
}
