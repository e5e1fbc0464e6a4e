// `POST /event` (reference 4) with CORS, so browser pages on any origin can publish.
//
// Request-level status codes are UNKNOWN upstream (reference 4, 11.7); our choices:
//   400 BadRequestException  body not JSON, bad channel, bad events, more than 5 events
//   401 UnauthorizedException missing or rejected credentials (AppSync GraphQL analogue)
//   403 <fault errorType>     fault-injected rejection, like an onPublish util.error (DOC)
//   404 ResourceNotFound      unknown namespace (the errorType Android maps to "Namespace not found")
//   405 / 413                 wrong method / body over the size limit (BadRequestException)
// Every error carries `{errors:[{errorType,message}]}` and an `x-amzn-ErrorType` header,
// which is what Amplify reads to name the error.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, isRecord } from '../protocol/json.ts';
import type { Authorizer } from './auth/index.ts';
import { lowerCaseHeaders } from './auth/index.ts';
import type { Broker } from './broker.ts';
import type { ResolvedConfig } from './config.ts';
import type { Faults } from './faults.ts';
import type { TrafficLog } from './log.ts';
import { UNAUTHORIZED, checkChannel, checkEventsShape, judgeEvents } from './publish.ts';

export interface HttpPublishContext {
  readonly config: ResolvedConfig;
  readonly authorizer: Authorizer;
  readonly broker: Broker;
  readonly log: TrafficLog;
  readonly faults: Faults;
}

const ALLOWED_HEADERS = [
  'content-type',
  'accept',
  'authorization',
  'content-encoding',
  'x-api-key',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-user-agent',
  'x-amz-content-sha256',
];

/**
 * CORS for every /event response; preflights may ask for any further x-amz-* header.
 * A browser request carries an Origin and may carry credentials (`credentials: 'include'`,
 * cookies of a custom domain): `*` is refused for those, so such requests get their own
 * Origin echoed with Allow-Credentials (and Vary: Origin for caches). Requests without an
 * Origin (curl, Node, server-side code) get `*`.
 */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = typeof req.headers.origin === 'string' && req.headers.origin !== '' ? req.headers.origin : undefined;
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.startsWith('x-amz-') && /^[a-z0-9-]+$/.test(h));
  return {
    ...(origin
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
      : { 'access-control-allow-origin': '*' }),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': [...new Set([...ALLOWED_HEADERS, ...requested])].join(', '),
    'access-control-expose-headers': 'x-amzn-ErrorType, x-amzn-RequestId',
    'access-control-max-age': '86400',
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function handleEventRequest(ctx: HttpPublishContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = req.url ?? '/event';
  const base = { ...corsHeaders(req), 'x-amzn-RequestId': randomUUID() };
  let bodyText: string | undefined;

  const reply = (status: number, body: unknown, errorType?: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...base,
      'content-type': 'application/json; charset=UTF-8',
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    res.end(text);
    ctx.log.add({ kind: 'http', method, path, status, ...(errorType ? { errorType } : {}), ...(bodyText ? { body: bodyText.slice(0, 2048) } : {}) });
  };
  const fail = (status: number, errorType: string, message: string): void =>
    reply(status, { errors: [{ errorType, message }] }, errorType);

  if (method === 'OPTIONS') {
    res.writeHead(204, base);
    res.end();
    ctx.log.add({ kind: 'http', method, path, status: 204 });
    return;
  }
  if (method !== 'POST') {
    res.setHeader('allow', 'POST, OPTIONS');
    return fail(405, 'BadRequestException', 'Only POST is supported on /event');
  }
  bodyText = await readBody(req, ctx.config.limits.maxMessageBytes);
  if (bodyText === undefined) return fail(413, 'BadRequestException', 'Request body is too large');
  const parsed = parseJson(bodyText);
  if (!parsed.ok || !isRecord(parsed.value)) return fail(400, 'BadRequestException', 'Request body must be a JSON object');
  const body = parsed.value;
  const ch = checkChannel(ctx.config, body['channel'], false);
  if (!ch.ok) return fail(ch.notFound ? 404 : 400, ch.error.errorType, ch.error.message);
  const shape = checkEventsShape(ctx.config, body['events']);
  if (!shape.ok) return fail(400, 'BadRequestException', shape.message);

  const headers = lowerCaseHeaders(req.headers as Record<string, unknown>);
  const url = new URL(path, 'http://emulator.invalid');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const decision = await ctx.authorizer.authorize({
    operation: 'publish',
    modes: ch.namespace.publishAuthModes,
    headers,
    channel: ch.channel,
    namespace: ch.namespace.name,
    signedRequest: () => ({ method, path: url.pathname, query, headers, body: bodyText ?? '' }),
  });
  ctx.log.add({ kind: 'auth', operation: 'publish', ...decision });
  if (!decision.ok) return fail(401, UNAUTHORIZED.errorType, UNAUTHORIZED.message);
  const rejection = ctx.faults.takePublishRejection();
  if (rejection) return fail(403, rejection.errorType, rejection.message);

  const verdict = judgeEvents(ctx.config, shape.events);
  // Partial and total per-event failure still answer 200 (reference 4, Android fixtures).
  reply(200, { failed: verdict.failed, successful: verdict.successful });
  ctx.broker.deliver(ch.channel, ch.namespace.name, verdict.accepted);
}
