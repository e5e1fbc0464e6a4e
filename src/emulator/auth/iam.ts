// AWS_IAM mode: SigV4 verification by recomputing the signature. We rebuild the canonical
// request from exactly the headers the client says it signed, sign it again with the
// configured secret through @smithy/signature-v4 (the signer real clients use), and compare.
// For HTTP the request is the real one; for WebSocket it is the virtual `POST /event`
// request of reference 2.2, whose body the caller supplies.

import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IamCredential } from '../config.ts';
import type { AuthOutcome } from './types.ts';

export interface SignedRequestInput {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | string[]>>;
  /** Lower-cased header names; the `authorization` value is read from here too. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Headers Amplify and the docs put on the virtual WebSocket request (reference 2.2). */
export const VIRTUAL_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

/** `20200401T001010Z` → epoch ms, or NaN. */
export function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export interface IamVerifierOptions {
  readonly credentials: readonly IamCredential[];
  readonly region: string;
  readonly clockSkewMs: number;
}

export class IamVerifier {
  constructor(private readonly opts: IamVerifierOptions) {}

  async check(req: SignedRequestInput, now = Date.now()): Promise<AuthOutcome> {
    const auth = req.headers['authorization'] ?? '';
    const m = AUTH_RE.exec(auth);
    if (!m) return { ok: false, reason: 'malformed SigV4 Authorization value' };
    const [, accessKeyId, scopeDate, region, service, signedList, signature] = m as unknown as string[];
    const cred = this.opts.credentials.find((c) => c.accessKeyId === accessKeyId);
    if (!cred) return { ok: false, reason: `unknown access key ${accessKeyId}` };
    if (service !== 'appsync') return { ok: false, reason: `signed for service ${service}, expected appsync` };
    if (region !== this.opts.region) return { ok: false, reason: `signed for region ${region}, expected ${this.opts.region}` };

    const signedNames = (signedList ?? '').split(';');
    if (!signedNames.includes('host')) return { ok: false, reason: 'host is not signed' };
    if (!signedNames.includes('x-amz-date')) return { ok: false, reason: 'x-amz-date is not signed' };
    const amzDate = req.headers['x-amz-date'] ?? '';
    const at = parseAmzDate(amzDate);
    if (!Number.isFinite(at)) return { ok: false, reason: 'missing or malformed x-amz-date' };
    if (!amzDate.startsWith(scopeDate ?? '')) return { ok: false, reason: 'credential scope date differs from x-amz-date' };
    // AWS's usual SigV4 freshness window (reference 8), not verified for AppSync Events.
    if (Math.abs(now - at) > this.opts.clockSkewMs) {
      return { ok: false, reason: `signature date ${amzDate} is outside the allowed clock skew` };
    }
    const token = req.headers['x-amz-security-token'];
    if (cred.sessionToken !== undefined && token !== cred.sessionToken) {
      return { ok: false, reason: 'missing or wrong x-amz-security-token' };
    }

    const headers: Record<string, string> = {};
    for (const name of signedNames) {
      if (name === 'x-amz-date') continue; // the signer writes it from signingDate
      const value = req.headers[name];
      if (value === undefined) return { ok: false, reason: `signed header ${name} is missing` };
      headers[name] = value;
    }
    const signer = new SignatureV4({
      credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey },
      region,
      service: 'appsync',
      sha256: Sha256,
      // A checksum header would change the signed header list; clients that send one have
      // it in `headers` already and the signer then uses it as the payload hash.
      applyChecksum: false,
    });
    const [hostname = '', port] = (headers['host'] ?? '').split(':');
    const signed = await signer.sign(
      {
        method: req.method,
        protocol: 'https:',
        hostname,
        ...(port ? { port: Number(port) } : {}),
        path: req.path,
        query: (req.query ?? {}) as Record<string, string>,
        headers,
        body: req.body,
      },
      { signingDate: new Date(at), signableHeaders: new Set(signedNames) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization']))?.[1] ?? '';
    const a = Buffer.from(expected);
    const b = Buffer.from(signature ?? '');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'signature mismatch' };
    if (headers['x-amz-content-sha256'] !== undefined) {
      // The signer trusted the declared hash; make sure it is the body's.
      const h = new Sha256();
      h.update(req.body);
      const hex = Buffer.from(await h.digest()).toString('hex');
      if (hex !== headers['x-amz-content-sha256']) {
        return { ok: false, reason: 'x-amz-content-sha256 does not match the body' };
      }
    }
    return { ok: true };
  }
}
