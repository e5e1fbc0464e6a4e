// Emulator configuration: the shape accepted by startEmulator() and the JSON config file,
// and resolveConfig(), which fills in defaults and rejects anything unsafe (non-loopback
// hosts) or contradictory before a single socket is opened. Node only.

import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  KEEP_ALIVE_INTERVAL_MS,
  MAX_CHANNEL_SEGMENTS,
  MAX_CONNECTION_LIFETIME_MS,
  MAX_EVENTS_PER_PUBLISH,
  MAX_EVENT_BYTES,
  MAX_PUBLISHES_PER_SECOND_PER_CONNECTION,
  MAX_SEGMENT_LENGTH,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
} from '../protocol/limits.ts';

export type AuthType =
  | 'API_KEY'
  | 'AWS_LAMBDA'
  | 'AMAZON_COGNITO_USER_POOLS'
  | 'OPENID_CONNECT'
  | 'AWS_IAM';

export const AUTH_TYPES: readonly AuthType[] = [
  'API_KEY',
  'AWS_LAMBDA',
  'AMAZON_COGNITO_USER_POOLS',
  'OPENID_CONNECT',
  'AWS_IAM',
];

export const DEFAULT_API_KEY = 'da2-localemulatorkey0000000000';

export interface ApiKeyConfig {
  readonly key: string;
  /** Epoch seconds (as AppSync reports `expires`), epoch ms (> 1e12) or an ISO date. */
  readonly expires?: number | string;
}

export interface LambdaContext {
  readonly operation: 'connect' | 'subscribe' | 'publish';
  readonly channel?: string;
  readonly namespace?: string;
  /** The authorization object / request headers the client presented (keys as sent). */
  readonly headers: Readonly<Record<string, unknown>>;
}

export type LambdaAuthorizeResult = boolean | { readonly isAuthorized: boolean };
export type LambdaAuthorize = (
  token: string,
  ctx: LambdaContext,
) => LambdaAuthorizeResult | Promise<LambdaAuthorizeResult>;

export interface LambdaConfig {
  /** Tokens accepted as-is. */
  readonly tokens?: readonly string[];
  /** Path to a module exporting `authorize(token, ctx)` (resolved from the working directory). */
  readonly module?: string;
  /** Programmatic alternative to `module` (tests, embedding). */
  readonly authorize?: LambdaAuthorize;
}

export interface JwtConfig {
  /** Shared secret for HS256 tokens. */
  readonly hs256Secret?: string;
  /** A JWKS: the object itself, its JSON text, or a path to a JSON file. */
  readonly jwks?: { readonly keys: readonly object[] } | string;
  /** Required `iss` claim, when set. */
  readonly issuer?: string;
  /** When set, `aud` or `client_id` must equal it. */
  readonly clientId?: string;
}

export interface IamCredential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When set, requests must carry exactly this x-amz-security-token. */
  readonly sessionToken?: string;
}

export interface AuthProvidersConfig {
  readonly apiKeys?: readonly (ApiKeyConfig | string)[];
  readonly lambda?: LambdaConfig;
  readonly cognito?: JwtConfig;
  readonly oidc?: JwtConfig;
  readonly iam?: { readonly credentials: readonly IamCredential[] };
}

export interface NamespaceConfig {
  readonly name: string;
  readonly publishAuthModes?: readonly AuthType[];
  readonly subscribeAuthModes?: readonly AuthType[];
}

export interface EmulatorLimits {
  readonly maxEventsPerPublish: number;
  readonly maxEventBytes: number;
  readonly maxChannelSegments: number;
  readonly maxSegmentLength: number;
  readonly maxSubscriptionsPerConnection: number;
  readonly connectionLifetimeMs: number;
  /** Largest WebSocket frame or HTTP body we parse; larger ones get an error, not a close. */
  readonly maxMessageBytes: number;
  /** WS publishes per second per connection; 0 disables the check. */
  readonly maxPublishesPerSecond: number;
}

export type TlsMode = 'off' | 'on' | 'both';

