#!/usr/bin/env node
// `npm run package`: both builds, `web-ext lint` of the Firefox build with warnings counted
// as errors, then artifacts/appsync-events-devtools-chrome-<version>.zip (Chrome Web Store,
// or "Load unpacked" after unzipping) and …-firefox-<version>.xpi (AMO, or a signed-off
// install in Firefox ESR / Developer Edition). Versions come from package.json, which the
// build writes into both manifests; source maps stay out of the packages.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'artifacts');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nnpm run package: ${cmd} ${args.join(' ')} failed`);
    process.exit(r.status ?? 1);
  }
}

// --no-build packages the existing dist/ (the e2e test, right after npm test's build).
if (!process.argv.includes('--no-build')) run('npm', ['run', 'build', '--silent']);
for (const dir of ['dist/chrome', 'dist/firefox']) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'manifest.json'), 'utf8'));
  if (manifest.version !== version) {
    console.error(`${dir}/manifest.json has version ${manifest.version}, package.json ${version}`);
    process.exit(1);
  }
}
run('npx', ['web-ext', 'lint', '-s', 'dist/firefox', '--self-hosted', '--warnings-as-errors', '--output', 'text']);

const packages = [
  ['dist/chrome', `${name}-chrome-${version}.zip`],
  ['dist/firefox', `${name}-firefox-${version}.xpi`],
];
for (const [dir, file] of packages) {
  run('npx', ['web-ext', 'build', '-s', dir, '-a', out, '--filename', file, '--overwrite-dest', '--ignore-files', '**/*.map']);
}
console.log('');
for (const [, file] of packages) console.log(`  ${join('artifacts', file)}  ${(statSync(join(out, file)).size / 1024).toFixed(0)} KiB`);
