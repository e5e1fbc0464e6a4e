// The HTTP publish headers worth keeping in a capture (reference section 4): what says how a
// publish authenticates (redacted before storage by redact.ts), what a user debugs with, and
// the response headers AppSync names its errors in. One list for every place that captures
// or imports a publish: the page tap, DevTools' network log and HAR import.

/** Request headers kept, lower case. Secret ones (`authorization`, `x-api-key`, `x-amz-security-token`) are redacted at rest. */
export const KEPT_REQUEST_HEADERS: readonly string[] = [
  'accept',
  'authorization',
  'content-encoding',
  'content-length',
  'content-type',
  'host',
  'user-agent',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-api-key',
];

/**
 * Response headers kept, lower case. `x-amzn-errortype` is how AWS names a request-level
 * error (Amplify reads it first, reference 4); `x-amzn-requestid` is what AWS support asks for.
 */
export const KEPT_RESPONSE_HEADERS: readonly string[] = [
  'content-length',
  'content-type',
  'date',
  'x-amz-apigw-id',
  'x-amz-cf-id',
  'x-amzn-errormessage',
  'x-amzn-errortype',
  'x-amzn-requestid',
  'x-amzn-trace-id',
];

const REQUEST = new Set(KEPT_REQUEST_HEADERS);
const RESPONSE = new Set(KEPT_RESPONSE_HEADERS);

export function isKeptRequestHeader(name: string): boolean {
  return typeof name === 'string' && REQUEST.has(name.toLowerCase());
}

export function isKeptResponseHeader(name: string): boolean {
  return typeof name === 'string' && RESPONSE.has(name.toLowerCase());
}

/**
 * The kept headers of a `{name, value}` list (HAR, DevTools' network log), keys lower-cased,
 * repeated headers joined with `, ` as fetch's Headers does.
 */
export function keptHeaders(list: readonly { readonly name: string; readonly value: string }[], keep: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    if (!keep(h.name)) continue;
    const name = h.name.toLowerCase();
    out[name] = out[name] === undefined ? h.value : `${out[name]}, ${h.value}`;
  }
  return out;
}
