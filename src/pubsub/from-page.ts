// A profile filled from a page's captured connection: the endpoint from its URL (the
// auth object's `host` names the HTTP endpoint, which covers custom domains), the auth mode
// from the headers, and the credential itself where one can be reused. An IAM signature
// cannot: its secret key never travels, so only the access key id is taken.

import { detectAuthMode, getHeader, parseEndpoint } from '../protocol/index.ts';
import type { AuthConfig } from './types.ts';

export interface PageConnection {
  readonly kind: 'websocket' | 'http';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface FilledProfile {
  readonly httpUrl: string;
  readonly realtimeUrl: string;
  readonly auth: AuthConfig;
  /** What the user still has to do, when something could not be taken from the page. */
  readonly note?: string;
}

export function profileFromPage(c: PageConnection): FilledProfile | undefined {
  const ep = parseEndpoint(c.url);
  if (!ep.ok) return undefined;
  let httpUrl = ep.httpUrl;
  const host = getHeader(c.headers, 'host');
  if (c.kind === 'websocket' && host && /^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) {
    httpUrl = `${c.url.startsWith('ws:') ? 'http' : 'https'}://${host}/event`;
  }
  const realtimeUrl = c.kind === 'websocket' ? ep.realtimeUrl : '';
  const mode = detectAuthMode(c.headers);
  const authorization = getHeader(c.headers, 'authorization') ?? '';
  switch (mode) {
    case 'API_KEY':
      return { httpUrl, realtimeUrl, auth: { mode, apiKey: getHeader(c.headers, 'x-api-key') ?? '' } };
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      return { httpUrl, realtimeUrl, auth: { mode, jwt: authorization } };
    case 'AWS_LAMBDA':
      return { httpUrl, realtimeUrl, auth: { mode, token: authorization } };
    case 'AWS_IAM': {
      const m = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(authorization);
      return {
        httpUrl,
        realtimeUrl,
        auth: { mode, accessKeyId: m?.[1] ?? '', secretAccessKey: '', ...(m?.[2] ? { region: m[2] } : {}) },
        note: 'The page signs with IAM: a signature cannot be reused. Enter the secret access key (and session token) to sign your own requests.',
      };
    }
    default:
      return { httpUrl, realtimeUrl, auth: { mode: 'API_KEY', apiKey: '' }, note: 'No credentials were seen on this connection yet: enter them.' };
  }
}
