// What the detail pane shows for one stored frame: facts, the decoded value, the raw text,
// the bytes (hex, base64, UTF-8), the auth it carried (as stored: redacted unless the
// session keeps secrets; JWT claims decoded) and the findings of the stateless lint rules.
// Pure: plain values out, which the view renders as text.
import { base64UrlToBytes, utf8Decode, utf8Encode } from '../../../../src/protocol/base64.ts';
import { decodeJwt, detectAuthMode } from '../../../../src/protocol/auth.ts';
import { decodeAuthSubprotocol } from '../../../../src/protocol/auth-header.ts';
import { decodeFrame, decodeHttpPublish } from '../../../../src/protocol/decode.ts';
import { createLintContext, lintFrame, lintHttpPublish, type LintFinding } from '../../../../src/protocol/lint.ts';
import { FrameFlag, type StoredFrame } from '../../../../src/sessions/index.ts';
import { formatBytes } from './row-format.ts';

export interface AuthView {
  readonly where: string;
  readonly mode: string;
  readonly headers: Readonly<Record<string, unknown>>;
  /** Claims of a JWT found in `authorization`, when the stored value is still a JWT. */
  readonly jwt?: { readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> };
}

export interface BytesView {
  readonly size: number;
  /** Shown bytes; a binary frame keeps only its first bytes. */
  readonly shown: number;
  readonly hex: string;
  readonly base64: string;
  readonly utf8: string;
}

export interface FrameDetailModel {
  readonly facts: ReadonlyArray<readonly [string, string]>;
  /** The parsed message (undefined when the text is not JSON or there is no text). */
  readonly value?: unknown;
  readonly parseProblem?: string;
  readonly raw: string;
  readonly bytes?: BytesView;
  readonly auth: readonly AuthView[];
  readonly findings: readonly LintFinding[];
}

// Rules that need the connection's earlier frames; the traffic model judges those.
const NEEDS_HISTORY = new Set([
  'ack-missing-timeout',
  'data-unknown-subscription',
  'duplicate-connection-init',
  'duplicate-subscription-id',
  'missing-authorization',
  'no-operation-authorization',
  'too-many-subscriptions',
  'unsubscribe-before-ack',
  'unsubscribe-unknown-id',
]);

/** Bytes shown in the binary view at most (a hex dump of more helps nobody). */
const BYTES_SHOWN = 64 * 1024;
const PARSE_LIMIT = 8 * 1024 * 1024;

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function bytesOf(f: StoredFrame): BytesView | undefined {
  if (f.binary) {
    const std = f.binary.preview.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = base64UrlToBytes(f.binary.preview) ?? new Uint8Array();
    return { size: f.binary.size, shown: bytes.length, hex: hexDump(bytes), base64: std, utf8: utf8Decode(bytes) ?? '(not valid UTF-8)' };
  }
  if (f.text === undefined) return undefined;
  const all = utf8Encode(f.text.length > BYTES_SHOWN ? f.text.slice(0, BYTES_SHOWN) : f.text);
  const bytes = all.subarray(0, BYTES_SHOWN);
  return { size: f.size, shown: bytes.length, hex: hexDump(bytes), base64: toBase64(bytes), utf8: f.text.slice(0, BYTES_SHOWN) };
}

