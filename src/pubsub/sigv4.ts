// SigV4 through @smithy/signature-v4 (the signer AWS's own SDKs use) with the pure-JS
// SHA-256 of @aws-crypto, so it runs the same in the panel and under node. No crypto here.

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  /** host[:port]; signed as the `host` header. */
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service?: string;
  readonly date: Date;
}

/** The input headers plus `x-amz-date`, `authorization` and, with temporary credentials, `x-amz-security-token`. */
export async function signRequest(creds: SigningCredentials, input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    },
    region: input.region,
    service: input.service ?? 'appsync',
    sha256: Sha256,
    // AppSync clients sign the body hash without sending x-amz-content-sha256.
    applyChecksum: false,
  });
  const [hostname = '', port] = input.host.split(':');
  const headers: Record<string, string> = { ...input.headers, host: input.host };
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: 'https:',
      hostname,
      ...(port ? { port: Number(port) } : {}),
      path: input.path,
      query: {},
      headers,
      body: input.body,
    },
    { signingDate: input.date },
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k.toLowerCase()] = String(v);
  return out;
}
