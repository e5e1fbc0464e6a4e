// Auth as seen on the wire: which mode a header object uses and what a JWT says, for display.
// Nothing here verifies anything; the emulator verifies with real crypto elsewhere.

import { getHeader, findHeaderKey } from './auth-header.ts';
import { base64UrlDecodeText } from './base64.ts';
import { isRecord, parseJson } from './json.ts';

export {
  APPSYNC_EVENTS_SUBPROTOCOL,
  AUTH_SUBPROTOCOL_PREFIX,
  decodeAuthSubprotocol,
  encodeAuthSubprotocol,
  findAuthSubprotocol,
  findHeaderKey,
  getHeader,
} from './auth-header.ts';
export { fingerprint, redactAuthHeaders, redactFrameText, redactSubprotocol } from './redact.ts';

/** The service's auth enum (reference 7) plus NONE (no credentials) and UNKNOWN (unreadable). */
export type AuthMode =
  | 'API_KEY'
  | 'AMAZON_COGNITO_USER_POOLS'
  | 'OPENID_CONNECT'
  | 'AWS_LAMBDA'
  | 'AWS_IAM'
  | 'NONE'
  | 'UNKNOWN';

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

/**
 * Which auth mode a header object uses (reference 2.2). An API key wins over an
 * `authorization` header because AppSync clients never send both for another mode.
 * Cognito and OIDC are told apart by the issuer only; a Lambda authorizer token can be any
 * string, so every other non-empty authorization is AWS_LAMBDA. UNKNOWN means the object or
 * the authorization value has a shape we cannot read.
 */
export function detectAuthMode(headers: Record<string, unknown> | undefined): AuthMode {
  if (headers === undefined || headers === null) return 'NONE';
  if (!isRecord(headers)) return 'UNKNOWN';
  const apiKey = getHeader(headers, 'x-api-key');
  if (apiKey !== undefined && apiKey.trim() !== '') return 'API_KEY';
  const authKey = findHeaderKey(headers, 'authorization');
  if (authKey === undefined) return apiKey === undefined ? 'NONE' : 'UNKNOWN';
  const auth = getHeader(headers, 'authorization');
  if (auth === undefined) return 'UNKNOWN';
  const value = auth.trim();
  if (value === '') return 'NONE';
  if (value.startsWith('AWS4-HMAC-SHA256')) return 'AWS_IAM';
  const jwt = decodeJwt(value);
  if (jwt) {
    const iss = jwt.claims['iss'];
    return typeof iss === 'string' && iss.includes('cognito-idp') ? 'AMAZON_COGNITO_USER_POOLS' : 'OPENID_CONNECT';
  }
  return 'AWS_LAMBDA';
}

/** Header and claims of a JWT (a `Bearer ` prefix is allowed), for display only. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  if (typeof token !== 'string') return undefined;
  let t = token.trim();
  if (/^bearer\s+/i.test(t)) t = t.replace(/^bearer\s+/i, '');
  // A JWT is far smaller than this; the cap keeps a hostile value from costing much.
  if (t.length > 64 * 1024) return undefined;
  const parts = t.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodePart(parts[0] ?? '');
  const claims = decodePart(parts[1] ?? '');
  return header && claims ? { header, claims } : undefined;
}

function decodePart(part: string): Record<string, unknown> | undefined {
  if (part === '') return undefined;
  const text = base64UrlDecodeText(part);
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
}
