// Frame-local rules for server messages: what a frame from the service (or an emulator,
// proxy or mock) gets wrong by itself, without any history.

import { utf8Length } from './base64.ts';
import type { DecodedFrame } from './decode.ts';
import { isRecord, parseJson } from './json.ts';
import { MAX_CONNECTION_LIFETIME_MS, MAX_EVENT_BYTES, OPERATION_ID_PATTERN } from './limits.ts';
import type { LintFinding } from './lint-rules.ts';

type Push = (f: LintFinding | undefined) => void;

/** Decoder problems reported here with more detail. */
export const SERVER_HANDLED_PROBLEMS = ['bad-results', 'timeout-out-of-range', 'graphql-error-shape'] as const;

/**
 * AppSync GraphQL real-time types (`graphql-ws`, reference 1): seeing one means the socket
 * speaks GraphQL, or a client mixed the two protocols up.
 */
const GRAPHQL_TYPES = new Set(['start', 'start_ack', 'stop', 'complete', 'connection_keep_alive']);

export function lintUnknownType(type: string): LintFinding {
  if (GRAPHQL_TYPES.has(type) || /^GQL_/.test(type)) {
    return {
      code: 'graphql-message',
      severity: 'error',
      message: `${JSON.stringify(type.slice(0, 64))} is an AppSync GraphQL real-time message, not an Events one (GraphQL uses subprotocol graphql-ws and path /graphql)`,
    };
  }
  return { code: 'unknown-type', severity: 'warning', message: `unknown message type ${JSON.stringify(type.slice(0, 64))}` };
}

const NO_ID_TYPES = new Set(['connection_ack', 'ka', 'connection_error']);

function frameObject(d: DecodedFrame): Record<string, unknown> | undefined {
  if (d.message) return d.message;
  if (d.raw === undefined) return undefined;
  const p = parseJson(d.raw);
  return p.ok && isRecord(p.value) ? p.value : undefined;
}

export function lintServerLocal(d: DecodedFrame, push: Push): void {
  lintServerId(d, push);
  if (d.problem?.code === 'graphql-error-shape') {
    push({ code: 'graphql-error-frame', severity: 'warning', message: `${d.type} carries its errors under "payload.errors", the AppSync GraphQL shape; Events frames have top-level "errors"` });
  }
  switch (d.type) {
    case 'connection_ack':
      lintAck(d, push);
      break;
    case 'data':
      lintData(d, push);
      break;
    case 'publish_success':
      lintResults(d, push);
      break;
  }
}

/**
 * The service echoes the client's id, so a server id outside the id rule means a mock, a
 * proxy or a client id the service should have refused. Frames that never carry an id
 * (reference 3.1) are told so gently.
 */
function lintServerId(d: DecodedFrame, push: Push): void {
  if (d.id === undefined) return;
  if (NO_ID_TYPES.has(d.type)) {
    push({ code: 'unexpected-id', severity: 'info', message: `${d.type} carries an "id"; the service sends none on this type` });
    return;
  }
  if (OPERATION_ID_PATTERN.test(d.id)) return;
  const shown = JSON.stringify(d.id.length > 64 ? d.id.slice(0, 61) + '...' : d.id);
  push({ code: 'server-invalid-id', severity: 'warning', message: `${d.type} has id ${shown}, which no valid operation can have (1-128 of letters, digits, "-", "_", "+"); it cannot be matched reliably` });
}

function lintAck(d: DecodedFrame, push: Push): void {
  const obj = frameObject(d);
  const ms = obj?.['connectionTimeoutMs'];
  if (d.problem?.code === 'timeout-out-of-range') {
    push({ code: 'timeout-out-of-range', severity: 'warning', message: `connectionTimeoutMs ${String(ms)} is not a whole number of ms between 1 and ${MAX_CONNECTION_LIFETIME_MS} (24 h); clients will misjudge keep-alive` });
    return;
  }
  if (ms === undefined && obj) {
    const payload = obj['payload'];
    if (isRecord(payload) && payload['connectionTimeoutMs'] !== undefined) {
      push({ code: 'timeout-in-payload', severity: 'warning', message: 'connectionTimeoutMs is under "payload" (the GraphQL place); Events sends it at the top level and most clients read it there' });
      return;
    }
    push({ code: 'ack-missing-timeout', severity: 'info', message: 'connection_ack has no connectionTimeoutMs; some clients (Android) require it' });
  }
}

function lintData(d: DecodedFrame, push: Push): void {
  if (d.event && d.problem?.code === 'event-not-string') {
    push({ code: 'event-not-string', severity: 'warning', message: 'data "event" is not a JSON string (the documented array form is not what the service sends)' });
  } else if (d.event && !d.event.ok) {
    push({ code: 'event-invalid-json', severity: 'warning', message: `data event is not valid JSON: ${d.event.error ?? ''}` });
  }
  const raw = d.event?.raw;
  if (raw !== undefined && raw.length > MAX_EVENT_BYTES / 3) {
    const bytes = utf8Length(raw);
    if (bytes > MAX_EVENT_BYTES) {
      push({ code: 'event-too-large', severity: 'warning', message: `data event is ${bytes} bytes; the service limit is ${MAX_EVENT_BYTES} (240 KB), so it should never have been delivered` });
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? 'a string' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Each malformed entry by place, then indexes answered twice (reference 3.3, 4). */
function lintResults(d: DecodedFrame, push: Push): void {
  // Amplify resolves publish() and drops these (reference 9.2), so they are easy to miss.
  for (const f of d.failed ?? []) {
    push({
      code: 'publish-failed-event',
      severity: 'warning',
      ...(f.index !== undefined ? { index: f.index } : {}),
      message: `event ${f.index ?? '?'} was not published: ${[f.code, f.message].filter(Boolean).join(': ') || 'no reason given'}`,
    });
  }
  const obj = frameObject(d);
  if (!obj) return;
  const problems: string[] = [];
  const seen = new Map<number, string>();
  const note = (list: string, i: number, index: unknown) => {
    if (!isIndex(index)) return;
    const prev = seen.get(index);
    if (prev !== undefined) problems.push(`event ${index} is answered twice (${prev} and ${list}[${i}])`);
    else seen.set(index, `${list}[${i}]`);
  };
  for (const list of ['successful', 'failed'] as const) {
    const entries = obj[list];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) {
      problems.push(`"${list}" is ${describe(entries)}, not a list`);
      continue;
    }
    entries.forEach((e: unknown, i) => {
      if (!isRecord(e)) return problems.push(`${list}[${i}] is ${describe(e)}, not an object`);
      const index = e['index'];
      if (!isIndex(index)) problems.push(`${list}[${i}].index is ${index === undefined ? 'missing' : JSON.stringify(index) ?? describe(index)}; expected a position in "events"`);
      const id = e['identifier'];
      if (list === 'successful' ? typeof id !== 'string' : id !== undefined && typeof id !== 'string') {
        problems.push(`${list}[${i}].identifier is ${id === undefined ? 'missing' : describe(id)}`);
      }
      note(list, i, index);
    });
  }
  for (const message of problems.slice(0, 10)) push({ code: 'bad-results', severity: 'error', message: `publish_success: ${message}` });
  if (problems.length > 10) push({ code: 'bad-results', severity: 'error', message: `publish_success: ${problems.length - 10} more malformed entries` });
}
