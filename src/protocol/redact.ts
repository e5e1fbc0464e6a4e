// Secret redaction before anything is stored or exported. A fingerprint lets a user see that
// two frames used the same key without the key being kept; it is a recogniser, not security.

import { decodeAuthSubprotocol, AUTH_SUBPROTOCOL_PREFIX } from './auth-header.ts';
import { base64UrlEncodeText, utf8Encode } from './base64.ts';
import { isRecord, parseJson, stringifySafe } from './json.ts';

/** Header names kept verbatim: needed to read a capture and not secret. */
const KEEP = new Set([
  'host',
  'x-amz-date',
  'content-type',
  'content-encoding',
  'accept',
  'x-amz-user-agent',
  'user-agent',
  // OAuth's `token_type=Bearer` (a sign-in redirect's URL, a token response) names no secret.
  'token-type',
  'token_type',
]);
const SECRET_KEY = /token|secret|passw|cookie|api-?key|credential|signature|session|auth/i;
const REVEAL_MIN_LENGTH = 20;

/** 32-bit FNV-1a over the UTF-8 bytes, so the tag is the same in every runtime. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8Encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Four hex digits: the 32-bit hash folded to 16 bits. */
export function hashTag(text: string): string {
  const h = fnv1a(text);
  return ((h >>> 16) ^ (h & 0xffff)).toString(16).padStart(4, '0');
}

// What fingerprint() returns: up to 4 code points, `…`, up to 4 code points, ` #`, 4 hex
// digits (or `… #tag` alone). `u` so that `.` is a code point, `s` so that it is any.
const FINGERPRINT = /^(?:.{0,4}…(?:.{0,4})?|…) #[0-9a-f]{4}$/su;
const MARKER = /^\[redacted #[0-9a-f]{4}\]$/;

/**
 * True for a value that is already a fingerprint or a redaction marker. Redaction keeps such
 * values unchanged, so redacting twice (at rest, then again on export; or after an import)
 * gives what redacting once gave and equal secrets stay recognisable everywhere. The cost:
 * a real secret shaped like a fingerprint (it would have to contain `…` and end in ` #` and
 * four hex digits) is kept; it could reveal at most those 8 characters.
 */
export function isRedacted(value: string): boolean {
  return value.length <= 32 && (FINGERPRINT.test(value) || MARKER.test(value));
}

/**
 * `da2-…k3f9 #a1b2` for secrets of 20+ characters (at most 8 characters shown, a minority of
 * any real key or token), `… #a1b2` for shorter ones, which show nothing but the tag.
 * Idempotent: a fingerprint is its own fingerprint (see isRedacted).
 */
export function fingerprint(secret: string): string {
  let s: string;
  try {
    s = typeof secret === 'string' ? secret : String(secret);
  } catch {
    s = '';
  }
  if (isRedacted(s)) return s;
  const tag = hashTag(s);
  if (s.length < REVEAL_MIN_LENGTH) return `… #${tag}`;
  const head = Array.from(s.slice(0, 8)).slice(0, 4).join('');
  const tail = Array.from(s.slice(-8)).slice(-4).join('');
  return `${head}…${tail} #${tag}`;
}

const SIGV4 =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)((?:\/[^/,\s]*){4}),\s*SignedHeaders=([^,\s]*),\s*Signature=([^,\s]+)\s*$/;

// A SigV4 value as redactAuthorization writes it: both secrets already fingerprints.
const REDACTED_SIGV4 = /^AWS4-HMAC-SHA256 Credential=(.+?)(?:\/[^/,\s]*){4}, SignedHeaders=[^,\s]*, Signature=(.+)$/su;

/** Redacts one authorization value, keeping what a reader needs to recognise its kind. */
function redactAuthorization(value: string): string {
  const done = REDACTED_SIGV4.exec(value);
  if (done && isRedacted(done[1] ?? '') && isRedacted(done[2] ?? '')) return value;
  const sig = SIGV4.exec(value);
  if (sig) {
    const [, accessKey = '', scope = '', signed = '', signature = ''] = sig;
    return `AWS4-HMAC-SHA256 Credential=${fingerprint(accessKey)}${scope}, SignedHeaders=${signed}, Signature=${fingerprint(signature)}`;
  }
  const bearer = /^(bearer\s+)(.*)$/is.exec(value);
  if (bearer) return (bearer[1] ?? '') + fingerprint(bearer[2] ?? '');
  return fingerprint(value);
}

function redactValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') return key.toLowerCase() === 'authorization' ? redactAuthorization(value) : fingerprint(value);
  if (value === null || value === undefined) return value;
  let text: string;
  try {
    text = typeof value === 'object' ? (stringifySafe(value) ?? '') : String(value);
  } catch {
    text = '';
  }
  return fingerprint(text);
}

function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return !KEEP.has(lower) && SECRET_KEY.test(lower);
}

/** A copy with every secret-looking value fingerprinted; key spelling and order kept. */
export function redactAuthHeaders(h: Record<string, unknown>): Record<string, unknown> {
  try {
    if (!isRecord(h)) return {};
    // fromEntries defines properties, so a "__proto__" key stays an own property.
    return Object.fromEntries(
      Object.keys(h).map((key) => {
        const value = h[key];
        return [key, isSecretKey(key) ? redactValue(key, value) : value];
      }),
    );
  } catch {
    return {};
  }
}

const MAX_WALK_DEPTH = 32;

/** Redacts `authorization` keys in place; returns false when the depth cap cut the walk. */
function redactTree(node: unknown, depth: number): boolean {
  if (typeof node !== 'object' || node === null) return true;
  if (depth > MAX_WALK_DEPTH) return false;
  let complete = true;
  if (Array.isArray(node)) {
    for (const item of node) complete = redactTree(item, depth + 1) && complete;
    return complete;
  }
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (key.toLowerCase() === 'authorization') {
      // Safe assignment: the key is an existing own property and is never "__proto__".
      obj[key] = isRecord(value) ? redactAuthHeaders(value) : redactValue(key, value);
    } else {
      complete = redactTree(value, depth + 1) && complete;
    }
  }
  return complete;
}

