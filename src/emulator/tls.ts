// TLS material: a configured certificate (PEM text or file path) or a self-signed one made
// at start. Generation is cached per process so a test suite starting many emulators pays
// for it once.

import { readFileSync } from 'node:fs';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly selfSigned: boolean;
}

let cached: Promise<TlsMaterial> | undefined;

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

export function loadTls(cert?: string, key?: string): Promise<TlsMaterial> {
  if (cert || key) {
    if (!cert || !key) return Promise.reject(new Error('cert and key must be given together'));
    return Promise.resolve({ cert: pem(cert), key: pem(key), selfSigned: false });
  }
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  }).then((r) => ({ cert: r.cert, key: r.private, selfSigned: true }));
  return cached;
}
