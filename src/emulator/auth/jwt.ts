// AMAZON_COGNITO_USER_POOLS and OPENID_CONNECT modes: the `Authorization` value is a JWT,
// verified locally with jose against a configured HS256 secret or JWKS (no network: the
// emulator never fetches issuer metadata). Cognito ID and access tokens are both accepted
// (reference 2.2: the docs say ID token, Amplify sends the access token).

import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config.ts';
import type { AuthOutcome } from './types.ts';

function loadJwks(src: NonNullable<JwtConfig['jwks']>): JSONWebKeySet {
  if (typeof src !== 'string') return src as JSONWebKeySet;
  const text = src.trimStart().startsWith('{') ? src : readFileSync(src, 'utf8');
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new Error('jwks must be a JSON Web Key Set ({"keys":[…]})');
  }
  return parsed as JSONWebKeySet;
}

export class JwtVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly config: JwtConfig) {
    if (config.hs256Secret) this.secret = new TextEncoder().encode(config.hs256Secret);
    if (config.jwks) this.jwks = createLocalJWKSet(loadJwks(config.jwks));
  }

  async check(authorization: string): Promise<AuthOutcome> {
    // Clients may use the Bearer scheme (docs) or the bare token (Amplify).
    const token = authorization.replace(/^Bearer\s+/i, '');
    const opts = this.config.issuer ? { issuer: this.config.issuer } : {};
    try {
      const { payload } = this.secret
        ? await jwtVerify(token, this.secret, { ...opts, algorithms: ['HS256'] })
        : await jwtVerify(token, this.jwks!, opts);
      const clientId = this.config.clientId;
      if (clientId) {
        const aud = payload.aud;
        const audOk = Array.isArray(aud) ? aud.includes(clientId) : aud === clientId;
        if (!audOk && payload['client_id'] !== clientId) return { ok: false, reason: 'JWT client id mismatch' };
      }
      return { ok: true };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'JWT expired' };
      if (err instanceof errors.JWTClaimValidationFailed) {
        return { ok: false, reason: `JWT claim check failed: ${err.claim} (${err.reason})` };
      }
      return { ok: false, reason: `JWT rejected: ${(err as Error).message}` };
    }
  }
}
