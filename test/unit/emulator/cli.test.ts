// CLI flags, config file merging and the real CLI process (banner, Ctrl-C).

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/emulator/cli-args.ts';
import { DEFAULT_LIMITS, resolveConfig } from '../../../src/emulator/config.ts';

function config(argv: string[]) {
  const r = parseCli(argv);
  if (r.help) throw new Error('unexpected help');
  return r.config;
}

describe('parseCli', () => {
  it('maps flags to a config', () => {
    expect(
      config([
        '--port', '4100', '--tls', 'off', '--api-key', 'da2-a', '--api-key', 'da2-b', '--namespace', 'default',
        '--namespace', 'chat', '--keep-alive-ms', '500', '--static', 'demo', '--region', 'eu-west-1', '--quiet',
        '--max-publishes-per-second', '0',
      ]),
    ).toEqual({
      port: 4100,
      tls: 'off',
      auth: { apiKeys: ['da2-a', 'da2-b'] },
      namespaces: ['default', 'chat'],
      keepAliveMs: 500,
      staticDir: 'demo',
      region: 'eu-west-1',
      quiet: true,
      limits: { maxPublishesPerSecond: 0 },
    });
  });

  it('configures every auth provider and the mode lists', () => {
    const c = config([
      '--lambda-token', 't1', '--lambda-module', 'auth.mjs', '--cognito-secret', 's', '--cognito-issuer', 'iss',
      '--oidc-jwks', 'jwks.json', '--iam-access-key-id', 'AK', '--iam-secret-access-key', 'SK', '--iam-session-token', 'ST',
      '--auth-modes', 'aws_lambda,AWS_IAM',
    ]);
    expect(c.auth).toEqual({
      lambda: { tokens: ['t1'], module: 'auth.mjs' },
      cognito: { hs256Secret: 's', issuer: 'iss' },
      oidc: { jwks: 'jwks.json' },
      iam: { credentials: [{ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'ST' }] },
    });
    expect(c.connectionAuthModes).toEqual(['AWS_LAMBDA', 'AWS_IAM']);
    expect(c.defaultPublishAuthModes).toEqual(['AWS_LAMBDA', 'AWS_IAM']);
  });

  it('reads --config and lets flags override it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'));
    const file = join(dir, 'emu.json');
    writeFileSync(file, JSON.stringify({ port: 5000, auth: { apiKeys: ['da2-file'] }, namespaces: [{ name: 'x' }] }));
    const c = config(['--config', file, '--port', '5001', '--api-key', 'da2-flag']);
    expect(c).toMatchObject({ port: 5001, auth: { apiKeys: ['da2-file', 'da2-flag'] }, namespaces: [{ name: 'x' }] });
  });

  it('rejects unknown flags, bad numbers and bad modes; --help', () => {
    expect(() => parseCli(['--bogus'])).toThrow();
    expect(() => parseCli(['--port', 'abc'])).toThrow(/number/);
    expect(() => parseCli(['--auth-modes', 'API_KEY,PASSWORD'])).toThrow(/PASSWORD/);
    expect(() => parseCli(['--iam-access-key-id', 'AK'])).toThrow(/together/);
    expect(parseCli(['--help'])).toEqual({ help: true });
  });
});

describe('resolveConfig', () => {
  it('has usable defaults', () => {
    const r = resolveConfig();
    expect(r).toMatchObject({ host: '127.0.0.1', port: 4000, tls: 'both', region: 'us-east-1', keepAliveMs: 60000, connectionTimeoutMs: 300000 });
    expect(r.auth.apiKeys).toEqual([{ key: 'da2-localemulatorkey0000000000' }]);
    expect(r.connectionAuthModes).toEqual(['API_KEY']);
    expect([...r.namespaces.keys()]).toEqual(['default']);
    expect(r.limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxEventsPerPublish: 5, maxEventBytes: 245760, maxSubscriptionsPerConnection: 200, connectionLifetimeMs: 86400000 });
  });

  it('rejects unsafe or inconsistent configs', () => {
    expect(() => resolveConfig({ host: '192.168.1.2' })).toThrow(/loopback/);
    expect(() => resolveConfig({ tls: 'maybe' as never })).toThrow(/tls/);
    expect(() => resolveConfig({ auth: {} })).toThrow(/at least one/);
    expect(() => resolveConfig({ auth: { cognito: {} } })).toThrow(/hs256Secret or jwks/);
    expect(() => resolveConfig({ namespaces: ['bad_name'] })).toThrow(/namespace/);
    expect(() => resolveConfig({ namespaces: [{ name: 'n', publishAuthModes: ['AWS_IAM'] }] })).toThrow(/not configured/);
    expect(() => resolveConfig({ limits: { maxEventsPerPublish: 0 } })).toThrow(/positive/);
  });
});

describe('cli process', () => {
  it('prints endpoints and snippets, then stops cleanly on SIGINT', async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0', '--tls', 'off'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    expect(out).toMatch(/HTTP publish {2}http:\/\/127\.0\.0\.1:\d+\/event/);
    expect(out).toMatch(/Realtime {6}ws:\/\/127\.0\.0\.1:\d+\/event\/realtime/);
    expect(out).toContain('"defaultAuthMode":"apiKey","apiKey":"da2-localemulatorkey0000000000"');
    expect(out).toContain("new WebSocket('ws://127.0.0.1:");
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  }, 20_000);
});