function authFrom(where: string, headers: unknown): AuthView | undefined {
  if (!headers || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  const h = headers as Record<string, unknown>;
  const authorization = Object.keys(h).find((k) => k.toLowerCase() === 'authorization');
  const value = authorization ? h[authorization] : undefined;
  const jwt = typeof value === 'string' ? decodeJwt(value) : undefined;
  return { where, mode: detectAuthMode(h), headers: h, ...(jwt ? { jwt } : {}) };
}

function authOf(f: StoredFrame, value: unknown): AuthView[] {
  const out: AuthView[] = [];
  if (value && typeof value === 'object') {
    const a = authFrom('the message’s authorization', (value as Record<string, unknown>)['authorization']);
    if (a) out.push(a);
    const p = authFrom('the message’s payload.headers', ((value as Record<string, unknown>)['payload'] as Record<string, unknown> | undefined)?.['headers']);
    if (p) out.push(p);
  }
  if (f.dir === 'http-request' && f.extra?.headers) {
    const a = authFrom('the request headers', f.extra.headers);
    if (a) out.push(a);
  }
  return out;
}

/** The auth header of a WebSocket, from its offered subprotocols (as stored). */
export function subprotocolAuth(protocols: readonly string[]): AuthView | undefined {
  for (const p of protocols) {
    const h = decodeAuthSubprotocol(p);
    if (h) return authFrom('the connection’s subprotocol', h);
  }
  return undefined;
}

/** The connection as the table names it, with the id it is stored under. */
function connectionFact(conn: string, label: string | undefined): string {
  if (conn.startsWith('http ')) return `HTTP ${conn.slice(5)}`;
  if (label === undefined) return conn;
  return /^\d+$/.test(label) ? `#${label} · socket ${conn}` : `${label} · ${conn}`;
}

/**
 * `label`: the connection's name in the session (connectionLabels); `openedBy`: the document
 * that opened it, when not the session's page (framesOf).
 */
export function frameDetail(f: StoredFrame, label?: string, openedBy?: string): FrameDetailModel {
  const facts: Array<[string, string]> = [
    ['Position', String(f.pos)],
    ['Time', new Date(f.t).toISOString()],
    ['Connection', connectionFact(f.conn, label)],
    ...(openedBy !== undefined ? [['Opened by', openedBy] as [string, string]] : []),
    ['Direction', f.dir],
  ];
  if (f.type) facts.push(['Type', f.type]);
  if (f.id) facts.push(['Id', f.id]);
  if (f.channel) facts.push(['Channel', f.channel]);
  if (f.dir === 'send' || f.dir === 'receive' || f.dir.startsWith('http')) facts.push(['Size', formatBytes(f.size)]);
  const x = f.extra;
  if (x?.method || x?.url) facts.push(['Request', `${x.method ?? ''} ${x.url ?? ''}`.trim()]);
  if (x?.status !== undefined) facts.push(['Status', x.status === 0 ? 'failed' : String(x.status)]);
  if (x?.duration !== undefined) facts.push(['Duration', `${Math.round(x.duration)} ms`]);
  if (x?.via) facts.push(['Seen by', x.via]);
  if (x?.code !== undefined) facts.push(['Close code', String(x.code)]);
  if (x?.reason) facts.push(['Reason', x.reason]);
  if (x?.wasClean !== undefined) facts.push(['Clean', x.wasClean ? 'yes' : 'no']);
  if (x?.error) facts.push(['Error', x.error]);
  if (f.flags & FrameFlag.truncated) facts.push(['Truncated', `kept ${f.text?.length ?? 0} of ${x?.length ?? '?'} characters`]);
  if (f.flags & FrameFlag.blocked) facts.push(['Blocked', f.dir === 'send' ? 'by a block rule: not sent, the server never got it' : 'by a block rule: none of the app\'s listeners saw it']);
  if (f.flags & FrameFlag.injected) {
    facts.push(['Origin', f.dir === 'send' ? "a block rule's replacement: sent in place of the app's message" : 'injected by DevTools: the app received it, the server never sent it']);
  }
  if (f.flags & FrameFlag.synthetic) facts.push(['Origin', 'dispatched on the socket by a page script (not a trusted event): the app received it, the server never sent it']);
  if (f.flags & FrameFlag.afterGap) facts.push(['Gap', 'records of this socket are missing right before this frame: lost by the capture, or not stored while recording was stopped']);

  const raw = f.text ?? '';
  let value: unknown;
  let parseProblem: string | undefined;
  const findings: LintFinding[] = [];
  if (f.text !== undefined && f.text.length <= PARSE_LIMIT) {
    try {
      value = JSON.parse(f.text);
    } catch (e) {
      parseProblem = e instanceof Error ? e.message : String(e);
    }
    if (f.dir === 'send' || f.dir === 'receive') {
      const decoded = decodeFrame(f.text, { direction: f.dir });
      if (decoded.problem) findings.push({ code: decoded.problem.code, severity: 'warning', message: decoded.problem.message });
      findings.push(...lintFrame(decoded, createLintContext()).filter((l) => !NEEDS_HISTORY.has(l.code)));
    } else if (f.dir === 'http-request') {
      findings.push(...lintHttpPublish(decodeHttpPublish(f.text), f.extra?.headers));
    }
  } else if (f.text !== undefined) parseProblem = `larger than ${formatBytes(PARSE_LIMIT)}; shown raw only`;
  if (f.binary) findings.push({ code: 'binary-frame', severity: 'warning', message: 'Binary frame: AppSync Events uses text frames only.' });
  const bytes = bytesOf(f);
  return {
    facts,
    ...(value !== undefined ? { value } : {}),
    ...(parseProblem !== undefined ? { parseProblem } : {}),
    raw,
    ...(bytes ? { bytes } : {}),
    auth: authOf(f, value),
    findings,
  };
}