// Best effort for text that is not JSON (a truncated capture): any `"secret-key": "value"`
// pair, including a value cut off at the end of the text. Key length is bounded so a hostile
// text cannot make this quadratic.
const SECRET_PAIR =
  /"([^"\\]{0,40}(?:authorization|token|secret|passw|cookie|api-?key|credential|signature|session)[^"\\]{0,40})"(\s*:\s*)"((?:[^"\\]|\\.)*)("|$)/gi;

function redactPairs(text: string): string {
  return text.replace(SECRET_PAIR, (_m, key: string, colon: string, value: string, end: string) => {
    const redacted = key.toLowerCase() === 'authorization' ? redactAuthorization(value) : fingerprint(value);
    return `"${key}"${colon}"${redacted}${end}`;
  });
}

/**
 * A frame's text with its `authorization` objects redacted: the top-level one and Amplify's
 * copy under `payload.extensions` (reference 9.5), found by walking the JSON. The JSON is
 * re-serialised, so insignificant whitespace is not kept. Text that does not parse (for
 * example a truncated capture) gets the key/value pass above instead of being kept verbatim,
 * because keeping a secret is worse than changing a broken text. Never throws.
 */
export function redactFrameText(text: string): string {
  if (typeof text !== 'string') return text;
  try {
    // Cheap exit for the common case (ka, data, acks): no auth key anywhere.
    if (text.indexOf('uthorization') === -1 && text.indexOf('UTHORIZATION') === -1) return text;
    const parsed = parseJson(text);
    if (!parsed.ok) return redactPairs(text);
    if (typeof parsed.value !== 'object' || parsed.value === null) return text;
    const complete = redactTree(parsed.value, 0);
    const out = stringifySafe(parsed.value);
    if (out === undefined) return redactPairs(text);
    return complete ? out : redactPairs(out);
  } catch {
    return '';
  }
}

/**
 * Choice: a `header-` value becomes `header-` + base64url of the redacted JSON rather than an
 * opaque marker, so a stored session still shows the host, date and which auth mode was used.
 * A `header-` value that does not decode may still hold a secret, so it becomes the marker
 * `header-[redacted #tag]`. Other subprotocols are returned unchanged.
 */
export function redactSubprotocol(protocol: string): string {
  if (typeof protocol !== 'string' || !protocol.startsWith(AUTH_SUBPROTOCOL_PREFIX)) return protocol;
  if (isRedacted(protocol.slice(AUTH_SUBPROTOCOL_PREFIX.length))) return protocol;
  const decoded = decodeAuthSubprotocol(protocol);
  const json = decoded ? stringifySafe(redactAuthHeaders(decoded)) : undefined;
  if (json === undefined) return `${AUTH_SUBPROTOCOL_PREFIX}[redacted #${hashTag(protocol)}]`;
  return AUTH_SUBPROTOCOL_PREFIX + base64UrlEncodeText(json);
}

/** Query parameters that carry credentials besides the secret-looking names SECRET_KEY finds. */
const URL_SECRET_PARAMS = new Set(['key', 'sig', 'code', 'jwt', 'header', 'x-amz-signature', 'x-amz-credential']);
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;
// `#`, `[` and spaces cannot stand in a userinfo, so its marker differs from the others.
const USERINFO_MARKER = /^redacted-[0-9a-f]{4}$/;

function decodeParam(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function redactParam(name: string, raw: string): string {
  const value = decodeParam(raw);
  if (value === undefined) return encodeURIComponent(`[redacted #${hashTag(raw)}]`);
  if (value === '' || isRedacted(value)) return raw;
  if (name === 'header') {
    // GraphQL-style connection auth: `?header=<base64 of the auth JSON>` (reference 2.1).
    const r = redactSubprotocol(AUTH_SUBPROTOCOL_PREFIX + value).slice(AUTH_SUBPROTOCOL_PREFIX.length);
    return encodeURIComponent(r);
  }
  return encodeURIComponent(fingerprint(value));
}

/** `a=1&api_key=…`: the value of every credential-looking parameter fingerprinted. */
function redactParams(params: string): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      // `api_key` and `api-key` alike.
      const name = (decodeParam(pair.slice(0, eq)) ?? '').toLowerCase().replace(/_/g, '-');
      if (!URL_SECRET_PARAMS.has(name) && !isSecretKey(name)) return pair;
      return `${pair.slice(0, eq)}=${redactParam(name, pair.slice(eq + 1))}`;
    })
    .join('&');
}

/**
 * A URL with its credentials redacted: the userinfo of `wss://user:password@host/…` becomes
 * `redacted-<tag>`, and the value of every credential-looking query parameter (`x-api-key`,
 * `header`, `token`, `X-Amz-Signature`, …) its fingerprint (for `header`, the redacted auth
 * JSON). The fragment's parameters too: a page's URL is where sign-in leaves its tokens
 * (OAuth's implicit grant: `#id_token=…&access_token=…`; a hash router's `#/callback?code=…`).
 * Worked on as text, not through `URL`: a URL without credentials is returned exactly as
 * given (no normalisation), and a redacted URL is returned unchanged (idempotent).
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return url;
  try {
    let out = url;
    const user = USERINFO.exec(out);
    if (user && !USERINFO_MARKER.test(user[2] ?? '')) {
      out = `${user[1]}redacted-${hashTag(user[2] ?? '')}@${out.slice(user[0].length)}`;
    }
    const hash = out.indexOf('#');
    let head = hash < 0 ? out : out.slice(0, hash);
    const q = head.indexOf('?');
    if (q >= 0) head = head.slice(0, q + 1) + redactParams(head.slice(q + 1));
    if (hash < 0) return head;
    const fragment = out.slice(hash + 1);
    const fq = fragment.indexOf('?');
    if (fq >= 0) return `${head}#${fragment.slice(0, fq + 1)}${redactParams(fragment.slice(fq + 1))}`;
    return `${head}#${fragment.includes('=') ? redactParams(fragment) : fragment}`;
  } catch {
    return '[redacted URL]';
  }
}
