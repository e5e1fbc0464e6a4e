// An emulator with every auth mode configured, and the credentials that pass and fail
// each of them, for the pub/sub engine's tests.

import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startEmulator, type Emulator } from '../../../src/emulator/index.ts';
import { createEventsClient, resolveProfile, type AuthConfig, type ClientOptions, type EventsClient, type ResolvedProfile, type WebSocketLike } from '../../../src/pubsub/index.ts';

export const API_KEY = 'da2-pubsubtestkey000000000000';
export const LAMBDA_TOKEN = 'lambda-allow-me';
export const COGNITO_SECRET = 'cognito-secret-cognito-secret-0123456789';
export const OIDC_SECRET = 'oidc-secret-oidc-secret-oidc-secret-012345';
export const COGNITO_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST';
export const OIDC_ISSUER = 'https://issuer.example.test';
export const IAM = { accessKeyId: 'AKIDPUBSUBTEST', secretAccessKey: 'pubsub-test-secret' };

const running = new Set<Emulator>();

export async function emulator(extra: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator({
    port: 0,
    tls: 'off',
    auth: {
      apiKeys: [API_KEY],
      lambda: { tokens: [LAMBDA_TOKEN] },
      cognito: { hs256Secret: COGNITO_SECRET, issuer: COGNITO_ISSUER },
      oidc: { hs256Secret: OIDC_SECRET, issuer: OIDC_ISSUER },
      iam: { credentials: [IAM] },
    },
    ...extra,
  });
  running.add(emu);
  return emu;
}

export async function stopAll(): Promise<void> {
  const all = [...running];
  running.clear();
  await Promise.all(all.map((e) => e.stop()));
}

export function jwt(secret: string, issuer: string, exp: string | number = '5m'): Promise<string> {
  return new SignJWT({ token_use: 'access', sub: 'user-1' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

export function profileFor(emu: Emulator, auth: AuthConfig): ResolvedProfile {
  const r = resolveProfile({ httpUrl: emu.plainHttpUrl ?? emu.httpUrl, realtimeUrl: '', auth });
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.profile;
}

export const wsFactory: ClientOptions['WebSocket'] = (url, protocols) => new WebSocket(url, protocols) as unknown as WebSocketLike;

const clients = new Set<EventsClient>();
export function client(profile: ResolvedProfile, extra: Partial<ClientOptions> = {}): EventsClient {
  const c = createEventsClient({ profile, WebSocket: wsFactory, ackTimeoutMs: 3000, operationTimeoutMs: 3000, ...extra });
  clients.add(c);
  return c;
}
export function closeClients(): void {
  for (const c of clients) c.close();
  clients.clear();
}

/** Resolves when `pred` holds after some change of the client (never a fixed sleep). */
export function until(c: EventsClient, pred: () => boolean, timeoutMs = 4000): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`condition not met; state ${JSON.stringify(c.state)}`));
    }, timeoutMs);
    const off = c.onChange(() => {
      if (!pred()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
