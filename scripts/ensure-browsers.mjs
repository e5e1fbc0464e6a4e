#!/usr/bin/env node
// Makes sure Debian's chromium and firefox-esr are present (the tests and `npm start` drive
// the real browsers). Installs them with apt-get when run as root; otherwise says how.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = [
  ['chromium', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'],
  ['firefox-esr', process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'],
].filter(([, path]) => !existsSync(path));
const only = process.argv.slice(2);
const missing = wanted.filter(([name]) => only.length === 0 || only.includes(name)).map(([name]) => name);

if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`Missing browsers: ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
