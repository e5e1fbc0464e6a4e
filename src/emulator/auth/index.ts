// Authorization front door: given the auth modes a connection / namespace allows and the
// headers a client presented, decide. Which checker applies is read from the headers, like
// the service: `x-api-key` → API_KEY, a SigV4 `authorization` → AWS_IAM, any other
// `authorization` → the JWT modes and AWS_LAMBDA, tried in the configured order.

import { getHeader } from '../../protocol/auth.ts';
import type { AuthType, LambdaContext, ResolvedConfig } from '../config.ts';
import { checkApiKey } from './api-key.ts';
import { IamVerifier, VIRTUAL_REQUEST_HEADERS } from './iam.ts';
import type { SignedRequestInput } from './iam.ts';
import { JwtVerifier } from './jwt.ts';
import { LambdaAuthorizer } from './lambda.ts';

export type AuthDecision =
  | { readonly ok: true; readonly mode: AuthType }
  | { readonly ok: false; readonly reason: string };

export interface AuthRequest {
  readonly operation: LambdaContext['operation'];
  readonly modes: readonly AuthType[];
  /** The auth object (`header-`, upgrade headers or per-operation `authorization`). */
  readonly headers: Record<string, unknown>;
  readonly channel?: string;
  readonly namespace?: string;
  /** The request the SigV4 signature covers; only built when IAM is tried. */
  readonly signedRequest: () => SignedRequestInput;
}

export class Authorizer {
  private readonly lambda?: LambdaAuthorizer;
  private readonly cognito?: JwtVerifier;
  private readonly oidc?: JwtVerifier;
  private readonly iam?: IamVerifier;

  constructor(private readonly config: ResolvedConfig) {
    const a = config.auth;
    if (a.lambda) this.lambda = new LambdaAuthorizer(a.lambda);
    if (a.cognito) this.cognito = new JwtVerifier(a.cognito);
    if (a.oidc) this.oidc = new JwtVerifier(a.oidc);
    if (a.iam) {
      this.iam = new IamVerifier({
        credentials: a.iam.credentials,
        region: config.region,
        clockSkewMs: config.iamClockSkewMs,
      });
    }
  }

  async preload(): Promise<void> {
    await this.lambda?.preload();
  }

  async authorize(req: AuthRequest): Promise<AuthDecision> {
    const apiKey = getHeader(req.headers, 'x-api-key');
    const authorization = getHeader(req.headers, 'authorization');
    const reasons: string[] = [];
    for (const mode of req.modes) {
      let outcome: { ok: boolean; reason?: string } | undefined;
      switch (mode) {
        case 'API_KEY':
          if (apiKey !== undefined) outcome = checkApiKey(this.config.auth.apiKeys, apiKey);
          break;
        case 'AWS_IAM':
          if (this.iam && authorization?.startsWith('AWS4-HMAC-SHA256')) {
            outcome = await this.iam.check(req.signedRequest());
          }
          break;
        case 'AMAZON_COGNITO_USER_POOLS':
        case 'OPENID_CONNECT': {
          const v = mode === 'OPENID_CONNECT' ? this.oidc : this.cognito;
          if (v && authorization && !authorization.startsWith('AWS4-HMAC-SHA256')) outcome = await v.check(authorization);
          break;
        }
        case 'AWS_LAMBDA':
          if (this.lambda && authorization && !authorization.startsWith('AWS4-HMAC-SHA256')) {
            outcome = await this.lambda.check(authorization, {
              operation: req.operation,
              headers: req.headers,
              ...(req.channel !== undefined ? { channel: req.channel } : {}),
              ...(req.namespace !== undefined ? { namespace: req.namespace } : {}),
            });
          }
          break;
      }
      if (outcome?.ok) return { ok: true, mode };
      if (outcome) reasons.push(`${mode}: ${outcome.reason}`);
    }
    if (reasons.length === 0) {
      return { ok: false, reason: `no credentials for the allowed modes (${req.modes.join(', ')})` };
    }
    return { ok: false, reason: reasons.join('; ') };
  }
}

/** Header values as strings with lower-cased names; non-string values are dropped. */
export function lowerCaseHeaders(h: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (typeof v === 'string') out[k.toLowerCase()] = v;
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.join(', ');
  }
  return out;
}

/**
 * The virtual request a WebSocket auth object signs (reference 2.2): `POST /event` on the
 * HTTP host with the fixed JSON headers. Values in the object win, so a client that signs
 * slightly different fixed headers and sends them still verifies.
 */
export function virtualSignedRequest(auth: Record<string, unknown>, body: string): SignedRequestInput {
  return {
    method: 'POST',
    path: '/event',
    headers: { ...VIRTUAL_REQUEST_HEADERS, ...lowerCaseHeaders(auth) },
    body,
  };
}
