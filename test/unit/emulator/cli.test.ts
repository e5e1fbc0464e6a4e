// CLI flags, config file merging and the real CLI process (banner, Ctrl-C).

import { spawn } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
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

describe('durations', () => {
  const MAX = 2 ** 31 - 1;

  it('refuses values a Node timer would overflow, with the flag and range in the message', () => {
    // 3e9 ms overflowed setInterval to 1 ms: ~880 ka frames a second.
    expect(() => resolveConfig(config(['--keep-alive-ms', '3000000000']))).toThrow(
      /keepAliveMs \(--keep-alive-ms\) must be an integer from 0 to 2147483647 ms \(0 = no keep-alive\), got 3000000000/,
    );
    expect(() => resolveConfig(config(['--connection-timeout-ms', String(MAX + 1)]))).toThrow(/--connection-timeout-ms.*1 to 2147483647/);
    expect(() => resolveConfig(config(['--connection-lifetime-ms', String(MAX + 1)]))).toThrow(/--connection-lifetime-ms.*1 to 2147483647/);
    expect(() => resolveConfig({ iamClockSkewMs: MAX + 1 })).toThrow(/iamClockSkewMs/);
    expect(resolveConfig({ keepAliveMs: MAX, connectionTimeoutMs: MAX, limits: { connectionLifetimeMs: MAX } })).toMatchObject({
      keepAliveMs: MAX,
      connectionTimeoutMs: MAX,
      limits: { connectionLifetimeMs: MAX },
    });
  });

  it('refuses zero, negative and fractional durations except keep-alive 0 (off)', () => {
    expect(resolveConfig(config(['--keep-alive-ms', '0'])).keepAliveMs).toBe(0);
    expect(() => resolveConfig({ keepAliveMs: -1 })).toThrow(/keepAliveMs/);
    expect(() => resolveConfig({ keepAliveMs: 1.5 })).toThrow(/integer/);
    expect(() => resolveConfig({ connectionTimeoutMs: 0 })).toThrow(/connectionTimeoutMs/);
    expect(() => resolveConfig({ limits: { connectionLifetimeMs: 0 } })).toThrow(/connectionLifetimeMs/);
    expect(() => resolveConfig({ keepAliveMs: '5' as never })).toThrow(/keepAliveMs/);
  });

  it('maps --connection-lifetime-ms next to the other limits', () => {
    expect(config(['--connection-lifetime-ms', '1000', '--max-publishes-per-second', '3']).limits).toEqual({
      connectionLifetimeMs: 1000,
      maxPublishesPerSecond: 3,
    });
  });

  it('range-checks fault delays too', async () => {
    const { Faults } = await import('../../../src/emulator/faults.ts');
    const f = new Faults();
    expect(() => f.delayAcks(MAX + 1)).toThrow(/delayAcks/);
    expect(() => f.delayAcks(0)).not.toThrow();
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
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0', '--tls', 'off', '--keep-alive-ms', '0'], {
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
    expect(out).toContain('Keep-alive    off (no ka frames), connectionTimeoutMs 300000');
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
  }, 20_000);
});

/** Resolves once nothing accepts connections on the port any more. */
async function portFreed(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const sock = tcpConnect({ host: '127.0.0.1', port }, () => {
        sock.destroy();
        done(true);
      });
      sock.on('error', () => done(false));
    });
    if (!open) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('npm run emulator', () => {
  const root = resolve(import.meta.dirname, '../../..');

  async function startUnderNpm(): Promise<{ npm: ReturnType<typeof spawn>; port: number }> {
    const npm = spawn('npm', ['run', '--silent', 'emulator', '--', '--port', '0', '--tls', 'off', '--quiet'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const port = await new Promise<number>((ready, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
      npm.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /emulator on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m && out.includes('Ctrl-C to stop.')) {
          clearTimeout(timer);
          ready(Number(m[1]));
        }
      });
    });
    return { npm, port };
  }

  // npm passed the signal to its `sh -c`, which died (SIGTERM) or kept waiting (SIGINT)
  // without passing it on, and a killed npm left everything running: the server kept
  // listening as an orphan.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`frees the port when npm alone gets ${signal}`, async () => {
      const { npm, port } = await startUnderNpm();
      npm.kill(signal);
      expect(await portFreed(port, 10_000)).toBe(true);
    }, 35_000);
  }
});
