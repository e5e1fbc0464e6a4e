// Command-line flags → EmulatorConfig. Kept apart from cli.ts so it can be unit-tested
// without starting a server. A --config file is read first; flags then override it.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AUTH_TYPES } from './config.ts';
import type { AuthProvidersConfig, AuthType, EmulatorConfig, JwtConfig, TlsMode } from './config.ts';

export const HELP = `AppSync Events local emulator

Usage: npm run emulator -- [options]

  --config FILE               JSON file with an EmulatorConfig (flags override it)
  --port N                    port for HTTP(S) and WS(S) (default 4000; 0 = any free port)
  --host HOST                 loopback only: 127.0.0.1 (default), ::1, localhost
  --tls off|on|both           plain, TLS, or both on one port (default both)
  --cert FILE --key FILE      use this certificate instead of a generated self-signed one
  --static DIR                serve files from DIR for other GET paths
  --api-key KEY               accept this API key (repeatable; default da2-localemulatorkey0000000000)
  --namespace NAME            channel namespace (repeatable; default "default")
  --auth-modes LIST           comma list of modes for connect/publish/subscribe
                              (API_KEY,AWS_LAMBDA,AMAZON_COGNITO_USER_POOLS,OPENID_CONNECT,AWS_IAM;
                              default: every configured provider)
  --lambda-token TOKEN        AWS_LAMBDA: accept this token (repeatable)
  --lambda-module FILE        AWS_LAMBDA: module exporting authorize(token, ctx)
  --cognito-secret S | --cognito-jwks FILE   [--cognito-issuer ISS]
  --oidc-secret S    | --oidc-jwks FILE      [--oidc-issuer ISS]
  --iam-access-key-id ID --iam-secret-access-key SECRET [--iam-session-token T]
  --region REGION             SigV4 region for AWS_IAM (default us-east-1)
  --keep-alive-ms N           interval between "ka" frames, 1..2147483647 (default 60000;
                              0 = no keep-alive, to test a client's reconnect)
  --connection-timeout-ms N   connectionTimeoutMs in connection_ack, 1..2147483647 (default 300000)
  --connection-lifetime-ms N  close connections after N ms, 1..2147483647 (default 86400000, 24 h)
  --max-publishes-per-second N  WebSocket publish rate limit per connection (default 25, 0 = off)
  --quiet                     do not print traffic
  --help                      show this help
`;

