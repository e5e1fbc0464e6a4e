// The console's peer: the local emulator with every auth provider configured, and one good
// and one bad credential per mode. JWTs are signed here with keys the emulator trusts
// (an HS256 secret for Cognito, an ES256 JWKS for OIDC, like a real issuer's), so the
// expired ones fail on their `exp` alone and the service's error is what the user sees.
import { resolve } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startEmulator, type Emulator } from '../../../src/emulator/index.ts';
import { API_KEY } from './server.ts';

export const REGION = 'us-east-1';
const COGNITO_SECRET = 'e2e-cognito-shared-secret-0123456789abcdef';
const COGNITO_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_E2ETEST';
const OIDC_ISSUER = 'https://issuer.e2e.invalid';

export interface ConsoleCredentials {
  readonly apiKey: string;
  readonly wrongApiKey: string;
  readonly cognitoJwt: string;
  readonly cognitoExpiredJwt: string;
  readonly oidcJwt: string;
  readonly oidcExpiredJwt: string;
  readonly lambdaToken: string;
  readonly lambdaRejectedToken: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly wrongSecretAccessKey: string;
}

export type ConsoleServer = Emulator & {
  readonly origin: string;
  readonly creds: ConsoleCredentials;
  pageUrl(name: string, query?: string): string;
};

const nowS = () => Math.floor(Date.now() / 1000);

export async function startConsoleServer(): Promise<ConsoleServer> {
  const oidcKeys = await generateKeyPair('ES256', { extractable: true });
  const oidcJwk = { ...(await exportJWK(oidcKeys.publicKey)), kid: 'e2e-oidc', alg: 'ES256', use: 'sig' };
  const cognitoKey = new TextEncoder().encode(COGNITO_SECRET);
  // The expired tokens were valid for an hour that ended ten minutes ago (beyond jose's
  // default zero clock tolerance, so the verdict does not depend on timing).
  const cognito = (exp: number) =>
    new SignJWT({ 'cognito:username': 'e2e-user', token_use: 'id', email: 'e2e@example.com' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(COGNITO_ISSUER)
      .setSubject('e2e-user-sub')
      .setAudience('e2e-client')
      .setIssuedAt(exp - 3600)
      .setExpirationTime(exp)
      .sign(cognitoKey);
  const oidc = (exp: number) =>
    new SignJWT({ name: 'E2E OIDC user' })
      .setProtectedHeader({ alg: 'ES256', kid: 'e2e-oidc', typ: 'JWT' })
      .setIssuer(OIDC_ISSUER)
      .setSubject('oidc-user')
      .setAudience('e2e-oidc-client')
      .setIssuedAt(exp - 3600)
      .setExpirationTime(exp)
      .sign(oidcKeys.privateKey);

  const creds: ConsoleCredentials = {
    apiKey: API_KEY,
    wrongApiKey: 'da2-thiskeyisnotknowntotheapi00',
    cognitoJwt: await cognito(nowS() + 3600),
    cognitoExpiredJwt: await cognito(nowS() - 600),
    oidcJwt: await oidc(nowS() + 3600),
    oidcExpiredJwt: await oidc(nowS() - 600),
    lambdaToken: 'lambda-allow-e2e',
    lambdaRejectedToken: 'lambda-deny-e2e',
    accessKeyId: 'AKIAE2ETESTKEY000001',
    secretAccessKey: 'e2eSecretAccessKey/0000000000000000000000',
    wrongSecretAccessKey: 'e2eWrongSecretKey/00000000000000000000000',
  };

  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    tls: 'off',
    region: REGION,
    auth: {
      apiKeys: [API_KEY],
      // An authorizer that decides by the token, as a real Lambda authorizer would.
      lambda: { authorize: (token) => token === creds.lambdaToken },
      cognito: { hs256Secret: COGNITO_SECRET, issuer: COGNITO_ISSUER },
      oidc: { jwks: { keys: [oidcJwk] }, issuer: OIDC_ISSUER },
      iam: { credentials: [{ accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }] },
    },
    namespaces: ['default', 'chat'],
    staticDir: resolve(import.meta.dirname, '../../fixtures/pages'),
  });
  const origin = `http://127.0.0.1:${emulator.port}`;
  return Object.assign(emulator, {
    origin,
    creds,
    pageUrl: (name: string, query = '') => `${origin}/${name}?key=${API_KEY}${query ? '&' + query : ''}`,
  });
}

export type AuthCase = {
  readonly mode: 'API_KEY' | 'AMAZON_COGNITO_USER_POOLS' | 'OPENID_CONNECT' | 'AWS_LAMBDA' | 'AWS_IAM';
  /** Credential fields as the engine's AuthConfig (and the view's cred-* inputs) name them. */
  readonly good: Readonly<Record<string, string>>;
  readonly bad: Readonly<Record<string, string>>;
  /** What the failing case is, in the words of the test's title. */
  readonly badIs: string;
};

/** One good and one bad credential for every auth mode. */
export function authCases(c: ConsoleCredentials): AuthCase[] {
  const iam = { accessKeyId: c.accessKeyId, region: REGION };
  return [
    { mode: 'API_KEY', good: { apiKey: c.apiKey }, bad: { apiKey: c.wrongApiKey }, badIs: 'wrong key' },
    { mode: 'AMAZON_COGNITO_USER_POOLS', good: { jwt: c.cognitoJwt }, bad: { jwt: c.cognitoExpiredJwt }, badIs: 'expired JWT' },
    { mode: 'OPENID_CONNECT', good: { jwt: c.oidcJwt }, bad: { jwt: c.oidcExpiredJwt }, badIs: 'expired JWT' },
    { mode: 'AWS_LAMBDA', good: { token: c.lambdaToken }, bad: { token: c.lambdaRejectedToken }, badIs: 'rejected token' },
    {
      mode: 'AWS_IAM',
      good: { ...iam, secretAccessKey: c.secretAccessKey },
      bad: { ...iam, secretAccessKey: c.wrongSecretAccessKey },
      badIs: 'bad signature (wrong secret)',
    },
  ];
}
