// Which AppSync auth mode a connection used, read from the headers it sent (HTTP) or the
// `header-<base64url>` subprotocol it offered (WebSocket). Computed before redaction: the
// mode is not a secret, the header values are.

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function authModeFromHeaders(headers: Readonly<Record<string, unknown>>): string | undefined {
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(headers)) lower.set(k.toLowerCase(), v);
  if (typeof lower.get('x-api-key') === 'string') return 'API_KEY';
  if (lower.has('x-amz-date') || lower.has('x-amz-security-token')) return 'AWS_IAM';
  const auth = lower.get('authorization');
  if (typeof auth !== 'string') return undefined;
  if (auth.startsWith('AWS4-HMAC-SHA256')) return 'AWS_IAM';
  const token = auth.replace(/^Bearer\s+/i, '');
  return JWT.test(token) ? 'JWT' : 'AWS_LAMBDA';
}

export function authModeFromProtocols(protocols: readonly string[]): string | undefined {
  for (const p of protocols) {
    if (!p.startsWith('header-')) continue;
    const headers = decodeHeaderProtocol(p.slice('header-'.length));
    if (headers) return authModeFromHeaders(headers);
  }
  return undefined;
}

function decodeHeaderProtocol(b64url: string): Record<string, unknown> | undefined {
  try {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