export interface EmulatorConfig {
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  readonly host?: string;
  /** 4000 by default; 0 picks a free port. */
  readonly port?: number;
  readonly tls?: TlsMode;
  /** PEM paths or text for a trusted certificate; otherwise a self-signed one is generated. */
  readonly cert?: string;
  readonly key?: string;
  readonly staticDir?: string;
  /** SigV4 region accepted for AWS_IAM. */
  readonly region?: string;
  /** Interval between `ka` frames, 1 to 2^31-1 ms; 0 sends none (for reconnect tests). */
  readonly keepAliveMs?: number;
  /** Sent in connection_ack; 1 to 2^31-1 ms. */
  readonly connectionTimeoutMs?: number;
  /** Allowed SigV4 clock skew, 1 to 2^31-1 ms. */
  readonly iamClockSkewMs?: number;
  readonly auth?: AuthProvidersConfig;
  /** Shorthand for `auth.apiKeys` (both are merged). */
  readonly apiKeys?: readonly (ApiKeyConfig | string)[];
  readonly connectionAuthModes?: readonly AuthType[];
  readonly defaultPublishAuthModes?: readonly AuthType[];
  readonly defaultSubscribeAuthModes?: readonly AuthType[];
  readonly namespaces?: readonly (string | NamespaceConfig)[];
  readonly limits?: Partial<EmulatorLimits>;
  /** Entries kept in `emu.log` (oldest dropped first). */
  readonly logLimit?: number;
  /** Longest frame text stored in a log entry; the size is always recorded. */
  readonly logTextLimit?: number;
  /** Human-readable one-line log sink (the CLI passes console.log). Silent by default. */
  readonly logger?: (line: string) => void;
  /** Suppresses `logger` output (the structured log is still kept). */
  readonly quiet?: boolean;
}

export interface ResolvedNamespace {
  readonly name: string;
  readonly publishAuthModes: readonly AuthType[];
  readonly subscribeAuthModes: readonly AuthType[];
}

export interface ResolvedConfig {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  readonly cert?: string;
  readonly key?: string;
  readonly staticDir?: string;
  readonly region: string;
  readonly keepAliveMs: number;
  readonly connectionTimeoutMs: number;
  readonly iamClockSkewMs: number;
  readonly auth: {
    readonly apiKeys: readonly ApiKeyConfig[];
    readonly lambda?: LambdaConfig;
    readonly cognito?: JwtConfig;
    readonly oidc?: JwtConfig;
    readonly iam?: { readonly credentials: readonly IamCredential[] };
  };
  readonly providers: readonly AuthType[];
  readonly connectionAuthModes: readonly AuthType[];
  readonly namespaces: ReadonlyMap<string, ResolvedNamespace>;
  readonly limits: EmulatorLimits;
  readonly logLimit: number;
  readonly logTextLimit: number;
  readonly logger?: (line: string) => void;
}

