// The authorization object of every request, per auth mode (reference 2.2, 3.1, 4):
// the `header-` subprotocol of the connect, the `authorization` of each subscribe and
// publish frame, and the headers of an HTTP publish. IAM signs a virtual `POST /event`
// on the HTTP host for WebSocket operations and the real request for HTTP.

import { encodeAuthSubprotocol, APPSYNC_EVENTS_SUBPROTOCOL } from '../protocol/index.ts';
import { signRequest } from './sigv4.ts';
import type { ResolvedProfile } from './types.ts';

/** Fixed headers of the virtual request IAM signs for WebSocket operations (reference 2.2). */
export const VIRTUAL_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

/** `x-amz-date` form, as Amplify adds it to API key auth objects. */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The auth object for a WebSocket operation whose signed body is `body` (`{}` for the
 * connect). `host` is always the HTTP endpoint's host, also on the real-time socket.
 */
export async function wsAuthorization(p: ResolvedProfile, body: string, now: Date): Promise<Record<string, string>> {
  const a = p.auth;
  switch (a.mode) {
    case 'API_KEY':
      return { host: p.httpHost, 'x-amz-date': amzDate(now), 'x-api-key': a.apiKey.trim() };
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      return { host: p.httpHost, authorization: a.jwt.trim() };
    case 'AWS_LAMBDA':
      return { host: p.httpHost, authorization: a.token.trim() };
    case 'AWS_IAM':
      return signRequest(iamCreds(a), {
        method: 'POST',
        host: p.httpHost,
        path: '/event',
        headers: VIRTUAL_HEADERS,
        body,
        region: p.region ?? '',
        date: now,
      });
  }
}

/** The two subprotocols a browser offers: the Events one and the connection auth. */
export async function connectProtocols(p: ResolvedProfile, now: Date): Promise<string[]> {
  return [APPSYNC_EVENTS_SUBPROTOCOL, encodeAuthSubprotocol(await wsAuthorization(p, '{}', now))];
}

/**
 * Headers for `POST /event`. `host` is not included for modes that do not sign it: the
 * browser sets it and refuses it from scripts. For IAM it is signed but not sent.
 */
export async function httpHeaders(p: ResolvedProfile, body: string, now: Date): Promise<Record<string, string>> {
  const base = { 'content-type': 'application/json' };
  const a = p.auth;
  switch (a.mode) {
    case 'API_KEY':
      return { ...base, 'x-api-key': a.apiKey.trim() };
    case 'AMAZON_COGNITO_USER_POOLS':
    case 'OPENID_CONNECT':
      return { ...base, authorization: a.jwt.trim() };
    case 'AWS_LAMBDA':
      return { ...base, authorization: a.token.trim() };
    case 'AWS_IAM': {
      const path = new URL(p.httpUrl).pathname || '/event';
      const { host: _host, ...signed } = await signRequest(iamCreds(a), {
        method: 'POST',
        host: p.httpHost,
        path,
        headers: base,
        body,
        region: p.region ?? '',
        date: now,
      });
      return signed;
    }
  }
}

function iamCreds(a: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return {
    accessKeyId: a.accessKeyId.trim(),
    secretAccessKey: a.secretAccessKey.trim(),
    ...(a.sessionToken?.trim() ? { sessionToken: a.sessionToken.trim() } : {}),
  };
}
