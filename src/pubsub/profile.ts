// Endpoint profiles: derive the missing endpoint (either one gives the other, with the
// protocol engine's rules, so custom domains and the local emulator work too), find the
// signing region, and split secrets from what may be stored.

import { decodeJwt, parseEndpoint } from '../protocol/index.ts';
import type { AuthConfig, ConsoleAuthMode, Profile, ResolvedProfile } from './types.ts';

export type ProfileResolution =
  | { readonly ok: true; readonly profile: ResolvedProfile }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Endpoints from whichever the user gave; the HTTP one wins when they disagree in host only. */
export function resolveEndpoints(httpUrl: string, realtimeUrl: string): { httpUrl: string; realtimeUrl: string; host: string; custom: boolean; region?: string } | { problem: string } {
  const given = httpUrl.trim() || realtimeUrl.trim();
  if (!given) return { problem: 'Enter the HTTP or the real-time endpoint of the API.' };
  const fromHttp = httpUrl.trim() ? parseEndpoint(httpUrl.trim()) : undefined;
  const fromRealtime = realtimeUrl.trim() ? parseEndpoint(realtimeUrl.trim()) : undefined;
  if (fromHttp && !fromHttp.ok) return { problem: `HTTP endpoint: ${fromHttp.reason}` };
  if (fromRealtime && !fromRealtime.ok) return { problem: `Real-time endpoint: ${fromRealtime.reason}` };
  const http = fromHttp?.ok ? fromHttp : undefined;
  const rt = fromRealtime?.ok ? fromRealtime : undefined;
  const base = http ?? rt;
  if (!base) return { problem: 'Enter the HTTP or the real-time endpoint of the API.' };
  const out = {
    httpUrl: http ? http.httpUrl : base.httpUrl,
    realtimeUrl: rt ? rt.realtimeUrl : base.realtimeUrl,
    custom: base.custom,
  };
  const host = new URL(out.httpUrl).host;
  const region = base.region ?? rt?.region;
  return region ? { ...out, host, region } : { ...out, host };
}

/** Everything needed to connect, or what is missing in plain words. */
export function resolveProfile(p: Pick<Profile, 'httpUrl' | 'realtimeUrl' | 'auth'>): ProfileResolution {
  const problems: string[] = [];
  const ends = resolveEndpoints(p.httpUrl, p.realtimeUrl);
  if ('problem' in ends) problems.push(ends.problem);
  const missing = missingCredential(p.auth);
  if (missing) problems.push(missing);
  let region: string | undefined;
  if (!('problem' in ends)) {
    region = p.auth.mode === 'AWS_IAM' && p.auth.region?.trim() ? p.auth.region.trim() : ends.region;
    if (p.auth.mode === 'AWS_IAM' && !region) problems.push('IAM needs a region: a custom domain does not name one.');
  }
  if (problems.length > 0 || 'problem' in ends) return { ok: false, problems };
  return {
    ok: true,
    profile: {
      httpUrl: ends.httpUrl,
      realtimeUrl: ends.realtimeUrl,
      httpHost: ends.host,
      custom: ends.custom,
      ...(region ? { region } : {}),
      auth: p.auth,
    },
  };
}

/** The credential a mode needs that is not filled in, as a sentence. */
export function missingCredential(auth: AuthConfig): string | undefined {
  switch (auth.mode) {
    case 'API_KEY':
      return auth.apiKey.trim() ? undefined : 'API key mode needs the API key (da2-…).';
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      return auth.jwt.trim() ? undefined : 'Paste a JWT (ID or access token) for this mode.';
    case 'AWS_LAMBDA':
      return auth.token.trim() ? undefined : 'Lambda mode needs the token your authorizer accepts.';
    case 'AWS_IAM':
      return auth.accessKeyId.trim() && auth.secretAccessKey.trim() ? undefined : 'IAM needs an access key id and a secret access key.';
  }
}

/** An empty credential of a mode, keeping what carries over (a JWT between Cognito and OIDC). */
export function authForMode(mode: ConsoleAuthMode, previous?: AuthConfig): AuthConfig {
  switch (mode) {
    case 'API_KEY':
      return { mode, apiKey: previous?.mode === 'API_KEY' ? previous.apiKey : '' };
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      return { mode, jwt: previous && 'jwt' in previous ? previous.jwt : '' };
    case 'AWS_LAMBDA':
      return { mode, token: previous?.mode === 'AWS_LAMBDA' ? previous.token : '' };
    case 'AWS_IAM':
      return previous?.mode === 'AWS_IAM' ? previous : { mode, accessKeyId: '', secretAccessKey: '' };
  }
}

/** The secret fields of a credential; the access key id is an identifier, not a secret. */
export type Secrets = Readonly<Record<string, string>>;

const SECRET_FIELDS = ['apiKey', 'jwt', 'token', 'secretAccessKey', 'sessionToken'] as const;

/** The profile without its secrets (what is stored when "remember" is off) and the secrets. */
export function splitSecrets(p: Profile): { profile: Profile; secrets: Secrets } {
  const auth: Record<string, unknown> = { ...p.auth };
  const secrets: Record<string, string> = {};
  for (const f of SECRET_FIELDS) {
    if (typeof auth[f] === 'string') {
      if (auth[f]) secrets[f] = auth[f] as string;
      auth[f] = '';
    }
  }
  if (auth['sessionToken'] === '') delete auth['sessionToken'];
  return { profile: { ...p, auth: auth as unknown as AuthConfig }, secrets };
}

/** Puts secrets back into a stored profile (only fields its mode has). */
export function mergeSecrets(p: Profile, secrets: Secrets | undefined): Profile {
  if (!secrets) return p;
  const auth: Record<string, unknown> = { ...p.auth };
  for (const f of SECRET_FIELDS) {
    const v = secrets[f];
    if (typeof v !== 'string') continue;
    if (f in auth || (f === 'sessionToken' && auth['mode'] === 'AWS_IAM')) auth[f] = v;
  }
  return { ...p, auth: auth as unknown as AuthConfig };
}

export interface JwtInfo {
  readonly claims: Record<string, unknown>;
  readonly issuer?: string;
  /** Epoch ms of `exp`, when present. */
  readonly expiresAt?: number;
  readonly expired: boolean;
  /** `token_use` of a Cognito token: `id` or `access`. */
  readonly use?: string;
}

/** Claims and expiry of a pasted JWT, for display and the "expired" warning; undefined if not a JWT. */
export function jwtInfo(token: string, now: number): JwtInfo | undefined {
  const jwt = decodeJwt(token);
  if (!jwt) return undefined;
  const exp = jwt.claims['exp'];
  const expiresAt = typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  const iss = jwt.claims['iss'];
  const use = jwt.claims['token_use'];
  return {
    claims: jwt.claims,
    ...(typeof iss === 'string' ? { issuer: iss } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    expired: expiresAt !== undefined && expiresAt <= now,
    ...(typeof use === 'string' ? { use } : {}),
  };
}