export const DEFAULT_LIMITS: EmulatorLimits = {
  maxEventsPerPublish: MAX_EVENTS_PER_PUBLISH,
  maxEventBytes: MAX_EVENT_BYTES,
  maxChannelSegments: MAX_CHANNEL_SEGMENTS,
  maxSegmentLength: MAX_SEGMENT_LENGTH,
  maxSubscriptionsPerConnection: MAX_SUBSCRIPTIONS_PER_CONNECTION,
  connectionLifetimeMs: MAX_CONNECTION_LIFETIME_MS,
  // A publish of 5 maximal events is ~1.2 MB of event text plus JSON escaping; 2 MiB keeps
  // such a frame parseable so each event can get its own EventTooLargeException entry.
  maxMessageBytes: 2 * 1024 * 1024,
  maxPublishesPerSecond: MAX_PUBLISHES_PER_SECOND_PER_CONNECTION,
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

function checkModes(label: string, modes: readonly AuthType[], providers: readonly AuthType[]): void {
  if (modes.length === 0) throw new Error(`${label}: at least one auth mode is required`);
  for (const m of modes) {
    if (!AUTH_TYPES.includes(m)) throw new Error(`${label}: unknown auth mode ${JSON.stringify(m)}`);
    if (!providers.includes(m)) {
      throw new Error(`${label}: auth mode ${m} is used but not configured under "auth"`);
    }
  }
}

function positive(label: string, n: number, allowZero = false): number {
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(`${label} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return n;
}

/**
 * Node timers hold a signed 32-bit millisecond count: a larger delay overflows and is run
 * after 1 ms (3e9 as a keep-alive interval gave ~880 `ka` frames a second). Every value that
 * ends up in setTimeout/setInterval, or that a client turns into one (connectionTimeoutMs),
 * is therefore an integer from 1 (0 where it means off) to this.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Checks a duration in milliseconds; `zeroMeans` documents and allows 0. */
export function duration(label: string, n: unknown, zeroMeans?: string): number {
  const min = zeroMeans ? 0 : 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > MAX_TIMER_MS) {
    const range = `an integer from ${min} to ${MAX_TIMER_MS} ms${zeroMeans ? ` (0 = ${zeroMeans})` : ''}`;
    throw new Error(`${label} must be ${range}, got ${JSON.stringify(n) ?? String(n)}`);
  }
  return n;
}

/** The limits that are durations (with their CLI flag); the others are counts and sizes. */
const DURATION_LIMITS: ReadonlyMap<string, string> = new Map([['connectionLifetimeMs', '--connection-lifetime-ms']]);

export function resolveConfig(input: EmulatorConfig = {}): ResolvedConfig {
  const host = input.host ?? '127.0.0.1';
  // The emulator accepts any credentials it is configured with; exposing it beyond this
  // machine would hand out a publish/subscribe endpoint to the network.
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`host must be a loopback address, got ${host}`);
  const port = input.port ?? 4000;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${port}`);
  const tls = input.tls ?? 'both';
  if (tls !== 'off' && tls !== 'on' && tls !== 'both') throw new Error(`tls must be off, on or both`);

  // With no auth configured at all, the well-known default key makes `npm run emulator` usable.
  const a = input.auth ?? (input.apiKeys ? {} : { apiKeys: [DEFAULT_API_KEY] });
  const apiKeys = [...(a.apiKeys ?? []), ...(input.apiKeys ?? [])].map((k) => (typeof k === 'string' ? { key: k } : k));
  const providers: AuthType[] = [];
  if (apiKeys.length > 0) providers.push('API_KEY');
  if (a.lambda) providers.push('AWS_LAMBDA');
  if (a.cognito) providers.push('AMAZON_COGNITO_USER_POOLS');
  if (a.oidc) providers.push('OPENID_CONNECT');
  if (a.iam) providers.push('AWS_IAM');
  if (providers.length === 0) throw new Error('auth: configure at least one auth provider');
  for (const jwt of [a.cognito, a.oidc]) {
    if (jwt && !jwt.hs256Secret && !jwt.jwks) throw new Error('auth: a JWT provider needs hs256Secret or jwks');
  }

  // Like an Event API created with every provider enabled: modes default to all providers.
  const connectionAuthModes = input.connectionAuthModes ?? providers;
  const defPub = input.defaultPublishAuthModes ?? providers;
  const defSub = input.defaultSubscribeAuthModes ?? providers;
  checkModes('connectionAuthModes', connectionAuthModes, providers);
  checkModes('defaultPublishAuthModes', defPub, providers);
  checkModes('defaultSubscribeAuthModes', defSub, providers);

  const namespaces = new Map<string, ResolvedNamespace>();
  for (const ns of input.namespaces ?? ['default']) {
    const n: NamespaceConfig = typeof ns === 'string' ? { name: ns } : ns;
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/.test(n.name)) {
      throw new Error(`invalid namespace name ${JSON.stringify(n.name)}`);
    }
    const r: ResolvedNamespace = {
      name: n.name,
      publishAuthModes: n.publishAuthModes ?? defPub,
      subscribeAuthModes: n.subscribeAuthModes ?? defSub,
    };
    checkModes(`namespace ${n.name} publishAuthModes`, r.publishAuthModes, providers);
    checkModes(`namespace ${n.name} subscribeAuthModes`, r.subscribeAuthModes, providers);
    namespaces.set(n.name, r);
  }

  const limits: EmulatorLimits = { ...DEFAULT_LIMITS, ...(input.limits ?? {}) };
  for (const [k, v] of Object.entries(limits)) {
    const flag = DURATION_LIMITS.get(k);
    if (flag) duration(`limits.${k} (${flag})`, v);
    else positive(`limits.${k}`, v, k === 'maxPublishesPerSecond');
  }

  return {
    host,
    port,
    tls,
    cert: input.cert,
    key: input.key,
    staticDir: input.staticDir,
    region: input.region ?? 'us-east-1',
    keepAliveMs: duration('keepAliveMs (--keep-alive-ms)', input.keepAliveMs ?? KEEP_ALIVE_INTERVAL_MS, 'no keep-alive'),
    connectionTimeoutMs: duration('connectionTimeoutMs (--connection-timeout-ms)', input.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS),
    // Not a timer here, but compared with Date.now(): the same range keeps it meaningful.
    iamClockSkewMs: duration('iamClockSkewMs', input.iamClockSkewMs ?? 15 * 60 * 1000),
    auth: { apiKeys, lambda: a.lambda, cognito: a.cognito, oidc: a.oidc, iam: a.iam },
    providers,
    connectionAuthModes,
    namespaces,
    limits,
    logLimit: positive('logLimit', input.logLimit ?? 10_000),
    logTextLimit: positive('logTextLimit', input.logTextLimit ?? 64 * 1024),
    logger: input.quiet ? undefined : input.logger,
  };
}
