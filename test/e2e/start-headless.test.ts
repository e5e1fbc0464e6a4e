// `npm start -- --headless`, as a user without a display runs it: the demo is driven in a
// headless browser with the built extension, and the printed summary is what the extension
// stored (read back from its IndexedDB). Both browsers; uses the build from `npm run build`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function runStart(args: string[], opts: { asUser?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; out: string }> {
  const node = [process.execPath, '--import', 'tsx', 'scripts/start.ts', '--no-build', ...args];
  const [cmd, ...argv] = opts.asUser ? ['runuser', '-u', opts.asUser, '--', ...node] : node;
  return new Promise((done) => {
    const child = spawn(cmd!, argv, {
      cwd: ROOT,
      // No display, as on a server: headless is chosen without --headless.
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', ...opts.env },
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

describe('npm start, other users and failures', () => {
  // Root needs --no-sandbox; anyone else keeps Chromium's sandbox. Run as "nobody" when the
  // tests run as root and the checkout is readable by other users.
  const canSwitch =
    process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', join(ROOT, 'package.json')]).status === 0;
  test('as a normal user, Chromium keeps its sandbox', { skip: !canSwitch && 'not root, or the checkout is not readable by nobody' }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'aedt-home-'));
    spawnSync('chown', ['nobody', home]);
    try {
      const { code, out } = await runStart(['--headless'], { asUser: 'nobody', env: { HOME: home } });
      assert.equal(code, 0, out);
      assert.doesNotMatch(out, /no-sandbox/);
      assert.match(out, /Frames by type {3}.*publish_error 1/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a port in use is reported, not a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, out } = await runStart(['--headless', '--port', String(port)]);
      assert.equal(code, 1);
      assert.match(out, new RegExp(`npm start: port ${port} is in use .*--port N`));
    } finally {
      blocker.close();
    }
  });
});