function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${flag} expects a number, got ${JSON.stringify(v)}`);
  return n;
}

function jwt(base: JwtConfig | undefined, secret?: string, jwks?: string, issuer?: string): JwtConfig | undefined {
  if (!secret && !jwks && !issuer) return base;
  return {
    ...(base ?? {}),
    ...(secret ? { hs256Secret: secret } : {}),
    ...(jwks ? { jwks } : {}),
    ...(issuer ? { issuer } : {}),
  };
}

export type ParsedCli = { readonly help: true } | { readonly help: false; readonly config: EmulatorConfig };

export function parseCli(argv: readonly string[]): ParsedCli {
  const { values: v } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      tls: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      static: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      namespace: { type: 'string', multiple: true },
      'auth-modes': { type: 'string' },
      'lambda-token': { type: 'string', multiple: true },
      'lambda-module': { type: 'string' },
      'cognito-secret': { type: 'string' },
      'cognito-jwks': { type: 'string' },
      'cognito-issuer': { type: 'string' },
      'oidc-secret': { type: 'string' },
      'oidc-jwks': { type: 'string' },
      'oidc-issuer': { type: 'string' },
      'iam-access-key-id': { type: 'string' },
      'iam-secret-access-key': { type: 'string' },
      'iam-session-token': { type: 'string' },
      region: { type: 'string' },
      'keep-alive-ms': { type: 'string' },
      'connection-timeout-ms': { type: 'string' },
      'connection-lifetime-ms': { type: 'string' },
      'max-publishes-per-second': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (v.help) return { help: true };

  const file: EmulatorConfig = v.config ? (JSON.parse(readFileSync(v.config, 'utf8')) as EmulatorConfig) : {};
  const fileAuth: AuthProvidersConfig | undefined = file.auth;
  let auth: AuthProvidersConfig | undefined = fileAuth;
  const touch = (patch: AuthProvidersConfig): void => {
    auth = { ...(auth ?? {}), ...patch };
  };
  if (v['api-key']) touch({ apiKeys: [...(auth?.apiKeys ?? []), ...v['api-key']] });
  if (v['lambda-token'] || v['lambda-module']) {
    touch({
      lambda: {
        ...(auth?.lambda ?? {}),
        ...(v['lambda-token'] ? { tokens: [...(auth?.lambda?.tokens ?? []), ...v['lambda-token']] } : {}),
        ...(v['lambda-module'] ? { module: v['lambda-module'] } : {}),
      },
    });
  }
  const cognito = jwt(auth?.cognito, v['cognito-secret'], v['cognito-jwks'], v['cognito-issuer']);
  if (cognito) touch({ cognito });
  const oidc = jwt(auth?.oidc, v['oidc-secret'], v['oidc-jwks'], v['oidc-issuer']);
  if (oidc) touch({ oidc });
  if (v['iam-access-key-id'] || v['iam-secret-access-key']) {
    if (!v['iam-access-key-id'] || !v['iam-secret-access-key']) {
      throw new Error('--iam-access-key-id and --iam-secret-access-key go together');
    }
    touch({
      iam: {
        credentials: [
          ...(auth?.iam?.credentials ?? []),
          {
            accessKeyId: v['iam-access-key-id'],
            secretAccessKey: v['iam-secret-access-key'],
            ...(v['iam-session-token'] ? { sessionToken: v['iam-session-token'] } : {}),
          },
        ],
      },
    });
  }

  let modes: AuthType[] | undefined;
  if (v['auth-modes']) {
    modes = v['auth-modes'].split(',').map((m) => m.trim().toUpperCase()) as AuthType[];
    const bad = modes.filter((m) => !AUTH_TYPES.includes(m));
    if (bad.length) throw new Error(`--auth-modes: unknown mode(s) ${bad.join(', ')}`);
  }
  const tls = v.tls as TlsMode | undefined;
  const maxPps = num('max-publishes-per-second', v['max-publishes-per-second']);
  const lifetime = num('connection-lifetime-ms', v['connection-lifetime-ms']);
  const keepAlive = num('keep-alive-ms', v['keep-alive-ms']);
  const connTimeout = num('connection-timeout-ms', v['connection-timeout-ms']);
  const limits = {
    ...(file.limits ?? {}),
    ...(maxPps !== undefined ? { maxPublishesPerSecond: maxPps } : {}),
    ...(lifetime !== undefined ? { connectionLifetimeMs: lifetime } : {}),
  };

  const config: EmulatorConfig = {
    ...file,
    ...(auth ? { auth } : {}),
    ...(v.port !== undefined ? { port: num('port', v.port) } : {}),
    ...(v.host ? { host: v.host } : {}),
    ...(tls ? { tls } : {}),
    ...(v.cert ? { cert: v.cert } : {}),
    ...(v.key ? { key: v.key } : {}),
    ...(v.static ? { staticDir: v.static } : {}),
    ...(v.namespace ? { namespaces: v.namespace } : {}),
    ...(modes ? { connectionAuthModes: modes, defaultPublishAuthModes: modes, defaultSubscribeAuthModes: modes } : {}),
    ...(v.region ? { region: v.region } : {}),
    ...(keepAlive !== undefined ? { keepAliveMs: keepAlive } : {}),
    ...(connTimeout !== undefined ? { connectionTimeoutMs: connTimeout } : {}),
    ...(maxPps !== undefined || lifetime !== undefined ? { limits } : {}),
    ...(v.quiet ? { quiet: true } : {}),
  };
  return { help: false, config };
}
